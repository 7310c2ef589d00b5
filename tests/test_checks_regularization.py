"""Notebook 06's checks pass the reference solutions and catch realistic mistakes; so do its hidden tests."""

import nbformat
import numpy as np
import pytest

from course_utils.authoring import BEGIN_HIDDEN, END_HIDDEN
from course_utils.checks import CheckFailed, expected
from course_utils.checks import regularization as checks
from course_utils.checks.solutions import load_solutions, notebook_path
from course_utils.nn.activations import relu, sigmoid

NOTEBOOK = "06_regularization"
NAMES = ["compute_cost_with_regularization", "backward_propagation_with_regularization",
         "forward_propagation_with_dropout", "backward_propagation_with_dropout"]


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
    checks.check_forward_propagation_with_dropout(ref["forward_propagation_with_dropout"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[-1] == "✔ forward_propagation_with_dropout: all 2 checks passed."


def test_check_seed_is_the_seed_of_the_stored_values():
    # expected.compute seeds NumPy's global generator with 0 before each case; the dropout check must too
    import inspect

    assert "np.random.seed(0)" in inspect.getsource(expected.compute) and checks.CHECK_SEED == 0


def test_not_a_function():
    text = run("compute_cost_with_regularization", 3.0).text
    assert "expected a function" in text
    assert "expected a function" in run("forward_propagation_with_dropout", None).text


def _hint(text):
    lines = [line for line in text.splitlines() if line.strip().startswith("Hint:")]
    assert len(lines) == 1, f"expected exactly one hint line in:\n{text}"
    return lines[0]


# --------------------------------------------------------------------------- #
# Exercise 1: the regularized cost
# --------------------------------------------------------------------------- #

def _squares(parameters, layers=(1, 2, 3)):
    return sum(np.sum(np.square(parameters[f"W{k}"])) for k in layers)


def _cost(ref, factor, layers=(1, 2, 3)):
    def cost(A3, Y, parameters, lambd):
        m = Y.shape[1]
        return ref["compute_cost"](A3, Y) + factor(lambd, m) * _squares(parameters, layers)
    return cost


@pytest.mark.parametrize("factor, hint", [
    (lambda lambd, m: lambd / m, "forgot the 1/2"),
    (lambda lambd, m: lambd / 2, "divide by m as well"),
    (lambda lambd, m: lambd, "not by lambd alone"),
    (lambda lambd, m: lambd / (4 * m), "halve only once"),
    (lambda lambd, m: 0.0, "the L2 term is missing"),
])
def test_cost_wrong_factor(ref, factor, hint):
    text = run("compute_cost_with_regularization", _cost(ref, factor)).text
    assert "has wrong values" in text and hint in _hint(text)


@pytest.mark.parametrize("layers, missing", [((2, 3), "W1"), ((1, 3), "W2"), ((1, 2), "W3")])
def test_cost_forgets_a_layer(ref, layers, missing):
    text = run("compute_cost_with_regularization", _cost(ref, lambda lambd, m: lambd / (2 * m), layers)).text
    assert f"{missing} is missing from the sum" in _hint(text)


def test_cost_other_mistakes(ref):
    def only_penalty(A3, Y, parameters, lambd):
        return lambd / (2 * Y.shape[1]) * _squares(parameters)

    assert "start from compute_cost(A3, Y)" in _hint(run("compute_cost_with_regularization", only_penalty).text)

    def with_biases(A3, Y, parameters, lambd):
        m = Y.shape[1]
        extra = sum(np.sum(np.square(parameters[f"b{k}"])) for k in (1, 2, 3))
        return ref["compute_cost"](A3, Y) + lambd / (2 * m) * (_squares(parameters) + extra)

    assert "the biases are not included" in _hint(run("compute_cost_with_regularization", with_biases).text)

    def squares_in_place(A3, Y, parameters, lambd):
        m = Y.shape[1]
        total = 0.0
        for k in (1, 2, 3):
            W = parameters[f"W{k}"]
            np.square(W, out=W)
            total += np.sum(W)
        return ref["compute_cost"](A3, Y) + lambd / (2 * m) * total

    text = run("compute_cost_with_regularization", squares_in_place).text
    assert "modified its input (argument 3) in place" in text and "np.square(W1, out=W1)" in _hint(text)

    def matrix(A3, Y, parameters, lambd):
        return np.array([[ref["compute_cost_with_regularization"](A3, Y, parameters, lambd)]])

    assert "use `.item()`" in run("compute_cost_with_regularization", matrix).text


# --------------------------------------------------------------------------- #
# Exercise 2: the backward pass with L2
# --------------------------------------------------------------------------- #

def _l2_backward(ref, factors=(None, None, None), bias_term=False):
    """The given backward pass plus factor(lambd, m) * W{l} on each dW{l} (None: the right lambd / m)."""
    def backward(X, Y, cache, lambd):
        grads = ref["backward_propagation"](X, Y, cache)
        m = X.shape[1]
        W = {1: cache[2], 2: cache[6], 3: cache[10]}
        b = {1: cache[3], 2: cache[7], 3: cache[11]}
        for layer, factor in zip((1, 2, 3), factors):
            f = lambd / m if factor is None else factor(lambd, m)
            grads[f"dW{layer}"] = grads[f"dW{layer}"] + f * W[layer]
            if bias_term:
                grads[f"db{layer}"] = grads[f"db{layer}"] + lambd / m * b[layer]
        return grads
    return backward


def test_l2_backward_reference_shape_via_helper(ref):
    assert run("backward_propagation_with_regularization", _l2_backward(ref)).passed


@pytest.mark.parametrize("factor, hint", [
    (lambda lambd, m: lambd / (2 * m), "the 2 of the square cancels the 1/2"),
    (lambda lambd, m: lambd, "not lambd * W"),
    (lambda lambd, m: 2 * lambd / m, "not 2 * lambd / m * W"),
    (lambda lambd, m: lambd / m ** 2, "you divided by m twice"),
    (lambda lambd, m: 0.0, "none of dW1, dW2, dW3 has the L2 term"),
])
def test_l2_backward_wrong_factor(ref, factor, hint):
    text = run("backward_propagation_with_regularization", _l2_backward(ref, (factor,) * 3)).text
    assert "has wrong values" in text and hint in _hint(text)


@pytest.mark.parametrize("layer", [1, 2, 3])
def test_l2_backward_forgets_a_layer(ref, layer):
    factors = tuple((lambda lambd, m: 0.0) if k == layer else None for k in (1, 2, 3))
    text = run("backward_propagation_with_regularization", _l2_backward(ref, factors)).text
    assert f"dW{layer} has no L2 term" in _hint(text)


def test_l2_backward_other_mistakes(ref):
    text = run("backward_propagation_with_regularization", _l2_backward(ref, bias_term=True)).text
    assert "the biases are not regularized" in _hint(text)

    def wrong_layer_weights(X, Y, cache, lambd):  # something else than W1 added to dW1
        grads = _l2_backward(ref)(X, Y, cache, lambd)
        grads["dW1"] = grads["dW1"] - lambd / X.shape[1] * cache[2] + lambd / X.shape[1] * np.ones_like(cache[2])
        return grads

    assert "add the weights of the same layer, W1" in _hint(
        run("backward_propagation_with_regularization", wrong_layer_weights).text)

    def decays_in_place(X, Y, cache, lambd):
        m = X.shape[1]
        grads = ref["backward_propagation"](X, Y, cache)
        for layer, i in ((1, 2), (2, 6), (3, 10)):
            W = cache[i]
            W *= lambd / m
            grads[f"dW{layer}"] = grads[f"dW{layer}"] + W
        return grads

    text = run("backward_propagation_with_regularization", decays_in_place).text
    assert "modified its input (argument 3) in place" in text and "W3 *= ..." in _hint(text)

    def regularized_dZ(X, Y, cache, lambd):
        grads = _l2_backward(ref)(X, Y, cache, lambd)
        grads["dA2"] = grads["dA2"] + 0.1
        return grads

    assert "changes with L2 only through dW" in _hint(run("backward_propagation_with_regularization",
                                                          regularized_dZ).text)

    def fewer_keys(X, Y, cache, lambd):
        grads = _l2_backward(ref)(X, Y, cache, lambd)
        return {k: v for k, v in grads.items() if k.startswith(("dW", "db"))}

    assert "return the same keys as backward_propagation" in _hint(
        run("backward_propagation_with_regularization", fewer_keys).text)


# --------------------------------------------------------------------------- #
# Exercise 3: the dropout forward pass
# --------------------------------------------------------------------------- #

def _dropout_forward(compare_kept=lambda r, k: r < k, rescale=True, apply_mask=True, output_dropout=False,
                     reseed=None, bool_mask=False):
    def forward(X, parameters, keep_prob=0.5):
        if reseed is not None:
            np.random.seed(reseed)
        W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
        Z1 = W1 @ X + b1
        A1, _ = relu(Z1)
        D1 = compare_kept(np.random.rand(*A1.shape), keep_prob)
        D1 = D1 if bool_mask else D1.astype(int)
        if apply_mask:
            A1 = A1 * D1
        if rescale:
            A1 = A1 / keep_prob
        Z2 = W2 @ A1 + b2
        A2, _ = relu(Z2)
        D2 = compare_kept(np.random.rand(*A2.shape), keep_prob)
        D2 = D2 if bool_mask else D2.astype(int)
        if apply_mask:
            A2 = A2 * D2
        if rescale:
            A2 = A2 / keep_prob
        Z3 = W3 @ A2 + b3
        A3, _ = sigmoid(Z3)
        if output_dropout:
            A3 = A3 * (np.random.rand(*A3.shape) < keep_prob) / keep_prob
        return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
    return forward


def test_dropout_forward_accepts_a_boolean_mask():
    assert run("forward_propagation_with_dropout", _dropout_forward(bool_mask=True)).passed
    assert run("forward_propagation_with_dropout", _dropout_forward()).passed


@pytest.mark.parametrize("kwargs, hint", [
    ({"compare_kept": lambda r, k: r > k}, "with > you keep units with probability 1 - keep_prob"),
    ({"rescale": False}, "divide A1 by keep_prob after masking (inverted dropout)"),
    ({"apply_mask": False}, "apply the mask: A1 = A1 * D1"),
    ({"reseed": 1}, "do not call np.random.seed"),
    ({"output_dropout": True}, "no dropout on the output layer"),
])
def test_dropout_forward_mistakes(kwargs, hint):
    text = run("forward_propagation_with_dropout", _dropout_forward(**kwargs)).text
    assert "✘" in text and hint in _hint(text)


def test_dropout_forward_other_mistakes(ref):
    good = ref["forward_propagation_with_dropout"]

    def binomial_masks(X, parameters, keep_prob=0.5):  # NumPy's binomial(1, p) draws the same masks: accepted
        W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
        Z1 = W1 @ X + b1
        D1 = np.random.binomial(1, keep_prob, size=Z1.shape)
        A1 = np.maximum(Z1, 0) * D1 / keep_prob
        Z2 = W2 @ A1 + b2
        D2 = np.random.binomial(1, keep_prob, size=Z2.shape)
        A2 = np.maximum(Z2, 0) * D2 / keep_prob
        Z3 = W3 @ A2 + b3
        A3 = 1 / (1 + np.exp(-Z3))
        return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)

    assert run("forward_propagation_with_dropout", binomial_masks).passed

    def d2_first(X, parameters, keep_prob=0.5):
        W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
        D2 = (np.random.rand(W2.shape[0], X.shape[1]) < keep_prob).astype(int)
        D1 = (np.random.rand(W1.shape[0], X.shape[1]) < keep_prob).astype(int)
        Z1 = W1 @ X + b1
        A1 = np.maximum(Z1, 0) * D1 / keep_prob
        Z2 = W2 @ A1 + b2
        A2 = np.maximum(Z2, 0) * D2 / keep_prob
        Z3 = W3 @ A2 + b3
        A3 = 1 / (1 + np.exp(-Z3))
        return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)

    assert "D1 first then D2" in _hint(run("forward_propagation_with_dropout", d2_first).text)

    def own_generator(X, parameters, keep_prob=0.5):
        rng = np.random.default_rng()
        W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
        Z1 = W1 @ X + b1
        D1 = (rng.random(Z1.shape) < keep_prob).astype(int)
        A1 = np.maximum(Z1, 0) * D1 / keep_prob
        Z2 = W2 @ A1 + b2
        D2 = (rng.random(Z2.shape) < keep_prob).astype(int)
        A2 = np.maximum(Z2, 0) * D2 / keep_prob
        Z3 = W3 @ A2 + b3
        A3 = 1 / (1 + np.exp(-Z3))
        return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)

    assert "from NumPy's generator" in _hint(run("forward_propagation_with_dropout", own_generator).text)

    def short_cache(X, parameters, keep_prob=0.5):
        A3, cache = good(X, parameters, keep_prob)
        return A3, cache[:1] + cache[2:6] + cache[7:]

    text = run("forward_propagation_with_dropout", short_cache).text
    assert "should have 14 items" in text and "the 14-tuple" in _hint(text)

    def input_in_place(X, parameters, keep_prob=0.5):
        X *= 1.0 + 1e-3
        return good(X, parameters, keep_prob)

    text = run("forward_propagation_with_dropout", input_in_place).text
    assert "modified its input (argument 1) in place" in text and "not X *= ..." in _hint(text)


# --------------------------------------------------------------------------- #
# Exercise 4: the dropout backward pass
# --------------------------------------------------------------------------- #

def _dropout_backward(ref, mask=lambda dA, D, k: dA * D / k):
    def backward(X, Y, cache, keep_prob):
        Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3 = cache
        m = X.shape[1]
        dZ3 = A3 - Y
        dW3, db3 = dZ3 @ A2.T / m, dZ3.sum(axis=1, keepdims=True) / m
        dA2 = mask(W3.T @ dZ3, D2, keep_prob)
        dZ2 = dA2 * (A2 > 0)
        dW2, db2 = dZ2 @ A1.T / m, dZ2.sum(axis=1, keepdims=True) / m
        dA1 = mask(W2.T @ dZ2, D1, keep_prob)
        dZ1 = dA1 * (A1 > 0)
        dW1, db1 = dZ1 @ X.T / m, dZ1.sum(axis=1, keepdims=True) / m
        return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
                "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
    return backward


def test_dropout_backward_rewritten_passes(ref):
    assert run("backward_propagation_with_dropout", _dropout_backward(ref)).passed


@pytest.mark.parametrize("mask, hint", [
    (lambda dA, D, k: dA, "apply the mask in the backward pass too: dA2 = dA2 * D2 / keep_prob"),
    (lambda dA, D, k: dA * D, "divide dA2 by keep_prob as well"),
    (lambda dA, D, k: dA * (1 - D) / k, "use the mask D2 of the forward pass"),
    (lambda dA, D, k: dA / k, "multiply dA2 by the mask D2"),
    (lambda dA, D, k: dA * D * k, "dA2 = W3ᵀ · dZ3, then * D2 / keep_prob"),
])
def test_dropout_backward_mistakes(ref, mask, hint):
    text = run("backward_propagation_with_dropout", _dropout_backward(ref, mask)).text
    assert "has wrong values" in text and hint in _hint(text)


def test_dropout_backward_forgets_the_first_layer(ref):
    def layer_two_only(X, Y, cache, keep_prob):
        grads = _dropout_backward(ref)(X, Y, cache, keep_prob)
        Z1, D1, A1 = cache[:3]
        dA1 = cache[8].T @ grads["dZ2"]
        dZ1 = dA1 * (A1 > 0)
        return {**grads, "dA1": dA1, "dZ1": dZ1, "dW1": dZ1 @ X.T / X.shape[1],
                "db1": dZ1.sum(axis=1, keepdims=True) / X.shape[1]}

    text = run("backward_propagation_with_dropout", layer_two_only).text
    assert "dA1 = dA1 * D1 / keep_prob" in _hint(text)


def test_dropout_backward_other_mistakes(ref):
    good = ref["backward_propagation_with_dropout"]

    def scales_masks_in_place(X, Y, cache, keep_prob):
        D1, D2 = cache[1], cache[6]
        D1[...] = D1 // 2  # damages the caller's masks
        D2[...] = D2 // 2
        return good(X, Y, cache, keep_prob)

    text = run("backward_propagation_with_dropout", scales_masks_in_place).text
    assert "modified its input (argument 3) in place" in text and "do not change D1, D2" in _hint(text)

    def db_wrong(X, Y, cache, keep_prob):
        grads = good(X, Y, cache, keep_prob)
        return {**grads, "db1": grads["db1"] / keep_prob}

    assert "db1 has the same formula as without dropout" in _hint(
        run("backward_propagation_with_dropout", db_wrong).text)


def test_hint_for_unknown_failure_is_none():
    assert checks.hint_for("compute_cost_with_regularization", "something else") is None
    assert checks.hint_for("no_such_check", "in place") is None
    assert checks.diagnose("compute_cost_with_regularization", lambda *a: 1 / 0) is None


def test_seeded_wrapper():
    def draw(shape):
        return np.random.rand(*shape)

    a, b = checks.seeded(draw)((2, 3)), checks.seeded(draw)((2, 3))
    assert np.array_equal(a, b) and not np.array_equal(a, checks.seeded(draw, seed=5)((2, 3)))
    assert checks.seeded(draw).__name__ == "draw"


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
    namespace = load_solutions(NOTEBOOK) if replacements else ref
    namespace.update(replacements)
    exec(compile(HIDDEN[name], f"<hidden tests of {name}>", "exec"), namespace)


def test_every_exercise_has_hidden_tests():
    assert sorted(HIDDEN) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_pass_on_the_reference(ref, name):
    _run_hidden(ref, name)


def _wrong_versions(ref):
    half = _l2_backward(ref, ((lambda lambd, m: lambd / (2 * m)),) * 3)
    no_layer_2 = _l2_backward(ref, (None, lambda lambd, m: 0.0, None))
    return [
        ("compute_cost_with_regularization", "lambd / m", _cost(ref, lambda lambd, m: lambd / m)),
        ("compute_cost_with_regularization", "no 1/m", _cost(ref, lambda lambd, m: lambd / 2)),
        ("compute_cost_with_regularization", "W3 forgotten", _cost(ref, lambda lambd, m: lambd / (2 * m), (1, 2))),
        ("backward_propagation_with_regularization", "lambd / (2m)", half),
        ("backward_propagation_with_regularization", "lambd (no 1/m)", _l2_backward(ref, ((lambda lambd, m: lambd),) * 3)),
        ("backward_propagation_with_regularization", "dW2 forgotten", no_layer_2),
        ("forward_propagation_with_dropout", "rand > keep_prob", _dropout_forward(compare_kept=lambda r, k: r > k)),
        ("forward_propagation_with_dropout", "not rescaled", _dropout_forward(rescale=False)),
        ("forward_propagation_with_dropout", "mask not applied", _dropout_forward(apply_mask=False)),
        ("forward_propagation_with_dropout", "reseeded inside", _dropout_forward(reseed=1)),
        ("backward_propagation_with_dropout", "mask not applied", _dropout_backward(ref, lambda dA, D, k: dA)),
        ("backward_propagation_with_dropout", "not rescaled", _dropout_backward(ref, lambda dA, D, k: dA * D)),
    ]


MISTAKES = ["cost lambd / m", "cost without 1/m", "cost without W3", "dW with lambd / (2m)", "dW with lambd",
            "dW2 unregularized", "mask rand > keep_prob", "forward not rescaled", "forward mask not applied",
            "reseeded inside", "backward mask not applied", "backward not rescaled"]


@pytest.mark.parametrize("index", range(len(MISTAKES)), ids=MISTAKES)
def test_hidden_tests_catch_typical_mistakes(ref, index):
    name, mistake, wrong = _wrong_versions(ref)[index]
    with pytest.raises((AssertionError, CheckFailed)):
        _run_hidden(ref, name, **{name: wrong})
