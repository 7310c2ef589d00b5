"""Checks of notebook 02 (planar data, one hidden layer): right passes, wrong fails with a clear message.

Also the hidden tests of the source notebook (they must pass on the reference and fail on typical
mistakes) and the plotting / widget helpers introduced by notebook 02.
"""

import re
import types
import warnings

import nbformat
import numpy as np
import pytest

from course_utils.checks import planar_data as checks
from course_utils.checks.solutions import load_solutions, notebook_path

NOTEBOOK = "02_planar_data"
ns = load_solutions(NOTEBOOK)
NAMES = ["layer_sizes", "initialize_parameters", "forward_propagation", "compute_cost",
         "backward_propagation", "update_parameters", "nn_model", "predict"]


def _check(name, fn):
    return getattr(checks, f"check_{name}")(fn, verbose=False)


def _with_globals(source: str, **overrides):
    """Define a function from ``source`` in a copy of the reference namespace (plus overrides)."""
    space = dict(ns)
    space.update(overrides)
    exec(source, space)
    return space


# --------------------------------------------------------------------------- #
# Public checks
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("name", NAMES)
def test_reference_passes(name):
    report = _check(name, ns[name])
    assert report.passed, report.text
    assert report.text.endswith("all 2 checks passed.")


@pytest.mark.parametrize("name", NAMES)
def test_not_implemented_is_not_attempted(name):
    def unfinished(*args, **kwargs):
        raise NotImplementedError()

    report = _check(name, unfinished)
    assert report.status == "not attempted"
    assert "not attempted yet" in report.text


def test_check_rejects_a_non_function():
    report = checks.check_predict(None, verbose=False)
    assert report.status == "failed" and "expected a function" in report.text


def test_layer_sizes_hard_coded():
    report = _check("layer_sizes", lambda X, Y: (2, 4, 1))
    assert not report.passed and "wrong values" in report.text


def test_initialize_parameters_mistakes():
    def no_scale(n_x, n_h, n_y):
        np.random.seed(2)
        return {"W1": np.random.randn(n_h, n_x), "b1": np.zeros((n_h, 1)),
                "W2": np.random.randn(n_y, n_h), "b2": np.zeros((n_y, 1))}

    def transposed(n_x, n_h, n_y):
        np.random.seed(2)
        return {"W1": np.random.randn(n_x, n_h) * 0.01, "b1": np.zeros((n_h, 1)),
                "W2": np.random.randn(n_h, n_y) * 0.01, "b2": np.zeros((n_y, 1))}

    def flat_bias(n_x, n_h, n_y):
        np.random.seed(2)
        return {"W1": np.random.randn(n_h, n_x) * 0.01, "b1": np.zeros(n_h),
                "W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}

    assert "['W1'] has wrong values" in _check("initialize_parameters", no_scale).text
    assert "['W1'] has the wrong shape: got (2, 4), expected (4, 2)" in _check("initialize_parameters", transposed).text
    assert "['b1'] has the wrong shape: got (4,), expected (4, 1)" in _check("initialize_parameters", flat_bias).text


def test_forward_propagation_mistakes():
    sigmoid_hidden = _with_globals('''
def f(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = 1 / (1 + np.exp(-Z1))
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
''')["f"]
    no_cache_key = _with_globals('''
def f(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "A2": A2}
''')["f"]
    no_bias = _with_globals('''
def f(X, parameters):
    Z1 = parameters["W1"] @ X
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
''')["f"]
    assert "[0] has wrong values" in _check("forward_propagation", sigmoid_hidden).text
    assert "missing the key(s) 'Z2'" in _check("forward_propagation", no_cache_key).text
    assert "has wrong values" in _check("forward_propagation", no_bias).text


def test_compute_cost_mistakes():
    def no_mean(A2, Y):
        return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))

    def as_array(A2, Y):
        return -(np.dot(Y, np.log(A2).T) + np.dot(1 - Y, np.log(1 - A2).T)) / Y.shape[1]

    assert "has wrong values" in _check("compute_cost", no_mean).text
    assert "use `.item()`" in _check("compute_cost", as_array).text


def test_backward_propagation_mistakes():
    base = '''
def f(parameters, cache, X, Y):
    m = X.shape[1]
    A1, A2, W2 = cache["A1"], cache["A2"], parameters["W2"]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * DERIV
    dW1 = dZ1 @ X.T / m
    db1 = SUM1
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
'''
    wrong_derivative = _with_globals(base.replace("DERIV", "(1 - A1)")
                                     .replace("SUM1", "np.sum(dZ1, axis=1, keepdims=True) / m"))["f"]
    no_keepdims = _with_globals(base.replace("DERIV", "(1 - A1 ** 2)").replace("SUM1", "np.sum(dZ1, axis=1) / m"))["f"]
    no_average = _with_globals(base.replace("DERIV", "(1 - A1 ** 2)")
                               .replace("SUM1", "np.sum(dZ1, axis=1, keepdims=True)"))["f"]
    assert "['dW1'] has wrong values" in _check("backward_propagation", wrong_derivative).text
    assert "['db1'] has the wrong shape" in _check("backward_propagation", no_keepdims).text
    assert "['db1'] has wrong values" in _check("backward_propagation", no_average).text


def test_update_parameters_mistakes():
    def plus(parameters, grads, learning_rate=1.2):
        return {k: parameters[k] + learning_rate * grads["d" + k] for k in parameters}

    def in_place(parameters, grads, learning_rate=1.2):
        for k in parameters:
            parameters[k] -= learning_rate * grads["d" + k]
        return parameters

    def ignores_rate(parameters, grads, learning_rate=1.2):
        return {k: parameters[k] - 1.2 * grads["d" + k] for k in parameters}

    assert "has wrong values" in _check("update_parameters", plus).text
    assert "modified its input" in _check("update_parameters", in_place).text
    report = _check("update_parameters", ignores_rate)
    assert report.lines[0].startswith("✔") and "learning_rate = 0.5" in report.text and not report.passed


def test_nn_model_mistakes():
    no_update = _with_globals('''
def f(X, Y, n_h, num_iterations=10000, print_cost=False):
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0])
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        update_parameters(parameters, grads)
    return parameters
''')["f"]
    fixed_hidden = _with_globals('''
def f(X, Y, n_h, num_iterations=10000, print_cost=False):
    parameters = initialize_parameters(X.shape[0], 4, Y.shape[0])
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        parameters = update_parameters(parameters, backward_propagation(parameters, cache, X, Y))
    return parameters
''')["f"]
    assert "has wrong values" in _check("nn_model", no_update).text
    report = _check("nn_model", fixed_hidden)
    assert "3 hidden units" in report.text and "wrong shape" in report.text


def test_nn_model_uses_the_learners_building_blocks():
    def broken_forward(X, parameters):
        raise ValueError("shapes do not match")

    space = _with_globals("", forward_propagation=broken_forward)
    reference = ns["nn_model"]
    model = types.FunctionType(reference.__code__, space, "nn_model", reference.__defaults__)  # sees the broken forward
    report = _check("nn_model", model)
    assert "raised an error" in report.text and "ValueError: shapes do not match" in report.text


def test_predict_accepts_booleans_and_floats_rejects_probabilities():
    forward = ns["forward_propagation"]
    assert _check("predict", lambda p, X: forward(X, p)[0] > 0.5).passed
    assert _check("predict", lambda p, X: (forward(X, p)[0] > 0.5).astype(float)).passed
    report = _check("predict", lambda p, X: forward(X, p)[0])
    assert "wrong dtype" in report.text
    report = _check("predict", lambda p, X: forward(X, p)[0] < 0.5)
    assert "wrong values" in report.text


# --------------------------------------------------------------------------- #
# Hidden tests of the source notebook
# --------------------------------------------------------------------------- #

def _hidden_tests() -> dict:
    nb = nbformat.read(notebook_path(NOTEBOOK), as_version=4)
    found = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("test_"):
            match = re.search(r"### BEGIN HIDDEN TESTS\n(.*)### END HIDDEN TESTS", cell.source, re.S)
            found[gid.removeprefix("test_")] = match.group(1)
    return found


HIDDEN = _hidden_tests()

WRONG = {
    "layer_sizes": "def layer_sizes(X, Y):\n    return (2, 4, 1)\n",
    "initialize_parameters": ("def initialize_parameters(n_x, n_h, n_y):\n"
                              "    return {'W1': np.random.randn(n_h, n_x) * 0.01, 'b1': np.zeros((n_h, 1)),\n"
                              "            'W2': np.random.randn(n_y, n_h) * 0.01, 'b2': np.zeros((n_y, 1))}\n"),
    "forward_propagation": ("def forward_propagation(X, parameters):\n"
                            "    Z1 = parameters['W1'] @ X + parameters['b1']\n"
                            "    A1 = np.maximum(Z1, 0)\n"
                            "    Z2 = parameters['W2'] @ A1 + parameters['b2']\n"
                            "    A2 = 1 / (1 + np.exp(-Z2))\n"
                            "    return A2, {'Z1': Z1, 'A1': A1, 'Z2': Z2, 'A2': A2}\n"),
    "compute_cost": ("def compute_cost(A2, Y):\n"
                     "    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))\n"),
    "backward_propagation": ("def backward_propagation(parameters, cache, X, Y):\n"
                             "    m = X.shape[1]\n"
                             "    dZ2 = cache['A2'] - Y\n"
                             "    dZ1 = (parameters['W2'].T @ dZ2) * (1 - cache['A1'])\n"
                             "    return {'dW1': dZ1 @ X.T / m, 'db1': dZ1.sum(axis=1, keepdims=True) / m,\n"
                             "            'dW2': dZ2 @ cache['A1'].T / m, 'db2': dZ2.sum(axis=1, keepdims=True) / m}\n"),
    "update_parameters": ("def update_parameters(parameters, grads, learning_rate=1.2):\n"
                          "    for k in parameters:\n"
                          "        parameters[k] -= learning_rate * grads['d' + k]\n"
                          "    return parameters\n"),
    "nn_model": ("def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):\n"
                 "    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0])\n"
                 "    for i in range(num_iterations):\n"
                 "        A2, cache = forward_propagation(X, parameters)\n"
                 "        grads = backward_propagation(parameters, cache, X, Y)\n"
                 "        parameters = update_parameters(parameters, grads, learning_rate=0.5)\n"
                 "        print(compute_cost(A2, Y))\n"
                 "    return parameters\n"),
    "predict": ("def predict(parameters, X):\n"
                "    return forward_propagation(X, parameters)[0]\n"),
}


def test_every_exercise_has_hidden_tests_and_a_wrong_version():
    assert sorted(HIDDEN) == sorted(NAMES) == sorted(WRONG)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_pass_on_the_reference(name):
    exec(HIDDEN[name], dict(ns))


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_fail_on_a_typical_mistake(name):
    space = _with_globals(WRONG[name])
    with pytest.raises((AssertionError, checks.CheckFailed)):
        exec(HIDDEN[name], space)


# --------------------------------------------------------------------------- #
# Helpers introduced by notebook 02: the decision-boundary grid and the explorer
# --------------------------------------------------------------------------- #

def test_decision_boundary_grid():
    from course_utils.plots import plot_decision_boundary_grid

    X = np.array([[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 0.0, 1.0]])
    y = np.array([[0, 0, 1, 1]])
    fig = plot_decision_boundary_grid({"a": lambda P: P[0] > 1.5, "b": lambda P: P[1] > 0.5,
                                       "c": lambda P: np.zeros(P.shape[1])}, X, y, ncols=2, suptitle="s")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:3] == ["a", "b", "c"] and not fig.axes[3].axison
    with pytest.raises(ValueError, match="no classifiers"):
        plot_decision_boundary_grid({}, X, y)


def test_choice_explorer_precomputes_and_redraws(capsys):
    from course_utils.widgets import choice_explorer

    drawn, computed = [], []

    def compute(values):
        computed.append(dict(values))
        return values["n"] * 10

    def render(values, result):
        drawn.append((values["n"], values["data"], result))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Agg cannot show figures
        box = choice_explorer({"n": [1, 2, 3], "data": [("first", "a"), ("second", "b")]}, render,
                              compute=compute, precompute=True)
        assert len(computed) == 6 and len(box.cache) == 6
        assert drawn == [(1, "a", 10)]
        assert type(box.controls["n"]).__name__ == "SelectionSlider"
        assert type(box.controls["data"]).__name__ == "Dropdown"
        box.controls["n"].value = 3
        box.controls["data"].value = "b"
        assert drawn[-1] == (3, "b", 30) and len(computed) == 6  # served from the cache
    with pytest.raises(ValueError, match="no options"):
        choice_explorer({"n": []}, render)
