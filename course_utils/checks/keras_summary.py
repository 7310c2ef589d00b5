"""Compare the structure of a Keras 3 model with a reference, layer by layer, in words.

Introduced in notebook 11 (Keras: the Happy House, ``HappyModel`` and
``convolutional_model``); meant for every notebook whose learner builds a
Keras model (notebook 12's ``ResNet50`` and its blocks, ...).

A model is summarised by :func:`layer_summary` as a list of rows, one per
layer in the order of ``model.layers``, each a dict::

    {"layer": "Conv2D",                  # the class name
     "output": (None, 64, 64, 32),       # layer.output.shape (Keras 3 has no output_shape)
     "params": 4736,                     # layer.count_params(), trainable and not
     "config": {"kernel_size": (7, 7), "strides": (1, 1), "padding": "valid", "activation": "linear"}}

``config`` keeps only the settings that change what a layer computes and
that the output shape and the parameter count may not reveal (see
:data:`CONFIG_KEYS`): padding, strides, kernel and pool sizes, activation,
batch-normalisation axis, dropout rate. Equivalent spellings give the same
row, so that a learner is not failed for a style choice:

- a ``keras.Sequential`` model and the functional model with the same layers
  (the Sequential one gets the ``InputLayer`` row a functional model has);
- ``layers.ReLU()`` and ``layers.Activation("relu")`` (both ``ReLU``);
- ``BatchNormalization(axis=-1)`` and ``axis=3`` on images (the axis is
  counted from the front);
- ``padding=3`` and ``padding=((3, 3), (3, 3))``, ``strides=1`` and ``(1, 1)``
  (Keras' own config normalises these).

Layer names are left out: Keras numbers automatic names per session
(``re_lu_3``), so they would make stored values depend on what ran before.
:func:`compare_summaries` still quotes the learner's layer names in its
messages, which helps find the layer in the code.

:func:`compare_summaries` raises :class:`~course_utils.checks.core.CheckFailed`
naming the first difference, numbering layers as ``model.layers`` does in a
functional model (layer 0 is the input)::

    layer 3: expected BatchNormalization with output (None, 64, 64, 32), got ReLU (`re_lu`) with output
    (None, 64, 64, 32). A BatchNormalization layer seems to be missing just before it.

A check built on it (stored expected rows computed from the notebook's own
solution, as for every check; see :mod:`course_utils.checks.expected`)::

    suite = Suite("12_residual_networks")

    @suite.cases("ResNet50")
    def _():
        return [Case("input_shape (64, 64, 3), 6 classes", ((64, 64, 3), 6))]

    suite.summaries = {"ResNet50": layer_summary}       # what is stored and compared
    check_ResNet50 = model_check(suite, "ResNet50")      # check_ResNet50(ResNet50) in the notebook

Keras is imported only when a model is summarised.
"""

from __future__ import annotations

from ..errors import mark_done
from .core import FAIL, PASS, CheckFailed, NotAttempted, Report, _emit, _kind, call, not_attempted_line
from .expected import expected_for

__all__ = ["CONFIG_KEYS", "layer_summary", "format_row", "format_summary", "compare_summaries", "run_model_check",
           "model_check"]

#: The settings kept in a row's ``config``, when a layer has them.
CONFIG_KEYS = ("kernel_size", "strides", "padding", "dilation_rate", "pool_size", "activation", "axis", "rate",
               "cropping", "size")


# --------------------------------------------------------------------------- #
# Summarising a model
# --------------------------------------------------------------------------- #

def _is_model(obj) -> bool:
    try:
        import keras
    except ImportError:  # pragma: no cover
        return False
    return isinstance(obj, keras.Model)


def _plain(value):
    """Lists become tuples (JSON round trips and Keras configs disagree on which they use)."""
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    return value


def _shape(tensor) -> tuple:
    return tuple(None if d is None else int(d) for d in tensor.shape)


def _activation_name(layer, config) -> str:
    value = config.get("activation")
    if isinstance(value, str):
        return value
    fn = getattr(layer, "activation", None)
    return getattr(fn, "__name__", str(value))


def _row(layer, input_rank: int | None) -> dict:
    config = layer.get_config()
    kind = type(layer).__name__
    kept = {}
    for key in CONFIG_KEYS:
        if key not in config:
            continue
        if key == "activation":
            kept[key] = _activation_name(layer, config)
        elif key == "axis" and isinstance(config[key], int) and input_rank and config[key] < 0:
            kept[key] = config[key] % input_rank
        elif key == "axis" and isinstance(config[key], (list, tuple)) and input_rank:
            kept[key] = tuple(a % input_rank for a in config[key])
        else:
            kept[key] = _plain(config[key])
    if kind == "Activation" and kept.get("activation") == "relu":
        kind, kept = "ReLU", {}
    if kind == "ReLU":  # a plain ReLU: max_value None, negative_slope 0, threshold 0
        extra = {k: config.get(k) for k in ("max_value", "negative_slope", "threshold")}
        kept = {k: v for k, v in extra.items() if v not in (None, 0, 0.0)}
    try:
        output = _shape(layer.output)
    except (AttributeError, ValueError):  # a layer used more than once, or not connected
        output = None
    return {"layer": kind, "output": output, "params": int(layer.count_params()), "config": kept}


def layer_summary(model) -> list[dict]:
    """One row per layer of ``model``: class, output shape, parameter count, key settings (see the module).

    A Sequential model gets the ``InputLayer`` row its functional twin has, so
    both spellings give the same list. Raises :class:`CheckFailed` (in words)
    when ``model`` is not a Keras model or was never built.
    """
    if not _is_model(model):
        raise CheckFailed(_not_a_model(model))
    try:
        inputs = list(model.inputs)
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise CheckFailed("the model has no input yet, so its layers have no shapes: start it with "
                          "`keras.Input(shape=input_shape)` (first in the list of a Sequential model, or "
                          "as the input of a functional one).")
    rows = []
    layers = list(model.layers)
    if not any(type(layer).__name__ == "InputLayer" for layer in layers):
        rows = [{"layer": "InputLayer", "output": _shape(t), "params": 0, "config": {}} for t in inputs]
    for layer in layers:
        rank = None
        try:
            rank = len(layer.input.shape)
        except (AttributeError, ValueError):
            pass
        rows.append(_row(layer, rank))
    return rows


def _not_a_model(obj) -> str:
    kind = type(obj).__name__
    if "KerasTensor" in kind:
        return ("the function returned a tensor (the output of the last layer), not a model: build the model with "
                "`keras.Model(inputs=..., outputs=...)` and return it.")
    if isinstance(obj, (list, tuple)) and any(hasattr(x, "get_config") or "KerasTensor" in type(x).__name__
                                              for x in obj):
        return "the function returned a list of layers: wrap them in `keras.Sequential([...])` and return the model."
    return (f"the function should return a Keras model (`keras.Sequential([...])` or `keras.Model(inputs, outputs)`); "
            f"got {_kind(obj)}.")


# --------------------------------------------------------------------------- #
# Text
# --------------------------------------------------------------------------- #

def _fmt_value(value) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def format_row(row: dict) -> str:
    """``Conv2D, output (None, 64, 64, 32), 4736 parameters, kernel_size (7, 7), padding 'valid', ...``."""
    parts = [row["layer"], f"output {row['output']}", f"{row['params']} parameters"]
    parts += [f"{k} {_fmt_value(v)}" for k, v in row["config"].items()]
    return ", ".join(parts)


def format_summary(rows) -> str:
    """One numbered line per row (layer 0 is the input)."""
    return "\n".join(f"{i:3d}  {format_row(row)}" for i, row in enumerate(rows))


# --------------------------------------------------------------------------- #
# Comparing
# --------------------------------------------------------------------------- #

def _name(names, i) -> str:
    if names is None or i >= len(names) or not names[i]:
        return ""
    return f" (`{names[i]}`)"


def _label(i, row, names) -> str:
    """``layer 2 (Conv2D `conv0`)``."""
    name = names[i] if names is not None and i < len(names) and names[i] else ""
    return f"layer {i} ({row['layer']}" + (f" `{name}`)" if name else ")")


def _classes(rows) -> list:
    return [r["layer"] for r in rows]


def compare_summaries(got: list[dict], expected: list[dict], names: list[str] | None = None) -> None:
    """Raise :class:`CheckFailed` naming the first layer of ``got`` that differs from ``expected``.

    Rows are compared in order: the class, then each setting of ``config``
    (the cause, when a kernel size is wrong, more often than its effect), the
    output shape and the number of parameters. ``names`` (the learner's
    layer names, aligned with ``got``) only make the messages easier to act on.
    When a layer is missing or one too many, the message says so.
    """
    got, expected = [_plain_row(r) for r in got], [_plain_row(r) for r in expected]
    for i, (g, e) in enumerate(zip(got, expected)):
        where = "the input" if i == 0 and e["layer"] == "InputLayer" else f"layer {i}"
        if g["layer"] != e["layer"]:
            if e["layer"] == "InputLayer":
                raise CheckFailed(f"{where}: expected an InputLayer with the shape {e['output']}, got {g['layer']}.")
            text = (f"{where}: expected {e['layer']} with output {e['output']}, got {g['layer']}{_name(names, i)} "
                    f"with output {g['output']}.")
            raise CheckFailed(text + _misalignment(got, expected, i, names, same_class=False))
        label = f"{where}{_name(names, i)}" if where == "the input" else _label(i, g, names)
        problem = None
        for key, value in e["config"].items():
            if key not in g["config"]:
                problem = f"expected {key} {_fmt_value(value)}, but the layer has no {key}."
            elif g["config"][key] != value:
                problem = f"expected {key} {_fmt_value(value)}, got {_fmt_value(g['config'][key])}."
            if problem:
                break
        extra = [k for k in g["config"] if k not in e["config"]]
        if problem is None and extra:
            problem = f"unexpected setting {extra[0]} {_fmt_value(g['config'][extra[0]])}."
        if problem is None and g["output"] != e["output"]:
            noun = "shape" if where == "the input" else "output"
            problem = f"expected the {noun} {e['output']}, got {g['output']}."
        if problem is None and g["params"] != e["params"]:
            problem = f"expected {e['params']} parameters, got {g['params']}."
        if problem is not None:
            raise CheckFailed(f"{label}: {problem}" + _misalignment(got, expected, i, names, same_class=True))
    if len(got) < len(expected):
        i = len(got)
        missing = expected[i]
        raise CheckFailed(f"the model has {len(got) - 1} layers after the input; expected {len(expected) - 1}: "
                          f"layer {i} should be {missing['layer']} with output {missing['output']}.")
    if len(got) > len(expected):
        i = len(expected)
        raise CheckFailed(f"the model has {len(got) - 1} layers after the input; expected {len(expected) - 1}: "
                          f"{_label(i, got[i], names)} with output {got[i]['output']} is one too many.")


def _alike(a: dict, b: dict) -> bool:
    """Same class, settings and output shape (the parameters may differ after a shift: a Dense layer's input)."""
    return a["layer"] == b["layer"] and a["config"] == b["config"] and a["output"] == b["output"]


def _all_alike(a: list, b: list) -> bool:
    return len(a) == len(b) and all(_alike(x, y) for x, y in zip(a, b))


def _misalignment(got, expected, i, names, same_class: bool) -> str:
    """A sentence when layer ``i`` of ``got`` is one too many, or one of ``expected`` is missing there."""
    if _all_alike(got[i + 1:], expected[i:]) or (not same_class and len(got) > len(expected)
                                                 and got[i + 1]["layer"] == expected[i]["layer"]):
        return f" This {got[i]['layer']} layer seems to be one too many."
    if _all_alike(got[i:], expected[i + 1:]) or (not same_class and len(got) < len(expected)
                                                 and got[i]["layer"] == expected[i + 1]["layer"]):
        return f" A {expected[i]['layer']} layer seems to be missing just before it."
    if (not same_class and i + 1 < min(len(got), len(expected)) and got[i]["layer"] == expected[i + 1]["layer"]
            and got[i + 1]["layer"] == expected[i]["layer"]):
        return (f" This layer and the next seem to be swapped: {expected[i]['layer']} comes before "
                f"{expected[i + 1]['layer']}.")
    if not same_class and _classes(got[i:]) == _classes(expected[i + 1:]):
        return f" A {expected[i]['layer']} layer seems to be missing just before it."
    if not same_class and _classes(got[i + 1:]) == _classes(expected[i:]):
        return f" This {got[i]['layer']} layer seems to be one too many."
    return ""


def _plain_row(row: dict) -> dict:
    return {"layer": row["layer"], "output": _plain(row["output"]), "params": int(row["params"]),
            "config": {k: _plain(v) for k, v in dict(row["config"]).items()}}


def _layer_names(model) -> list[str]:
    names = [] if any(type(layer).__name__ == "InputLayer" for layer in model.layers) else [""] * len(model.inputs)
    return names + [layer.name for layer in model.layers]


# --------------------------------------------------------------------------- #
# A check for a function that builds a model
# --------------------------------------------------------------------------- #

def run_model_check(fn, name: str, cases: list, expected: list, verbose: bool = True) -> Report:
    """Call ``fn`` on each case (arguments of the model-building function) and compare the layer summaries.

    Prints one line per case and a summary line, like every check. Fails when
    ``fn`` returns something else than a Keras model, when a layer differs
    from the stored ``expected`` rows (see :func:`compare_summaries`), or when
    a later case gives the first case's model although its arguments differ
    (a hard-coded input shape).
    """
    report = Report(name)
    if not callable(fn):
        report.status = "failed"
        report.lines.append(f"{FAIL} {name}: expected a function, got {_kind(fn)}. "
                            f"Pass the function itself: check_{name}({name}).")
        _emit(report, verbose)
        return report
    first = None
    for i, (case, exp) in enumerate(zip(cases, expected)):
        try:
            model = call(fn, case, name)
            try:
                rows = layer_summary(model)
            except CheckFailed as failure:
                raise CheckFailed(f"on {case.label}: {failure}") from None
            try:
                compare_summaries(rows, exp, _layer_names(model))
            except CheckFailed as failure:
                if i > 0 and first is not None and _same_rows(rows, first) and not _same_rows(exp, expected[0]):
                    raise CheckFailed(f"`{name}` builds the same model on {case.label} as on {cases[0].label}: "
                                      "use the function's arguments (the input shape) instead of fixed "
                                      "numbers.") from None
                raise CheckFailed(f"on {case.label}, {failure}") from None
            if i == 0:
                first = rows
        except NotAttempted:
            report.status = "not attempted"
            report.lines = [not_attempted_line(name)]
            _emit(report, verbose)
            return report
        except CheckFailed as failure:
            report.status = "failed"
            report.lines.append(f"{FAIL} {name}: {failure}")
            _emit(report, verbose)
            return report
        report.lines.append(f"{PASS} {name}: {case.label}")
    report.lines.append(f"{PASS} {name}: all {len(cases)} checks passed.")
    mark_done(name)
    _emit(report, verbose)
    return report


def _same_rows(a, b) -> bool:
    return [_plain_row(r) for r in a] == [_plain_row(r) for r in b]


def model_check(suite, name: str):
    """Build ``check_<name>(fn, verbose=True)`` for a function of ``suite`` that returns a Keras model.

    The suite stores :func:`layer_summary` rows as the expected values: set
    ``suite.summaries[name] = layer_summary`` (``python -m course_utils
    expected NN_topic`` then stores the reference model's rows).
    """
    if name not in suite.case_makers:
        raise KeyError(f"no cases registered for {name!r}")
    label = suite.function_names.get(name, name)

    def check_fn(fn, verbose: bool = True) -> Report:
        return run_model_check(fn, label, suite.case_makers[name](), expected_for(suite.notebook, name),
                               verbose=verbose)

    check_fn.__name__ = f"check_{name}"
    check_fn.__qualname__ = check_fn.__name__
    check_fn.__doc__ = (f"Check the model your `{label}` builds, layer by layer, and print the first difference.\n\n"
                        f"Usage: check_{name}({label})")
    suite.checks[name] = check_fn
    return check_fn
