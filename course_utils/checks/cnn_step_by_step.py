"""Public checks of notebook 10, a convolutional network step by step (NumPy).

The cases are small random arrays from seeded generators, small enough for
the learner's loops to run in milliseconds. The backward checks use random
caches and random upstream gradients (they need not come from a real forward
pass), so no check contains a solution. Windows are drawn from continuous
distributions: no window has a tie for its maximum.

When a check fails, one hint line names the mistake where it can. Most come
from comparing the learner's output with the *stored* expected outputs in a
way that identifies the mistake: a stride-2 output that equals the top-left
corner of the stride-1 output of the same input (the window's corner was not
multiplied by the stride), a max-pooling output equal to the stored average,
a convolution off by exactly its bias, a shape that one of the usual wrong
output-size formulas gives. The others come from the error message (a float
size, a window that ran past the edge, a broadcast into the unpadded
``dA_prev``).

A function that calls an earlier exercise (``conv_forward`` calls
``zero_pad`` and ``conv_single_step``, ``conv_backward`` calls ``zero_pad``,
``pool_backward`` calls ``create_mask_from_window`` and ``distribute_value``)
is reported as "cannot be checked yet" while that exercise is unfinished,
and a failure adds a note when the learner's own helper does not pass its
check.
"""

from __future__ import annotations

import functools
import math
import re
import traceback

import numpy as np

from .core import FAIL, TODO, Case, Report, _snapshot
from .expected import expected_for
from .suite import Suite

suite = Suite("10_cnn_step_by_step")

#: The earlier exercises each function calls (looked up among its global names).
HELPERS = {
    "conv_forward": ("zero_pad", "conv_single_step"),
    "conv_backward": ("zero_pad",),
    "pool_backward": ("create_mask_from_window", "distribute_value"),
}

_OUTPUT_NAMES = {
    "conv_forward": ("Z", "cache"),
    "pool_forward": ("A", "cache"),
    "conv_backward": ("dA_prev", "dW", "db"),
}


# --------------------------------------------------------------------------- #
# Cases
# --------------------------------------------------------------------------- #

def _bias(rng, n_C):
    """Biases far enough from 0 that forgetting one shows."""
    return (rng.uniform(0.5, 1.5, size=(1, 1, 1, n_C)) * rng.choice([-1.0, 1.0], size=(1, 1, 1, n_C)))


@suite.cases("zero_pad")
def _():
    rng = np.random.default_rng(1001)
    return [Case("a batch of shape (2, 3, 3, 2), pad = 1", (rng.normal(size=(2, 3, 3, 2)), 1)),
            Case("a batch of shape (1, 2, 4, 3), pad = 2", (rng.normal(size=(1, 2, 4, 3)), 2))]


@suite.cases("conv_single_step")
def _():
    rng = np.random.default_rng(1002)
    a1, W1, b1 = rng.normal(size=(3, 3, 2)), rng.normal(size=(3, 3, 2)), _bias(rng, 1)[0]
    a2, W2, b2 = rng.normal(size=(2, 2, 3)), rng.normal(size=(2, 2, 3)), _bias(rng, 1)[0]
    return [Case("a 3 x 3 x 2 slice", (a1, W1, b1)), Case("a 2 x 2 x 3 slice", (a2, W2, b2))]


def _conv_inputs(rng, A_shape, f, n_C, scale=0.5):
    A = rng.normal(size=A_shape)
    W = rng.normal(size=(f, f, A_shape[3], n_C)) * scale
    return A, W, _bias(rng, n_C)


@suite.cases("conv_forward")
def _():
    rng = np.random.default_rng(1003)
    A1, W1, b1 = _conv_inputs(rng, (2, 6, 8, 3), 3, 4)
    A3, W3, b3 = _conv_inputs(rng, (1, 7, 5, 2), 5, 3, scale=0.3)
    return [Case("A_prev (2, 6, 8, 3), 4 filters 3 x 3, pad 1, stride 1", (A1, W1, b1, {"pad": 1, "stride": 1})),
            Case("the same A_prev and filters with pad 1, stride 2", (A1, W1, b1, {"pad": 1, "stride": 2})),
            Case("A_prev (1, 7, 5, 2), 3 filters 5 x 5, pad 2, stride 3", (A3, W3, b3, {"pad": 2, "stride": 3}))]


@suite.cases("pool_forward")
def _():
    rng = np.random.default_rng(1004)
    A1, A2 = rng.normal(size=(2, 5, 5, 3)), rng.normal(size=(1, 7, 6, 2))
    return [Case("max pooling of (2, 5, 5, 3), f = 3, stride 1", (A1, {"f": 3, "stride": 1}, "max")),
            Case("average pooling of the same input, f = 3, stride 1", (A1, {"f": 3, "stride": 1}, "average")),
            Case("max pooling of the same input, f = 3, stride 2", (A1, {"f": 3, "stride": 2}), {"mode": "max"}),
            Case("average pooling of (1, 7, 6, 2), f = 2, stride 2", (A2, {"f": 2, "stride": 2}),
                 {"mode": "average"})]


@suite.cases("conv_backward")
def _():
    rng = np.random.default_rng(1005)
    out = []
    for A_shape, f, n_C, pad, stride, label in [
            ((2, 4, 4, 3), 3, 2, 1, 1, "A_prev (2, 4, 4, 3), 2 filters 3 x 3, pad 1, stride 1"),
            ((1, 5, 6, 2), 3, 3, 1, 2, "A_prev (1, 5, 6, 2), 3 filters 3 x 3, pad 1, stride 2"),
            ((2, 5, 5, 2), 2, 2, 0, 1, "A_prev (2, 5, 5, 2), 2 filters 2 x 2, pad 0, stride 1")]:
        A, W, b = _conv_inputs(rng, A_shape, f, n_C)
        n_H = (A_shape[1] + 2 * pad - f) // stride + 1
        n_W = (A_shape[2] + 2 * pad - f) // stride + 1
        dZ = rng.normal(size=(A_shape[0], n_H, n_W, n_C))
        out.append(Case(label, (dZ, (A, W, b, {"pad": pad, "stride": stride}))))
    return out


@suite.cases("create_mask_from_window")
def _():
    rng = np.random.default_rng(1006)
    return [Case("a 2 x 3 window", (rng.normal(size=(2, 3)),)),
            Case("a 3 x 3 window of negative numbers", (-rng.uniform(0.5, 3.0, size=(3, 3)),))]


@suite.cases("distribute_value")
def _():
    return [Case("dz = 2 over a 2 x 3 window", (2.0, (2, 3))),
            Case("dz = -1.5 over a 4 x 3 window", (-1.5, (4, 3)))]


@suite.cases("pool_backward")
def _():
    rng = np.random.default_rng(1008)
    A1, dA1 = rng.normal(size=(2, 4, 4, 2)), rng.normal(size=(2, 2, 2, 2))
    A2, dA2 = rng.normal(size=(1, 5, 5, 2)), rng.normal(size=(1, 3, 3, 2))
    hp1, hp2 = {"f": 2, "stride": 2}, {"f": 3, "stride": 1}
    return [Case("max, A_prev (2, 4, 4, 2), f = 2, stride 2", (dA1, (A1, hp1), "max")),
            Case("average, the same input, f = 2, stride 2", (dA1, (A1, hp1), "average")),
            Case("max, A_prev (1, 5, 5, 2), f = 3, stride 1 (overlapping windows)", (dA2, (A2, hp2)),
                 {"mode": "max"}),
            Case("average, the same input, f = 3, stride 1 (overlapping windows)", (dA2, (A2, hp2)),
                 {"mode": "average"})]


# --------------------------------------------------------------------------- #
# Small tools
# --------------------------------------------------------------------------- #

def _close(a, b, rtol=1e-6, atol=1e-9) -> bool:
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _shape(x):
    return x.shape if isinstance(x, np.ndarray) else None


def _first(x):
    """The first item of a (Z, cache)-style tuple, or x itself."""
    return x[0] if isinstance(x, (tuple, list)) and x else x


def _runs(fn, name):
    """(index, case, expected, output) for each case on which the learner's function returns."""
    cases, expected = suite.case_makers[name](), expected_for(suite.notebook, name)
    for i, (case, exp) in enumerate(zip(cases, expected)):
        try:
            got = fn(*_snapshot(case.args), **_snapshot(case.kwargs))
        except Exception:
            continue
        yield i, case, exp, got


def _failed_case(report: Report, name: str) -> int:
    """The index of the case a failing report is about (the label named first in its failure)."""
    cases = suite.case_makers[name]()
    failing = [i for i, line in enumerate(report.lines) if line.startswith(FAIL)]
    text = "\n".join(report.lines[failing[0]:]) if failing else report.text
    found = [(text.find(case.label), i) for i, case in enumerate(cases) if case.label in text]
    return min(found)[1] if found else 0


def _hparam(case: Case, key: str):
    for arg in case.args:
        if isinstance(arg, dict) and key in arg:
            return arg[key]
        if isinstance(arg, tuple) and arg and isinstance(arg[-1], dict) and key in arg[-1]:
            return arg[-1][key]
    return None


# --------------------------------------------------------------------------- #
# Diagnoses: (name, fn, report) -> a hint line, or None
# --------------------------------------------------------------------------- #

def _diagnose_zero_pad(fn, report):
    for _, case, exp, got in _runs(fn, "zero_pad"):
        X, pad = case.args
        if not isinstance(got, np.ndarray):
            return None
        if got.shape == exp.shape and _close(got, exp):
            continue
        m, n_H, n_W, n_C = X.shape
        if got.ndim != 4:
            return "keep the 4 axes (m, n_H, n_W, n_C): only their lengths change."
        if got.shape[0] != m or got.shape[3] != n_C:
            return ("pad only the height and the width (axes 1 and 2): the examples (axis 0) and the channels "
                    "(axis 3) get (0, 0), as in np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), ...).")
        if got.shape[1:3] == (n_H + pad, n_W + pad):
            return "add `pad` rows and columns on BOTH sides: (pad, pad) for axes 1 and 2, not (0, pad)."
        if got.shape[1] == n_H or got.shape[2] == n_W:
            return "pad both the height (axis 1) and the width (axis 2)."
        if got.shape != exp.shape:
            return f"each of the two padded axes grows by 2 * pad: the output has shape {exp.shape}."
        middle = got[:, pad:pad + n_H, pad:pad + n_W, :]
        border = got.copy()
        border[:, pad:pad + n_H, pad:pad + n_W, :] = 0
        if np.any(border != 0):
            return "the new rows and columns must hold zeros: mode=\"constant\", constant_values=(0, 0)."
        if not _close(middle, X):
            return "the middle of X_pad must be X itself, unchanged."
    return None


def _diagnose_conv_single_step(fn, report):
    if "only 0-dimensional arrays" in report.text or "only length-1 arrays" in report.text:
        return ("b has axes (shape (1, 1, 1)), so float(b) raises an error in NumPy 2: use b.item(), "
                "the number it holds.")
    if "not aligned" in report.text or "matmul" in report.text:
        return "multiply a_slice_prev and W element by element with *, not with np.dot or @, then np.sum."
    for _, case, exp, got in _runs(fn, "conv_single_step"):
        a, W, b = case.args
        if isinstance(got, np.ndarray) and got.ndim > 0:
            if got.shape == a.shape:
                return "add up all the products with np.sum(a_slice_prev * W): Z is one number."
            if got.size == 1:
                return ("b is an array of shape (1, 1, 1), and adding it turns Z into one too: add the number "
                        "b.item() instead (in NumPy 2, float(b) raises an error for an array with axes).")
            return None
        try:
            value = float(got)
        except (TypeError, ValueError):
            return None
        bias = float(b.reshape(-1)[0])
        if math.isclose(value, exp, rel_tol=1e-6, abs_tol=1e-9):
            continue
        if math.isclose(value, exp - bias, rel_tol=1e-6, abs_tol=1e-9):
            return "add the bias: Z = np.sum(a_slice_prev * W) + b.item()."
        if math.isclose(value, exp - 2 * bias, rel_tol=1e-6, abs_tol=1e-9):
            return "add the bias b once, not subtract it."
        return ("Z = np.sum(a_slice_prev * W) + b.item(): multiply element by element (*, not np.dot), "
                "add up every entry, then add the bias.")
    return None


def _size_formulas(n_prev, f, pad, stride):
    """The output sizes the usual wrong formulas give, by name."""
    span = n_prev + 2 * pad - f
    return {
        "the stride is missing: divide by the stride, ⌊(n_prev + 2·pad − f) / stride⌋ + 1":
            span + 1,
        "round down, not up: ⌊(n_prev + 2·pad − f) / stride⌋ + 1 (the // operator floors)":
            math.ceil(span / stride) + 1,
        "round down, not to the nearest integer: ⌊(n_prev + 2·pad − f) / stride⌋ + 1 (use //, not round)":
            round(span / stride) + 1,
        "count the padding on both sides: n_prev + 2·pad, then ⌊(n_prev + 2·pad − f) / stride⌋ + 1":
            (n_prev + pad - f) // stride + 1,
        "the padding is missing from the size: ⌊(n_prev + 2·pad − f) / stride⌋ + 1":
            (n_prev - f) // stride + 1,
        "add 1 (the first window): ⌊(n_prev + 2·pad − f) / stride⌋ + 1":
            span // stride,
    }


def _size_hint(got_shape, case_shape, f, pad, stride, exp_shape):
    """A hint naming the wrong size formula that gives ``got_shape``, or None."""
    if got_shape is None or len(got_shape) != 4 or tuple(got_shape[1:3]) == tuple(exp_shape[1:3]):
        return None
    heights = _size_formulas(case_shape[1], f, pad, stride)
    widths = _size_formulas(case_shape[2], f, pad, stride)
    for formula in heights:
        if tuple(got_shape[1:3]) == (heights[formula], widths[formula]):
            return f"n_H and n_W: {formula}."
    return "n_H = ⌊(n_H_prev + 2·pad − f) / stride⌋ + 1 and n_W alike: (n_H_prev + 2 * pad - f) // stride + 1."


def _subsample(exp1, rows, cols, stride_rows, stride_cols):
    """The entries of a stride-1 output a learner gets when only some window corners use the stride."""
    h = np.arange(rows) * stride_rows
    w = np.arange(cols) * stride_cols
    if h.max() >= exp1.shape[1] or w.max() >= exp1.shape[2]:
        return None
    return exp1[:, h][:, :, w]


def _stride_hint(got, exp, exp_stride1, stride):
    """A hint when a strided output matches the stride-1 output at the wrong corners."""
    if not isinstance(got, np.ndarray) or got.shape != exp.shape:
        return None
    rows, cols = exp.shape[1:3]
    for sr, sc, text in [(1, 1, "vert_start = h * stride and horiz_start = w * stride: both corners move by the "
                                "stride, not by 1."),
                         (1, stride, "vert_start = h * stride: the window moves down by the stride, not by 1."),
                         (stride, 1, "horiz_start = w * stride: the window moves right by the stride, not by 1.")]:
        candidate = _subsample(exp_stride1, rows, cols, sr, sc)
        if candidate is not None and _close(got, candidate):
            return text
    return None


def _diagnose_conv_forward(fn, report):
    text = report.text
    if "cannot be interpreted as an integer" in text or "'float' object" in text:
        return ("n_H and n_W must be integers: floor the division with //, "
                "n_H = (n_H_prev + 2 * pad - f) // stride + 1.")
    if "could not be broadcast" in text or "operands could not be" in text:
        return ("a window ran past the edge of the padded input: check n_H = (n_H_prev + 2 * pad - f) // stride + 1, "
                "vert_start = h * stride, vert_end = vert_start + f (and the same for the width), and slice "
                "a_prev_pad, the padded example.")
    runs = {i: (case, exp, got) for i, case, exp, got in _runs(fn, "conv_forward")}
    for i, (case, exp, got) in runs.items():
        A, W, b, hp = case.args
        Z, Z_exp = _first(got), exp[0]
        hint = _size_hint(_shape(Z), A.shape, W.shape[0], hp["pad"], hp["stride"], Z_exp.shape)
        if hint:
            return hint
        if _close(Z, Z_exp):
            continue
        if isinstance(Z, np.ndarray) and Z.shape == Z_exp.shape:
            if _close(Z, Z_exp - b):
                return "add each filter's bias: conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])."
            if i == 1 and 0 in runs:
                hint = _stride_hint(Z, Z_exp, runs[0][1][0], hp["stride"])
                if hint:
                    return hint
            return ("Z[i, h, w, c] = conv_single_step(a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :], "
                    "W[:, :, :, c], b[:, :, :, c]), with vert_start = h * stride and horiz_start = w * stride.")
    return None


def _diagnose_pool_forward(fn, report):
    expected = expected_for(suite.notebook, "pool_forward")
    for i, case, exp, got in _runs(fn, "pool_forward"):
        mode = case.args[2] if len(case.args) > 2 else case.kwargs.get("mode", "max")
        A, A_exp = _first(got), exp[0]
        if _close(A, A_exp):
            continue
        shape = _shape(A)
        if shape is not None and len(shape) == 4 and shape[3] != A_exp.shape[3]:
            return ("pool each channel separately: the output has as many channels as A_prev "
                    "(n_C = n_C_prev), one value per (i, h, w, c).")
        if shape != A_exp.shape:
            return None
        windows = {"max": np.max, "average": np.mean}
        if _close(A, np.broadcast_to(windows[mode](A_exp, axis=3, keepdims=True), A_exp.shape)):
            return ("each channel is pooled on its own: take the slice A_prev[i, vert_start:vert_end, "
                    "horiz_start:horiz_end, c] of channel c, not all the channels at once.")
        if i in (0, 1):
            other = expected[1 - i][0]
            if _close(A, other):
                if mode == "max":
                    return 'mode "max" takes np.max of the window; np.mean is for mode "average".'
                return 'mode "average" takes np.mean of the window; np.max is for mode "max".'
        if i == 2:
            hint = _stride_hint(A, A_exp, expected[0][0], _hparam(case, "stride"))
            if hint:
                return hint
        return (f"A[i, h, w, c] = np.{'max' if mode == 'max' else 'mean'}(A_prev[i, vert_start:vert_end, "
                "horiz_start:horiz_end, c]) with vert_start = h * stride, vert_end = vert_start + f "
                "(and the same for the width).")
    return None


def _diagnose_conv_backward(fn, report):
    text = report.text
    index = _failed_case(report, "conv_backward")
    case = suite.case_makers["conv_backward"]()[index]
    pad = _hparam(case, "pad")
    if "could not broadcast input array from shape" in text:
        if pad == 0 and re.search(r"from shape \(0,", text):
            return ("with pad = 0, da_prev_pad[pad:-pad, ...] is empty (-0 is 0): remove the padding with "
                    "da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :], which works for every pad.")
        return ("dA_prev has the shape of A_prev, without padding: crop it, dA_prev[i, :, :, :] = "
                "da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :].")
    if "could not be broadcast" in text:
        return ("a window ran past the edge: vert_start = h * stride, vert_end = vert_start + f (and the same for "
                "the width), slicing a_prev_pad and da_prev_pad, the padded arrays.")
    first_passed = False
    for i, case, exp, got in _runs(fn, "conv_backward"):
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            return None
        if all(_close(g, e) for g, e in zip(got, exp)):
            first_passed = first_passed or i == 0
            continue
        if first_passed and case.args[1][3]["stride"] > 1 and all(_shape(g) == e.shape for g, e in zip(got, exp)) \
                and _close(got[2], exp[2]):
            return ("right with stride 1, wrong with stride 2: the window of output (h, w) starts at "
                    "vert_start = h * stride, horiz_start = w * stride, in all three contributions.")
        dZ, (A, W, b, hp) = case.args
        pad = hp["pad"]
        dA, dW, db = got
        dA_exp, dW_exp, db_exp = exp
        m, n_H_prev, n_W_prev, n_C_prev = A.shape
        if _shape(dA) is not None and _shape(dA) != dA_exp.shape:
            if _shape(dA) == (m, n_H_prev + 2 * pad, n_W_prev + 2 * pad, n_C_prev):
                return ("dA_prev has the shape of A_prev: cut the padding off, dA_prev[i, :, :, :] = "
                        "da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :].")
            if pad == 0 and 0 in _shape(dA):
                return ("with pad = 0, [pad:-pad] is an empty slice (-0 is 0): use "
                        "da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :].")
            return None
        if _shape(db) is not None and _shape(db) != db_exp.shape:
            return ("db has the shape of b, (1, 1, 1, n_C): one sum per filter, over the examples, rows and columns, "
                    "e.g. np.sum(dZ, axis=(0, 1, 2), keepdims=True).")
        if _shape(db) == db_exp.shape and not _close(db, db_exp):
            if _close(db, np.full(db_exp.shape, dZ.sum())):
                return ("db[:, :, :, c] sums dZ[:, :, :, c] only, the gradients of filter c: sum over the examples, "
                        "rows and columns (axes 0, 1, 2), not over the channels.")
            return ("db[:, :, :, c] is the sum of dZ[i, h, w, c] over every example i, row h and column w: "
                    "np.sum(dZ, axis=(0, 1, 2), keepdims=True).")
        if _shape(dW) == dW_exp.shape and not _close(dW, dW_exp):
            return ("dW[:, :, :, c] += a_slice * dZ[i, h, w, c], with a_slice the window of a_prev_pad (the PADDED "
                    "example) at vert_start = h * stride, horiz_start = w * stride.")
        if _shape(dA) == dA_exp.shape and not _close(dA, dA_exp):
            return ("da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += W[:, :, :, c] * dZ[i, h, w, c] "
                    "(add, since windows overlap), then crop: dA_prev[i] = da_prev_pad[pad:pad + n_H_prev, "
                    "pad:pad + n_W_prev, :].")
    return None


def _diagnose_create_mask(fn, report):
    for _, case, exp, got in _runs(fn, "create_mask_from_window"):
        (x,) = case.args
        if not isinstance(got, np.ndarray) or got.shape != x.shape:
            return "return an array of x's shape (a mask), x == np.max(x), not the maximum or its index."
        if got.dtype != bool:
            values = np.unique(got)
            if np.isin(values, (0, 1)).all():
                return "return the comparison itself, x == np.max(x): a boolean mask (dtype bool), not 0s and 1s."
            return "return the boolean mask x == np.max(x) itself, not x multiplied by it."
        count = int(got.sum())
        if count == 0:
            return "no entry is True: compare x with its maximum, x == np.max(x)."
        if count > 1:
            return ("exactly one entry should be True, where the whole window is largest: np.max(x) with no axis "
                    f"(your mask has {count} True entries).")
        if got[np.unravel_index(np.argmin(x), x.shape)]:
            return "True goes to the maximum of the window (np.max), not to its minimum."
        if not np.array_equal(got, exp):
            return "True goes where x equals its maximum: x == np.max(x)."
    return None


def _diagnose_distribute_value(fn, report):
    for _, case, exp, got in _runs(fn, "distribute_value"):
        dz, shape = case.args
        n_H, n_W = shape
        if not isinstance(got, np.ndarray):
            return ("return an array of the window's shape, every entry dz / (n_H * n_W): "
                    "np.ones(shape) * average.")
        if got.shape != exp.shape:
            if got.shape == (n_W, n_H):
                return "the array has shape (n_H, n_W), the `shape` given: np.ones(shape)."
            return "return an array of the given shape (n_H, n_W), e.g. np.ones(shape) * average."
        if _close(got, exp):
            continue
        values = np.unique(np.round(np.asarray(got, dtype=float), 12))
        if values.size == 1:
            ratio = float(values[0]) / float(exp.flat[0])
            for factor, hint in [
                    (n_H * n_W, "divide dz by the number of entries of the window, n_H * n_W: the entries share "
                                "dz equally, so they must add up to dz."),
                    (n_W, "divide by n_H * n_W, not by n_H alone."),
                    (n_H, "divide by n_H * n_W, not by n_W alone."),
                    (n_W * n_W, "write dz / (n_H * n_W) with parentheses: dz / n_H * n_W multiplies by n_W."),
                    (n_H * n_H, "write dz / (n_H * n_W) with parentheses.")]:
                if math.isclose(ratio, factor, rel_tol=1e-9):
                    return hint
        return "every entry is dz / (n_H * n_W): average = dz / (n_H * n_W), then np.ones(shape) * average."
    return None


def _diagnose_pool_backward(fn, report):
    expected = expected_for(suite.notebook, "pool_backward")
    results = {i: (case, exp, got) for i, case, exp, got in _runs(fn, "pool_backward")}
    good = {i for i, (_, exp, got) in results.items() if _close(got, exp)}
    for i, (case, exp, got) in results.items():
        if i in good:
            continue
        mode = case.args[2] if len(case.args) > 2 else case.kwargs.get("mode", "max")
        if _shape(got) != exp.shape:
            return "dA_prev has the shape of A_prev (the cache's first item): np.zeros(A_prev.shape), then add."
        partner = i + 1 if i % 2 == 0 else i - 1
        if _close(got, expected[partner]):
            if mode == "max":
                return ('mode "max" routes each gradient through the mask of its window (create_mask_from_window); '
                        'distribute_value is for mode "average".')
            return 'mode "average" shares each gradient out with distribute_value; the mask is for mode "max".'
        if i >= 2 and {0, 1} <= good:
            return ("windows overlap here (stride 1 < f = 3): add each window's contribution with +=, "
                    "so that a pixel covered by several windows gets all of their gradients.")
        if mode == "max":
            return ("dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += mask * dA[i, h, w, c], with "
                    "mask = create_mask_from_window(a_prev[vert_start:vert_end, horiz_start:horiz_end, c]).")
        return ("dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += "
                "distribute_value(dA[i, h, w, c], (f, f)).")
    return None


_DIAGNOSES = {
    "zero_pad": _diagnose_zero_pad,
    "conv_single_step": _diagnose_conv_single_step,
    "conv_forward": _diagnose_conv_forward,
    "pool_forward": _diagnose_pool_forward,
    "conv_backward": _diagnose_conv_backward,
    "create_mask_from_window": _diagnose_create_mask,
    "distribute_value": _diagnose_distribute_value,
    "pool_backward": _diagnose_pool_backward,
}


def diagnose(name: str, fn, report: Report) -> str | None:
    """The hint line for a failed check of ``name``, or None (a diagnosis never raises)."""
    try:
        return _DIAGNOSES[name](fn, report)
    except Exception:
        return None


# --------------------------------------------------------------------------- #
# Earlier exercises the function calls
# --------------------------------------------------------------------------- #

def _unfinished_helper(fn, name: str) -> str | None:
    """The earlier exercise (a helper in ``fn``'s namespace) that raised NotImplementedError inside ``fn``."""
    namespace = getattr(fn, "__globals__", None)
    if not isinstance(namespace, dict):
        return None
    codes = {getattr(namespace.get(helper), "__code__", None): helper for helper in HELPERS.get(name, ())}
    for case in suite.case_makers[name]():  # pool_backward calls distribute_value only in mode "average"
        try:
            fn(*_snapshot(case.args), **_snapshot(case.kwargs))
        except NotImplementedError as exc:
            for frame, _ in traceback.walk_tb(exc.__traceback__):
                if frame.f_code in codes:
                    return codes[frame.f_code]
        except Exception:
            continue
    return None


def _failing_helpers(fn, name: str) -> list[str]:
    """The learner's helpers that ``fn`` refers to and that do not pass their own checks."""
    namespace = getattr(fn, "__globals__", None)
    code = getattr(fn, "__code__", None)
    if not isinstance(namespace, dict) or code is None:
        return []
    failing = []
    for helper in HELPERS.get(name, ()):
        if helper in code.co_names and callable(namespace.get(helper)):
            report = CHECKS[helper](namespace[helper], verbose=False)
            if report.status == "failed":
                failing.append(helper)
    return failing


def _emit(report: Report, verbose: bool) -> Report:
    if verbose:
        print(report.text, flush=True)
    return report


def _with_hints(name: str):
    plain = suite.check(name)

    @functools.wraps(plain)
    def checked(fn, verbose: bool = True) -> Report:
        report = plain(fn, verbose=False)
        if report.status == "not attempted" and callable(fn):
            helper = _unfinished_helper(fn, name)
            if helper:
                report.lines = [f"{TODO} {name}: cannot be checked yet: it calls `{helper}`, which is not attempted "
                                "yet. Finish that exercise first."]
        elif report.status == "failed" and callable(fn):
            hint = diagnose(name, fn, report)
            if hint and hint.startswith("mode "):  # both modes give the same numbers: not a hard-coded answer
                report.lines = [re.sub(r"returns the same answer on (.*) as on (.*), though the inputs differ: "
                                       r"is the answer hard-coded\?", r"gives the same output on \1 as on \2.",
                                       line) for line in report.lines]
            index_note = _output_index_note(name, report.text)
            if index_note:
                report.lines.append(f"    {index_note}")
            if hint:
                report.lines.append(f"    Hint: {hint}")
            for helper in _failing_helpers(fn, name):
                report.lines.append(f"    Note: it calls your `{helper}`, which does not pass its check yet: run "
                                    f"check_{helper}({helper}) and fix it first.")
        return _emit(report, verbose)

    checked.__name__ = checked.__qualname__ = f"check_{name}"
    return checked


def _output_index_note(name: str, text: str) -> str | None:
    names = _OUTPUT_NAMES.get(name)
    match = re.search(r"the output on [^\n]*?\)?\[(\d+)\]", text)
    if names and match and int(match.group(1)) < len(names):
        i = int(match.group(1))
        return f"(output [{i}] is `{names[i]}`; {name} returns ({', '.join(names)}).)"
    return None


check_zero_pad = _with_hints("zero_pad")
check_conv_single_step = _with_hints("conv_single_step")
check_conv_forward = _with_hints("conv_forward")
check_pool_forward = _with_hints("pool_forward")
check_conv_backward = _with_hints("conv_backward")
check_create_mask_from_window = _with_hints("create_mask_from_window")
check_distribute_value = _with_hints("distribute_value")
check_pool_backward = _with_hints("pool_backward")

CHECKS = {
    "zero_pad": check_zero_pad,
    "conv_single_step": check_conv_single_step,
    "conv_forward": check_conv_forward,
    "pool_forward": check_pool_forward,
    "conv_backward": check_conv_backward,
    "create_mask_from_window": check_create_mask_from_window,
    "distribute_value": check_distribute_value,
    "pool_backward": check_pool_backward,
}

__all__ = ["check_zero_pad", "check_conv_single_step", "check_conv_forward", "check_pool_forward",
           "check_conv_backward", "check_create_mask_from_window", "check_distribute_value",
           "check_pool_backward"]
