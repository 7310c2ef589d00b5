"""Public checks of notebook 08, optimization methods (mini-batches, momentum, Adam, learning-rate decay).

The cases are small random parameter and gradient dicts from seeded
generators. The expected outputs are stored (computed from the notebook's own
solutions), so no check contains an update rule. When a check fails, a hint
line follows the engine's message. For the functions that return several
things (momentum: ``(parameters, v)``; Adam: ``(parameters, v, s, v_corrected,
s_corrected)``), the hint comes from a second look at the learner's outputs in
the order they are computed (the moments first, the parameters last), so it
names the first quantity that went wrong rather than the parameters that
inherited the mistake.
"""

from __future__ import annotations

import copy
import functools
import inspect
import math
import re

import numpy as np

from .core import Case, CheckFailed, Report, compare
from .expected import expected_for
from .suite import Suite

suite = Suite("08_optimization_methods")


# --------------------------------------------------------------------------- #
# Inputs
# --------------------------------------------------------------------------- #

def _params(rng, layer_dims):
    params = {}
    for layer in range(1, len(layer_dims)):
        params[f"W{layer}"] = rng.normal(size=(layer_dims[layer], layer_dims[layer - 1]))
        params[f"b{layer}"] = rng.normal(size=(layer_dims[layer], 1))
    return params


def _grads(rng, params, scale=1.0):
    return {"d" + key: rng.normal(size=value.shape) * scale for key, value in params.items()}


def _zeros(params):
    return {"d" + key: np.zeros(value.shape) for key, value in params.items()}


def _labels(rng, m):
    Y = (rng.random((1, m)) > 0.5).astype(np.int64)
    Y[0, 0], Y[0, -1] = 1, 0  # both classes present
    return Y


@suite.cases("update_parameters_with_gd")
def _():
    rng = np.random.default_rng(801)
    p1 = _params(rng, [3, 2, 1])
    g1 = _grads(rng, p1)
    p2 = _params(rng, [4, 3, 2, 1])
    g2 = _grads(rng, p2)
    return [Case("2 layers, learning rate 0.01", (p1, g1, 0.01)),
            Case("3 layers, learning rate 0.5", (p2, g2), {"learning_rate": 0.5})]


@suite.cases("random_mini_batches")
def _():
    rng = np.random.default_rng(802)
    X1, Y1 = rng.normal(size=(2, 10)).round(2), _labels(rng, 10)
    X2, Y2 = rng.normal(size=(3, 12)).round(2), _labels(rng, 12)
    X3, Y3 = rng.normal(size=(2, 148)), _labels(rng, 148)
    return [Case("m = 10, mini_batch_size = 4, seed = 1 (sizes 4, 4, 2)", (X1, Y1, 4, 1)),
            Case("m = 12, mini_batch_size = 4, seed = 2 (sizes 4, 4, 4: no leftover)", (X2, Y2),
                 {"mini_batch_size": 4, "seed": 2}),
            Case("m = 148 with the defaults (mini_batch_size = 64, seed = 0: sizes 64, 64, 20)", (X3, Y3))]


@suite.cases("initialize_velocity")
def _():
    rng = np.random.default_rng(803)
    return [Case("2 layers (3, 2, 1)", (_params(rng, [3, 2, 1]),)),
            Case("3 layers (4, 5, 3, 1)", (_params(rng, [4, 5, 3, 1]),))]


@suite.cases("update_parameters_with_momentum")
def _():
    rng = np.random.default_rng(804)
    p1 = _params(rng, [3, 2, 1])
    g1 = _grads(rng, p1)
    p2 = _params(rng, [4, 3, 2, 1])
    g2 = _grads(rng, p2)
    v2 = _grads(rng, p2, scale=0.5)
    return [Case("2 layers, first step (v = 0), beta = 0.9, learning rate 0.01", (p1, g1, _zeros(p1), 0.9, 0.01)),
            Case("3 layers, v != 0, beta = 0.8, learning rate 0.1", (p2, g2, v2),
                 {"beta": 0.8, "learning_rate": 0.1})]


@suite.cases("initialize_adam")
def _():
    rng = np.random.default_rng(805)
    return [Case("2 layers (3, 2, 1)", (_params(rng, [3, 2, 1]),)),
            Case("3 layers (4, 5, 3, 1)", (_params(rng, [4, 5, 3, 1]),))]


@suite.cases("update_parameters_with_adam")
def _():
    rng = np.random.default_rng(806)
    p1 = _params(rng, [3, 2, 1])
    g1 = _grads(rng, p1)
    p2 = _params(rng, [4, 3, 2, 1])
    g2 = _grads(rng, p2)
    v2 = _grads(rng, p2, scale=0.3)
    s2 = {k: np.abs(v) for k, v in _grads(rng, p2, scale=0.2).items()}
    return [Case("2 layers, first step t = 1 (v = s = 0), default hyperparameters",
                 (p1, g1, _zeros(p1), _zeros(p1), 1)),
            Case("3 layers, t = 3, learning rate 0.02, beta1 = 0.8, beta2 = 0.99, epsilon = 1e-6",
                 (p2, g2, v2, s2), {"t": 3, "learning_rate": 0.02, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6})]


@suite.cases("update_lr")
def _():
    return [Case("learning_rate0 = 0.5, epoch_num = 2, decay_rate = 1", (0.5, 2, 1)),
            Case("learning_rate0 = 0.3, epoch_num = 10, decay_rate = 0.25", (0.3, 10, 0.25)),
            Case("learning_rate0 = 0.1, epoch_num = 0, decay_rate = 3 (no decay yet)", (0.1, 0, 3))]


@suite.cases("schedule_lr_decay")
def _():
    return [Case("epoch_num = 10 < time_interval = 1000 (before the first decay)", (0.5, 10, 1)),
            Case("epoch_num = 2700, decay_rate = 0.5, time_interval = 1000 (two decays so far)", (0.4, 2700, 0.5)),
            Case("epoch_num = 300, decay_rate = 2, time_interval = 100", (0.1, 300, 2), {"time_interval": 100})]


# --------------------------------------------------------------------------- #
# Hints: a line added under the engine's message for recognisable mistakes
# --------------------------------------------------------------------------- #

_COPY_HINT = ("Keep the given first lines that copy the inputs ({copies}) and update the copies: "
              "assigning into the caller's dict (or `-=` on its arrays) changes the caller's {names}.")
_ARGUMENTS = {
    "update_parameters_with_gd": ("parameters", "grads", "learning_rate"),
    "update_parameters_with_momentum": ("parameters", "grads", "v", "beta", "learning_rate"),
    "update_parameters_with_adam": ("parameters", "grads", "v", "s", "t", "learning_rate", "beta1", "beta2",
                                    "epsilon"),
}
_COPIES = {
    "update_parameters_with_gd": "parameters = copy.deepcopy(parameters)",
    "update_parameters_with_momentum": "parameters = copy.deepcopy(parameters), v = copy.deepcopy(v)",
    "update_parameters_with_adam": "parameters = copy.deepcopy(parameters), v, s = copy.deepcopy(v), copy.deepcopy(s)",
}
_ZEROS_SHAPE = r"\['d[Wb]\d+'\] has the wrong shape"
_ZEROS_KEYS = r"is missing the key|unexpected key"

_HINTS = {
    "update_parameters_with_gd": [
        (r"wrong values", "Every parameter moves against its own gradient, W{l} - learning_rate * dW{l} and "
                          "b{l} - learning_rate * db{l}, for every layer l = 1, ..., L (range(1, L + 1))."),
    ],
    "random_mini_batches": [
        (r"IndexError|index \d+ is out of bounds",
         "Examples are columns: shuffle with X[:, permutation] and Y[:, permutation], slice with X[:, a:b]."),
        (r"the output on [^\n]*? has the wrong shape: got \((\d+),\), expected \(1, \1\)",
         "Keep Y a row vector of shape (1, m): Y[:, permutation].reshape((1, m))."),
        (r"\[0\]\[[01]\] has the wrong shape",
         "Mini-batch k holds the columns k * mini_batch_size up to (k + 1) * mini_batch_size (end excluded)."),
        (r"\[\d+\]\[[01]\] has the wrong shape",
         "The last, smaller mini-batch holds the leftover columns num_complete_minibatches * mini_batch_size "
         "up to m (end excluded, so the slice ends at m, not m - 1 or m % mini_batch_size)."),
        (r"\[\d+\]\[1\] has wrong values",
         "Shuffle X and Y with the same permutation: draw it once (permutation = list(np.random.permutation(m))) "
         "and index both with it, so every label stays with its example."),
        (r"\[\d+\]\[0\] has wrong values",
         "Shuffle first, with the permutation drawn right after the given np.random.seed(seed): "
         "permutation = list(np.random.permutation(m)); shuffled_X = X[:, permutation]; then cut consecutive "
         "slices of the shuffled arrays."),
    ],
    "initialize_velocity": [
        (_ZEROS_SHAPE, "Each velocity has the shape of its parameter: "
                       "np.zeros_like(parameters['W' + str(l)]) (not the shape of b, nor a flat vector)."),
        (_ZEROS_KEYS, "v has the keys 'dW1', 'db1', ..., 'dWL', 'dbL' ('d' + the parameter's name), "
                      "one per parameter, for l = 1, ..., L = len(parameters) // 2."),
        (r"wrong values", "The velocities start at zero."),
    ],
    "initialize_adam": [
        (_ZEROS_SHAPE, "Each moment has the shape of its parameter: np.zeros_like(parameters['W' + str(l)])."),
        (_ZEROS_KEYS, "v and s have the keys 'dW1', 'db1', ..., 'dWL', 'dbL', one per parameter."),
        (r"wrong values", "Both moments start at zero."),
        (r"should be a tuple|should have 2 items", "Return the pair (v, s): two dicts."),
    ],
    "update_lr": [
        (r"wrong values", "learning_rate = learning_rate0 / (1 + decay_rate * epoch_num): the decay term is "
                          "added to 1, and the whole sum divides learning_rate0."),
    ],
    "schedule_lr_decay": [
        (r"before the first decay[^\n]*has wrong values",
         "The rate changes only once every time_interval epochs: use math.floor(epoch_num / time_interval) "
         "(0 for the first time_interval epochs) where update_lr uses epoch_num."),
        (r"two decays so far[^\n]*has wrong values",
         "Round the number of intervals down: math.floor(epoch_num / time_interval) (2 at epoch 2700), "
         "then divide: learning_rate0 / (1 + decay_rate * that)."),
        (r"time_interval = 100[^\n]*has wrong values",
         "Use the time_interval argument, not a fixed 1000."),
    ],
}


def hint_for(name: str, text: str) -> str | None:
    """The hint line for a failure message of check ``name`` (text patterns only), or None."""
    match = re.search(r"modified its input \(argument (\d+)\)|modified its input `(\w+)`", text)
    if match and name in _ARGUMENTS:
        index, key = match.groups()
        arg = _ARGUMENTS[name][int(index) - 1] if index else key
        return _COPY_HINT.format(copies=_COPIES[name], names=f"`{arg}`")
    if name == "random_mini_batches" and "with the defaults" in text and "raised an error" not in text:
        return ("Only the case that relies on the defaults fails: keep the signature's defaults, "
                "mini_batch_size=64 and seed=0.")
    match = re.search(r"should have (\d+) items; got (\d+)", text)
    if match and name == "random_mini_batches":
        want, got = int(match.group(1)), int(match.group(2))
        if got < want:
            return ("Keep the last, smaller mini-batch: when m % mini_batch_size != 0 the leftover "
                    "examples form one more mini-batch.")
        return ("Add the last mini-batch only when m % mini_batch_size != 0 (there is no leftover otherwise), "
                "and make num_complete_minibatches = m // mini_batch_size.")
    for pattern, hint in _HINTS.get(name, []):
        if re.search(pattern, text):
            return hint
    return None


# --------------------------------------------------------------------------- #
# A second look at the outputs of momentum and Adam, in the order they are computed
# --------------------------------------------------------------------------- #

def _bind(template, case: Case) -> dict:
    bound = inspect.signature(template).bind(*case.args, **case.kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def _momentum_template(parameters, grads, v, beta, learning_rate):
    """The signature of update_parameters_with_momentum (arguments only)."""


def _adam_template(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """The signature of update_parameters_with_adam (arguments only)."""


def _outputs(fn, cases):
    """The learner's outputs on every case (None where it raised), on copies of the inputs."""
    results = []
    for case in cases:
        try:
            with np.errstate(all="ignore"):
                results.append(fn(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)))
        except Exception:
            results.append(None)
    return results


def _wrong(got, expected) -> bool:
    try:
        with np.errstate(all="ignore"):
            compare(got, expected, "x")
        return False
    except (CheckFailed, TypeError):
        return True


def _correction_power(corrected: dict, raw: dict, beta: float) -> float | None:
    """The k for which ``corrected == raw / (1 - beta ** k)`` (the same k for every entry), else None.

    ``inf`` when ``corrected`` was divided by zero (k = 0), ``nan`` when it equals ``raw`` (no correction).
    """
    ratios = []
    for key, value in raw.items():
        if not isinstance(corrected, dict) or key not in corrected:
            return None
        got = np.asarray(corrected[key], dtype=float)
        value = np.asarray(value, dtype=float)
        if got.shape != value.shape:
            return None
        mask = np.abs(value) > 1e-12
        with np.errstate(all="ignore"):
            ratios.append((got[mask] / value[mask]).ravel())
    ratios = np.concatenate(ratios) if ratios else np.array([])
    if ratios.size == 0 or not np.allclose(ratios, ratios[0], rtol=1e-6, equal_nan=True):
        return None
    r = float(ratios[0])
    if np.isinf(r):
        return math.inf
    if abs(r - 1) < 1e-9:
        return math.nan
    if r <= 1:
        return None
    return math.log(1 - 1 / r) / math.log(beta)


def _correction_hint(what: str, raw: str, beta_name: str, k, t: int) -> str:
    formula = f"{what} = {raw} / (1 - {beta_name} ** t)"
    if k is not None and math.isnan(k):
        return f"You forgot the bias correction: {formula}, with t the step number."
    if k is not None and (math.isinf(k) or abs(k - (t - 1)) < 1e-3):
        return f"Your {what} divides by 1 - {beta_name} ** (t - 1); use t itself: {formula} (t = {t} here)."
    if k is not None and abs(k - (t + 1)) < 1e-3:
        return f"Your {what} divides by 1 - {beta_name} ** (t + 1); use t itself: {formula} (t = {t} here)."
    return f"The bias correction is {formula}: {beta_name} to the power t (** in Python), and {raw} is the " \
           f"moment you just updated."


def _momentum_diagnosis(fn, cases, expected) -> str | None:
    for case, got, exp in zip(cases, _outputs(fn, cases), expected):
        if not isinstance(got, tuple) or len(got) != 2:
            return "Return the pair (parameters, v)." if got is not None else None
        args = _bind(_momentum_template, case)
        if _wrong(got[1], exp[1]):
            v0_is_zero = all(not np.any(value) for value in args["v"].values())
            if v0_is_zero and not _wrong({k: np.asarray(x) * (1 - args["beta"]) for k, x in got[1].items()}
                                         if isinstance(got[1], dict) else got[1], exp[1]):
                return ("Your v is 1 / (1 - beta) times too large: the new gradient is weighted by (1 - beta), "
                        "v = beta * v + (1 - beta) * dW.")
            return ("The velocity v (output [1]) is wrong: v['dW' + str(l)] = beta * v['dW' + str(l)] "
                    "+ (1 - beta) * grads['dW' + str(l)], and the same for db.")
        if _wrong(got[0], exp[0]):
            return ("v is right but the parameters are not: W = W - learning_rate * v['dW' + str(l)], "
                    "with the velocity you just updated (not the gradient).")
    return None


def _adam_diagnosis(fn, cases, expected) -> str | None:
    for case, got, exp in zip(cases, _outputs(fn, cases), expected):
        if not isinstance(got, tuple) or len(got) != 5:
            return "Return the five values (parameters, v, s, v_corrected, s_corrected)." if got is not None \
                else None
        args = _bind(_adam_template, case)
        params, v, s, v_corrected, s_corrected = got
        if _wrong(v, exp[1]):
            return ("The first moment v (output [1]) is wrong: v = beta1 * v + (1 - beta1) * grad, "
                    "for every dW{l} and db{l}.")
        if _wrong(s, exp[2]):
            return ("The second moment s (output [2]) is wrong: s = beta2 * s + (1 - beta2) * grad ** 2, "
                    "the gradient squared entry by entry (np.square).")
        if _wrong(v_corrected, exp[3]):
            k = _correction_power(v_corrected, v, args["beta1"])
            return _correction_hint("v_corrected", "v", "beta1", k, args["t"])
        if _wrong(s_corrected, exp[4]):
            k = _correction_power(s_corrected, s, args["beta2"])
            return _correction_hint("s_corrected", "s", "beta2", k, args["t"])
        if _wrong(params, exp[0]):
            return ("The moments are right but the parameters are not: W = W - learning_rate * v_corrected / "
                    "(np.sqrt(s_corrected) + epsilon), with the corrected moments and epsilon outside the root.")
    return None


_DIAGNOSES = {"update_parameters_with_momentum": _momentum_diagnosis,
              "update_parameters_with_adam": _adam_diagnosis}


def _with_hints(name: str, check_fn):
    @functools.wraps(check_fn)
    def checked(fn, verbose: bool = True) -> Report:
        report = check_fn(fn, verbose=False)
        if report.status == "failed":
            text = report.text
            hint = hint_for(name, text)
            if hint is None and name in _DIAGNOSES and "raised an error" not in text:
                cases = suite.case_makers[name]()
                hint = _DIAGNOSES[name](fn, cases, expected_for(suite.notebook, name))
            if hint:
                report.lines.append(f"    Hint: {hint}")
        if verbose:
            print(report.text, flush=True)
        return report
    return checked


def _check(name: str):
    return _with_hints(name, suite.check(name))


check_update_parameters_with_gd = _check("update_parameters_with_gd")
check_random_mini_batches = _check("random_mini_batches")
check_initialize_velocity = _check("initialize_velocity")
check_update_parameters_with_momentum = _check("update_parameters_with_momentum")
check_initialize_adam = _check("initialize_adam")
check_update_parameters_with_adam = _check("update_parameters_with_adam")
check_update_lr = _check("update_lr")
check_schedule_lr_decay = _check("schedule_lr_decay")

__all__ = ["check_update_parameters_with_gd", "check_random_mini_batches", "check_initialize_velocity",
           "check_update_parameters_with_momentum", "check_initialize_adam", "check_update_parameters_with_adam",
           "check_update_lr", "check_schedule_lr_decay"]
