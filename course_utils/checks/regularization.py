"""Public checks of notebook 06, regularization (L2 and dropout) of the 3-layer network.

The cases are small random networks from seeded generators. The L2 backward
check builds its cache with the given forward pass
(:func:`course_utils.nn.three_layer.forward_propagation`); the dropout backward
check uses a random cache of consistent shapes (masks of 0s and 1s, activations
that are zero wherever a unit is off), so no check contains a solution.

Dropout draws its masks from NumPy's global generator (``np.random.rand``).
The dropout checks seed that generator with ``CHECK_SEED`` before each call,
the seed :func:`course_utils.checks.expected.compute` uses when it stores the
expected values, so the learner's masks are comparable with the stored ones.

When a check fails, a diagnosis names the mistake where it can: it compares
the learner's output with the stored expected output piece by piece (the L2
term against the given cross-entropy, each ``dW`` against the given
unregularized backward pass, each mask and activation of the dropout forward
pass, each ``dA`` of the dropout backward pass) and adds one hint line.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from ..nn import three_layer
from .core import Case, Report, _snapshot
from .expected import expected_for
from .suite import Suite

suite = Suite("06_regularization")

#: The seed of NumPy's global generator before each call of a dropout function
#: (the one ``expected.compute`` uses for every case).
CHECK_SEED = 0

_CACHE = ("Z1", "D1", "A1", "W1", "b1", "Z2", "D2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")
_MASKS = (1, 6)  # positions of D1 and D2 in the dropout cache
_LAYERS = (1, 2, 3)


# --------------------------------------------------------------------------- #
# Inputs
# --------------------------------------------------------------------------- #

def _params(rng, dims, scale=0.8):
    params = {}
    for layer in range(1, len(dims)):
        params[f"W{layer}"] = rng.normal(size=(dims[layer], dims[layer - 1])) * scale
        params[f"b{layer}"] = rng.uniform(0.1, 0.6, size=(dims[layer], 1))  # most units active
    return params


def _lively_params(rng, dims, X):
    """Random parameters under which every hidden layer has both active and inactive units on X."""
    while True:
        params = _params(rng, dims)
        _, cache = three_layer.forward_propagation(X, params)
        if all(0.3 <= np.mean(cache[i] > 0) <= 0.9 for i in (1, 5)):
            return params


def _labels(rng, m):
    Y = (rng.random((1, m)) > 0.5).astype(float)
    Y[0, 0], Y[0, -1] = 1.0, 0.0  # both classes present
    return Y


def _dropout_cache(rng, dims, m, keep_prob):
    """A cache shaped like forward_propagation_with_dropout's; values random, but consistent:
    masks are 0/1 integers and each hidden activation is > 0 exactly where its unit is on and Z > 0."""
    params = _params(rng, dims)
    cache = []
    for layer in _LAYERS:
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        Z = rng.normal(loc=0.4, size=(dims[layer], m))
        if layer < 3:
            D = (rng.random(Z.shape) < keep_prob).astype(np.int64)
            A = np.where((Z > 0) & (D == 1), rng.uniform(0.2, 2.0, Z.shape), 0.0)
            cache += [Z, D, A, W, b]
        else:
            cache += [Z, rng.uniform(0.05, 0.95, Z.shape), W, b]
    return tuple(cache)


@suite.cases("compute_cost_with_regularization")
def _():
    rng = np.random.default_rng(601)
    p1, p2 = _params(rng, [3, 2, 3, 1]), _params(rng, [4, 5, 2, 1])
    A1, A2 = rng.uniform(0.05, 0.95, (1, 5)), rng.uniform(0.05, 0.95, (1, 7))
    return [Case("5 examples, lambd = 0.1", (A1, _labels(rng, 5), p1, 0.1)),
            Case("7 examples, lambd = 0.7", (A2, _labels(rng, 7), p2), {"lambd": 0.7})]


@suite.cases("backward_propagation_with_regularization")
def _():
    rng = np.random.default_rng(602)
    out = []
    for dims, m, lambd in (([3, 4, 2, 1], 5, 0.7), ([2, 5, 3, 1], 6, 0.3)):
        X = rng.normal(size=(dims[0], m))
        _, cache = three_layer.forward_propagation(X, _lively_params(rng, dims, X))
        out.append((X, _labels(rng, m), cache, lambd))
    (X1, Y1, c1, l1), (X2, Y2, c2, l2) = out
    return [Case("layers (3, 4, 2, 1), 5 examples, lambd = 0.7", (X1, Y1, c1, l1)),
            Case("layers (2, 5, 3, 1), 6 examples, lambd = 0.3", (X2, Y2, c2), {"lambd": l2})]


@suite.cases("forward_propagation_with_dropout")
def _():
    rng = np.random.default_rng(603)
    X1, X2 = rng.normal(size=(3, 5)), rng.normal(size=(2, 8))
    p1, p2 = _lively_params(rng, [3, 4, 3, 1], X1), _lively_params(rng, [2, 6, 3, 1], X2)
    return [Case("layers (3, 4, 3, 1), 5 examples, keep_prob = 0.7", (X1, p1, 0.7)),
            Case("layers (2, 6, 3, 1), 8 examples, keep_prob = 0.8", (X2, p2), {"keep_prob": 0.8})]


@suite.cases("backward_propagation_with_dropout")
def _():
    rng = np.random.default_rng(604)
    X1, Y1, c1 = rng.normal(size=(3, 5)), _labels(rng, 5), _dropout_cache(rng, [3, 4, 3, 1], 5, 0.7)
    X2, Y2, c2 = rng.normal(size=(2, 8)), _labels(rng, 8), _dropout_cache(rng, [2, 6, 3, 1], 8, 0.8)
    return [Case("layers (3, 4, 3, 1), 5 examples, keep_prob = 0.7", (X1, Y1, c1, 0.7)),
            Case("layers (2, 6, 3, 1), 8 examples, keep_prob = 0.8", (X2, Y2, c2), {"keep_prob": 0.8})]


# --------------------------------------------------------------------------- #
# Dropout: seed NumPy's generator before each call, accept any 0/1 mask dtype
# --------------------------------------------------------------------------- #

def _as_int_mask(value):
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and value.size \
            and np.isin(value, (0, 1)).all():
        return value.astype(np.int64)
    return value


def seeded(fn, seed: int = CHECK_SEED):
    """``fn`` called with NumPy's global generator seeded first; 0/1 masks in a dropout cache become integers."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        np.random.seed(seed)
        out = fn(*args, **kwargs)
        if isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], tuple) and len(out[1]) == len(_CACHE):
            cache = list(out[1])
            for i in _MASKS:
                cache[i] = _as_int_mask(cache[i])
            out = (out[0], tuple(cache))
        return out
    return call


# --------------------------------------------------------------------------- #
# Diagnoses: what went wrong, from the learner's output and the stored expected one
# --------------------------------------------------------------------------- #

def _close(a, b, rtol=1e-6, atol=1e-9) -> bool:
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _number(x):
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(arr.reshape(-1)[0]) if arr.size == 1 else None


def _ratio(got, ref):
    """``r`` with ``got ≈ r * ref`` (least squares), or None when got is not a multiple of ref."""
    got, ref = np.asarray(got, dtype=float), np.asarray(ref, dtype=float)
    if got.shape != ref.shape or not np.any(ref):
        return None
    r = float(np.sum(got * ref) / np.sum(ref * ref))
    return r if np.allclose(got, r * ref, rtol=1e-6, atol=1e-9) else None


def _near(r, target) -> bool:
    return r is not None and abs(r - target) <= 1e-6 * max(1.0, abs(target))


def _runs(fn, name, wrap=None):
    """(case, expected, output) for each case where the learner's function returns something."""
    cases, expected = suite.case_makers[name](), expected_for(suite.notebook, name)
    target = wrap(fn) if wrap else fn
    for case, exp in zip(cases, expected):
        args, kwargs = _snapshot(case.args), _snapshot(case.kwargs)
        try:
            got = target(*args, **kwargs)
        except Exception:
            continue
        yield case, exp, got


def _arg(case, index, name):
    return case.args[index] if len(case.args) > index else case.kwargs[name]


def _diagnose_cost(fn):
    name = "compute_cost_with_regularization"
    for case, exp, got in _runs(fn, name):
        J = _number(got)
        if J is None or _close(J, exp):
            continue
        A3, Y, params = case.args[:3]
        m = Y.shape[1]
        cross_entropy = three_layer.compute_cost(A3, Y)
        term, term_got = exp - cross_entropy, J - cross_entropy
        if _close(term_got, 0.0, atol=1e-12):
            return ("the L2 term is missing: add lambd / (2 * m) * (the sums of the squares of W1, W2 and W3) "
                    "to the cross-entropy cost.")
        if _close(J, term):
            return "J is the cross-entropy cost PLUS the L2 term: start from compute_cost(A3, Y)."
        r = term_got / term
        for factor, hint in ((2, "the factor is lambd / (2 * m), not lambd / m: you forgot the 1/2."),
                             (m, "divide by m as well: the factor is lambd / (2 * m), not lambd / 2."),
                             (2 * m, "the factor is lambd / (2 * m): multiply the sum of squares by it, "
                                     "not by lambd alone."),
                             (0.5, "the factor is lambd / (2 * m), not lambd / (4 * m): halve only once."),
                             (1 / m, "divide by 2 * m once: the factor is lambd / (2 * m)."),
                             (2 / m, "the factor is lambd / (2 * m): you divided by m twice.")):
            if _near(r, factor):
                return hint
        squares = {layer: float(np.sum(np.square(params[f"W{layer}"]))) for layer in _LAYERS}
        total = sum(squares.values())
        for layer in _LAYERS:
            if _near(r, (total - squares[layer]) / total):
                return f"W{layer} is missing from the sum: the L2 term adds up the squares of W1, W2 AND W3."
        return ("J = cross-entropy + lambd / (2 * m) * (ΣW1² + ΣW2² + ΣW3²); np.sum(np.square(W1)) adds the "
                "squares of every entry of W1 (the biases are not included).")
    return None


def _diagnose_l2_backward(fn):
    name = "backward_propagation_with_regularization"
    for case, exp, got in _runs(fn, name):
        if not isinstance(got, dict):
            return None
        X, Y, cache = case.args[:3]
        lambd = _arg(case, 3, "lambd")
        m = X.shape[1]
        plain = three_layer.backward_propagation(X, Y, cache)
        for key, value in exp.items():
            if key.startswith("dW") or key not in got or _close(got[key], value):
                continue
            if key.startswith("db"):
                return "the biases are not regularized: db keeps its formula; only dW gets + lambd / m * W."
            return (f"{key} changes with L2 only through dW: dZ and dA are the same as without "
                    "regularization; add lambd / m * W to the dW only.")
        ratios = {}
        for layer in _LAYERS:
            key = f"dW{layer}"
            if key in got:
                ratios[layer] = _ratio(np.asarray(got[key], dtype=float) - plain[key], exp[key] - plain[key]) \
                    if np.shape(got[key]) == exp[key].shape else None
        if ratios and all(_near(r, 0) for r in ratios.values()):
            return "none of dW1, dW2, dW3 has the L2 term: add lambd / m * W to each of them."
        missing = [layer for layer, r in ratios.items() if _near(r, 0)]
        if missing:
            layer = missing[0]
            return f"dW{layer} has no L2 term: every layer's dW gets + lambd / m * W{layer}, dW{layer} included."
        wrong = [(layer, r) for layer, r in ratios.items() if not _near(r, 1)]
        if not wrong:
            continue
        layer, r = wrong[0]
        for factor, hint in ((0.5, "the derivative of lambd / (2m) * W² is lambd / m * W: the 2 of the square "
                                   "cancels the 1/2, so use lambd / m, not lambd / (2 * m)."),
                             (m, "divide by m: the L2 term of the gradient is lambd / m * W, not lambd * W."),
                             (2, "the L2 term of the gradient is lambd / m * W, not 2 * lambd / m * W."),
                             (1 / m, "the L2 term of the gradient is lambd / m * W: you divided by m twice.")):
            if _near(r, factor):
                return hint
        if r is None and lambd:
            return (f"dW{layer} = 1/m * dZ{layer} · A{layer - 1}ᵀ + lambd / m * W{layer} "
                    f"(A0 is X): add the weights of the same layer, W{layer}.")
        return f"dW{layer} = 1/m * dZ{layer} · A{layer - 1}ᵀ + lambd / m * W{layer} (A0 is X)."
    return None


def _relu(Z):
    return np.maximum(Z, 0)


def _diagnose_dropout_forward(fn):
    name = "forward_propagation_with_dropout"
    runs = list(_runs(fn, name, wrap=seeded))
    if not runs:
        return None
    case, exp, got = runs[0]
    try:
        other = seeded(fn, seed=CHECK_SEED + 12345)(*_snapshot(case.args), **_snapshot(case.kwargs))
        masks, other_masks = (got[1][1], other[1][1]) if len(got[1]) == len(_CACHE) else (got[0], other[0])
        if _close(masks, other_masks) and not _close(masks, exp[1][1]):
            return ("your masks do not change with the state of NumPy's generator: do not call np.random.seed "
                    "(or make your own generator) inside the function; draw with np.random.rand.")
    except Exception:
        pass
    for case, exp, got in runs:
        if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], tuple)
                and len(got[1]) == len(_CACHE)):
            return None
        keep_prob = _arg(case, 2, "keep_prob")
        g, e = dict(zip(_CACHE, got[1])), dict(zip(_CACHE, exp[1]))
        if not _close(g["Z1"], e["Z1"]):
            return "no dropout on the input layer: Z1 = W1 · X + b1 with the whole of X."
        for layer in (1, 2):
            D, A, Z = f"D{layer}", f"A{layer}", f"Z{layer}"
            if not _close(g[D], e[D]):
                if _close(g[D], 1 - e[D]):
                    return (f"{D} keeps a unit where np.random.rand(...) < keep_prob (probability keep_prob); "
                            "with > you keep units with probability 1 - keep_prob.")
                return (f"draw {D} with np.random.rand({A}.shape[0], {A}.shape[1]) < keep_prob, D1 first then D2, "
                        "and draw nothing else from NumPy's generator.")
            if not _close(g[Z], e[Z]):
                return (f"{Z} must use the dropped-out A{layer - 1} (masked and divided by keep_prob)."
                        if layer == 2 else None)
            if not _close(g[A], e[A]):
                if _close(g[A], e[A] * keep_prob):
                    return (f"divide {A} by keep_prob after masking (inverted dropout): the units that stay "
                            "make up for the dropped ones, so the expected value of each unit is unchanged.")
                if np.any(np.asarray(g[A])[e[D] == 0] != 0):
                    return f"apply the mask: {A} = {A} * {D} zeroes the dropped units (then divide by keep_prob)."
                return f"{A} = relu({Z}), then {A} * {D}, then / keep_prob."
        if not _close(g["Z3"], e["Z3"]):
            return "Z3 = W3 · A2 + b3 with the dropped-out A2."
        if not _close(got[0], exp[0]) or not _close(g["A3"], e["A3"]):
            return ("no dropout on the output layer: A3 = sigmoid(Z3), and the cache holds that same A3.")
    return None


def _diagnose_dropout_backward(fn):
    name = "backward_propagation_with_dropout"
    for case, exp, got in _runs(fn, name):
        if not isinstance(got, dict):
            return None
        X, Y, cache = case.args[:3]
        keep_prob = _arg(case, 3, "keep_prob")
        c = dict(zip(_CACHE, cache))
        for layer, upstream in ((2, exp["dZ3"]), (1, exp["dZ2"])):
            key, D = f"dA{layer}", c[f"D{layer}"]
            if key not in got or _close(got[key], exp[key]):
                continue
            unmasked = c[f"W{layer + 1}"].T @ upstream
            if _close(got[key], unmasked):
                return (f"apply the mask in the backward pass too: {key} = {key} * D{layer} / keep_prob "
                        "(a dropped unit gets no gradient).")
            if _close(got[key], unmasked * D):
                return f"divide {key} by keep_prob as well, as in the forward pass: {key} * D{layer} / keep_prob."
            if _close(got[key], unmasked * (1 - D) / keep_prob):
                return f"use the mask D{layer} of the forward pass (from the cache) as it is: {key} * D{layer}."
            if _close(got[key], unmasked / keep_prob):
                return f"multiply {key} by the mask D{layer} before dividing by keep_prob."
            return f"{key} = W{layer + 1}ᵀ · dZ{layer + 1}, then * D{layer} / keep_prob."
        for key in exp:
            if key in got and not _close(got[key], exp[key]):
                return (f"{key} has the same formula as without dropout (the masks only touch dA1 and dA2); "
                        "use the cached A1 and A2, which are already dropped out.")
    return None


_DIAGNOSES = {
    "compute_cost_with_regularization": _diagnose_cost,
    "backward_propagation_with_regularization": _diagnose_l2_backward,
    "forward_propagation_with_dropout": _diagnose_dropout_forward,
    "backward_propagation_with_dropout": _diagnose_dropout_backward,
}


# --------------------------------------------------------------------------- #
# Hints from the message itself (checked before the diagnosis)
# --------------------------------------------------------------------------- #

_HINTS = {
    "compute_cost_with_regularization": [
        (r"in place", "np.square(W1) (or W1 ** 2) builds a new array; W1 **= 2 or np.square(W1, out=W1) "
                      "overwrite the network's weights."),
    ],
    "backward_propagation_with_regularization": [
        (r"in place", "build each new term as a new array (lambd / m * W3); W3 *= ... or dZ3 += ... write into "
                      "the cache that the caller still uses."),
        (r"is missing the key|unexpected key", "return the same keys as backward_propagation: dZ3, dW3, db3, "
                                              "dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1."),
    ],
    "forward_propagation_with_dropout": [
        (r"in place", "write A1 = A1 * D1 / keep_prob (a new array), not X *= ... or parameters[...] *= ...: "
                      "the inputs belong to the caller."),
        (r"should have 14 items|\[1\] should be", "the cache is the 14-tuple (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, "
                                                  "b2, Z3, A3, W3, b3)."),
    ],
    "backward_propagation_with_dropout": [
        (r"in place", "write dA2 = dA2 * D2 / keep_prob; do not change D1, D2, A1 or A2 of the cache with "
                      "/= or *=, the caller still uses them."),
        (r"is missing the key|unexpected key", "return the same keys as backward_propagation: dZ3, dW3, db3, "
                                              "dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1."),
    ],
}


def hint_for(name: str, text: str) -> str | None:
    """The hint line for a failure message of check ``name`` (from the message alone), or None."""
    for pattern, hint in _HINTS.get(name, []):
        if re.search(pattern, text):
            return hint
    return None


def diagnose(name: str, fn) -> str | None:
    """The hint line found by re-running ``fn`` and comparing its output piece by piece, or None."""
    try:
        return _DIAGNOSES[name](fn)
    except Exception:  # a diagnosis never turns a failed check into a crash
        return None


def _with_hints(name: str, check_fn, wrap=None):
    @functools.wraps(check_fn)
    def checked(fn, verbose: bool = True) -> Report:
        target = wrap(fn) if wrap is not None and callable(fn) else fn
        report = check_fn(target, verbose=False)
        if report.status == "failed":
            hint = hint_for(name, report.text)
            if hint is None and "raised an error" not in report.text:
                hint = diagnose(name, fn)
            if hint:
                report.lines.append(f"    Hint: {hint}")
        if verbose:
            print(report.text, flush=True)
        return report
    return checked


check_compute_cost_with_regularization = _with_hints(
    "compute_cost_with_regularization", suite.check("compute_cost_with_regularization"))
check_backward_propagation_with_regularization = _with_hints(
    "backward_propagation_with_regularization", suite.check("backward_propagation_with_regularization"))
check_forward_propagation_with_dropout = _with_hints(
    "forward_propagation_with_dropout", suite.check("forward_propagation_with_dropout"), wrap=seeded)
check_backward_propagation_with_dropout = _with_hints(
    "backward_propagation_with_dropout", suite.check("backward_propagation_with_dropout"))

__all__ = ["check_compute_cost_with_regularization", "check_backward_propagation_with_regularization",
           "check_forward_propagation_with_dropout", "check_backward_propagation_with_dropout"]
