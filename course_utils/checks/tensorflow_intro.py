"""Public checks of notebook 09, an introduction to TensorFlow (hand signs, 12288 → 25 → 12 → 6).

The learner's functions return TensorFlow tensors and variables. Each check
calls the function on NumPy inputs (TensorFlow ops accept them), turns the
tensors of the output into NumPy arrays, and compares them with the stored
expected outputs *including the exact dtype*: float32 is what TensorFlow uses
by default, and a float64 result is reported as a mistake (except for
``linear_function``, whose inputs are float64 NumPy draws). It also checks the
*kind* of object returned: a tensor where a tensor is expected, a
``tf.Variable`` for each parameter.

When a check fails, a diagnosis names the classic mistake where it can (a
missing cast, a one-hot column of the wrong shape, a uniform or unseeded
Glorot initializer, an activation on Z3, the mean instead of the sum, missing
transposes) in one hint line.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from .core import Case, CheckFailed, Report, _snapshot
from .expected import expected_for
from .suite import Suite

suite = Suite("09_tensorflow_intro")

#: The shapes of the parameters returned by ``initialize_parameters``.
PARAMETER_SHAPES = {"W1": (25, 12288), "b1": (25, 1), "W2": (12, 25), "b2": (12, 1), "W3": (6, 12), "b3": (6, 1)}


# --------------------------------------------------------------------------- #
# TensorFlow outputs as NumPy arrays that remember what they were
# --------------------------------------------------------------------------- #

class TFTensor(np.ndarray):
    """A NumPy copy of a ``tf.Tensor`` returned by the learner."""


class TFVariable(np.ndarray):
    """A NumPy copy of a ``tf.Variable`` returned by the learner."""


def _is_tf(value) -> bool:
    return type(value).__module__.startswith("tensorflow.") and hasattr(value, "numpy")


def _to_numpy(value):
    """Tensors and variables (also inside dicts, tuples, lists) become NumPy arrays tagged with their kind."""
    if _is_tf(value):
        kind = TFVariable if "variable" in type(value).__name__.lower() else TFTensor
        return np.asarray(value.numpy()).view(kind)
    if isinstance(value, dict):
        return {k: _to_numpy(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_to_numpy(v) for v in value)
    if isinstance(value, list):
        return [_to_numpy(v) for v in value]
    return value


def numpy_outputs(fn):
    """``fn`` with its TensorFlow outputs turned into (tagged) NumPy arrays."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        return _to_numpy(fn(*args, **kwargs))
    return call


def _kind_of(value) -> str:
    if isinstance(value, TFVariable):
        return "a tf.Variable"
    if isinstance(value, TFTensor):
        return "a tf.Tensor"
    if isinstance(value, np.ndarray):
        return "a NumPy array"
    return f"a {type(value).__name__}"


def _want_tensor(got, case, exp):
    if not isinstance(got, (TFTensor, TFVariable)):
        raise CheckFailed(f"the output on {case.label} should be a TensorFlow tensor; got {_kind_of(got)}. "
                          "Build it with TensorFlow operations (tf.add, tf.matmul, tf.cast, ...).")


def _want_variables(got, case, exp):
    for key, value in got.items():
        if not isinstance(value, TFVariable):
            raise CheckFailed(f"parameters[{key!r}] should be a tf.Variable (it is trained); got {_kind_of(value)}.")


# --------------------------------------------------------------------------- #
# Cases
# --------------------------------------------------------------------------- #

def _f32(a):
    return np.asarray(a, dtype=np.float32)


@suite.cases("linear_function")
def _():
    return [Case("Y = WX + b with the seeded X, W, b")]


@suite.cases("sigmoid")
def _():
    rng = np.random.default_rng(901)
    return [Case("z = -1.0", (-1.0,)),
            Case("z = 0 (an integer)", (0,)),
            Case("a float64 array of shape (2, 3)", (rng.normal(scale=3.0, size=(2, 3)),)),
            Case("a float32 array of shape (4,)", (_f32([-20.0, -0.5, 0.5, 20.0]),))]


@suite.cases("one_hot_matrix")
def _():
    return [Case("label 1, depth 6", (1,)),
            Case("label 4, depth 6", (np.int64(4),)),
            Case("label 2, depth = 4", (2,), {"depth": 4})]


def _layer_params(rng, dims):
    params = {}
    for layer in range(1, len(dims)):
        params[f"W{layer}"] = _f32(rng.normal(size=(dims[layer], dims[layer - 1])))
        params[f"b{layer}"] = _f32(rng.normal(scale=0.5, size=(dims[layer], 1)))
    return params


@suite.cases("initialize_parameters")
def _():
    return [Case("the shapes 12288 → 25 → 12 → 6")]


@suite.cases("forward_propagation")
def _():
    rng = np.random.default_rng(905)
    X1, X2 = _f32(rng.normal(size=(5, 4))), _f32(rng.normal(size=(3, 7)))
    return [Case("layers (5, 4, 3, 6), 4 examples", (X1, _layer_params(rng, (5, 4, 3, 6)))),
            Case("layers (3, 6, 5, 4), 7 examples", (X2, _layer_params(rng, (3, 6, 5, 4))))]


def _one_hot_columns(labels, depth):
    return _f32(np.eye(depth)[:, labels])


@suite.cases("compute_total_loss")
def _():
    rng = np.random.default_rng(906)
    logits1, logits2 = _f32(rng.normal(scale=2.0, size=(6, 5))), _f32(rng.normal(scale=2.0, size=(4, 3)))
    return [Case("6 classes, 5 examples", (logits1, _one_hot_columns([0, 3, 5, 1, 3], 6))),
            Case("4 classes, 3 examples", (logits2, _one_hot_columns([2, 0, 3], 4)))]


# --------------------------------------------------------------------------- #
# Diagnoses
# --------------------------------------------------------------------------- #

def _close(a, b, rtol=1e-5, atol=1e-6) -> bool:
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _runs(fn, name):
    cases, expected = suite.case_makers[name](), expected_for(suite.notebook, name)
    for case, exp in zip(cases, expected):
        try:
            got = numpy_outputs(fn)(*_snapshot(case.args), **_snapshot(case.kwargs))
            if name in getattr(suite, "summaries", {}):
                got = suite.summaries[name](got)
        except Exception:
            continue
        yield case, exp, got


def _diagnose_linear_function(fn):
    for _case, exp, got in _runs(fn, "linear_function"):
        got = np.asarray(got)
        if got.shape != exp.shape:
            if got.shape in {(1, 4), (4,)}:
                return "Y = W · X + b has the shape (4, 1) of b: multiply W (4, 3) by X (3, 1), in that order."
            return "X is (3, 1), W is (4, 3) and b is (4, 1); Y = tf.add(tf.matmul(W, X), b) is (4, 1)."
        if got.dtype != exp.dtype:
            return ("keep the float64 draws of np.random.randn as they are: tf.constant and tf.Variable take the "
                    "dtype of the NumPy array.")
        return ("seed first with np.random.seed(1), then draw X (3, 1), W (4, 3) and b (4, 1) with np.random.randn, "
                "in that order; Y = W · X + b.")
    return None


def _diagnose_sigmoid(fn):
    for _case, exp, got in _runs(fn, "sigmoid"):
        got = np.asarray(got)
        if got.dtype != exp.dtype and got.dtype == np.float64:
            return "cast z to float32 first, z = tf.cast(z, tf.float32): TensorFlow keeps the float64 of a NumPy array."
        if got.shape == exp.shape and not _close(got, exp):
            if _close(got, 1 - exp):
                return "sigmoid(z) = 1 / (1 + e^(-z)): check the sign of z."
            return "use tf.keras.activations.sigmoid(z) after the cast."
    return None


def _diagnose_one_hot(fn):
    for case, exp, got in _runs(fn, "one_hot_matrix"):
        got = np.asarray(got)
        depth = case.kwargs.get("depth", 6)
        if got.shape in {(depth, 1), (1, depth)}:
            return (f"return a single column of shape ({depth},), not {got.shape}: "
                    "tf.reshape(tf.one_hot(label, depth, axis=0), (depth,)).")
        if got.shape != exp.shape and got.size in {6, 36} and depth != 6:
            return "use the `depth` argument instead of 6: the number of classes is not always 6."
        if got.shape == exp.shape and got.dtype != exp.dtype:
            return "tf.one_hot returns float32 by default; keep that dtype (no dtype= argument, no cast)."
    return None


def _diagnose_initialize(fn):
    import tensorflow as tf

    runs = list(_runs(fn, "initialize_parameters"))
    if not runs:
        return None
    _, exp, got = runs[0]
    if not isinstance(got, dict):
        return None
    for key, shape in PARAMETER_SHAPES.items():
        summarized = key == "W1" and np.shape(got.get(key)) == (shape[0], W1_COLUMNS)
        if key in got and np.shape(got[key]) != shape and not summarized:
            if key.startswith("b") and np.shape(got[key]) in {(shape[0],), (1, shape[0])}:
                return f"each bias is a column: {key} has the shape {shape}, so that it broadcasts over the examples."
            return f"{key} has the shape {shape}: (units of this layer, units of the previous layer)."
    key = next((k for k in PARAMETER_SHAPES if k in got and not _close(got[k], exp[k])), None)
    if key is None:
        return None
    value = np.asarray(got[key], dtype=float)
    shape = PARAMETER_SHAPES[key]
    uniform = tf.keras.initializers.GlorotUniform(seed=1)(shape=shape).numpy()
    if _close(value, uniform[:, :W1_COLUMNS] if key == "W1" else uniform):
        return ("use tf.keras.initializers.GlorotNormal(seed=1), not GlorotUniform: the values are drawn from a "
                "(truncated) normal distribution.")
    if np.all(value == 0):
        return "initialize every parameter, biases included, with the GlorotNormal(seed=1) initializer."
    fan = float(np.sqrt(2.0 / (shape[0] + shape[1])))
    if abs(float(np.std(value)) - fan) < 0.5 * fan:
        return ("the scale looks right but not the values: create the initializer with the seed, "
                "tf.keras.initializers.GlorotNormal(seed=1), and call it for every parameter.")
    return ("draw each parameter with initializer(shape=...), where initializer = "
            "tf.keras.initializers.GlorotNormal(seed=1).")


def _relu(z):
    return np.maximum(z, 0)


def _softmax(z, axis):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _diagnose_forward(fn):
    for _case, exp, got in _runs(fn, "forward_propagation"):
        if np.asarray(got).dtype != exp.dtype:
            return "the inputs are float32: keep that dtype, with no cast to float64 (or to anything else)."
        got = np.asarray(got, dtype=float)
        if got.shape != exp.shape:
            if got.shape == exp.shape[::-1]:
                return "keep the column layout: Z = W · A + b, with one example per column, so Z3 is (6, m)."
            return "Z1 = W1 · X + b1, A1 = relu(Z1), Z2 = W2 · A1 + b2, A2 = relu(Z2), Z3 = W3 · A2 + b3."
        if _close(got, exp):
            continue
        if _close(got, _relu(exp)):
            return ("return Z3 itself, with no activation: the loss applies the softmax (from_logits=True), "
                    "so a ReLU on Z3 throws away the negative logits.")
        for axis in (0, 1):
            if _close(got, _softmax(exp, axis)):
                return ("return Z3 itself, the logits: the loss applies the softmax for you "
                        "(from_logits=True), so do not apply it here.")
        if _close(got, _sigmoid(exp)):
            return "return Z3 itself, with no activation: the loss works on the logits."
        return ("the hidden layers use ReLU (tf.keras.activations.relu) and each layer adds its own bias: "
                "Z1 = W1 · X + b1, Z2 = W2 · A1 + b2, Z3 = W3 · A2 + b3.")
    return None


def _diagnose_loss(fn):
    for case, exp, got in _runs(fn, "compute_total_loss"):
        logits, labels = (np.asarray(a, dtype=float) for a in case.args)
        got = np.asarray(got)
        if got.size != 1:
            return ("add up the losses of the examples into one number with tf.reduce_sum "
                    f"(got shape {got.shape}).")
        if got.dtype != exp.dtype:
            return "keep the float32 of the logits; no cast to float64."
        value, m = float(got.reshape(-1)[0]), labels.shape[1]
        if np.isclose(value, float(exp) / m, rtol=1e-5):
            return ("return the SUM of the losses over the batch (tf.reduce_sum), not the mean: the training loop "
                    "divides the total by the number of examples at the end of each epoch.")
        no_transpose = float(np.sum(-np.sum(labels * np.log(_softmax(logits, 1)), axis=1)))
        if np.isclose(value, no_transpose, rtol=1e-5) or np.isclose(value, no_transpose / labels.shape[0], rtol=1e-5):
            return ("transpose both arguments: categorical_crossentropy expects one example per ROW, and our "
                    "logits and labels have one example per column.")
        with np.errstate(all="ignore"):  # Keras' from_logits=False: normalise, clip, log
            p = np.clip(logits / logits.sum(axis=0, keepdims=True), 1e-7, 1 - 1e-7)
            not_from_logits = float(np.sum(-np.sum(labels * np.log(p), axis=0)))
        if np.isclose(value, not_from_logits, rtol=1e-4):
            return "pass from_logits=True: the inputs are logits (Z3), not probabilities."
        return ("tf.reduce_sum(tf.keras.losses.categorical_crossentropy(tf.transpose(labels), tf.transpose(logits), "
                "from_logits=True)): labels first, then logits.")
    return None


_DIAGNOSES = {
    "linear_function": _diagnose_linear_function,
    "sigmoid": _diagnose_sigmoid,
    "one_hot_matrix": _diagnose_one_hot,
    "initialize_parameters": _diagnose_initialize,
    "forward_propagation": _diagnose_forward,
    "compute_total_loss": _diagnose_loss,
}

# Hints from the failure message alone, looked at before the diagnosis.
_HINTS = {
    "sigmoid": [
        (r"Value for attr 'T' of int", "cast z to float32 first, z = tf.cast(z, tf.float32): the sigmoid of "
                                       "TensorFlow does not take integers."),
    ],
    "one_hot_matrix": [
        (r"axis to be -1 or between", "one label gives one column: use axis=0, tf.one_hot(label, depth, axis=0)."),
    ],
    "initialize_parameters": [
        (r"is missing the key|unexpected key", "return a dict with the keys W1, b1, W2, b2, W3, b3."),
    ],
    "forward_propagation": [
        (r"was expected to be a (double|float) tensor",
         "the inputs are float32: do not cast anything to float64 (or mix NumPy float64 arrays in)."),
        (r"Matrix size-incompatible|Incompatible shapes|must be the same rank|In\[0\] mismatch",
         "multiply the weights on the left: tf.matmul(W1, X), where X has one example per column."),
    ],
    "compute_total_loss": [
        (r"should be a TensorFlow tensor", "use tf.keras.losses.categorical_crossentropy and tf.reduce_sum."),
    ],
}


def hint_for(name: str, text: str) -> str | None:
    """The hint line for a failure message of check ``name`` (from the message alone), or None."""
    for pattern, hint in _HINTS.get(name, []):
        if re.search(pattern, text):
            return hint
    return None


def diagnose(name: str, fn) -> str | None:
    """The hint line found by re-running ``fn`` and comparing its output with the expected one, or None."""
    try:
        return _DIAGNOSES[name](fn)
    except Exception:  # a diagnosis never turns a failed check into a crash
        return None


#: Columns of W1 kept in the stored expected values (all 12288 would make a 6 MB file).
W1_COLUMNS = 40


def summarize_parameters(parameters):
    """The parameters with W1 cut to its first ``W1_COLUMNS`` columns (when it has the expected shape)."""
    parameters = _to_numpy(parameters)
    if isinstance(parameters, dict) and np.shape(parameters.get("W1")) == PARAMETER_SHAPES["W1"]:
        parameters = dict(parameters, W1=parameters["W1"][:, :W1_COLUMNS])
    return parameters


suite.summaries = {"initialize_parameters": summarize_parameters}


def _with_hints(name: str, verify, **tolerances):
    check_fn = suite.check(name, verify=verify, exact_dtype=True, **tolerances)
    summarize = suite.summaries.get(name)

    @functools.wraps(check_fn)
    def checked(fn, verbose: bool = True) -> Report:
        target = numpy_outputs(fn) if callable(fn) else fn
        if summarize is not None and callable(fn):
            target = functools.wraps(fn)(lambda *args, **kwargs: summarize(numpy_outputs(fn)(*args, **kwargs)))
        report = check_fn(target, verbose=False)
        if report.status == "failed" and summarize is not None:
            full = PARAMETER_SHAPES["W1"]
            report.lines = [line.replace(f"expected ({full[0]}, {W1_COLUMNS})", f"expected {full}")
                            for line in report.lines]
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


check_linear_function = _with_hints("linear_function", _want_tensor)
check_sigmoid = _with_hints("sigmoid", _want_tensor)
check_one_hot_matrix = _with_hints("one_hot_matrix", _want_tensor)
check_initialize_parameters = _with_hints("initialize_parameters", _want_variables)
check_forward_propagation = _with_hints("forward_propagation", _want_tensor, atol=1e-5, rtol=1e-5)
check_compute_total_loss = _with_hints("compute_total_loss", _want_tensor, atol=1e-5, rtol=1e-5)

__all__ = ["check_linear_function", "check_sigmoid", "check_one_hot_matrix", "check_initialize_parameters",
           "check_forward_propagation", "check_compute_total_loss"]
