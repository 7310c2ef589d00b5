"""A progress bar for long training loops that leaves one clean line in a saved notebook.

Introduced in notebook 08 (optimization methods), whose given ``model`` trains
for thousands of epochs. :func:`progress` wraps ``tqdm.auto``:

- in a Jupyter kernel tqdm draws an ipywidgets bar; when the loop ends the bar
  is replaced (through its display id) by one line of text, e.g.
  ``adam: 5000/5000 epochs, cost 0.1342``, without timings. A saved notebook
  then shows what happened, identically from run to run, instead of a widget
  that needs a live kernel;
- elsewhere (a terminal, a script, a test) it is tqdm's text bar on stderr.

Usage::

    epochs = progress(range(num_epochs), desc="adam", unit="epochs")
    for i in epochs:
        ...
        epochs.set_postfix_str(f"cost {cost:.4f}")
"""

from __future__ import annotations

__all__ = ["progress", "Progress"]

BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit}{postfix}"


class Progress:
    """Iterate over it like the wrapped iterable; see :func:`progress`."""

    def __init__(self, iterable, desc: str, total: int | None = None, unit: str = "it", disable: bool = False):
        from tqdm.auto import tqdm
        from tqdm.notebook import tqdm as notebook_tqdm

        if total is None:
            try:
                total = len(iterable)
            except TypeError:
                total = None
        self.desc, self.unit, self.total = str(desc), str(unit), total
        self.postfix = ""
        self.summary: str | None = None  # the final line, once closed
        self._handle = None
        notebook = issubclass(tqdm, notebook_tqdm)  # tqdm.auto picked the ipywidgets bar: we are in Jupyter
        kwargs = dict(desc=self.desc, total=total, unit=self.unit, disable=disable, bar_format=BAR_FORMAT)
        if notebook and not disable:
            from IPython.display import display

            self._bar = tqdm(iterable, display=False, **kwargs)
            self._handle = display(self._bar.container, display_id=True)
        else:
            self._bar = tqdm(iterable, **kwargs)

    @property
    def n(self) -> int:
        """Number of iterations done so far."""
        return self._bar.n

    def set_postfix_str(self, text: str) -> None:
        """Text shown after the counts (e.g. the latest cost); kept in the final line."""
        self.postfix = str(text)
        self._bar.set_postfix_str(self.postfix, refresh=False)

    def __iter__(self):
        yield from self._bar
        self.close()

    def close(self) -> str:
        """Finish the bar (called at the end of the loop); returns the final line."""
        if self.summary is None:
            self._bar.set_postfix_str(self.postfix, refresh=False)
            self._bar.close()
            total = "" if self.total is None else f"/{self.total}"
            self.summary = f"{self.desc}: {self._bar.n}{total} {self.unit}" + (
                f", {self.postfix}" if self.postfix else "")
            if self._handle is not None:
                self._handle.update({"text/plain": self.summary}, raw=True)
                self._bar.container.close()  # its widgets are no longer shown anywhere
        return self.summary


def progress(iterable, desc: str, total: int | None = None, unit: str = "it", disable: bool = False) -> Progress:
    """Wrap ``iterable`` in a progress bar titled ``desc``, counting ``unit`` (see the module's docstring).

    ``disable=True`` shows nothing (the loop runs unchanged). The bar closes
    itself when the loop ends; a loop left early (``break``, an error) leaves
    the bar as it was.
    """
    return Progress(iterable, desc, total=total, unit=unit, disable=disable)
