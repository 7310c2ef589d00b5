"""Interactive explorers (ipywidgets) shared by the notebooks.

Introduced in notebook 01 (learning rate vs cost curve). Each explorer is a
slider over a fixed list of values and an output area redrawn on change; the
work for each value is computed once and cached, so moving the slider again
is instant. The initial value is drawn when the cell runs, so an executed
notebook shows a plot even without a live kernel-side interaction.
"""

from __future__ import annotations

import time
from typing import Callable, Sequence


def slider_explorer(options: Sequence, render: Callable, description: str = "value", value=None,
                    compute: Callable | None = None):
    """A ``SelectionSlider`` over ``options`` that calls ``render(value, result)``.

    ``options`` is a list of values or of ``(label, value)`` pairs. When
    ``compute`` is given, ``result = compute(value)`` is cached per value;
    otherwise ``render(value, None)``. Returns the widget box (already displayed).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    options = list(options)
    if not options:
        raise ValueError("slider_explorer needs at least one option")
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    slider = widgets.SelectionSlider(options=options, value=values[0] if value is None else value,
                                     description=description, continuous_update=False,
                                     style={"description_width": "initial"},
                                     layout=widgets.Layout(width="420px"))
    out = widgets.Output()
    cache: dict = {}

    def result_for(v):
        if compute is None:
            return None
        key = repr(v)
        if key not in cache:
            cache[key] = compute(v)
        return cache[key]

    def update(change=None):
        # computed outside the Output widget: an unfinished exercise then fails in the cell with
        # its one-line message (course_utils.errors), not as a traceback inside the explorer
        result = result_for(slider.value)
        with out:
            out.clear_output(wait=True)
            render(slider.value, result)
            plt.show()

    slider.observe(update, names="value")
    box = widgets.VBox([slider, out])
    box.cache = cache  # for tests: what has been computed
    box.slider = slider
    box.output = out
    result_for(slider.value)  # the first result before the box appears: if it fails, no dead controls are left
    display(box)
    update()
    _let_widget_messages_pass()
    return box


def _control_for(name: str, options: Sequence, value=None):
    """A ``SelectionSlider`` over numbers, a ``Dropdown`` over anything else (labels or pairs)."""
    import ipywidgets as widgets

    values = [o[1] if isinstance(o, tuple) else o for o in options]
    if value is not None and value not in values:
        raise ValueError(f"the initial value {value!r} of {name!r} is not one of its options {values}")
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    cls = widgets.SelectionSlider if numeric else widgets.Dropdown
    return cls(options=list(options), value=values[0] if value is None else value, description=name, continuous_update=False,
               style={"description_width": "initial"}, layout=widgets.Layout(width="360px"))


def choice_explorer(controls, render: Callable, compute: Callable | None = None, precompute: bool = False,
                    initial: dict | None = None):
    """Several controls over fixed option lists, redrawn together on any change.

    Introduced in notebook 02 (hidden-layer size x dataset -> decision boundary).
    ``controls`` maps a name to its options (values or ``(label, value)`` pairs):
    numbers get a ``SelectionSlider``, anything else a ``Dropdown``. On every
    change ``render(values, result)`` draws into the output area, where
    ``values`` is ``{name: value}`` and ``result = compute(values)`` (cached per
    combination; ``None`` without ``compute``). ``precompute=True`` computes
    every combination before the first draw, so no later move waits.
    ``initial`` maps a control's name to its first value (default: its first option).
    Returns the widget box (already displayed), with ``.controls``, ``.cache``,
    ``.output`` and ``.update()``.
    """
    import itertools

    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    controls = {name: list(options) for name, options in dict(controls).items()}
    if not controls:
        raise ValueError("choice_explorer needs at least one control")
    for name, options in controls.items():
        if not options:
            raise ValueError(f"control {name!r} has no options")
    initial = dict(initial or {})
    unknown = [name for name in initial if name not in controls]
    if unknown:
        raise ValueError(f"initial values for unknown control(s) {unknown}; the controls are {list(controls)}")
    boxes = {name: _control_for(name, options, initial.get(name)) for name, options in controls.items()}
    out = widgets.Output()
    cache: dict = {}

    def result_for(values: dict):
        if compute is None:
            return None
        key = tuple(repr(values[name]) for name in controls)
        if key not in cache:
            cache[key] = compute(values)
        return cache[key]

    if precompute:
        value_lists = [[o[1] if isinstance(o, tuple) else o for o in options] for options in controls.values()]
        for combo in itertools.product(*value_lists):
            result_for(dict(zip(controls, combo)))

    def update(change=None):
        values = {name: box.value for name, box in boxes.items()}
        result = result_for(values)
        with out:
            out.clear_output(wait=True)
            render(values, result)
            plt.show()

    for box in boxes.values():
        box.observe(update, names="value")
    panel = widgets.VBox([widgets.HBox(list(boxes.values())), out])
    panel.controls = boxes
    panel.cache = cache
    panel.output = out
    panel.update = update
    result_for({name: box.value for name, box in boxes.items()})  # fails before the panel appears, if it fails
    display(panel)
    update()
    _let_widget_messages_pass()
    return panel


def _let_widget_messages_pass(seconds: float = 0.3) -> None:
    """Pause briefly after an Output widget captured a plot.

    A notebook runner (nbclient 0.11, used by ``course_utils execute`` and the
    round-trip tests) answers each output an Output widget captures with a
    message on the kernel's shell channel; when that coincides with the cell's
    execute_reply, the runner can miss the reply and wait for the whole cell
    timeout (jupyter/nbclient#312). Measured in notebook 08: about half the
    runs stalled on a busy machine without the pause, none of 10 with it.
    """
    time.sleep(seconds)
