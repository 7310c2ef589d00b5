"""Public checks of notebook 01, logistic regression with a neural-network mindset."""

from __future__ import annotations

import numpy as np

from .core import Case, CheckFailed
from .suite import Suite

suite = Suite("01_logistic_regression")


def _toy(seed: int, n: int = 3, m: int = 4):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(n, 1)) * 0.5
    b = float(rng.normal())
    X = rng.normal(size=(n, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    return w, b, X, Y


@suite.cases("sigmoid")
def _():
    return [
        Case("z = 0", (0.0,)),
        Case("z = [-1, 0, 2.5]", (np.array([-1.0, 0.0, 2.5]),)),
        Case("a (2, 3) array with large |z|", (np.array([[-30.0, -3.0, 0.5], [1.0, 4.0, 30.0]]),)),
    ]


@suite.cases("initialize_with_zeros")
def _():
    return [Case("dim = 2", (2,)), Case("dim = 5", (5,))]


def _verify_zeros(got, case, expected):
    w, b = got
    if not isinstance(b, float):
        raise CheckFailed(f"b should be a Python float (0.0); got {type(b).__name__}. Write `b = 0.0`.")


@suite.cases("propagate")
def _():
    w, b, X, Y = _toy(1)
    w2, b2, X2, Y2 = _toy(2, n=2, m=5)
    return [Case("a 3-feature, 4-example batch", (w, b, X, Y)),
            Case("a 2-feature, 5-example batch", (w2, b2, X2, Y2))]


@suite.cases("optimize")
def _():
    w, b, X, Y = _toy(3)
    w2, b2, X2, Y2 = _toy(4, n=2, m=6)
    return [Case("101 iterations, learning rate 0.009", (w, b, X, Y),
                 {"num_iterations": 101, "learning_rate": 0.009}),
            Case("250 iterations, learning rate 0.1", (w2, b2, X2, Y2),
                 {"num_iterations": 250, "learning_rate": 0.1})]


@suite.cases("predict")
def _():
    w = np.array([[0.1124579], [0.23106775]])
    X = np.array([[1.0, -1.1, -3.2, 0.4], [1.2, 2.0, 0.1, -0.5]])
    w2, b2, X2, _ = _toy(5, n=3, m=7)
    return [Case("4 examples", (w, -0.3, X)), Case("7 examples", (w2, b2, X2))]


@suite.cases("model")
def _():
    rng = np.random.default_rng(6)
    X_train, X_test = rng.normal(size=(4, 20)), rng.normal(size=(4, 8))
    direction = np.array([[1.0, -2.0, 0.5, 0.0]])
    Y_train = (direction @ X_train > 0).astype(float)
    Y_test = (direction @ X_test > 0).astype(float)
    return [Case("a small separable problem, 50 iterations",
                 (X_train, Y_train, X_test, Y_test), {"num_iterations": 50, "learning_rate": 0.01}),
            Case("the same data, 300 iterations at learning rate 0.5",
                 (X_train, Y_train, X_test, Y_test), {"num_iterations": 300, "learning_rate": 0.5})]


check_sigmoid = suite.check("sigmoid")
check_initialize_with_zeros = suite.check("initialize_with_zeros", verify=_verify_zeros)
check_propagate = suite.check("propagate")
check_optimize = suite.check("optimize")
check_predict = suite.check("predict")
check_model = suite.check("model")

__all__ = ["check_sigmoid", "check_initialize_with_zeros", "check_propagate", "check_optimize",
           "check_predict", "check_model"]
