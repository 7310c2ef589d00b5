"""Notebook 03's checks pass the reference solutions and catch realistic mistakes; so do its hidden tests."""

import nbformat
import numpy as np
import pytest

from course_utils.authoring import BEGIN_HIDDEN, END_HIDDEN
from course_utils.checks import deep_nn_step_by_step as checks
from course_utils.checks.solutions import load_solutions, notebook_path

NOTEBOOK = "03_deep_nn_step_by_step"
NAMES = ["initialize_parameters", "initialize_parameters_deep", "linear_forward", "linear_activation_forward",
         "L_model_forward", "compute_cost", "linear_backward", "linear_activation_backward", "L_model_backward",
         "update_parameters"]


@pytest.fixture(scope="module")
def ref():
    return load_solutions(NOTEBOOK)


def todo(*args, **kwargs):
    raise NotImplementedError()


def run(name, fn):
    return getattr(checks, f"check_{name}")(fn, verbose=False)


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    assert run(name, ref[name]).passed
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(checks.__all__) == sorted(f"check_{n}" for n in NAMES)


def test_check_prints_one_line_per_case_and_a_summary(ref, capsys):
    checks.check_linear_forward(ref["linear_forward"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[-1] == "✔ linear_forward: all 2 checks passed."


# --------------------------------------------------------------------------- #
# Realistic mistakes caught by the public checks, with their hints
# --------------------------------------------------------------------------- #

def test_initialize_parameters_mistakes():
    def transposed(n_x, n_h, n_y):
        np.random.seed(1)
        return {"W1": np.random.randn(n_x, n_h) * 0.01, "b1": np.zeros((n_h, 1)),
                "W2": np.random.randn(n_h, n_y) * 0.01, "b2": np.zeros((n_y, 1))}

    text = run("initialize_parameters", transposed).text
    assert "['W1'] has the wrong shape: got (3, 2), expected (2, 3)" in text
    assert "Hint: W of a layer has one row per unit" in text

    def flat_bias(n_x, n_h, n_y):
        np.random.seed(1)
        return {"W1": np.random.randn(n_h, n_x) * 0.01, "b1": np.zeros(n_h),
                "W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros(n_y)}

    assert "b should be a column vector" in run("initialize_parameters", flat_bias).text

    def uniform(n_x, n_h, n_y):
        np.random.seed(1)
        return {"W1": np.random.rand(n_h, n_x) * 0.01, "b1": np.zeros((n_h, 1)),
                "W2": np.random.rand(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}

    text = run("initialize_parameters", uniform).text
    assert "['W1'] has wrong values" in text and "np.random.randn(rows, columns) * 0.01" in text


def test_initialize_parameters_deep_mistakes():
    def one_layer_too_many(layer_dims):
        np.random.seed(3)
        params = {}
        for i in range(1, len(layer_dims) + 1):
            n_prev = layer_dims[i - 1]
            n = layer_dims[i] if i < len(layer_dims) else 1
            params[f"W{i}"] = np.random.randn(n, n_prev) * 0.01
            params[f"b{i}"] = np.zeros((n, 1))
        return params

    text = run("initialize_parameters_deep", one_layer_too_many).text
    assert "unexpected key(s) 'W3', 'b3'" in text and "L = len(layer_dims) - 1" in text

    def transposed(layer_dims):
        np.random.seed(3)
        params = {}
        for i in range(1, len(layer_dims)):
            params[f"W{i}"] = np.random.randn(layer_dims[i - 1], layer_dims[i]) * 0.01
            params[f"b{i}"] = np.zeros((layer_dims[i], 1))
        return params

    text = run("initialize_parameters_deep", transposed).text
    assert "['W1'] has the wrong shape: got (5, 4), expected (4, 5)" in text and "one row per unit" in text


def test_linear_forward_mistakes():
    text = run("linear_forward", lambda A, W, b: (np.dot(W.T, A) + b, (A, W, b))).text
    assert "raised an error" in text and "np.dot(W, A)" in text
    text = run("linear_forward", lambda A, W, b: (np.dot(W, A), (A, W, b))).text
    assert "[0] has wrong values" in text and "output [0] is `Z`" in text
    text = run("linear_forward", lambda A, W, b: (np.dot(W, A) + b, (W, A, b))).text
    assert "[1][0] has the wrong shape" in text and "The cache is the tuple of the inputs, (A, W, b)" in text


def test_linear_activation_forward_mistakes(ref):
    lin = ref["linear_forward"]

    def swapped(A_prev, W, b, activation):  # applies the other activation
        Z, linear_cache = lin(A_prev, W, b)
        A, activation_cache = ref["relu"](Z) if activation == "sigmoid" else ref["sigmoid"](Z)
        return A, (linear_cache, activation_cache)

    text = run("linear_activation_forward", swapped).text
    assert "sigmoid, 1 unit, 2 examples[0] has wrong values" in text and "its own activation" in text

    def cache_of_A(A_prev, W, b, activation):
        Z, linear_cache = lin(A_prev, W, b)
        A, _ = ref["sigmoid"](Z) if activation == "sigmoid" else ref["relu"](Z)
        return A, (linear_cache, A)

    text = run("linear_activation_forward", cache_of_A).text
    assert "[1][1] has wrong values" in text and "(that is Z)" in text


def test_L_model_forward_mistakes(ref):
    laf = ref["linear_activation_forward"]

    def relu_everywhere(X, parameters):
        A, caches = X, []
        for i in range(1, len(parameters) // 2 + 1):
            A, cache = laf(A, parameters[f"W{i}"], parameters[f"b{i}"], "relu")
            caches.append(cache)
        return A, caches

    text = run("L_model_forward", relu_everywhere).text
    assert "[0] has wrong values" in text and "only the last layer uses sigmoid" in text

    def last_cache_forgotten(X, parameters):
        AL, caches = ref["L_model_forward"](X, parameters)
        return AL, caches[:-1]

    text = run("L_model_forward", last_cache_forgotten).text
    assert "[1] should have 3 items; got 2" in text and "one cache per layer" in text


def test_compute_cost_mistakes():
    def no_mean(AL, Y):
        return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))

    text = run("compute_cost", no_mean).text
    assert "wrong values" in text and "division by m" in text

    def matrix(AL, Y):
        m = Y.shape[1]
        return -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m

    assert "use `.item()`" in run("compute_cost", matrix).text


def test_linear_backward_mistakes(ref):
    good = ref["linear_backward"]

    def no_keepdims(dZ, cache):
        dA_prev, dW, _ = good(dZ, cache)
        return dA_prev, dW, np.sum(dZ, axis=1) / dZ.shape[1]

    text = run("linear_backward", no_keepdims).text
    assert "[2] has the wrong shape: got (1,), expected (1, 1)" in text
    assert "output [2] is `db`" in text and "keepdims=True" in text

    def no_mean(dZ, cache):
        dA_prev, dW, db = good(dZ, cache)
        return dA_prev, dW * dZ.shape[1], db

    text = run("linear_backward", no_mean).text
    assert "[1] has wrong values" in text and "divide by m" in text

    def dA_averaged(dZ, cache):
        dA_prev, dW, db = good(dZ, cache)
        return dA_prev / dZ.shape[1], dW, db

    assert "no division by m" in run("linear_backward", dA_averaged).text

    def transposed(dZ, cache):
        A_prev, W, _ = cache
        m = A_prev.shape[1]
        return np.dot(W, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m

    text = run("linear_backward", transposed).text
    assert "raised an error" in text and "check which factor is transposed" in text


def test_linear_activation_backward_mistakes(ref):
    lb = ref["linear_backward"]

    def swapped(dA, cache, activation):
        linear_cache, Z = cache
        dZ = ref["sigmoid_backward"](dA, Z) if activation == "relu" else ref["relu_backward"](dA, Z)
        return lb(dZ, linear_cache)

    text = run("linear_activation_backward", swapped).text
    assert "has wrong values" in text and "its own activation" in text

    def skips_activation(dA, cache, activation):
        return lb(dA, cache[0])

    assert "wrong values" in run("linear_activation_backward", skips_activation).text


def test_L_model_backward_mistakes(ref):
    good = ref["L_model_backward"]

    def shifted_keys(AL, Y, caches):  # dA{i} where dA{i-1} is meant
        grads = good(AL, Y, caches)
        return {(f"dA{int(k[2:]) + 1}" if k.startswith("dA") else k): v for k, v in grads.items()}

    text = run("L_model_backward", shifted_keys).text
    assert "missing the key(s) 'dA0'" in text and "grads holds dA0..dA{L-1}" in text

    lab = ref["linear_activation_backward"]

    def relu_last(AL, Y, caches):
        grads, L = {}, len(caches)
        dA = -(Y / AL - (1 - Y) / (1 - AL))
        for i in reversed(range(L)):
            dA, dW, db = lab(dA, caches[i], "relu")
            grads[f"dA{i}"], grads[f"dW{i + 1}"], grads[f"db{i + 1}"] = dA, dW, db
        return grads

    text = run("L_model_backward", relu_last).text
    assert "has wrong values" in text and "the last layer goes backward through sigmoid" in text


def test_update_parameters_mistakes(ref):
    def in_place(params, grads, learning_rate):
        for key in params:
            params[key] = params[key] - learning_rate * grads["d" + key]
        return params

    text = run("update_parameters", in_place).text
    assert "modified its input (argument 1) in place" in text and "copy.deepcopy(params)" in text

    def ascent(params, grads, learning_rate):
        return ref["update_parameters"](params, grads, -learning_rate)

    text = run("update_parameters", ascent).text
    assert "wrong values" in text and "against its gradient" in text


def test_hint_for_unknown_failure_is_none():
    assert checks.hint_for("compute_cost", "something else") is None
    assert checks.hint_for("no_such_check", "wrong values") is None


# --------------------------------------------------------------------------- #
# The hidden tests: pass on the reference, fail on the mistakes the brief lists
# --------------------------------------------------------------------------- #

def _hidden_sources():
    nb = nbformat.read(notebook_path(NOTEBOOK), as_version=4)
    out = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("test_"):
            source = cell.source
            out[gid.removeprefix("test_")] = source[source.index(BEGIN_HIDDEN):source.index(END_HIDDEN)]
    return out


HIDDEN = _hidden_sources()


def _run_hidden(ref, name, **replacements):
    """Run the hidden tests of ``name`` in a fresh solutions namespace with some functions replaced.

    A fresh namespace, because the solutions look each other up in their own globals (as in a notebook).
    """
    namespace = load_solutions(NOTEBOOK) if replacements else ref
    namespace.update(replacements)
    exec(compile(HIDDEN[name], f"<hidden tests of {name}>", "exec"), namespace)


def test_every_exercise_has_hidden_tests():
    assert sorted(HIDDEN) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_pass_on_the_reference(ref, name):
    _run_hidden(ref, name)


def _wrong_versions(ref):
    """(exercise, description, replacement functions) for mistakes the hidden tests must catch."""
    np_ = np

    def lf_transposed(A, W, b):
        return np_.dot(W.T, A) + b, (A, W, b)

    def lb_no_mean(dZ, cache):
        dA_prev, dW, db = ref["linear_backward"](dZ, cache)
        return dA_prev, dW * dZ.shape[1], db * dZ.shape[1]

    def lb_no_keepdims(dZ, cache):
        dA_prev, dW, db = ref["linear_backward"](dZ, cache)
        return dA_prev, dW, db.ravel()

    def lb_transposed(dZ, cache):
        A_prev, W, b = cache
        dA_prev, dW, db = ref["linear_backward"](dZ, cache)
        return np_.dot(W, dZ), dW, db

    def lab_swapped(dA, cache, activation):
        return ref["linear_activation_backward"](dA, cache, "sigmoid" if activation == "relu" else "relu")

    def lmf_relu_last(X, parameters):
        A, caches = X, []
        for i in range(1, len(parameters) // 2 + 1):
            A, cache = ref["linear_activation_forward"](A, parameters[f"W{i}"], parameters[f"b{i}"], "relu")
            caches.append(cache)
        return A, caches

    def lmb_relu_last(AL, Y, caches):
        grads, L = {}, len(caches)
        dA = -(Y / AL - (1 - Y) / (1 - AL))
        for i in reversed(range(L)):
            dA, dW, db = ref["linear_activation_backward"](dA, caches[i], "relu")
            grads[f"dA{i}"], grads[f"dW{i + 1}"], grads[f"db{i + 1}"] = dA, dW, db
        return grads

    def cost_no_mean(AL, Y):
        return ref["compute_cost"](AL, Y) * Y.shape[1]

    def update_in_place(params, grads, learning_rate):
        for key in params:
            params[key] -= learning_rate * grads["d" + key]
        return params

    def init_deep_transposed(layer_dims):
        np_.random.seed(3)
        return {k: v for i in range(1, len(layer_dims)) for k, v in
                ((f"W{i}", np_.random.randn(layer_dims[i - 1], layer_dims[i]) * 0.01),
                 (f"b{i}", np_.zeros((layer_dims[i], 1))))}

    def init_no_scale(n_x, n_h, n_y):
        p = ref["initialize_parameters"](n_x, n_h, n_y)
        return {k: v * 100 for k, v in p.items()}

    return [
        ("initialize_parameters", "weights not scaled by 0.01", {"initialize_parameters": init_no_scale}),
        ("initialize_parameters_deep", "transposed W", {"initialize_parameters_deep": init_deep_transposed}),
        ("linear_forward", "transposed W", {"linear_forward": lf_transposed}),
        ("linear_activation_forward", "transposed W inside", {"linear_forward": lf_transposed}),
        ("L_model_forward", "relu on the last layer", {"L_model_forward": lmf_relu_last}),
        ("compute_cost", "missing 1/m", {"compute_cost": cost_no_mean}),
        ("linear_backward", "missing 1/m", {"linear_backward": lb_no_mean}),
        ("linear_backward", "db without keepdims", {"linear_backward": lb_no_keepdims}),
        ("linear_backward", "W instead of W.T", {"linear_backward": lb_transposed}),
        ("linear_activation_backward", "activations swapped", {"linear_activation_backward": lab_swapped}),
        ("linear_activation_backward", "missing 1/m inside", {"linear_backward": lb_no_mean}),
        ("L_model_backward", "relu on the last layer", {"L_model_backward": lmb_relu_last}),
        ("L_model_backward", "missing 1/m inside", {"linear_backward": lb_no_mean}),
        ("update_parameters", "updates in place", {"update_parameters": update_in_place}),
    ]


def test_hidden_tests_catch_typical_mistakes(ref):
    missed = []
    for name, mistake, replacements in _wrong_versions(ref):
        try:
            _run_hidden(ref, name, **replacements)
        except Exception:  # a CheckFailed, an AssertionError or an error in the wrong code: caught
            continue
        missed.append(f"{name}: {mistake}")
    assert not missed, f"the hidden tests did not catch: {missed}"


# --------------------------------------------------------------------------- #
# The figure of the notebook
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("num_layers", [1, 3])
def test_plot_model_flow_draws_every_block(num_layers):
    from course_utils.plots import plot_model_flow

    ax = plot_model_flow(num_layers)
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("LINEAR") == num_layers and texts.count("LINEAR\nbackward") == num_layers
    assert texts.count("RELU") == num_layers - 1 and texts.count("SIGMOID") == 1
    assert sum(t.startswith("cache\n") for t in texts) == 2 * num_layers
    assert "L = " in ax.get_title()


def test_plot_model_flow_rejects_no_layers():
    from course_utils.plots import plot_model_flow

    with pytest.raises(ValueError):
        plot_model_flow(0)
