"""The public checks of notebook 04 pass the reference, fail typical mistakes and know 'not attempted'."""

import numpy as np
import pytest

from course_utils.checks import deep_nn_application as checks
from course_utils.checks.solutions import load_solutions
from course_utils.nn import deep

NOTEBOOK = "04_deep_nn_application"


@pytest.fixture(scope="module")
def ns():
    return load_solutions(NOTEBOOK)


def _unfinished(*args, **kwargs):
    raise NotImplementedError()


def _two_layer(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False, *,
               record=lambda i, n: i % 100 == 0 or i == n - 1, keep_update=True, lr_used=None):
    """A parametrised 2-layer loop: the reference by default, a typical mistake with an option set."""
    n_x, n_h, n_y = layers_dims
    parameters = deep.initialize_parameters(n_x, n_h, n_y)
    costs = []
    for i in range(num_iterations):
        A1, c1 = deep.linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, c2 = deep.linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = deep.compute_cost(A2, Y)
        dA2 = -(Y / A2 - (1 - Y) / (1 - A2))
        dA1, dW2, db2 = deep.linear_activation_backward(dA2, c2, "sigmoid")
        _, dW1, db1 = deep.linear_activation_backward(dA1, c1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        new = deep.update_parameters(parameters, grads, learning_rate if lr_used is None else lr_used)
        if keep_update:
            parameters = new
        if record(i, num_iterations):
            costs.append(cost)
    return parameters, costs


def _deep_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False, *,
                init=None, record=lambda i, n: i % 100 == 0 or i == n - 1):
    parameters = init(layers_dims) if init else deep.initialize_parameters_deep(layers_dims)
    costs = []
    for i in range(num_iterations):
        AL, caches = deep.L_model_forward(X, parameters)
        cost = deep.compute_cost(AL, Y)
        grads = deep.L_model_backward(AL, Y, caches)
        parameters = deep.update_parameters(parameters, grads, learning_rate)
        if record(i, num_iterations):
            costs.append(cost)
    return parameters, costs


def _small_init(layers_dims):
    np.random.seed(1)
    return {k: v for layer in range(1, len(layers_dims)) for k, v in (
        (f"W{layer}", np.random.randn(layers_dims[layer], layers_dims[layer - 1]) * 0.01),
        (f"b{layer}", np.zeros((layers_dims[layer], 1))))}


# --------------------------------------------------------------------------- #
# two_layer_model
# --------------------------------------------------------------------------- #

def test_two_layer_reference_passes(ns):
    assert checks.check_two_layer_model(ns["two_layer_model"], verbose=False).passed


def test_two_layer_independent_loop_passes():
    assert checks.check_two_layer_model(_two_layer, verbose=False).passed


def test_two_layer_not_attempted():
    report = checks.check_two_layer_model(_unfinished, verbose=False)
    assert report.status == "not attempted"
    assert "not attempted yet" in report.text


def test_two_layer_forgot_to_keep_the_update():
    def wrong(*args, **kwargs):
        return _two_layer(*args, keep_update=False, **kwargs)
    report = checks.check_two_layer_model(wrong, verbose=False)
    assert not report.passed
    assert "[0]['W1'] has wrong values" in report.text
    assert checks.PARAMETERS_HINT in report.text


def test_two_layer_ignores_learning_rate():
    def wrong(*args, **kwargs):
        return _two_layer(*args, lr_used=0.0075, **kwargs)
    report = checks.check_two_layer_model(wrong, verbose=False)
    assert not report.passed and "has wrong values" in report.text


def test_two_layer_forgets_the_last_cost():
    def wrong(*args, **kwargs):
        return _two_layer(*args, record=lambda i, n: i % 100 == 0, **kwargs)
    report = checks.check_two_layer_model(wrong, verbose=False)
    assert not report.passed
    assert "[1] should have 4 items; got 3" in report.text
    assert checks.COSTS_HINT in report.text


def test_two_layer_records_after_the_update():
    def wrong(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
        parameters, costs = _two_layer(X, Y, layers_dims, learning_rate, num_iterations)
        # costs shifted by one iteration: the cost of the updated parameters
        shifted = _two_layer(X, Y, layers_dims, learning_rate, num_iterations + 1,
                             record=lambda i, n: (i - 1) % 100 == 0 or i == n - 1)[1]
        return parameters, shifted
    report = checks.check_two_layer_model(wrong, verbose=False)
    assert not report.passed and "[1]" in report.text and checks.COSTS_HINT in report.text


def test_two_layer_deep_init_is_caught():
    def wrong(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
        return _deep_model(X, Y, list(layers_dims), learning_rate, num_iterations)
    report = checks.check_two_layer_model(wrong, verbose=False)
    assert not report.passed and "has wrong values" in report.text


# --------------------------------------------------------------------------- #
# L_layer_model
# --------------------------------------------------------------------------- #

def test_L_layer_reference_passes(ns):
    assert checks.check_L_layer_model(ns["L_layer_model"], verbose=False).passed


def test_L_layer_independent_loop_passes():
    assert checks.check_L_layer_model(_deep_model, verbose=False).passed


def test_L_layer_not_attempted():
    assert checks.check_L_layer_model(_unfinished, verbose=False).status == "not attempted"


def test_L_layer_with_the_small_initialization_fails():
    def wrong(*args, **kwargs):
        return _deep_model(*args, init=_small_init, **kwargs)
    report = checks.check_L_layer_model(wrong, verbose=False)
    assert not report.passed
    assert "has wrong values" in report.text


def test_L_layer_records_every_cost():
    def wrong(*args, **kwargs):
        return _deep_model(*args, record=lambda i, n: True, **kwargs)
    report = checks.check_L_layer_model(wrong, verbose=False)
    assert not report.passed and "[1] should have 4 items; got 250" in report.text


def test_L_layer_hard_coded_answer_is_caught(ns):
    first = ns["L_layer_model"](*checks.suite.case_makers["L_layer_model"]()[0].args,
                                **checks.suite.case_makers["L_layer_model"]()[0].kwargs)

    def hard_coded(*args, **kwargs):
        return first
    report = checks.check_L_layer_model(hard_coded, verbose=False)
    assert not report.passed and "hard-coded" in report.text


def test_check_prints_one_line_per_case(ns, capsys):
    checks.check_L_layer_model(ns["L_layer_model"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[-1].endswith("all 3 checks passed.")


def test_hint_for():
    assert checks.hint_for("✘ x: the output on ... learning rate 0.05[1] has wrong values") == checks.COSTS_HINT
    assert checks.hint_for("✘ x: the output on ... default learning rate[0]['b2'] has wrong values") \
        == checks.PARAMETERS_HINT
    assert checks.hint_for("✘ x: `f` raised an error on layers [4, 3, 1]") is None
