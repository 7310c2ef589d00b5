"""The progress bar of long trainings: a plain tqdm bar outside Jupyter, one clean line left in a notebook."""

import IPython.display
import pytest
import tqdm.auto
import tqdm.notebook

from course_utils.progress import progress


def test_iterates_like_the_iterable_and_summarises(capsys):
    bar = progress(range(5), desc="adam", unit="epochs")
    seen = []
    for i in bar:
        seen.append(i)
        bar.set_postfix_str(f"cost {1 / (i + 1):.2f}")
    assert seen == [0, 1, 2, 3, 4] and bar.n == 5
    assert bar.summary == "adam: 5/5 epochs, cost 0.20"
    assert bar.close() == bar.summary  # closing twice is harmless
    assert capsys.readouterr().out == ""  # the text bar goes to stderr


def test_generator_without_length_and_disabled_bar(capsys):
    bar = progress((x for x in "abc"), desc="letters")
    assert list(bar) == ["a", "b", "c"] and bar.summary == "letters: 3 it"
    quiet = progress(range(3), desc="quiet", disable=True)
    assert list(quiet) == [0, 1, 2]
    assert "quiet" not in capsys.readouterr().err


class _Handle:
    def __init__(self, shown):
        self.shown, self.updates = shown, []

    def update(self, obj, raw=False):
        self.updates.append((obj, raw))


@pytest.fixture
def notebook_frontend(monkeypatch):
    """tqdm.auto as in a Jupyter kernel (the ipywidgets bar), with a recording display()."""
    handles = []

    def display(obj, display_id=False):
        assert display_id is True, "the bar must be displayed with a display id, to be replaced at the end"
        handles.append(_Handle(obj))
        return handles[-1]

    monkeypatch.setattr(tqdm.auto, "tqdm", tqdm.notebook.tqdm)
    monkeypatch.setattr(IPython.display, "display", display)
    return handles


def test_in_a_notebook_the_widget_is_replaced_by_one_line(notebook_frontend):
    bar = progress(range(3), desc="gd + schedule_lr_decay", unit="epochs")
    (handle,) = notebook_frontend
    assert handle.shown is bar._bar.container and handle.updates == []
    for _ in bar:
        bar.set_postfix_str("cost 0.5000")
    assert handle.updates == [({"text/plain": "gd + schedule_lr_decay: 3/3 epochs, cost 0.5000"}, True)]


def test_in_a_notebook_an_interrupted_loop_keeps_its_bar(notebook_frontend):
    bar = progress(range(10), desc="momentum", unit="epochs")
    with pytest.raises(RuntimeError):
        for i in bar:
            if i == 2:
                raise RuntimeError("learner's bug")
    assert notebook_frontend[0].updates == [] and bar.summary is None
