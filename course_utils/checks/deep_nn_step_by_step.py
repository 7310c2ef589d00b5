"""Public checks of notebook 03, building a deep neural network step by step (NumPy).

The cases are small random arrays from seeded generators. The backward checks
use random caches of consistent shapes (they need not come from a real forward
pass), so no check contains a forward-pass solution. When a check fails in a
recognisable way (a transposed weight, a missing ``keepdims``, a missing
``1/m``), a hint line follows the engine's message.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from .core import Case, Report
from .suite import Suite

suite = Suite("03_deep_nn_step_by_step")


# --------------------------------------------------------------------------- #
# Inputs
# --------------------------------------------------------------------------- #

def _params(rng, layer_dims, scale=0.5):
    params = {}
    for layer in range(1, len(layer_dims)):
        params[f"W{layer}"] = rng.normal(size=(layer_dims[layer], layer_dims[layer - 1])) * scale
        params[f"b{layer}"] = rng.normal(size=(layer_dims[layer], 1)) * scale
    return params


def _linear_cache(rng, n_prev, n, m):
    return (rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1)))


def _random_caches(rng, layer_dims, m):
    """One ((A_prev, W, b), Z) per layer, shapes consistent with ``layer_dims``; values random."""
    return [(_linear_cache(rng, layer_dims[layer - 1], layer_dims[layer], m),
             rng.normal(size=(layer_dims[layer], m)))
            for layer in range(1, len(layer_dims))]


def _probabilities(rng, shape):
    return rng.uniform(0.05, 0.95, size=shape)


def _labels(rng, m):
    Y = (rng.random((1, m)) > 0.5).astype(float)
    Y[0, 0], Y[0, -1] = 1.0, 0.0  # both classes present
    return Y


@suite.cases("initialize_parameters")
def _():
    return [Case("n_x = 3, n_h = 2, n_y = 1", (3, 2, 1)),
            Case("n_x = 4, n_h = 5, n_y = 2", (4, 5, 2))]


@suite.cases("initialize_parameters_deep")
def _():
    return [Case("layer_dims = (5, 4, 3)", ([5, 4, 3],)),
            Case("layer_dims = (4, 3, 2, 1)", ([4, 3, 2, 1],))]


@suite.cases("linear_forward")
def _():
    rng = np.random.default_rng(301)
    A1, W1, b1 = _linear_cache(rng, 3, 1, 2)
    A2, W2, b2 = _linear_cache(rng, 4, 3, 5)
    return [Case("1 unit, 3 inputs, 2 examples", (A1, W1, b1)),
            Case("3 units, 4 inputs, 5 examples", (A2, W2, b2))]


@suite.cases("linear_activation_forward")
def _():
    rng = np.random.default_rng(302)
    A1, W1, b1 = _linear_cache(rng, 3, 1, 2)
    A2, W2, b2 = _linear_cache(rng, 4, 2, 3)
    return [Case("sigmoid, 1 unit, 2 examples", (A1, W1, b1, "sigmoid")),
            Case("relu, 1 unit, 2 examples", (A1, W1, b1, "relu")),
            Case("relu, 2 units, 3 examples", (A2, W2, b2), {"activation": "relu"})]


@suite.cases("L_model_forward")
def _():
    rng = np.random.default_rng(303)
    X1, p1 = rng.normal(size=(5, 4)), _params(rng, [5, 4, 3, 1])
    X2, p2 = rng.normal(size=(3, 6)), _params(rng, [3, 2, 1])
    return [Case("3 layers (5, 4, 3, 1), 4 examples", (X1, p1)),
            Case("2 layers (3, 2, 1), 6 examples", (X2, p2))]


@suite.cases("compute_cost")
def _():
    rng = np.random.default_rng(304)
    return [Case("3 examples", (np.array([[0.8, 0.9, 0.4]]), np.array([[1.0, 1.0, 0.0]]))),
            Case("6 examples", (_probabilities(rng, (1, 6)), _labels(rng, 6)))]


@suite.cases("linear_backward")
def _():
    rng = np.random.default_rng(305)
    cache1, cache2 = _linear_cache(rng, 3, 1, 2), _linear_cache(rng, 4, 3, 5)
    return [Case("1 unit, 3 inputs, 2 examples", (rng.normal(size=(1, 2)), cache1)),
            Case("3 units, 4 inputs, 5 examples", (rng.normal(size=(3, 5)), cache2))]


@suite.cases("linear_activation_backward")
def _():
    rng = np.random.default_rng(306)
    (cache1,) = _random_caches(rng, [3, 1], 2)
    (cache2,) = _random_caches(rng, [4, 3], 5)
    dA1, dA2 = rng.normal(size=(1, 2)), rng.normal(size=(3, 5))
    return [Case("sigmoid, 1 unit, 2 examples", (dA1, cache1, "sigmoid")),
            Case("relu, 1 unit, 2 examples", (dA1, cache1, "relu")),
            Case("relu, 3 units, 5 examples", (dA2, cache2), {"activation": "relu"})]


@suite.cases("L_model_backward")
def _():
    rng = np.random.default_rng(307)
    caches1 = _random_caches(rng, [4, 3, 1], 3)
    AL1, Y1 = _probabilities(rng, (1, 3)), _labels(rng, 3)
    caches2 = _random_caches(rng, [5, 4, 3, 1], 4)
    AL2, Y2 = _probabilities(rng, (1, 4)), _labels(rng, 4)
    return [Case("2 layers (4, 3, 1), 3 examples", (AL1, Y1, caches1)),
            Case("3 layers (5, 4, 3, 1), 4 examples", (AL2, Y2, caches2))]


@suite.cases("update_parameters")
def _():
    rng = np.random.default_rng(308)
    p1, g1 = _params(rng, [3, 2, 1]), {}
    for key, value in p1.items():
        g1["d" + key] = rng.normal(size=value.shape)
    g1["dA1"] = rng.normal(size=(2, 4))
    p2 = _params(rng, [4, 3, 2, 1])
    g2 = {"d" + key: rng.normal(size=value.shape) for key, value in p2.items()}
    return [Case("2 layers, learning rate 0.1", (p1, g1, 0.1)),
            Case("3 layers, learning rate 1.2", (p2, g2), {"learning_rate": 1.2})]


# --------------------------------------------------------------------------- #
# Hints: a line added under the engine's message for recognisable mistakes
# --------------------------------------------------------------------------- #

_OUTPUT_NAMES = {
    "linear_forward": ("Z", "cache"),
    "linear_activation_forward": ("A", "cache"),
    "L_model_forward": ("AL", "caches"),
    "linear_backward": ("dA_prev", "dW", "db"),
    "linear_activation_backward": ("dA_prev", "dW", "db"),
}

_TRANSPOSED = r"\['W\d+'\] has the wrong shape: got \((\d+), (\d+)\), expected \(\2, \1\)"
_COLUMN = r"has the wrong shape: got \((\d+),\), expected \(\1, 1\)"
_MATMUL = r"not aligned|matmul: Input operand|could not be broadcast"

_HINTS = {
    "initialize_parameters": [
        (_TRANSPOSED, "W of a layer has one row per unit of that layer: shape (n_h, n_x) for W1, (n_y, n_h) for W2."),
        (_COLUMN, "b should be a column vector: np.zeros((n, 1)), not np.zeros(n)."),
        (r"\['W\d+'\] has wrong values", "Draw with np.random.randn(rows, columns) * 0.01, W1 before W2, "
                                         "and don't reseed: the seed is set for you."),
    ],
    "initialize_parameters_deep": [
        (_TRANSPOSED, "W{l} has shape (layer_dims[l], layer_dims[l-1]): one row per unit of layer l."),
        (_COLUMN, "b{l} should be a column vector of shape (layer_dims[l], 1)."),
        (r"is missing the key|unexpected key", "The keys are 'W1', 'b1', ..., 'WL', 'bL' with "
                                              "L = len(layer_dims) - 1 (the input layer has no parameters)."),
        (r"\['W\d+'\] has wrong values", "Draw each W{l} with np.random.randn(rows, columns) * 0.01, "
                                         "layer by layer in order, and don't reseed."),
    ],
    "linear_forward": [
        (_MATMUL, "Z = W·A + b: W comes first, np.dot(W, A), then b is broadcast over the columns."),
        (r"\[1\]", "The cache is the tuple of the inputs, (A, W, b), in that order."),
    ],
    "linear_activation_forward": [
        (r"\[1\]", "The cache is (linear_cache, activation_cache): the one from linear_forward, "
                   "then the one from sigmoid/relu (that is Z)."),
        (r"\[0\] has wrong values", "Each branch applies its own activation to Z = W·A_prev + b: "
                                    "sigmoid(Z) or relu(Z), each returning (A, Z)."),
    ],
    "L_model_forward": [
        (r"\[1\] should have (\d+) items", "caches needs one cache per layer, the last (sigmoid) layer included."),
        (r"\[0\] has wrong values", "Hidden layers 1..L-1 use relu and only the last layer uses sigmoid; "
                                    "each layer l reads W{l}, b{l} and the previous layer's A."),
    ],
    "compute_cost": [
        (r"wrong values", "J = -(1/m) Σ (y·log(a) + (1-y)·log(1-a)): check the minus sign and the division by m."),
    ],
    "linear_backward": [
        (_COLUMN, "db keeps its column shape: np.sum(dZ, axis=1, keepdims=True) / m."),
        (_MATMUL, "dW = dZ·A_prevᵀ / m and dA_prev = Wᵀ·dZ: check which factor is transposed."),
        (r"\[[12]\] has wrong values", "dW and db average over the m examples: divide by m = A_prev.shape[1]."),
        (r"\[0\] has wrong values", "dA_prev = Wᵀ·dZ (no division by m)."),
    ],
    "linear_activation_backward": [
        (_COLUMN, "db keeps its column shape (see linear_backward)."),
        (r"wrong values", "First dZ = relu_backward(dA, activation_cache) or sigmoid_backward(...), "
                          "then linear_backward(dZ, linear_cache); make sure each branch uses its own activation."),
    ],
    "L_model_backward": [
        (r"is missing the key|unexpected key", "grads holds dA0..dA{L-1}, dW1..dWL and db1..dbL "
                                              "(dA{l-1}, dW{l}, db{l} come from layer l's backward step)."),
        (r"\['d[AWb]\d+'\] has wrong values", "Start from dAL = -(Y/AL - (1-Y)/(1-AL)); the last layer goes "
                                              "backward through sigmoid, the others through relu, "
                                              "and layer l uses caches[l-1]."),
    ],
    "update_parameters": [
        (r"in place", "Keep the given first line, parameters = copy.deepcopy(params), and update `parameters`: "
                      "writing into `params` changes the caller's dict."),
        (r"wrong values", "Each parameter takes one step against its gradient: W{l} - learning_rate * dW{l}."),
    ],
}


def _output_index_note(name: str, text: str) -> str | None:
    names = _OUTPUT_NAMES.get(name)
    match = re.search(r"the output on [^\[\n]*\[(\d+)\]", text)
    if names and match and int(match.group(1)) < len(names):
        i = int(match.group(1))
        return f"(output [{i}] is `{names[i]}`; {name} returns ({', '.join(names)}).)"
    return None


def hint_for(name: str, text: str) -> str | None:
    """The hint line for a failure message of check ``name``, or None."""
    for pattern, hint in _HINTS.get(name, []):
        if re.search(pattern, text):
            return hint
    return None


def _with_hints(name: str, check_fn):
    @functools.wraps(check_fn)
    def checked(fn, verbose: bool = True) -> Report:
        report = check_fn(fn, verbose=False)
        if report.status == "failed":
            text = report.text
            for extra in (_output_index_note(name, text), hint_for(name, text)):
                if extra:
                    report.lines.append(f"    Hint: {extra}" if not extra.startswith("(") else f"    {extra}")
        if verbose:
            print(report.text, flush=True)
        return report
    return checked


def _check(name: str):
    return _with_hints(name, suite.check(name))


check_initialize_parameters = _check("initialize_parameters")
check_initialize_parameters_deep = _check("initialize_parameters_deep")
check_linear_forward = _check("linear_forward")
check_linear_activation_forward = _check("linear_activation_forward")
check_L_model_forward = _check("L_model_forward")
check_compute_cost = _check("compute_cost")
check_linear_backward = _check("linear_backward")
check_linear_activation_backward = _check("linear_activation_backward")
check_L_model_backward = _check("L_model_backward")
check_update_parameters = _check("update_parameters")

__all__ = ["check_initialize_parameters", "check_initialize_parameters_deep", "check_linear_forward",
           "check_linear_activation_forward", "check_L_model_forward", "check_compute_cost",
           "check_linear_backward", "check_linear_activation_backward", "check_L_model_backward",
           "check_update_parameters"]
