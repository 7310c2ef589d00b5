"""Notebook 05's checks pass the reference solutions and catch realistic mistakes; so do its hidden tests."""

import nbformat
import numpy as np
import pytest

from course_utils.authoring import BEGIN_HIDDEN, END_HIDDEN
from course_utils.checks import CheckFailed
from course_utils.checks import initialization as checks
from course_utils.checks.solutions import load_solutions, notebook_path

NOTEBOOK = "05_initialization"
NAMES = ["initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he"]


@pytest.fixture(scope="module")
def ref():
    return load_solutions(NOTEBOOK)


def todo(*args, **kwargs):
    raise NotImplementedError()


def run(name, fn):
    return getattr(checks, f"check_{name}")(fn, verbose=False)


def _init(draw, bias=lambda n: np.zeros((n, 1)), seed=3):
    """An initializer that seeds like the notebook and builds W{l} = draw(n_l, n_prev), b{l} = bias(n_l)."""
    def initialize(layers_dims):
        if seed is not None:
            np.random.seed(seed)
        params = {}
        for layer in range(1, len(layers_dims)):
            params[f"W{layer}"] = draw(layers_dims[layer], layers_dims[layer - 1])
            params[f"b{layer}"] = bias(layers_dims[layer])
        return params
    return initialize


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    assert run(name, ref[name]).passed
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(checks.__all__) == sorted(f"check_{n}" for n in NAMES)


def test_check_prints_one_line_per_case_and_a_summary(ref, capsys):
    checks.check_initialize_parameters_he(ref["initialize_parameters_he"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[-1] == "✔ initialize_parameters_he: all 2 checks passed."


def test_the_random_references_reseed_so_their_checks_are_exact(ref):
    np.random.seed(123)
    first = ref["initialize_parameters_he"]([3, 4, 1])
    np.random.rand(7)
    second = ref["initialize_parameters_he"]([3, 4, 1])
    np.testing.assert_array_equal(first["W1"], second["W1"])


# --------------------------------------------------------------------------- #
# Realistic mistakes caught by the public checks, with their hints
# --------------------------------------------------------------------------- #

def test_zeros_mistakes():
    flat_bias = _init(lambda n, n_prev: np.zeros((n, n_prev)), bias=lambda n: np.zeros(n), seed=None)
    text = run("initialize_parameters_zeros", flat_bias).text
    assert "['b1'] has the wrong shape: got (2,), expected (2, 1)" in text
    assert "Hint: b{l} is a column vector: np.zeros((layers_dims[l], 1))" in text

    transposed = _init(lambda n, n_prev: np.zeros((n_prev, n)), seed=None)
    text = run("initialize_parameters_zeros", transposed).text
    assert "['W1'] has the wrong shape: got (3, 2), expected (2, 3)" in text
    assert "Hint: W{l} has one row per unit of layer l" in text

    two_arguments = _init(lambda n, n_prev: np.zeros(n, n_prev), seed=None)
    text = run("initialize_parameters_zeros", two_arguments).text
    assert "raised an error" in text and "np.zeros takes the shape as one tuple" in text

    def one_layer_short(layers_dims):
        return {k: v for k, v in _init(lambda n, n_prev: np.zeros((n, n_prev)), seed=None)(layers_dims).items()
                if k[1:] != str(len(layers_dims) - 1)}

    text = run("initialize_parameters_zeros", one_layer_short).text
    assert "missing the key(s) 'W2', 'b2'" in text and "range(1, len(layers_dims))" in text

    small_random = _init(lambda n, n_prev: np.random.randn(n, n_prev) * 0.01)
    text = run("initialize_parameters_zeros", small_random).text
    assert "['W1'] has wrong values" in text and "Every weight starts at exactly 0" in text


def test_random_mistakes(ref):
    unscaled = _init(lambda n, n_prev: np.random.randn(n, n_prev))
    text = run("initialize_parameters_random", unscaled).text
    assert "['W1'] has wrong values" in text and "exactly 10 times too small" in text

    small = _init(lambda n, n_prev: np.random.randn(n, n_prev) * 0.01)
    assert "You scaled by 0.01" in run("initialize_parameters_random", small).text

    he_scale = _init(lambda n, n_prev: np.random.randn(n, n_prev) * np.sqrt(2 / n_prev))
    assert "that is He initialization" in run("initialize_parameters_random", he_scale).text

    times_100 = _init(lambda n, n_prev: np.random.randn(n, n_prev) * 100)
    assert "the expected ones times 10 (layer by layer)" in run("initialize_parameters_random", times_100).text

    uniform = _init(lambda n, n_prev: np.random.rand(n, n_prev) * 10)
    text = run("initialize_parameters_random", uniform).text
    assert "['W1'] has wrong values" in text and "np.random.rand is uniform" in text

    random_bias = _init(lambda n, n_prev: np.random.randn(n, n_prev) * 10, bias=lambda n: np.random.randn(n, 1))
    text = run("initialize_parameters_random", random_bias).text
    assert "['b1'] has wrong values" in text and "The biases start at 0" in text

    tuple_shape = _init(lambda n, n_prev: np.random.randn((n, n_prev)) * 10)
    text = run("initialize_parameters_random", tuple_shape).text
    assert "raised an error" in text and "np.random.randn takes the sizes as separate arguments" in text

    transposed = _init(lambda n, n_prev: np.random.randn(n_prev, n) * 10)
    text = run("initialize_parameters_random", transposed).text
    assert "['W1'] has the wrong shape: got (3, 4), expected (4, 3)" in text and "one row per unit" in text

    def unseeded(layers_dims):  # drops the given seed line: the values change from call to call
        np.random.seed(None)
        return _init(lambda n, n_prev: np.random.randn(n, n_prev) * 10, seed=None)(layers_dims)

    text = run("initialize_parameters_random", unseeded).text
    assert "keep the given np.random.seed(3)" in text


def test_he_mistakes():
    def he_with(scale):
        return _init(lambda n, n_prev: np.random.randn(n, n_prev) * scale(n_prev, n))

    cases = [
        (lambda n_prev, n: np.sqrt(1 / n_prev), "You scaled by sqrt(1 / n)"),
        (lambda n_prev, n: np.sqrt(2 / n), "the size of the PREVIOUS layer"),
        (lambda n_prev, n: 2 / n_prev, "its square root"),
        (lambda n_prev, n: 1.0, "plain standard normal draws"),
        (lambda n_prev, n: 10.0, "large x10 initialization of the previous exercise"),
        (lambda n_prev, n: np.sqrt(2 / (n_prev + n)), "Glorot's scale"),
        (lambda n_prev, n: np.sqrt(2 // n_prev), "integer division"),
        (lambda n_prev, n: np.sqrt(3 / n_prev), "the random numbers are right, the scale is not"),
    ]
    for scale, hint in cases:
        text = run("initialize_parameters_he", he_with(scale)).text
        assert "['W1'] has wrong values" in text, text
        assert "Hint: " + hint in text or hint in text, (hint, text)

    random_bias = _init(lambda n, n_prev: np.random.randn(n, n_prev) * np.sqrt(2 / n_prev),
                        bias=lambda n: np.random.randn(n, 1))
    assert "The biases start at 0" in run("initialize_parameters_he", random_bias).text

    uniform = _init(lambda n, n_prev: np.random.rand(n, n_prev) * np.sqrt(2 / n_prev))
    text = run("initialize_parameters_he", uniform).text
    assert "np.random.rand is uniform" in text and "np.sqrt(2 / layers_dims[l-1])" in text


def test_scale_hint_is_quiet_when_it_cannot_tell(ref):
    assert checks.scale_hint("initialize_parameters_he", ref["initialize_parameters_he"]) is None
    assert checks.scale_hint("initialize_parameters_he", todo) is None
    assert checks.scale_hint("initialize_parameters_he", lambda dims: "not a dict") is None
    assert checks.scale_hint("initialize_parameters_zeros", ref["initialize_parameters_zeros"]) is None


def test_a_learner_print_is_not_repeated_by_the_hint(capsys):
    def noisy(layers_dims):
        print("debug")
        return _init(lambda n, n_prev: np.random.randn(n, n_prev))(layers_dims)

    checks.check_initialize_parameters_random(noisy)
    out = capsys.readouterr().out
    assert out.count("debug") == 1 and "10 times too small" in out


def test_hint_for_unknown_failure_is_none():
    assert checks.hint_for("initialize_parameters_he", "something else") is None
    assert checks.hint_for("no_such_check", "['W1'] has wrong values") is None


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


def _run_hidden(name, replacement=None):
    namespace = load_solutions(NOTEBOOK)
    if replacement is not None:
        namespace[name] = replacement
    exec(compile(HIDDEN[name], f"<hidden tests of {name}>", "exec"), namespace)


def test_every_exercise_has_hidden_tests():
    assert sorted(HIDDEN) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_pass_on_the_reference(name):
    _run_hidden(name)


def _wrong_versions():
    he = lambda n_prev, n: np.sqrt(2 / n_prev)  # noqa: E731
    return [
        ("initialize_parameters_zeros", "flat b",
         _init(lambda n, n_prev: np.zeros((n, n_prev)), bias=lambda n: np.zeros(n), seed=None)),
        ("initialize_parameters_zeros", "transposed W", _init(lambda n, n_prev: np.zeros((n_prev, n)), seed=None)),
        ("initialize_parameters_zeros", "ones", _init(lambda n, n_prev: np.ones((n, n_prev)), seed=None)),
        ("initialize_parameters_random", "no x10", _init(lambda n, n_prev: np.random.randn(n, n_prev))),
        ("initialize_parameters_random", "uniform", _init(lambda n, n_prev: np.random.rand(n, n_prev) * 10)),
        ("initialize_parameters_random", "random b",
         _init(lambda n, n_prev: np.random.randn(n, n_prev) * 10, bias=lambda n: np.random.randn(n, 1))),
        ("initialize_parameters_random", "transposed W",
         _init(lambda n, n_prev: np.random.randn(n_prev, n).T * 10)),
        ("initialize_parameters_he", "sqrt(1/n)", _init(lambda n, n_prev: np.random.randn(n, n_prev) / np.sqrt(n_prev))),
        ("initialize_parameters_he", "sqrt(2/n_l)", _init(lambda n, n_prev: np.random.randn(n, n_prev) * np.sqrt(2 / n))),
        ("initialize_parameters_he", "no sqrt", _init(lambda n, n_prev: np.random.randn(n, n_prev) * 2 / n_prev)),
        ("initialize_parameters_he", "flat b",
         _init(lambda n, n_prev: np.random.randn(n, n_prev) * he(n_prev, n), bias=lambda n: np.zeros(n))),
    ]


@pytest.mark.parametrize("name, mistake, wrong", _wrong_versions(), ids=lambda v: v if isinstance(v, str) else "")
def test_hidden_tests_catch_typical_mistakes(name, mistake, wrong):
    with pytest.raises((AssertionError, CheckFailed)):
        _run_hidden(name, wrong)
