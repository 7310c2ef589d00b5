"""Notebook 01's checks pass the reference solutions and catch realistic mistakes."""

import copy

import numpy as np
import pytest

from course_utils.checks import logistic_regression as checks
from course_utils.checks.solutions import load_solutions


@pytest.fixture(scope="module")
def ref():
    return load_solutions("01_logistic_regression")


def todo(*args, **kwargs):
    raise NotImplementedError()


NAMES = ["sigmoid", "initialize_with_zeros", "propagate", "optimize", "predict", "model"]


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    check = getattr(checks, f"check_{name}")
    assert check(ref[name], verbose=False).passed
    assert check(todo, verbose=False).status == "not attempted"


def test_sigmoid_mistakes():
    report = checks.check_sigmoid(lambda z: 1 / (1 + np.exp(z)), verbose=False)
    assert "wrong values" in report.text
    report = checks.check_sigmoid(lambda z: 0.5, verbose=False)
    assert report.passed is False and "same answer" in report.text


def test_initialize_with_zeros_mistakes():
    report = checks.check_initialize_with_zeros(lambda dim: (np.zeros(dim), 0.0), verbose=False)
    assert "wrong shape: got (2,), expected (2, 1)" in report.text
    report = checks.check_initialize_with_zeros(lambda dim: (np.zeros((dim, 1)), 0), verbose=False)
    assert "b should be a Python float" in report.text


def test_propagate_mistakes(ref):
    def no_mean(w, b, X, Y):  # forgot the 1/m in dw
        grads, cost = ref["propagate"](w, b, X, Y)
        return {"dw": grads["dw"] * X.shape[1], "db": grads["db"]}, cost

    assert "output on a 3-feature, 4-example batch[0]['dw'] has wrong values" in \
        checks.check_propagate(no_mean, verbose=False).text

    def cost_as_matrix(w, b, X, Y):
        grads, cost = ref["propagate"](w, b, X, Y)
        return grads, np.array([[cost]])

    assert "use `.item()`" in checks.check_propagate(cost_as_matrix, verbose=False).text


def test_optimize_mistakes(ref):
    def every_iteration(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
        params, grads, costs = ref["optimize"](w, b, X, Y, num_iterations, learning_rate)
        return params, grads, costs * 2

    assert "should have 2 items; got 4" in checks.check_optimize(every_iteration, verbose=False).text

    def in_place(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
        params, grads, costs = ref["optimize"](w, b, X, Y, num_iterations, learning_rate)
        w -= 0.0 * w - (params["w"] - w)  # writes the result into the caller's array
        return params, grads, costs

    assert "modified its input (argument 1) in place" in checks.check_optimize(in_place, verbose=False).text


def test_predict_mistakes(ref):
    def probabilities(w, b, X):
        return ref["sigmoid"](w.T @ X + b)

    assert "wrong values" in checks.check_predict(probabilities, verbose=False).text


def test_model_mistakes(ref):
    def missing_key(*args, **kwargs):
        d = copy.copy(ref["model"](*args, **kwargs))
        del d["costs"]
        return d

    assert "missing the key(s) 'costs'" in checks.check_model(missing_key, verbose=False).text

    def swapped(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
        d = dict(ref["model"](X_train, Y_train, X_test, Y_test, num_iterations, learning_rate))
        d["Y_prediction_test"], d["Y_prediction_train"] = d["Y_prediction_train"], d["Y_prediction_test"]
        return d

    assert "Y_prediction_test'] has the wrong shape" in checks.check_model(swapped, verbose=False).text
