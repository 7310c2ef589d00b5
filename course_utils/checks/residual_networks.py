"""Public checks of notebook 12, residual networks (``identity_block``, ``convolutional_block``, ``ResNet50``).

Every check compares the learner's layers with the reference solution's, layer by layer, with
:mod:`course_utils.checks.keras_summary` (class, output shape, parameter count, kernel size,
strides, padding, ...; here also the class of each kernel initializer). The rows are put in a
*canonical order* first (:func:`canonical_summary`): Keras lists the layers of a functional model
by depth, and breaks ties by the order of the inputs of ``Add``, so ``Add()([X, X_shortcut])``
and ``Add()([X_shortcut, X])`` would list the shortcut's convolution before or after the main
path's last one. Both are right; sorting the layers of equal depth makes them compare equal.

The blocks are also run on small fixed inputs with fixed weights (a seeded uniform initializer,
:func:`check_initializer`), in inference mode (``training=False``: batch normalization uses its
moving averages, 0 and 1 for a new layer) and in training mode (``training=True``: the statistics
of the batch), and their outputs compared with the stored ones.

A difference in ``ResNet50`` is located in words ("stage 3, block 1, the convolutional block").
"""

from __future__ import annotations

import numpy as np

from ..errors import mark_done
from .core import (
    FAIL,
    PASS,
    Case,
    CheckFailed,
    NotAttempted,
    Report,
    _emit,
    _kind,
    call,
    compare,
    describe_exception,
    not_attempted_line,
)
from .expected import expected_for
from .keras_summary import _layer_names, compare_summaries, layer_summary
from .suite import Suite

__all__ = ["check_identity_block", "check_convolutional_block", "check_ResNet50"]

suite = Suite("12_residual_networks")

#: Identity blocks after the convolutional block of stages 2 to 5 of ResNet-50.
STAGE_IDENTITY_BLOCKS = (2, 3, 5, 2)


# --------------------------------------------------------------------------- #
# Summaries in a canonical order
# --------------------------------------------------------------------------- #

def check_initializer(seed=0):
    """The initializer factory the checks pass as ``initializer``: uniform in [-1, 1], seeded.

    Called as ``initializer(seed=0)``, like ``random_uniform`` and ``glorot_uniform``; the same
    seed and shape give the same weights on any machine.
    """
    import keras

    return keras.initializers.RandomUniform(-1.0, 1.0, seed=1200 + int(seed))


def _sort_key(row) -> tuple:
    return (row["params"], row["layer"], repr(row["output"]), repr(sorted(row["config"].items())))


def canonical_summary(model) -> tuple[list[dict], list[str]]:
    """``(rows, names)``: :func:`layer_summary` rows and layer names, layers of equal depth sorted by content.

    Each ``Conv2D`` and ``Dense`` row also says the class of its kernel initializer.
    """
    rows = layer_summary(model)
    names = _layer_names(model)
    layers = list(model.layers)
    for row, layer in zip(rows[len(rows) - len(layers):], layers):
        init = getattr(layer, "kernel_initializer", None)
        if init is not None and row["layer"] in {"Conv2D", "Dense"}:
            row["config"]["kernel_initializer"] = type(init).__name__
    by_depth = getattr(model, "_operations_by_depth", None)
    if not by_depth or len(rows) != len(layers):
        return rows, names
    index = {id(layer): i for i, layer in enumerate(layers)}
    order = []
    for depth in sorted(by_depth, reverse=True):
        members = [index[id(op)] for op in by_depth[depth] if id(op) in index]
        order += sorted(members, key=lambda i: (_sort_key(rows[i]), i))
    if sorted(order) != list(range(len(rows))):  # a layer used twice: keep Keras' order
        return rows, names
    return [rows[i] for i in order], [names[i] for i in order]


def _input_tensors(tensor) -> list:
    """The ``keras.Input`` tensors a symbolic tensor was computed from."""
    found, seen, stack = [], set(), [tensor]
    while stack:
        t = stack.pop()
        history = getattr(t, "_keras_history", None)
        if history is None:
            continue
        op = history[0]
        if type(op).__name__ == "InputLayer":
            if all(t is not f for f in found):
                found.append(t)
            continue
        if id(op) in seen:
            continue
        seen.add(id(op))
        node = op._inbound_nodes[history[1]]
        stack.extend(node.input_tensors)
    return found


def block_model(output):
    """The Keras model from the input to ``output``, the symbolic output of a block."""
    import keras

    inputs = _input_tensors(output)
    if len(inputs) != 1:
        raise CheckFailed(f"the output should come from the block's input X alone; found {len(inputs)} inputs.")
    return keras.Model(inputs[0], output)


def summarize(value):
    """What is stored and compared: the canonical rows for a model or a symbolic output, else the array."""
    import keras

    if isinstance(value, keras.Model):
        return canonical_summary(value)[0]
    if type(value).__name__ == "KerasTensor":
        return canonical_summary(block_model(value))[0]
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return value


# --------------------------------------------------------------------------- #
# Cases
# --------------------------------------------------------------------------- #

def _symbolic(shape):
    import keras

    return keras.Input(shape)


def _x(seed, shape):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


@suite.cases("identity_block")
def _():
    return [
        Case("the layers for X (None, 5, 5, 6), f = 3, filters [2, 3, 6]", (_symbolic((5, 5, 6)), 3, [2, 3, 6])),
        Case("X (3, 4, 4, 3), f = 2, filters [4, 4, 3], training=False", (_x(1201, (3, 4, 4, 3)), 2, [4, 4, 3]),
             {"training": False, "initializer": check_initializer}),
        Case("X (2, 5, 5, 4), f = 3, filters [3, 2, 4], training=True", (_x(1202, (2, 5, 5, 4)), 3, [3, 2, 4]),
             {"training": True, "initializer": check_initializer}),
    ]


@suite.cases("convolutional_block")
def _():
    return [
        Case("the layers for X (None, 6, 6, 3), f = 3, filters [2, 3, 5], s = 2",
             (_symbolic((6, 6, 3)), 3, [2, 3, 5]), {"s": 2}),
        Case("X (3, 5, 5, 3), f = 2, filters [2, 4, 6], s = 2, training=False", (_x(1203, (3, 5, 5, 3)), 2, [2, 4, 6]),
             {"s": 2, "training": False, "initializer": check_initializer}),
        Case("X (2, 4, 4, 2), f = 3, filters [3, 3, 4], s = 1, training=True", (_x(1204, (2, 4, 4, 2)), 3, [3, 3, 4]),
             {"s": 1, "training": True, "initializer": check_initializer}),
    ]


@suite.cases("ResNet50")
def _():
    return [Case("input_shape (64, 64, 3), 6 classes", ((64, 64, 3), 6)),
            Case("input_shape (64, 64, 1), 10 classes", (), {"input_shape": (64, 64, 1), "classes": 10})]


suite.summaries = {"identity_block": summarize, "convolutional_block": summarize, "ResNet50": summarize}


# --------------------------------------------------------------------------- #
# Locating a layer of ResNet-50 in words
# --------------------------------------------------------------------------- #

def resnet_regions(rows) -> list[str]:
    """For each row of a ResNet-50 summary: "the stem", "stage 3, block 1 (the convolutional block)", "the head"."""
    regions, stage, block, in_blocks = [], 0, 0, False
    blocks = [(s + 2, b) for s, n in enumerate(STAGE_IDENTITY_BLOCKS) for b in range(1, n + 2)]
    position, closing = 0, False
    for row in rows:
        if not in_blocks:
            regions.append("the stem")
            if row["layer"] == "MaxPooling2D":
                in_blocks = True
            continue
        if position >= len(blocks):
            regions.append("the head")
            continue
        stage, block = blocks[position]
        kind = "the convolutional block" if block == 1 else "an identity block"
        regions.append(f"stage {stage}, block {block} ({kind})")
        if row["layer"] == "Add":
            closing = True
        elif closing:  # the ReLU after the Add closes the block
            closing = False
            position += 1
    return regions


def _blocks_per_stage(rows) -> list[tuple[int, int]]:
    """``[(channels, blocks), ...]``: the residual blocks (Add layers) of each stage, in order."""
    counts: list[list[int]] = []
    for row in rows:
        if row["layer"] == "Add" and row["output"]:
            channels = row["output"][-1]
            if counts and counts[-1][0] == channels:
                counts[-1][1] += 1
            else:
                counts.append([channels, 1])
    return [tuple(c) for c in counts]


def _stage_note(got_rows, expected_rows) -> str | None:
    """A sentence on the first stage whose number of blocks differs, or None."""
    got, expected = _blocks_per_stage(got_rows), _blocks_per_stage(expected_rows)
    for stage, (g, e) in enumerate(zip(got, expected), start=2):
        if g != e:
            if g[0] != e[0]:
                return (f"stage {stage} should end with {e[0]} channels (filters F3 = {e[0]}); "
                        f"yours ends with {g[0]}.")
            return (f"stage {stage} has {g[1]} residual blocks; it should have {e[1]}: a convolutional block "
                    f"and {e[1] - 1} identity blocks.")
    if len(got) != len(expected):
        return f"your model has {len(got)} stages of residual blocks; ResNet-50 has {len(expected)} (stages 2 to 5)."
    return None


def _locate(message: str, regions: list[str]) -> str:
    import re

    found = re.search(r"\blayer (\d+)\b", message)
    if not found or int(found.group(1)) >= len(regions):
        return message
    return f"{message}\n    (layer {found.group(1)} is in {regions[int(found.group(1))]})"


# --------------------------------------------------------------------------- #
# Hints
# --------------------------------------------------------------------------- #

def _hint_for_layers(message: str) -> str | None:
    if "kernel_initializer" in message:
        return "give every Conv2D kernel_initializer=initializer(seed=0)."
    if "padding" in message:
        return "the first and last 1x1 convolutions use padding='valid', the middle f x f one padding='same'."
    if "strides" in message:
        return ("in a convolutional block, the first 1x1 convolution and the shortcut's 1x1 convolution have "
                "strides=(s, s); the others stride 1.")
    if "(Dense" in message and "expected the output" in message:
        return "the last layer has one unit per class: Dense(classes, ...), with the function's argument."
    if "axis" in message:
        return "normalize over the channels: BatchNormalization(axis=3)."
    if "seems to be missing" in message and "Add" in message:
        return "add the shortcut to the main path with Add()([X, X_shortcut]) before the last ReLU."
    return None


def _hint_for_values(got, expected, case) -> str | None:
    if got.shape == expected.shape and (got < -1e-6).any():
        return "the block ends with a ReLU after the Add: its output has no negative values."
    if case.kwargs.get("training") is True:
        return ("with training=True, batch normalization uses the statistics of the batch: call each "
                "BatchNormalization layer with training=training.")
    return "give every Conv2D kernel_initializer=initializer(seed=0), and check the order of the layers."


# --------------------------------------------------------------------------- #
# Running the checks
# --------------------------------------------------------------------------- #

#: Said when a block or the model has too many or too few layers of a class.
_COUNT_HINTS = {
    "Conv2D": "three convolutions on the main path, and one more on the shortcut of a convolutional block.",
    "BatchNormalization": "one BatchNormalization(axis=3) after every Conv2D, the shortcut's included.",
    "ReLU": "a ReLU after the first two batch normalizations, and one after the Add; none after the third.",
    "Add": "each block ends with one Add()([X, X_shortcut]) and a ReLU.",
    "AveragePooling2D": "the head is AveragePooling2D((2, 2)), Flatten() and the Dense softmax layer.",
    "Flatten": "the head is AveragePooling2D((2, 2)), Flatten() and the Dense softmax layer.",
    "Dense": "the head is AveragePooling2D((2, 2)), Flatten() and the Dense softmax layer.",
}


def _count_difference(rows, expected, what: str):
    """``(text, class)`` when the number of layers of some class differs, else None."""
    from collections import Counter

    got, want = Counter(r["layer"] for r in rows), Counter(r["layer"] for r in expected)
    for cls in list(want) + list(got):
        if got[cls] != want[cls]:
            plural = "s" if got[cls] != 1 else ""
            return f"the {what} has {got[cls]} {cls} layer{plural}; expected {want[cls]}.", cls
    return None


def _compare_layers(model, expected, label, regions=None) -> None:
    rows, names = canonical_summary(model)
    counted = _count_difference(rows, expected, "model" if regions else "block")
    if counted:
        text, cls = counted
        hint = (_stage_note(rows, expected) if regions else None) or _COUNT_HINTS.get(cls)
        raise CheckFailed(f"on {label}, {text}" + (f"\n    Hint: {hint}" if hint else ""))
    try:
        compare_summaries(rows, expected, names)
    except CheckFailed as failure:
        text = _locate(str(failure), regions) if regions else str(failure)
        hint = (_stage_note(rows, expected) if regions else None) or _hint_for_layers(text)
        raise CheckFailed(f"on {label}, {text}" + (f"\n    Hint: {hint}" if hint else "")) from None


def _call_symbolic(fn, case, name):
    """Call ``fn`` on a case whose input is a fresh ``keras.Input`` (nothing to copy, nothing it could change)."""
    try:
        return fn(*case.args, **case.kwargs)
    except NotImplementedError as exc:
        raise NotAttempted() from exc
    except Exception as exc:  # the learner's own error
        text = f"`{name}` raised an error on {case.label}:\n    {describe_exception(exc)}"
        hint = _hint_for_error(text, name)
        raise CheckFailed(text + (f"\n    Hint: {hint}" if hint else "")) from None


def _hint_for_error(text: str, name: str) -> str | None:
    if "incompatible shapes" in text or "Inputs have incompatible" in text:
        if name == "identity_block":
            return ("the main path must keep the shape of X: stride 1 everywhere, padding='same' for the f x f "
                    "convolution, 'valid' for the 1x1 ones, and F3 filters in the last one.")
        return ("both paths must end with the same shape: give the shortcut a 1x1 convolution with F3 filters and "
                "strides=(s, s), like the first convolution of the main path.")
    return None


def _check_block(fn, name: str, verbose: bool) -> Report:
    report = Report(name)
    if not callable(fn):
        report.status = "failed"
        report.lines.append(f"{FAIL} {name}: expected a function, got {_kind(fn)}. "
                            f"Pass the function itself: check_{name}({name}).")
        _emit(report, verbose)
        return report
    cases, expected = suite.case_makers[name](), expected_for(suite.notebook, name)
    try:
        for case, exp in zip(cases, expected):
            symbolic = type(case.args[0]).__name__ == "KerasTensor"
            out = _call_symbolic(fn, case, name) if symbolic else call(fn, case, name)
            if symbolic:
                if type(out).__name__ != "KerasTensor":
                    raise CheckFailed(f"on {case.label}: `{name}` should return the output tensor of its last layer; "
                                      f"got {_kind(out)}.")
                _compare_layers(block_model(out), exp, case.label)
            else:
                if not hasattr(out, "numpy") and not isinstance(out, np.ndarray):
                    raise CheckFailed(f"on {case.label}: `{name}` should return a tensor; got {_kind(out)}.")
                got = np.asarray(out.numpy() if hasattr(out, "numpy") else out, dtype=np.float64)
                try:
                    compare(got, exp.astype(np.float64), f"the output on {case.label}", atol=1e-4, rtol=1e-4)
                except CheckFailed as failure:
                    hint = _hint_for_values(got, exp, case)
                    raise CheckFailed(f"{failure}" + (f"\n    Hint: {hint}" if hint else "")) from None
            report.lines.append(f"{PASS} {name}: {case.label}")
    except NotAttempted:
        report.status, report.lines = "not attempted", [not_attempted_line(name)]
    except CheckFailed as failure:
        report.status = "failed"
        report.lines.append(f"{FAIL} {name}: {failure}")
    if report.passed:
        report.lines.append(f"{PASS} {name}: all {len(cases)} checks passed.")
        mark_done(name)
    _emit(report, verbose)
    return report


def _check_model(fn, name: str, verbose: bool) -> Report:
    import keras

    report = Report(name)
    if not callable(fn):
        report.status = "failed"
        report.lines.append(f"{FAIL} {name}: expected a function, got {_kind(fn)}. "
                            f"Pass the function itself: check_{name}({name}).")
        _emit(report, verbose)
        return report
    cases, expected = suite.case_makers[name](), expected_for(suite.notebook, name)
    first = None
    try:
        for i, (case, exp) in enumerate(zip(cases, expected)):
            model = call(fn, case, name)
            if not isinstance(model, keras.Model):
                raise CheckFailed(f"on {case.label}: `{name}` should return a keras.Model "
                                  f"(keras.Model(inputs=X_input, outputs=X)); got {_kind(model)}.")
            rows = canonical_summary(model)[0]
            if i > 0 and first is not None and rows == first:
                raise CheckFailed(f"`{name}` builds the same model on {case.label} as on {cases[0].label}: use "
                                  "the arguments input_shape and classes instead of fixed numbers.")
            _compare_layers(model, exp, case.label, resnet_regions(exp))
            if i == 0:
                first = rows
            report.lines.append(f"{PASS} {name}: {case.label}")
    except NotAttempted:
        report.status, report.lines = "not attempted", [not_attempted_line(name)]
    except CheckFailed as failure:
        report.status = "failed"
        report.lines.append(f"{FAIL} {name}: {failure}")
    if report.passed:
        total = sum(r["params"] for r in expected[0])
        report.lines.append(f"{PASS} {name}: all {len(cases)} checks passed ({len(expected[0]) - 1} layers after "
                            f"the input, {total:,} parameters for 6 classes).")
        mark_done(name)
    _emit(report, verbose)
    return report


def check_identity_block(fn, verbose: bool = True) -> Report:
    """Check your `identity_block`: its layers, then its output on fixed inputs and weights.

    Usage: check_identity_block(identity_block)
    """
    return _check_block(fn, "identity_block", verbose)


def check_convolutional_block(fn, verbose: bool = True) -> Report:
    """Check your `convolutional_block`: its layers, then its output on fixed inputs and weights.

    Usage: check_convolutional_block(convolutional_block)
    """
    return _check_block(fn, "convolutional_block", verbose)


def check_ResNet50(fn, verbose: bool = True) -> Report:
    """Check the model your `ResNet50` builds, layer by layer, for two input shapes and numbers of classes.

    Usage: check_ResNet50(ResNet50)
    """
    return _check_model(fn, "ResNet50", verbose)


suite.checks.update({"identity_block": check_identity_block, "convolutional_block": check_convolutional_block,
                     "ResNet50": check_ResNet50})
