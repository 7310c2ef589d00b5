"""Notebook 07's checks pass the reference solutions and catch realistic mistakes; so do its hidden tests.

The wrong implementations are written as source code and run in a fresh namespace of the notebook's
solutions, as a learner's functions would be: they find forward_propagation, forward_propagation_n and
the gradcheck helpers among their globals, which is what the checks watch.
"""

import nbformat
import numpy as np
import pytest

from course_utils.authoring import BEGIN_HIDDEN, END_HIDDEN
from course_utils.checks import CheckFailed
from course_utils.checks import gradient_checking as checks
from course_utils.checks.solutions import load_solutions, notebook_path

NOTEBOOK = "07_gradient_checking"
NAMES = ["forward_propagation", "backward_propagation", "gradient_check", "gradient_check_n"]


@pytest.fixture(scope="module")
def ref():
    return load_solutions(NOTEBOOK)


def todo(*args, **kwargs):
    raise NotImplementedError()


def run(name, fn):
    return getattr(checks, f"check_{name}")(fn, verbose=False)


def learner(source: str, name: str, **replacements):
    """Define ``name`` from ``source`` in a fresh solutions namespace (as in a learner's notebook)."""
    namespace = load_solutions(NOTEBOOK)
    namespace.update(replacements)
    exec(compile(source, f"<learner's {name}>", "exec"), namespace)
    return namespace[name], namespace


# --------------------------------------------------------------------------- #
# Reference, stub, output format
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    assert run(name, ref[name]).passed
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(checks.__all__) == sorted(f"check_{n}" for n in NAMES)


def test_gradient_check_prints_its_cases_its_probes_and_a_summary(ref, capsys):
    checks.check_gradient_check(ref["gradient_check"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 6 and lines[-1] == "✔ gradient_check: all 5 checks passed."
    assert "exact derivative passes" in lines[2] and "50 % off is flagged" in lines[3] and "wrong sign" in lines[4]


def test_gradient_check_n_prints_one_line_per_case(ref, capsys):
    checks.check_gradient_check_n(ref["gradient_check_n"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == "✔ gradient_check_n: all 3 checks passed."


def test_checks_leave_the_notebook_namespace_as_it_was(ref):
    fn, namespace = learner(SOURCE_N["in place"], "gradient_check_n")
    before = {k: namespace[k] for k in ("forward_propagation_n", "vector_to_dictionary")}
    assert not run("gradient_check_n", fn).passed
    assert all(namespace[k] is v for k, v in before.items())
    fn, namespace = learner("def gradient_check(x, theta, epsilon=1e-7, print_msg=False):\n    return 1 / 0\n",
                            "gradient_check")
    before = {k: namespace[k] for k in ("forward_propagation", "backward_propagation")}
    text = run("gradient_check", fn).text
    assert "ZeroDivisionError" in text and "line 2 of `gradient_check`" in text and "Hint" not in text
    assert all(namespace[k] is v for k, v in before.items())


# --------------------------------------------------------------------------- #
# forward_propagation, backward_propagation
# --------------------------------------------------------------------------- #

def test_forward_propagation_mistakes():
    text = run("forward_propagation", lambda x, theta: theta + x).text
    assert "wrong values" in text and "J(θ) = θ·x" in text


def test_backward_propagation_mistakes():
    text = run("backward_propagation", lambda x, theta: theta).text
    assert "wrong values" in text and "derivative of J(θ) = θ·x with respect to θ is x" in text


# --------------------------------------------------------------------------- #
# gradient_check
# --------------------------------------------------------------------------- #

def gc(body: str) -> str:
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    return f"def gradient_check(x, theta, epsilon=1e-7, print_msg=False):\n{lines}\n"


TWO_SIDED = """
J_plus = forward_propagation(x, theta + epsilon)
J_minus = forward_propagation(x, theta - epsilon)
gradapprox = (J_plus - J_minus) / (2 * epsilon)
grad = backward_propagation(x, theta)
"""
RELATIVE = "return np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))"

SOURCE_1D = {
    "one-sided": gc("""
J_plus = forward_propagation(x, theta + epsilon)
J = forward_propagation(x, theta)
gradapprox = (J_plus - J) / epsilon
grad = backward_propagation(x, theta)
""" + RELATIVE),
    "no division by 2 epsilon": gc(TWO_SIDED.replace(" / (2 * epsilon)", "") + RELATIVE),
    "division by epsilon only": gc(TWO_SIDED.replace("(2 * epsilon)", "epsilon") + RELATIVE),
    "/ 2 * epsilon": gc(TWO_SIDED.replace("/ (2 * epsilon)", "/ 2 * epsilon") + RELATIVE),
    "no denominator": gc(TWO_SIDED + "return np.linalg.norm(grad - gradapprox)"),
    "sum instead of norm": gc(TWO_SIDED + "return np.sum(grad - gradapprox) / (np.sum(grad) + np.sum(gradapprox))"),
    "squared norms": gc(TWO_SIDED + "return np.linalg.norm(grad - gradapprox) ** 2 / "
                                    "(np.linalg.norm(grad) ** 2 + np.linalg.norm(gradapprox) ** 2)"),
    "returns gradapprox": gc(TWO_SIDED + "return gradapprox"),
    "returns the verdict": gc(TWO_SIDED + RELATIVE + " < 2e-7"),
    "returns a tuple": gc(TWO_SIDED + RELATIVE + ", gradapprox"),
    "epsilon hard-coded": gc(TWO_SIDED.replace("epsilon", "1e-7") + RELATIVE),
    "grad written out": gc(TWO_SIDED.replace("backward_propagation(x, theta)", "x") + RELATIVE),
    "J written out": gc(TWO_SIDED.replace("forward_propagation(x, theta + epsilon)", "(theta + epsilon) * x")
                        .replace("forward_propagation(x, theta - epsilon)", "(theta - epsilon) * x") + RELATIVE),
}

EXPECTED_1D = {
    "one-sided": ["never evaluated J at θ − ε", "one-sided difference", "two-sided difference"],
    "no division by 2 epsilon": ["has wrong values", "gradapprox is almost 0", "divide J_plus − J_minus by 2ε"],
    "division by epsilon only": ["has wrong values", "gradapprox is twice grad", "not by ε"],
    "/ 2 * epsilon": ["has wrong values", "in parentheses: / (2 * epsilon)"],
    "no denominator": ["50 % off", "returned 6.75", "at most 1", "‖grad‖₂ + ‖gradapprox‖₂"],
    "sum instead of norm": ["exact derivative", "never negative", "np.sum keeps the sign"],
    "squared norms": ["wrong sign", "returned 2", "exactly 1", "not their squares or sums"],
    "returns gradapprox": ["has wrong values", "at most 1"],
    "returns the verdict": ["should be a number; got a bool", "return `difference` itself"],
    "returns a tuple": ["should be a number; got a tuple", "return only `difference`"],
    "epsilon hard-coded": ["moved θ by 1e-07", "epsilon = 0.0001", "use the argument epsilon"],
    "grad written out": ["never called backward_propagation", "grad = backward_propagation(x, theta)"],
    "J written out": ["never called forward_propagation", "J_plus = forward_propagation(x, theta_plus)"],
}


@pytest.mark.parametrize("mistake", sorted(SOURCE_1D))
def test_gradient_check_mistakes(mistake):
    fn, _ = learner(SOURCE_1D[mistake], "gradient_check")
    report = run("gradient_check", fn)
    assert report.status == "failed", report.text
    for words in EXPECTED_1D[mistake]:
        assert words in report.text, f"{words!r} not in:\n{report.text}"


def test_the_right_code_in_another_form_passes():
    theta_minus_from_plus = gc("""
theta_plus = theta + epsilon
theta_minus = theta_plus - 2 * epsilon
gradapprox = (forward_propagation(x, theta_plus) - forward_propagation(x, theta_minus)) / 2 / epsilon
grad = backward_propagation(x=x, theta=theta)
return float(np.abs(grad - gradapprox) / (np.abs(grad) + np.abs(gradapprox)))
""")
    fn, _ = learner(theta_minus_from_plus, "gradient_check")
    assert run("gradient_check", fn).passed


def test_gradient_check_waits_for_the_functions_it_calls(ref):
    fn, _ = learner("", "gradient_check", forward_propagation=todo)
    report = run("gradient_check", fn)
    assert report.status == "not attempted" and "`forward_propagation`, which is not attempted yet" in report.text
    fn, _ = learner("", "gradient_check", backward_propagation=lambda x, theta: theta)
    report = run("gradient_check", fn)
    assert report.status == "failed" and "your `backward_propagation`, which does not pass its check" in report.text


# --------------------------------------------------------------------------- #
# gradient_check_n
# --------------------------------------------------------------------------- #

def gcn(loop: str, ending: str = RELATIVE) -> str:
    body = """
keys = parameter_keys(parameters)
parameters_values, _ = dictionary_to_vector(parameters, keys)
grad = gradients_to_vector(gradients, keys)
n = parameters_values.shape[0]
J_plus, J_minus, gradapprox = np.zeros((n, 1)), np.zeros((n, 1)), np.zeros((n, 1))
""" + loop + ending
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    return f"def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):\n{lines}\n"


def cost(var: str) -> str:
    return f"forward_propagation_n(X, Y, vector_to_dictionary({var}, parameters, keys))[0]"


LOOP = f"""
for i in range(n):
    theta_plus = np.copy(parameters_values)
    theta_plus[i] = theta_plus[i] + epsilon
    J_plus[i] = {cost('theta_plus')}
    theta_minus = np.copy(parameters_values)
    theta_minus[i] = theta_minus[i] - epsilon
    J_minus[i] = {cost('theta_minus')}
    gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)
"""

SOURCE_N = {
    "in place": gcn(LOOP.replace("theta_plus = np.copy(parameters_values)", "theta_plus = parameters_values")),
    "theta_minus from theta_plus": gcn(LOOP.replace("theta_minus = np.copy(parameters_values)",
                                                    "theta_minus = theta_plus")),
    "one-sided": gcn(f"""
J = {cost('parameters_values')}
for i in range(n):
    theta_plus = np.copy(parameters_values)
    theta_plus[i] = theta_plus[i] + epsilon
    gradapprox[i] = ({cost('theta_plus')} - J) / epsilon
"""),
    "no division by 2 epsilon": gcn(LOOP.replace(" / (2 * epsilon)", "")),
    "division by epsilon only": gcn(LOOP.replace("(2 * epsilon)", "epsilon")),
    "no denominator": gcn(LOOP, "return np.linalg.norm(grad - gradapprox)"),
    "sum instead of norm": gcn(LOOP, "return np.sum(grad - gradapprox) / (np.sum(grad) + np.sum(gradapprox))"),
    "sum of absolute values": gcn(LOOP, "return np.sum(np.abs(grad - gradapprox)) / "
                                        "(np.sum(np.abs(grad)) + np.sum(np.abs(gradapprox)))"),
    "returns gradapprox": gcn(LOOP, "return gradapprox"),
    "returns the verdict": gcn(LOOP, RELATIVE + " > 2e-7"),
    "epsilon hard-coded": gcn(LOOP.replace("epsilon", "1e-7")),
    "last entries skipped": gcn(LOOP.replace("range(n)", "range(n - 3)")),
}

EXPECTED_N = {
    "in place": ["modified in place while perturbing", "np.copy(parameters_values)"],
    "theta_minus from theta_plus": ["never evaluated J at θ − ε·e_i", "a fresh copy of parameters_values"],
    "one-sided": ["never evaluated J at θ − ε·e_i", "one-sided difference"],
    "no division by 2 epsilon": ["wrong values", "divide J_plus − J_minus by 2ε"],
    "division by epsilon only": ["wrong values", "not by ε"],
    "no denominator": ["dW1 doubled", "multiplied by 1000", "a relative difference stays the same"],
    "sum instead of norm": ["dW1 doubled", "at most 1"],
    "sum of absolute values": ["dW1 doubled", "with the Euclidean norm np.linalg.norm"],
    "returns gradapprox": ["got a NumPy array of shape (47, 1)", "return `difference`, the single number"],
    "returns the verdict": ["got a bool", "return `difference` itself"],
    "epsilon hard-coded": ["ε = 1e-2", "by 1e-07", "use the argument epsilon"],
    "last entries skipped": ["only 44 of the 47 parameters", "range(num_parameters)"],
}


@pytest.mark.parametrize("mistake", sorted(SOURCE_N))
def test_gradient_check_n_mistakes(mistake):
    fn, _ = learner(SOURCE_N[mistake], "gradient_check_n")
    report = run("gradient_check_n", fn)
    assert report.status == "failed", report.text
    for words in EXPECTED_N[mistake]:
        assert words in report.text, f"{words!r} not in:\n{report.text}"


def test_gradient_check_n_in_another_correct_form_passes():
    one_copy = gcn(f"""
theta = parameters_values.copy()
for i in range(n):
    theta[i] += epsilon
    J_plus[i] = {cost('theta')}
    theta[i] -= 2 * epsilon
    J_minus[i] = {cost('theta')}
    theta[i] += epsilon
gradapprox = (J_plus - J_minus) / (2 * epsilon)
""", "return np.sqrt(np.sum((grad - gradapprox) ** 2)) / (np.sqrt(np.sum(grad ** 2)) + "
     "np.sqrt(np.sum(gradapprox ** 2)))")
    fn, _ = learner(one_copy, "gradient_check_n")
    assert run("gradient_check_n", fn).passed


def test_hint_for_an_unrecognised_value_is_the_formula():
    assert "np.linalg.norm" in checks._value_hint(0.42, 0.83)
    assert checks._value_hint(object(), 0.1) is None


# --------------------------------------------------------------------------- #
# The cases themselves
# --------------------------------------------------------------------------- #

def test_the_large_step_case_crosses_no_relu_kink(ref):
    """With ε = 1e-2 only the O(ε²) truncation error is left: halving ε divides the difference by 4."""
    case = checks.suite.case_makers["gradient_check_n"]()[2]
    parameters, gradients, X, Y = case.args
    at = {eps: ref["gradient_check_n"](parameters, gradients, X, Y, epsilon=eps) for eps in (1e-2, 5e-3)}
    assert at[1e-2] / at[5e-3] == pytest.approx(4, rel=0.05)
    assert 1e-6 < at[1e-2] < 1e-4  # far from a one-sided difference's error of order 1e-2


def test_the_buggy_case_is_clearly_wrong_and_the_correct_ones_clearly_right(ref):
    values = [ref["gradient_check_n"](*case.args, **case.kwargs)
              for case in checks.suite.case_makers["gradient_check_n"]()]
    assert values[0] < 1e-8 and values[1] > 0.1 and values[2] < 1e-4


# --------------------------------------------------------------------------- #
# The notebook's given backward pass: two bugs that gradient_check_n finds
# --------------------------------------------------------------------------- #

def _given_backward_source():
    nb = nbformat.read(notebook_path(NOTEBOOK), as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("def backward_propagation_n(")]
    return cell.source


def test_given_backward_pass_has_two_bugs_that_the_check_finds(ref):
    from course_utils.gradcheck import parameter_keys
    from course_utils.nn.gradient_checking import backward_propagation_n, forward_propagation_n, gradient_check_example

    namespace = dict(ref)
    exec(_given_backward_source(), namespace)
    X, Y, parameters = gradient_check_example()
    _, cache = forward_propagation_n(X, Y, parameters)
    buggy, fixed = namespace["backward_propagation_n"](X, Y, cache), backward_propagation_n(X, Y, cache)
    assert ref["gradient_check_n"](parameters, buggy, X, Y) > 1e-3
    assert ref["gradient_check_n"](parameters, fixed, X, Y) < 2e-7
    wrong = [k for k in parameter_keys(parameters) if not np.allclose(buggy["d" + k], fixed["d" + k])]
    assert wrong == ["W1", "b1", "W2"]  # dW2 (a missing 1/m) and dZ1 (the ReLU mask), hence dW1, db1
    np.testing.assert_allclose(buggy["dW2"], X.shape[1] * fixed["dW2"])


# --------------------------------------------------------------------------- #
# The hidden tests: pass on the reference, fail on the mistakes
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


def _run_hidden(name, namespace):
    exec(compile(HIDDEN[name], f"<hidden tests of {name}>", "exec"), namespace)


def test_every_exercise_has_hidden_tests():
    assert sorted(HIDDEN) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_pass_on_the_reference(name):
    namespace = load_solutions(NOTEBOOK)
    _run_hidden(name, namespace)
    assert namespace["forward_propagation"].__name__ == "forward_propagation"  # restored after the swap


WRONG_FOR_HIDDEN = [
    ("forward_propagation", "def forward_propagation(x, theta):\n    return theta + x\n"),
    ("forward_propagation", "def forward_propagation(x, theta):\n    return 8.0\n"),
    ("backward_propagation", "def backward_propagation(x, theta):\n    return theta\n"),
    ("backward_propagation", "def backward_propagation(x, theta):\n    return theta * x\n"),
] + [("gradient_check", SOURCE_1D[m]) for m in
     ("one-sided", "no division by 2 epsilon", "division by epsilon only", "no denominator", "sum instead of norm",
      "squared norms", "returns gradapprox", "epsilon hard-coded", "grad written out", "J written out")] \
  + [("gradient_check_n", SOURCE_N[m]) for m in
     ("in place", "theta_minus from theta_plus", "one-sided", "no division by 2 epsilon", "division by epsilon only",
      "no denominator", "sum instead of norm", "sum of absolute values", "returns gradapprox", "epsilon hard-coded",
      "last entries skipped")]


@pytest.mark.parametrize("name, source", WRONG_FOR_HIDDEN, ids=[f"{n}-{i}" for i, (n, _) in
                                                                enumerate(WRONG_FOR_HIDDEN)])
def test_hidden_tests_catch_typical_mistakes(name, source):
    _, namespace = learner(source, name)
    with pytest.raises((CheckFailed, AssertionError)):
        _run_hidden(name, namespace)
