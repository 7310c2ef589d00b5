"""Public checks of notebook 02, planar data classification with one hidden layer."""

from __future__ import annotations

import functools

import numpy as np

from .core import Case, CheckFailed
from .suite import Suite

suite = Suite("02_planar_data")


def _data(seed: int, n_x: int, m: int, n_y: int = 1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m))
    Y = (rng.random((n_y, m)) > 0.5).astype(np.int64)
    return X, Y


def _params(seed: int, n_x: int, n_h: int, n_y: int = 1, scale: float = 0.5):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(size=(n_h, n_x)) * scale, "b1": rng.normal(size=(n_h, 1)) * 0.1,
            "W2": rng.normal(size=(n_y, n_h)) * scale, "b2": rng.normal(size=(n_y, 1)) * 0.1}


def _cache(seed: int, n_h: int, m: int, n_y: int = 1):
    """A self-consistent cache (A1 = tanh(Z1), A2 = sigmoid(Z2)) built from random activations."""
    rng = np.random.default_rng(seed)
    A1 = rng.uniform(-0.95, 0.95, size=(n_h, m))
    A2 = rng.uniform(0.05, 0.95, size=(n_y, m))
    return {"Z1": np.arctanh(A1), "A1": A1, "Z2": np.log(A2 / (1 - A2)), "A2": A2}


def _grads(seed: int, n_x: int, n_h: int, n_y: int = 1):
    rng = np.random.default_rng(seed)
    return {"dW1": rng.normal(size=(n_h, n_x)) * 0.1, "db1": rng.normal(size=(n_h, 1)) * 0.1,
            "dW2": rng.normal(size=(n_y, n_h)) * 0.1, "db2": rng.normal(size=(n_y, 1)) * 0.1}


@suite.cases("layer_sizes")
def _():
    X, Y = _data(1, n_x=5, m=3, n_y=2)
    X2, Y2 = _data(2, n_x=2, m=7)
    return [Case("X (5, 3), Y (2, 3)", (X, Y)), Case("X (2, 7), Y (1, 7)", (X2, Y2))]


@suite.cases("initialize_parameters")
def _():
    return [Case("n_x = 2, n_h = 4, n_y = 1", (2, 4, 1)), Case("n_x = 3, n_h = 5, n_y = 2", (3, 5, 2))]


def _verify_initialize(got, case, expected):
    for key in ("b1", "b2"):
        if np.any(got[key] != 0):
            raise CheckFailed(f"{key} should be all zeros.")


@suite.cases("forward_propagation")
def _():
    X, _ = _data(3, n_x=2, m=3)
    X2, _ = _data(4, n_x=3, m=5)
    return [Case("2 features, 4 hidden units, 3 examples", (X, _params(5, 2, 4))),
            Case("3 features, 6 hidden units, 5 examples", (X2, _params(6, 3, 6)))]


@suite.cases("compute_cost")
def _():
    return [Case("3 examples", (np.array([[0.5002307, 0.49985831, 0.50023963]]), np.array([[1, 0, 0]]))),
            Case("5 examples", (np.array([[0.9, 0.2, 0.6, 0.35, 0.05]]), np.array([[1, 0, 1, 1, 0]])))]


@suite.cases("backward_propagation")
def _():
    X, Y = _data(7, n_x=2, m=3)
    X2, Y2 = _data(8, n_x=3, m=6)
    return [Case("2 features, 4 hidden units, 3 examples", (_params(9, 2, 4), _cache(10, 4, 3), X, Y)),
            Case("3 features, 5 hidden units, 6 examples", (_params(11, 3, 5), _cache(12, 5, 6), X2, Y2))]


@suite.cases("update_parameters")
def _():
    return [Case("default learning rate (1.2)", (_params(13, 2, 4), _grads(14, 2, 4))),
            Case("learning_rate = 0.5", (_params(15, 3, 5), _grads(16, 3, 5)), {"learning_rate": 0.5})]


@suite.cases("nn_model")
def _():
    X, Y = _data(17, n_x=2, m=10)
    X2, Y2 = _data(18, n_x=2, m=12)
    return [Case("4 hidden units, 50 iterations", (X, Y, 4), {"num_iterations": 50}),
            Case("3 hidden units, 300 iterations", (X2, Y2, 3), {"num_iterations": 300})]


@suite.cases("predict")
def _():
    X, _ = _data(19, n_x=2, m=6)
    X2, _ = _data(20, n_x=2, m=9)
    return [Case("6 examples", (_params(21, 2, 4, scale=2.0), X)),
            Case("9 examples", (_params(22, 2, 5, scale=2.0), X2))]


def _as_labels(fn):
    """Accept booleans or 0/1 numbers from `predict`: turn them into integers before comparing."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        out = fn(*args, **kwargs)
        if isinstance(out, np.ndarray) and out.dtype.kind in "biuf" and out.size:
            if out.dtype.kind == "b" or np.isin(out, (0, 1)).all():
                return out.astype(np.int64)
        return out
    return wrapped


check_layer_sizes = suite.check("layer_sizes")
check_initialize_parameters = suite.check("initialize_parameters", verify=_verify_initialize)
check_forward_propagation = suite.check("forward_propagation")
check_compute_cost = suite.check("compute_cost")
check_backward_propagation = suite.check("backward_propagation")
check_update_parameters = suite.check("update_parameters")
check_nn_model = suite.check("nn_model", atol=1e-6, rtol=1e-5)
_check_predict = suite.check("predict")


def check_predict(fn, verbose: bool = True):
    """Check your `predict` on fixed cases and print what is wrong, if anything.

    Usage: check_predict(predict). Booleans and 0/1 numbers are both accepted.
    """
    return _check_predict(_as_labels(fn) if callable(fn) else fn, verbose=verbose)


__all__ = ["check_layer_sizes", "check_initialize_parameters", "check_forward_propagation",
           "check_compute_cost", "check_backward_propagation", "check_update_parameters",
           "check_nn_model", "check_predict"]
