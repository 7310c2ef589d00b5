"""Public checks of notebook 16, a recurrent network and an LSTM step by step (NumPy).

The cases are small seeded random arrays with different sizes n_x, n_a, n_y
and m, so that a transposed weight or a product in the wrong order raises an
error instead of passing by chance. The backward checks start from caches of
the reference forward passes of :mod:`course_utils.nn.rnn` (the given helpers
of notebook 17), so that a cache is consistent, exactly what a correct forward
pass of the learner's would hand over; their expected outputs, like every
other, come from the source notebook's solutions.

The backward cases are chosen to locate mistakes: a sequence whose loss
reaches only the *last* hidden state (every earlier gradient must then come
through the recurrence), and, for the LSTM cell, a gradient arriving only
through ``a_next``, then only through ``c_next``, then both.

When a check fails, one hint line names the mistake where it can, mostly by
comparing the learner's output with a *wrong* formula applied to the stored
expected values (a hidden state without tanh, a sigmoid candidate, a cell
state that forgot a gate, a softmax over the wrong axis, a derivative of tanh
taken of a_next). A function that calls an earlier exercise
(``rnn_forward`` calls ``rnn_cell_forward``, and so on) is reported as
"cannot be checked yet" while that exercise is unfinished, and a failure adds
a note when the learner's own cell function does not pass its check.
"""

from __future__ import annotations

import functools
import re
import traceback

import numpy as np

from ..nn import rnn as reference
from .core import TODO, Case, Report, _snapshot
from .expected import expected_for
from .suite import Suite

suite = Suite("16_rnn_step_by_step")

#: The earlier exercise each function calls (looked up among its global names).
HELPERS = {"rnn_forward": ("rnn_cell_forward",), "lstm_forward": ("lstm_cell_forward",),
           "rnn_backward": ("rnn_cell_backward",), "lstm_backward": ("lstm_cell_backward",)}

_OUTPUT_NAMES = {
    "rnn_cell_forward": ("a_next", "yt_pred", "cache"),
    "rnn_forward": ("a", "y_pred", "caches"),
    "lstm_cell_forward": ("a_next", "c_next", "yt_pred", "cache"),
    "lstm_forward": ("a", "y", "c", "caches"),
}


# --------------------------------------------------------------------------- #
# Cases
# --------------------------------------------------------------------------- #

def _bias(rng, n):
    """Biases far enough from 0 that forgetting one shows."""
    return rng.uniform(0.3, 1.0, size=(n, 1)) * rng.choice([-1.0, 1.0], size=(n, 1))


def _rnn_params(rng, n_x, n_a, n_y, scale=0.6):
    return {"Wax": rng.normal(size=(n_a, n_x)) * scale, "Waa": rng.normal(size=(n_a, n_a)) * scale,
            "Wya": rng.normal(size=(n_y, n_a)) * scale, "ba": _bias(rng, n_a), "by": _bias(rng, n_y)}


def _lstm_params(rng, n_x, n_a, n_y, scale=0.6):
    params = {}
    for gate in "fico":
        params[f"W{gate}"] = rng.normal(size=(n_a, n_a + n_x)) * scale
        params[f"b{gate}"] = _bias(rng, n_a)
    params["Wy"] = rng.normal(size=(n_y, n_a)) * scale
    params["by"] = _bias(rng, n_y)
    return params


def _dims(n_x, n_a, n_y, m, T_x=None):
    text = f"n_x = {n_x}, n_a = {n_a}, n_y = {n_y}, m = {m}"
    return text + (f", T_x = {T_x}" if T_x else "")


@suite.cases("rnn_cell_forward")
def _():
    rng = np.random.default_rng(1601)
    out = []
    for n_x, n_a, n_y, m in [(3, 5, 2, 4), (4, 2, 3, 3)]:
        params = _rnn_params(rng, n_x, n_a, n_y)
        xt, a_prev = rng.normal(size=(n_x, m)), rng.normal(size=(n_a, m))
        out.append(Case(_dims(n_x, n_a, n_y, m), (xt, a_prev, params)))
    return out


@suite.cases("rnn_forward")
def _():
    rng = np.random.default_rng(1602)
    out = []
    for n_x, n_a, n_y, m, T_x in [(3, 5, 2, 4, 3), (2, 3, 4, 2, 5)]:
        params = _rnn_params(rng, n_x, n_a, n_y)
        x, a0 = rng.normal(size=(n_x, m, T_x)), rng.normal(size=(n_a, m))
        out.append(Case(_dims(n_x, n_a, n_y, m, T_x), (x, a0, params)))
    return out


@suite.cases("lstm_cell_forward")
def _():
    rng = np.random.default_rng(1603)
    out = []
    for n_x, n_a, n_y, m in [(3, 5, 2, 4), (4, 2, 3, 3)]:
        params = _lstm_params(rng, n_x, n_a, n_y)
        xt, a_prev, c_prev = rng.normal(size=(n_x, m)), rng.normal(size=(n_a, m)), rng.normal(size=(n_a, m))
        out.append(Case(_dims(n_x, n_a, n_y, m), (xt, a_prev, c_prev, params)))
    return out


@suite.cases("lstm_forward")
def _():
    rng = np.random.default_rng(1604)
    out = []
    for n_x, n_a, n_y, m, T_x in [(3, 5, 2, 4, 3), (2, 3, 4, 2, 5)]:
        params = _lstm_params(rng, n_x, n_a, n_y)
        x, a0 = rng.normal(size=(n_x, m, T_x)), rng.normal(size=(n_a, m))
        out.append(Case(_dims(n_x, n_a, n_y, m, T_x), (x, a0, params)))
    return out


@suite.cases("rnn_cell_backward")
def _():
    rng = np.random.default_rng(1605)
    out = []
    for n_x, n_a, n_y, m in [(3, 5, 2, 4), (4, 2, 3, 3)]:
        params = _rnn_params(rng, n_x, n_a, n_y)
        xt, a_prev = rng.normal(size=(n_x, m)), rng.normal(size=(n_a, m))
        _, _, cache = reference.rnn_cell_forward(xt, a_prev, params)
        out.append(Case(_dims(n_x, n_a, n_y, m), (rng.normal(size=(n_a, m)), cache)))
    return out


def _sequence_cases(rng, make_params, forward):
    """(label, da, caches) for: loss at the last step only, loss at every step, other sizes."""
    out = []
    n_x, n_a, n_y, m, T_x = 3, 5, 2, 4, 5
    params = make_params(rng, n_x, n_a, n_y)
    x, a0 = rng.normal(size=(n_x, m, T_x)), rng.normal(size=(n_a, m))
    caches = forward(x, a0, params)[-1]
    da_last = np.zeros((n_a, m, T_x))
    da_last[:, :, -1] = rng.normal(size=(n_a, m))
    out.append(Case(f"{_dims(n_x, n_a, n_y, m, T_x)}, da at the last step only", (da_last, caches)))
    out.append(Case("the same sequence, da at every step", (rng.normal(size=(n_a, m, T_x)), caches)))
    n_x, n_a, n_y, m, T_x = 2, 3, 4, 2, 4
    params = make_params(rng, n_x, n_a, n_y)
    x, a0 = rng.normal(size=(n_x, m, T_x)), rng.normal(size=(n_a, m))
    caches = forward(x, a0, params)[-1]
    out.append(Case(f"{_dims(n_x, n_a, n_y, m, T_x)}, da at every step", (rng.normal(size=(n_a, m, T_x)), caches)))
    return out


@suite.cases("rnn_backward")
def _():
    return _sequence_cases(np.random.default_rng(1606), _rnn_params, reference.rnn_forward)


@suite.cases("lstm_cell_backward")
def _():
    rng = np.random.default_rng(1607)
    n_x, n_a, n_y, m = 3, 5, 2, 4
    params = _lstm_params(rng, n_x, n_a, n_y)
    xt, a_prev, c_prev = rng.normal(size=(n_x, m)), rng.normal(size=(n_a, m)), rng.normal(size=(n_a, m))
    cache = reference.lstm_cell_forward(xt, a_prev, c_prev, params)[3]
    da, dc, zero = rng.normal(size=(n_a, m)), rng.normal(size=(n_a, m)), np.zeros((n_a, m))
    n_x2, n_a2, n_y2, m2 = 4, 2, 3, 3
    params2 = _lstm_params(rng, n_x2, n_a2, n_y2)
    cache2 = reference.lstm_cell_forward(rng.normal(size=(n_x2, m2)), rng.normal(size=(n_a2, m2)),
                                         rng.normal(size=(n_a2, m2)), params2)[3]
    return [Case(f"{_dims(n_x, n_a, n_y, m)}, da_next only (dc_next = 0)", (da, zero, cache)),
            Case("the same cell, dc_next only (da_next = 0)", (zero, dc, cache)),
            Case(f"{_dims(n_x2, n_a2, n_y2, m2)}, da_next and dc_next",
                 (rng.normal(size=(n_a2, m2)), rng.normal(size=(n_a2, m2)), cache2))]


@suite.cases("lstm_backward")
def _():
    return _sequence_cases(np.random.default_rng(1608), _lstm_params, reference.lstm_forward)


# --------------------------------------------------------------------------- #
# Small tools
# --------------------------------------------------------------------------- #

def _close(a, b, rtol=1e-6, atol=1e-8) -> bool:
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _shape(x):
    return x.shape if isinstance(x, np.ndarray) else None


def _item(x, i):
    return x[i] if isinstance(x, (tuple, list)) and len(x) > i else None


def _runs(fn, name):
    """(index, case, expected, output) for each case on which the learner's function returns."""
    cases, expected = suite.case_makers[name](), expected_for(suite.notebook, name)
    for i, (case, exp) in enumerate(zip(cases, expected)):
        try:
            got = fn(*_snapshot(case.args), **_snapshot(case.kwargs))
        except Exception:
            continue
        yield i, case, exp, got


def _sigmoid(x):
    return reference.sigmoid(x)


def _pre_tanh(y):
    """The z with tanh(z) = y (y from a stored expected output)."""
    return np.arctanh(np.clip(y, -1 + 1e-12, 1 - 1e-12))


def _product_error(text: str) -> bool:
    return any(s in text for s in ("matmul", "not aligned", "could not be broadcast", "shapes", "dimension"))


def _softmax_hint(y_got, y_exp):
    """A hint when a (n_y, m) prediction is not a distribution over the classes of each example (axis 0)."""
    if not isinstance(y_got, np.ndarray) or y_got.shape != y_exp.shape or y_got.ndim != 2:
        return None
    columns = np.sum(y_got, axis=0)
    if _close(columns, np.ones_like(columns)):
        return None
    if _close(np.sum(y_got, axis=1), np.ones(y_got.shape[0])):
        return ("softmax normalises over the classes, axis 0, so that each column (one example) sums to 1; "
                "yours sums to 1 along the examples. Use the given softmax(...) (it works on axis 0).")
    if np.isclose(np.sum(y_got), 1.0):
        return ("softmax normalises each column (one example) separately, over axis 0; yours divides by the "
                "sum of the whole array. Use the given softmax(...).")
    return ("the prediction is a probability distribution over the n_y classes for each example (each column "
            "sums to 1): apply softmax(...) to the scores.")


# --------------------------------------------------------------------------- #
# Diagnoses of the forward passes: (fn, report) -> a hint line, or None
# --------------------------------------------------------------------------- #

def _diagnose_rnn_cell_forward(fn, report):
    if _product_error(report.text):
        return ("Waa is (n_a, n_a) and a_prev (n_a, m), Wax is (n_a, n_x) and xt (n_x, m): the matrix products "
                "np.dot(Waa, a_prev) + np.dot(Wax, xt), weights on the left (not * and not the other way round).")
    for _, case, exp, got in _runs(fn, "rnn_cell_forward"):
        a_got, y_got = _item(got, 0), _item(got, 1)
        a_exp, y_exp = exp[0], exp[1]
        if _shape(a_got) != a_exp.shape:
            return "a_next has shape (n_a, m): one hidden state per example."
        if not _close(a_got, a_exp):
            z = _pre_tanh(a_exp)
            ba = case.args[2]["ba"]
            for wrong, hint in [
                    (z, "a_next = tanh(Waa a_prev + Wax xt + ba): apply np.tanh to the sum."),
                    (_sigmoid(z), "the hidden state's activation is tanh, not sigmoid: np.tanh(...)."),
                    (np.tanh(z - ba), "add the bias ba inside the tanh."),
                    (np.tanh(z - 2 * ba), "add the bias ba once, inside the tanh.")]:
                if _close(a_got, wrong):
                    return hint
            return "a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)."
        hint = _softmax_hint(y_got, y_exp)
        if hint:
            return hint
        if _shape(y_got) == y_exp.shape and not _close(y_got, y_exp):
            return "yt_pred = softmax(np.dot(Wya, a_next) + by), from the NEW state a_next."
    return None


_SEQUENCE_SHAPES = ("the arrays of a sequence have time on the LAST axis: a is (n_a, m, T_x), and a[:, :, t], "
                    "shape (n_a, m), is step t (the same for x, the predictions and, in an LSTM, c).")


def _diagnose_rnn_forward(fn, report):
    if "index" in report.text and "out of bounds" in report.text or "could not broadcast" in report.text:
        return _SEQUENCE_SHAPES
    for _, case, exp, got in _runs(fn, "rnn_forward"):
        a_got, y_got, caches_got = _item(got, 0), _item(got, 1), _item(got, 2)
        a_exp, y_exp = exp[0], exp[1]
        if _shape(a_got) != a_exp.shape:
            return "a has shape (n_a, m, T_x): np.zeros((n_a, m, T_x)), then a[:, :, t] = a_next at each step."
        if not _close(a_got, a_exp):
            a0 = case.args[1]
            if _close(a_got[:, :, 0], a0) and _close(a_got[:, :, 1:], a_exp[:, :, :-1]):
                return "store the NEW state in a[:, :, t]: a_next after step t, not a_prev."
            if _close(a_got[:, :, 0], a_exp[:, :, 0]):
                return ("step 0 is right, the later ones are not: pass each step's new state on, so that a_next of "
                        "step t is a_prev of step t + 1 (start with a_next = a0 before the loop).")
            return ("a[:, :, t] = a_next, with a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, "
                    "parameters), starting from a_next = a0.")
        if _shape(y_got) != y_exp.shape:
            return "y_pred has shape (n_y, m, T_x), with n_y = parameters[\"Wya\"].shape[0]."
        if not _close(y_got, y_exp):
            return "store each step's prediction: y_pred[:, :, t] = yt_pred."
        cells = _item(caches_got, 0)
        if isinstance(cells, (list, tuple)) and len(cells) != a_exp.shape[2]:
            return f"append each step's cache to the list caches: T_x = {a_exp.shape[2]} caches, one per step."
    return None


def _diagnose_lstm_cell_forward(fn, report):
    if _product_error(report.text):
        return ("concat = np.concatenate([a_prev, xt], axis=0) has shape (n_a + n_x, m), and each gate is "
                "np.dot(W, concat) + b with W of shape (n_a, n_a + n_x); the products are matrix products.")
    for _, case, exp, got in _runs(fn, "lstm_cell_forward"):
        a_exp, c_exp, y_exp, cache_exp = exp
        c_prev = case.args[2]
        cache = _item(got, 3)
        if isinstance(cache, (tuple, list)) and len(cache) == 10:
            ft, it, cct, ot = cache[4:8]
            ft_e, it_e, cct_e, ot_e = cache_exp[4:8]
            gates = [("ft", ft, ft_e, "ft = sigmoid(np.dot(Wf, concat) + bf)"),
                     ("it", it, it_e, "it = sigmoid(np.dot(Wi, concat) + bi)"),
                     ("cct", cct, cct_e, "cct = np.tanh(np.dot(Wc, concat) + bc)"),
                     ("ot", ot, ot_e, "ot = sigmoid(np.dot(Wo, concat) + bo)")]
            for name, g, g_exp, formula in gates:
                if _close(g, g_exp):
                    continue
                if name == "cct" and _close(g, _sigmoid(_pre_tanh(g_exp))):
                    return "the candidate cct uses tanh, not sigmoid (its values lie between -1 and 1)."
                if name != "cct" and _close(g, np.tanh(np.log(g_exp / (1 - g_exp)))):
                    return f"the gates use sigmoid (values between 0 and 1), not tanh: {formula}."
                return (f"{formula}, with concat = np.concatenate([a_prev, xt], axis=0): a_prev on top, then xt "
                        "(the first n_a columns of each W act on a_prev).")
        c_got = _item(got, 1)
        if _shape(c_got) == c_exp.shape and not _close(c_got, c_exp):
            ft, it, cct = cache_exp[4], cache_exp[5], cache_exp[6]
            for wrong, hint in [
                    (it * c_prev + ft * cct, "the forget gate scales the OLD cell state and the update gate the "
                                             "candidate: c_next = ft * c_prev + it * cct."),
                    (ft * c_prev + cct, "multiply the candidate by the update gate: c_next = ft * c_prev + it * cct."),
                    (c_prev + it * cct, "multiply c_prev by the forget gate: c_next = ft * c_prev + it * cct."),
                    (ft * c_prev * it * cct, "the two parts are added: c_next = ft * c_prev + it * cct.")]:
                if _close(c_got, wrong):
                    return hint
            return "c_next = ft * c_prev + it * cct (element-wise products, *)."
        a_got = _item(got, 0)
        if _shape(a_got) == a_exp.shape and not _close(a_got, a_exp):
            ot = cache_exp[7]
            for wrong, hint in [
                    (ot * c_exp, "apply tanh to the new cell state: a_next = ot * np.tanh(c_next)."),
                    (ot * np.tanh(c_prev), "a_next = ot * np.tanh(c_next), from the NEW cell state c_next."),
                    (np.tanh(c_exp), "multiply by the output gate: a_next = ot * np.tanh(c_next).")]:
                if _close(a_got, wrong):
                    return hint
            return "a_next = ot * np.tanh(c_next)."
        y_got = _item(got, 2)
        hint = _softmax_hint(y_got, y_exp)
        if hint:
            return hint
        if _shape(y_got) == y_exp.shape and not _close(y_got, y_exp):
            return "yt_pred = softmax(np.dot(Wy, a_next) + by), from the new hidden state a_next."
    return None


def _diagnose_lstm_forward(fn, report):
    if "index" in report.text and "out of bounds" in report.text or "could not broadcast" in report.text:
        return _SEQUENCE_SHAPES
    for _, _case, exp, got in _runs(fn, "lstm_forward"):
        a_exp, y_exp, c_exp = exp[0], exp[1], exp[2]
        a_got, y_got, c_got = _item(got, 0), _item(got, 1), _item(got, 2)
        for name, g, e in (("a", a_got, a_exp), ("c", c_got, c_exp)):
            if _shape(g) != e.shape:
                return f"{name} has shape (n_a, m, T_x): np.zeros((n_a, m, T_x))."
        if _shape(y_got) != y_exp.shape:
            return "y has shape (n_y, m, T_x), with n_y = parameters[\"Wy\"].shape[0]."
        if not (_close(a_got, a_exp) and _close(c_got, c_exp)):
            first_right = _close(a_got[:, :, 0], a_exp[:, :, 0]) and _close(c_got[:, :, 0], c_exp[:, :, 0])
            if _close(a_got, a_exp) and not _close(c_got, c_exp):
                return "store each step's cell state: c[:, :, t] = c_next."
            if not first_right:
                return ("the hidden state starts at a0 and the cell state at zero: a_next = a0 and "
                        "c_next = np.zeros((n_a, m)) before the loop.")
            return ("step 0 is right, the later ones are not: pass BOTH new states on, lstm_cell_forward(x[:, :, t], "
                    "a_next, c_next, parameters) at every step.")
        if not _close(y_got, y_exp):
            return "store each step's prediction: y[:, :, t] = yt."
    return None


# --------------------------------------------------------------------------- #
# Diagnoses of the backward passes
# --------------------------------------------------------------------------- #

_RNN_CELL_KEYS = {
    "dxt": "dxt = np.dot(Wax.T, dtanh)",
    "da_prev": "da_prev = np.dot(Waa.T, dtanh)",
    "dWax": "dWax = np.dot(dtanh, xt.T)",
    "dWaa": "dWaa = np.dot(dtanh, a_prev.T)",
    "dba": "dba = np.sum(dtanh, axis=1, keepdims=True)",
}


def _gradient_shape_hint(got: dict, exp: dict, what: dict) -> str | None:
    """A hint when one gradient has the wrong shape (a transposed product, a missing keepdims)."""
    for key, e in exp.items():
        g = got.get(key)
        if not isinstance(g, np.ndarray) or g.shape == e.shape:
            continue
        if key.startswith("db"):
            if g.shape == (e.shape[0],):
                return f"{key} has the shape of its bias, {e.shape}: sum with keepdims=True."
            return (f"{key} sums over the examples, axis 1 (one value per unit), shape {e.shape}: "
                    f"np.sum(..., axis=1, keepdims=True).")
        if g.shape == e.shape[::-1]:
            return f"{key} has the shape of what it is the gradient of, {e.shape}: {what.get(key, key)}."
        return f"{key} should have shape {e.shape}: {what.get(key, key)}."
    return None


def _diagnose_rnn_cell_backward(fn, report):
    if _product_error(report.text):
        return ("each gradient has the shape of what it is the gradient of: dxt (n_x, m) = np.dot(Wax.T, dtanh), "
                "dWax (n_a, n_x) = np.dot(dtanh, xt.T), and so on.")
    for _, case, exp, got in _runs(fn, "rnn_cell_backward"):
        if not isinstance(got, dict) or not set(exp) <= set(got):
            return None
        hint = _gradient_shape_hint(got, exp, _RNN_CELL_KEYS)
        if hint:
            return hint
        da_next, (a_next, _, _, _) = case.args
        dba = got["dba"]
        if not _close(dba, exp["dba"]):
            for wrong, text in [
                    (da_next, "multiply by the derivative of tanh: dtanh = da_next * (1 - a_next ** 2)."),
                    (da_next * (1 - np.tanh(a_next) ** 2),
                     "a_next already IS tanh(z): its derivative is 1 - a_next ** 2, not 1 - np.tanh(a_next) ** 2."),
                    (da_next * (1 - a_next), "the derivative of tanh is 1 - tanh² = 1 - a_next ** 2 (squared)."),
                    (da_next * a_next * (1 - a_next), "that is the derivative of sigmoid; tanh's is 1 - a_next ** 2.")]:
                if _close(dba, wrong.sum(axis=1, keepdims=True)):
                    return text
        for key, formula in _RNN_CELL_KEYS.items():
            if not _close(got[key], exp[key]):
                return f"{formula}, with dtanh = da_next * (1 - a_next ** 2)."
    return None


def _chain_hint(fn, name, cell_call, carried):
    """Hints shared by rnn_backward and lstm_backward."""
    for i, _case, exp, got in _runs(fn, name):
        if not isinstance(got, dict) or not set(exp) <= set(got):
            return None
        hint = _gradient_shape_hint(got, exp, {"dx": "dx[:, :, t] = the step's dxt", "da0": "da0 = da_prevt"})
        if hint:
            return hint
        if all(_close(got[k], exp[k]) for k in exp):
            continue
        dx, dx_exp = got["dx"], exp["dx"]
        if i == 0 and np.allclose(dx[:, :, :-1], 0) and not np.allclose(dx_exp[:, :, :-1], 0):
            return ("the loss reaches only the last hidden state here, so every earlier gradient comes through the "
                    f"recurrence: at step t, call {cell_call}, with da_prevt from step t + 1, so the loop runs "
                    "backwards, for t in reversed(range(T_x)).")
        if not _close(dx, dx_exp):
            if _close(dx[:, :, -1], dx_exp[:, :, -1]):
                return (f"the last step is right, the earlier ones are not: loop backwards, for t in "
                        f"reversed(range(T_x)), carry {carried} from each step to the one before it, and at each "
                        f"step call {cell_call}.")
            return f"loop backwards over t in reversed(range(T_x)) and call {cell_call}."
        wrong = [k for k in exp if k not in ("dx", "da0") and not _close(got[k], exp[k])]
        if wrong:
            return (f"{', '.join(wrong)}: the parameters are shared by every step, so add up each step's gradient "
                    "(+=) over the whole loop.")
        if not _close(got["da0"], exp["da0"]):
            return "da0 is the gradient sent to a0: the da_prev of the step t = 0, after the loop."
    return None


def _diagnose_rnn_backward(fn, report):
    return _chain_hint(fn, "rnn_backward", "rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])",
                       "da_prevt (the cell's da_prev)")


def _diagnose_lstm_backward(fn, report):
    return _chain_hint(fn, "lstm_backward", "lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
                       "both da_prevt and dc_prevt (the cell's da_prev and dc_prev)")


_LSTM_TERMS = {
    "dot": "dot = da_next * np.tanh(c_next) * ot * (1 - ot)",
    "dc": ("dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2) is everything that reaches c_next, and "
           "dc_prev = dc * ft"),
    "dft": "dft = dc * c_prev * ft * (1 - ft)",
    "dit": "dit = dc * cct * it * (1 - it)",
    "dcct": "dcct = dc * it * (1 - cct ** 2)",
}


def _diagnose_lstm_cell_backward(fn, report):
    if _product_error(report.text):
        return ("concat = [a_prev; xt] has shape (n_a + n_x, m): dWf = np.dot(dft, concat.T) has Wf's shape "
                "(n_a, n_a + n_x), and np.dot(Wf.T, dft) has concat's shape; its first n_a rows are da_prev.")
    results = {i: (case, exp, got) for i, case, exp, got in _runs(fn, "lstm_cell_backward")}
    for i, (_case, exp, got) in results.items():
        if not isinstance(got, dict) or not set(exp) <= set(got):
            return None
        hint = _gradient_shape_hint(got, exp, {k: f"np.dot(d{k[2:].lower()}t, concat.T)" for k in exp
                                               if k.startswith("dW")})
        if hint:
            return hint
        wrong = {k for k in exp if not _close(got[k], exp[k])}
        if not wrong:
            continue
        if i == 1 and 0 in results and all(_close(results[0][2].get(k), results[0][1][k]) for k in results[0][1]):
            return ("right when the gradient comes through a_next, wrong when it comes through c_next: " +
                    _LSTM_TERMS["dc"] + "; every gate but the output gate gets its gradient from dc.")
        if "dbo" in wrong:
            return _LSTM_TERMS["dot"] + " (the output gate's gradient, before the sigmoid)."
        if "dc_prev" in wrong:
            return _LSTM_TERMS["dc"] + "."
        for gate, term in (("f", "dft"), ("i", "dit"), ("c", "dcct")):
            if f"db{gate}" in wrong:
                return f"{_LSTM_TERMS[term]}, with {_LSTM_TERMS['dc'].split(' is ')[0]}."
        if any(k.startswith("dW") for k in wrong):
            return ("dW = np.dot(d(gate), concat.T) for each gate, with concat = np.concatenate([a_prev, xt], "
                    "axis=0) (a_prev on top).")
        if wrong & {"da_prev", "dxt"}:
            return ("dconcat = Wf.T·dft + Wi.T·dit + Wc.T·dcct + Wo.T·dot, all four gates; da_prev = "
                    "dconcat[:n_a] and dxt = dconcat[n_a:] (a_prev is on top of concat).")
    return None


_DIAGNOSES = {
    "rnn_cell_forward": _diagnose_rnn_cell_forward,
    "rnn_forward": _diagnose_rnn_forward,
    "lstm_cell_forward": _diagnose_lstm_cell_forward,
    "lstm_forward": _diagnose_lstm_forward,
    "rnn_cell_backward": _diagnose_rnn_cell_backward,
    "rnn_backward": _diagnose_rnn_backward,
    "lstm_cell_backward": _diagnose_lstm_cell_backward,
    "lstm_backward": _diagnose_lstm_backward,
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
    for case in suite.case_makers[name]():
        try:
            fn(*_snapshot(case.args), **_snapshot(case.kwargs))
        except NotImplementedError as exc:
            for frame, _ in traceback.walk_tb(exc.__traceback__):
                if frame.f_code in codes:
                    return codes[frame.f_code]
            return None
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
            if CHECKS[helper](namespace[helper], verbose=False).status == "failed":
                failing.append(helper)
    return failing


def _output_index_note(name: str, text: str) -> str | None:
    names = _OUTPUT_NAMES.get(name)
    match = re.search(r"the output on [^\n]*?\)?\[(\d+)\]", text)
    if names and match and int(match.group(1)) < len(names):
        i = int(match.group(1))
        return f"(output [{i}] is `{names[i]}`; {name} returns ({', '.join(names)}).)"
    return None


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
            note = _output_index_note(name, report.text)
            if note:
                report.lines.append(f"    {note}")
            hint = diagnose(name, fn, report)
            if hint:
                report.lines.append(f"    Hint: {hint}")
            for helper in _failing_helpers(fn, name):
                report.lines.append(f"    Note: it calls your `{helper}`, which does not pass its check yet: run "
                                    f"check_{helper}({helper}) and fix it first.")
        if verbose:
            print(report.text, flush=True)
        return report

    checked.__name__ = checked.__qualname__ = f"check_{name}"
    return checked


check_rnn_cell_forward = _with_hints("rnn_cell_forward")
check_rnn_forward = _with_hints("rnn_forward")
check_lstm_cell_forward = _with_hints("lstm_cell_forward")
check_lstm_forward = _with_hints("lstm_forward")
check_rnn_cell_backward = _with_hints("rnn_cell_backward")
check_rnn_backward = _with_hints("rnn_backward")
check_lstm_cell_backward = _with_hints("lstm_cell_backward")
check_lstm_backward = _with_hints("lstm_backward")

CHECKS = {
    "rnn_cell_forward": check_rnn_cell_forward,
    "rnn_forward": check_rnn_forward,
    "lstm_cell_forward": check_lstm_cell_forward,
    "lstm_forward": check_lstm_forward,
    "rnn_cell_backward": check_rnn_cell_backward,
    "rnn_backward": check_rnn_backward,
    "lstm_cell_backward": check_lstm_cell_backward,
    "lstm_backward": check_lstm_backward,
}

__all__ = [f"check_{name}" for name in CHECKS]
