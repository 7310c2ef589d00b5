"""Public checks of notebook 07, gradient checking.

Besides comparing with stored answers, the checks of ``gradient_check`` and
``gradient_check_n`` watch how the learner's function uses the cost: while it
runs, the helper it calls by name (``forward_propagation`` or
``forward_propagation_n``, looked up in the notebook's namespace) is replaced
by a spy that records every parameter value it is called with and then calls
the real one, so results are unchanged. From those calls a check tells a
one-sided difference, a step that is not ``epsilon`` or a parameter vector
modified in place while perturbing, even where the returned number happens to
be close to the right one.

``gradient_check`` is also run on three probes, with ``forward_propagation``
and ``backward_propagation`` temporarily replaced by a cubic cost
``J = k·x·θ³`` and a derivative: the exact derivative must pass; one that is
50 % off must be flagged, with the same answer whatever the scale ``k`` (a
relative difference); one of the wrong sign must get the largest difference,
1. Only properties are checked there, so no solution is needed.
"""

from __future__ import annotations

import contextlib
import copy
import re

import numpy as np

from ..gradcheck import dictionary_to_vector, parameter_keys
from ..nn.gradient_checking import backward_propagation_n, forward_propagation_n, gradient_check_example
from .core import FAIL, PASS, TODO, Case, CheckFailed, Report, describe_exception, run_check
from .expected import expected_for
from .suite import Suite

suite = Suite("07_gradient_checking")

DEFAULT_EPSILON = 1e-7  # the default of gradient_check and gradient_check_n
TOLERANCES = {"atol": 1e-7, "rtol": 1e-6}


# --------------------------------------------------------------------------- #
# Cases
# --------------------------------------------------------------------------- #

@suite.cases("forward_propagation")
def _():
    return [Case("x = 2, θ = 4", (2.0, 4.0)), Case("x = -3, θ = 0.5", (-3.0, 0.5))]


@suite.cases("backward_propagation")
def _():
    return [Case("x = 2, θ = 4", (2.0, 4.0)), Case("x = -3, θ = 0.5", (-3.0, 0.5))]


@suite.cases("gradient_check")
def _():
    return [Case("x = 2, θ = 4 (ε = 1e-7)", (2.0, 4.0)),
            Case("x = -3, θ = 0.5, ε = 1e-4", (-3.0, 0.5), {"epsilon": 1e-4})]


def _network_case(seed, layer_dims, m, bugs=None):
    """(parameters, gradients, X, Y) of the 3-layer network; ``bugs`` maps a gradient name to a function of it."""
    X, Y, parameters = gradient_check_example(seed, layer_dims, m)
    _, cache = forward_propagation_n(X, Y, parameters)
    gradients = backward_propagation_n(X, Y, cache)
    for key, wrong in (bugs or {}).items():
        gradients[key] = wrong(gradients[key])
    return parameters, gradients, X, Y


@suite.cases("gradient_check_n")
def _():
    return [
        Case("layers (4, 5, 3, 1), 3 examples, correct gradients (ε = 1e-7)", _network_case(10, (4, 5, 3, 1), 3)),
        Case("layers (3, 4, 2, 1), 5 examples, dW1 doubled and db3 of the wrong sign",
             _network_case(4, (3, 4, 2, 1), 5, {"dW1": lambda g: 2 * g, "db3": lambda g: -g})),
        # seed 6: no ReLU input closer to 0 than 0.49, so a step of 1e-2 crosses no kink
        Case("layers (2, 3, 3, 1), 4 examples, correct gradients, ε = 1e-2",
             _network_case(6, (2, 3, 3, 1), 4), {"epsilon": 1e-2}),
    ]


# --------------------------------------------------------------------------- #
# Watching the calls a learner's function makes
# --------------------------------------------------------------------------- #

@contextlib.contextmanager
def _replaced(fn, replacements: dict):
    """Temporarily replace names in ``fn``'s global namespace (the notebook's), then put them back.

    ``replacements`` maps a name to a function of the original object that
    returns its stand-in. Only names already in the namespace are replaced;
    the context yields the originals of those.
    """
    namespace = getattr(fn, "__globals__", None)
    if not isinstance(namespace, dict):
        yield {}
        return
    saved = {name: namespace[name] for name in replacements if name in namespace}
    try:
        for name, original in saved.items():
            namespace[name] = replacements[name](original)
        yield saved
    finally:
        namespace.update(saved)


class _Spy:
    """Calls the learner's ``fn`` with the helper ``watched`` wrapped so that each call is recorded.

    ``record(args, kwargs)`` turns one call of the helper into what is kept
    (e.g. the parameter vector it received). After each run, ``calls`` holds
    the records and ``watched_present`` says whether the helper was there to watch.
    """

    def __init__(self, fn, watched: str, record, also_watch: tuple = ()):
        self.fn, self.watched, self.record = fn, watched, record
        self.also_watch = also_watch
        self.calls: list = []
        self.other_calls: dict = {}
        self.watched_present = False
        self.others_present: set = set()
        self.result = None  # what the last run returned
        self.__name__ = getattr(fn, "__name__", "function")

    def _wrap(self, original):
        def spy(*args, **kwargs):
            self.calls.append(self.record(args, kwargs))
            return original(*args, **kwargs)
        return spy

    def _count(self, name):
        def wrap(original):
            def counted(*args, **kwargs):
                self.other_calls[name] = self.other_calls.get(name, 0) + 1
                return original(*args, **kwargs)
            return counted
        return wrap

    def __call__(self, *args, **kwargs):
        self.calls, self.other_calls = [], {}
        replacements = {self.watched: self._wrap}
        replacements.update({name: self._count(name) for name in self.also_watch})
        with _replaced(self.fn, replacements) as saved:
            self.watched_present = self.watched in saved
            self.others_present = {name for name in self.also_watch if name in saved}
            self.result = None
            self.result = self.fn(*args, **kwargs)
            return self.result


def _epsilon_of(case: Case, position: int) -> float:
    """The epsilon a case passes (keyword, or positional argument ``position``), else the default."""
    if "epsilon" in case.kwargs:
        return float(case.kwargs["epsilon"])
    return float(case.args[position]) if len(case.args) > position else DEFAULT_EPSILON


def _argument(args, kwargs, position, name):
    if len(args) > position:
        return args[position]
    return kwargs.get(name)


def _record_theta(args, kwargs):
    theta = _argument(args, kwargs, 1, "theta")
    try:
        return float(np.asarray(theta, dtype=float).reshape(-1)[0])
    except Exception:
        return None


def _record_parameters(args, kwargs):
    parameters = _argument(args, kwargs, 2, "parameters")
    try:
        return dictionary_to_vector(parameters, parameter_keys(parameters))[0].ravel().copy()
    except Exception:
        return None


# --------------------------------------------------------------------------- #
# What the recorded calls say
# --------------------------------------------------------------------------- #

def _moved(eps: float) -> float:
    """How far from θ a value must be to count as perturbed (rounding leaves ~1e-16·|θ|)."""
    return min(1e-3 * eps, 1e-10)


def _steps_1d(calls, theta0):
    return [t - theta0 for t in calls if t is not None]


def _pattern_problem_1d(spy: _Spy, case_theta: float, eps: float, what: str) -> str | None:
    """The first thing wrong with how gradient_check evaluated J, or None."""
    if not spy.watched_present:
        return None
    if not spy.calls:
        return (f"`gradient_check` never called forward_propagation {what}. Hint: compute J_plus = "
                "forward_propagation(x, theta_plus) and J_minus = forward_propagation(x, theta_minus); "
                "the check is only as good as the function it calls.")
    steps = [s for s in _steps_1d(spy.calls, case_theta) if abs(s) > _moved(eps)]
    sizes = sorted({float(f"{abs(s):.3g}") for s in steps})
    if any(abs(abs(s) - eps) > 1e-3 * eps for s in steps):
        return (f"`gradient_check` moved θ by {', '.join(f'{s:g}' for s in sizes)} {what}, but epsilon = {eps:g}. "
                "Hint: use the argument epsilon (theta_plus = theta + epsilon), not a number of your own.")
    if not any(s < 0 for s in steps):
        return (f"`gradient_check` never evaluated J at θ − ε {what}: that is a one-sided difference. "
                "Hint: use the two-sided difference (J(θ + ε) − J(θ − ε)) / (2ε); its error is of order ε², "
                "the one-sided one's of order ε.")
    if not any(s > 0 for s in steps):
        return (f"`gradient_check` never evaluated J at θ + ε {what}. Hint: gradapprox = "
                "(J(θ + ε) − J(θ − ε)) / (2ε) needs both J_plus and J_minus.")
    return None


def _pattern_problem_n(spy: _Spy, theta0: np.ndarray, eps: float, what: str) -> str | None:
    """The first thing wrong with how gradient_check_n evaluated J, or None."""
    if not spy.watched_present:
        return None
    calls = [c for c in spy.calls if c is not None and c.shape == theta0.shape]
    if not calls:
        return (f"`gradient_check_n` never called forward_propagation_n {what}. Hint: each J_plus[i] and "
                "J_minus[i] is the cost from forward_propagation_n(X, Y, vector_to_dictionary(theta_plus, "
                "parameters, keys)).")
    n = theta0.size
    plus, minus, sizes = set(), set(), set()
    for k, theta in enumerate(calls):
        step = theta - theta0
        moved = np.flatnonzero(np.abs(step) > _moved(eps))
        if moved.size > 1:
            return (f"on its call number {k + 1} to forward_propagation_n {what}, `gradient_check_n` passed "
                    f"parameters with {moved.size} entries moved away from θ, where one entry at a time should "
                    "move: the parameter vector was modified in place while perturbing. "
                    "Hint: start theta_plus and theta_minus from fresh copies, "
                    "np.copy(parameters_values); `theta_plus = parameters_values` does not copy.")
        if moved.size == 1:
            i = int(moved[0])
            sizes.add(float(f"{abs(step[i]):.3g}"))
            if abs(abs(step[i]) - eps) > 1e-3 * eps:
                return (f"`gradient_check_n` moved θ[{i}] by {step[i]:g} {what}, but epsilon = {eps:g}. "
                        "Hint: use the argument epsilon, not a number of your own.")
            (plus if step[i] > 0 else minus).add(i)
    if not minus:
        return (f"`gradient_check_n` never evaluated J at θ − ε·e_i {what}: that is a one-sided difference. "
                "Hint: compute J_minus[i] from theta_minus, a fresh copy of parameters_values with entry i "
                "lowered by epsilon, and use (J_plus[i] − J_minus[i]) / (2ε).")
    if not plus:
        return (f"`gradient_check_n` never evaluated J at θ + ε·e_i {what}. Hint: J_plus[i] comes from "
                "theta_plus, a copy of parameters_values with entry i raised by epsilon.")
    missed = sorted(set(range(n)) - (plus & minus))
    if missed:
        return (f"`gradient_check_n` perturbed only {n - len(missed)} of the {n} parameters in both directions "
                f"{what} (e.g. not entry {missed[0]}). Hint: loop over every i in range(num_parameters).")
    return None


def _value_hint(got, exp) -> str | None:
    """A hint from the value returned, for the mistakes that leave a recognisable number."""
    if isinstance(got, (bool, np.bool_)):
        return ("return `difference` itself, the number; whether it is small enough is what the message "
                "printed with print_msg=True says.")
    if isinstance(got, (tuple, list, dict)):
        return "return only `difference`, one number (not gradapprox or grad as well)."
    if isinstance(got, np.ndarray) and got.size > 1:
        return ("you returned an array of shape " + str(got.shape) + " (gradapprox? grad − gradapprox?); "
                "return `difference`, the single number ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂).")
    try:
        value, expected = float(np.asarray(got).reshape(-1)[0]), float(exp)
    except Exception:
        return None
    if value < 0:
        return ("a difference of norms is never negative: use np.linalg.norm(...) for the numerator and for "
                "both terms of the denominator (np.sum keeps the sign).")
    if value > 1 + 1e-9:
        return ("a relative difference is at most 1: divide ‖grad − gradapprox‖₂ by "
                "‖grad‖₂ + ‖gradapprox‖₂ (np.linalg.norm of each).")
    if expected < 1e-3 and abs(value - 1) < 1e-3:
        return ("a difference of 1 means gradapprox is almost 0 next to grad: divide J_plus − J_minus by 2ε "
                "(in parentheses: / (2 * epsilon)).")
    if expected < 1e-3 and abs(value - 1 / 3) < 1e-3:
        return ("a difference of 1/3 means gradapprox is twice grad (or half of it): divide "
                "J_plus − J_minus by 2ε, not by ε (or 2 / ε).")
    return ("difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂), with the Euclidean norm "
            "np.linalg.norm and gradapprox = (J_plus − J_minus) / (2ε).")


# --------------------------------------------------------------------------- #
# Building the report
# --------------------------------------------------------------------------- #

def _emit(report: Report, verbose: bool) -> Report:
    if verbose:
        print(report.text, flush=True)
    return report


def _failed(report: Report, name: str, message: str) -> Report:
    """Turn a passing report into a failing one whose last line is ``message``."""
    report.status = "failed"
    report.lines = report.lines[:-1] + [f"{FAIL} {name}: {message}"]
    return report


def _add_hint(report: Report, hint: str | None) -> None:
    if hint and "Hint:" not in report.text:
        report.lines.append(f"    Hint: {hint}")


def _finish(report: Report, name: str, extra_labels: list[str]) -> Report:
    """Insert extra passed lines before the summary and recount."""
    summary = report.lines.pop()
    count = int(re.search(r"all (\d+) checks", summary).group(1)) + len(extra_labels)
    report.lines += [f"{PASS} {name}: {label}" for label in extra_labels]
    report.lines.append(f"{PASS} {name}: all {count} checks passed.")
    return report


# --------------------------------------------------------------------------- #
# forward_propagation, backward_propagation
# --------------------------------------------------------------------------- #

_HINTS_1D = {
    "forward_propagation": "the cost of this toy model is J(θ) = θ·x: multiply the two numbers.",
    "backward_propagation": "the derivative of J(θ) = θ·x with respect to θ is x, whatever θ is.",
}


def _simple_check(name: str):
    plain = suite.check(name)

    def check_fn(fn, verbose: bool = True) -> Report:
        report = plain(fn, verbose=False)
        if report.status == "failed" and "wrong values" in report.text:
            _add_hint(report, _HINTS_1D[name])
        return _emit(report, verbose)

    check_fn.__name__ = check_fn.__qualname__ = f"check_{name}"
    check_fn.__doc__ = plain.__doc__
    return check_fn


check_forward_propagation = _simple_check("forward_propagation")
check_backward_propagation = _simple_check("backward_propagation")


# --------------------------------------------------------------------------- #
# gradient_check (one dimension)
# --------------------------------------------------------------------------- #

def _needs_first(fn, helper: str, check) -> Report | None:
    """A report for gradient_check when the learner's ``helper`` is not finished, else None."""
    namespace = getattr(fn, "__globals__", None)
    if not isinstance(namespace, dict) or not callable(namespace.get(helper)):
        return None
    report = check(namespace[helper], verbose=False)
    if report.status == "not attempted":
        return Report("gradient_check", "not attempted",
                      [f"{TODO} gradient_check: cannot be checked yet: it calls `{helper}`, which is "
                       "not attempted yet. Finish that exercise first."])
    if report.status == "failed":
        return Report("gradient_check", "failed",
                      [f"{FAIL} gradient_check: it calls your `{helper}`, which does not pass its check yet. "
                       f"Run check_{helper}({helper}) and fix it first."])
    return None


def _cubic(k: float, slope_error: float = 1.0):
    """A probe cost J(θ) = k·x·θ³ and its derivative times ``slope_error`` (1.0: exact)."""
    def forward(x, theta):
        return k * x * theta ** 3

    def backward(x, theta):
        return slope_error * 3 * k * x * theta ** 2

    return forward, backward


def _run_probe(fn, forward, backward, spy_calls: list, x=2.0, theta=1.5, epsilon=1e-4):
    """The learner's gradient_check on the probe cost; records the θ of each forward call in ``spy_calls``."""
    def recorded(x_, theta_):
        spy_calls.append(_record_theta((x_, theta_), {}))
        return forward(x_, theta_)

    with _replaced(fn, {"forward_propagation": lambda _: recorded, "backward_propagation": lambda _: backward}):
        return fn(x, theta, epsilon=epsilon)


def _as_number(value) -> float | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    try:
        arr = np.asarray(value, dtype=float)
    except Exception:
        return None
    return float(arr.reshape(-1)[0]) if arr.size == 1 else None


def _probe_1d(fn) -> tuple[str | None, list[str]]:
    """Run the three probes; return (failure message or None, labels of the probes passed)."""
    probe = "on a probe cost J(θ) = x·θ³ (x = 2, θ = 1.5, ε = 1e-4)"
    try:
        calls: list = []
        forward, exact = _cubic(1.0)
        r_exact = _run_probe(fn, forward, exact, calls)
        value = _as_number(r_exact)
        if value is None:
            return (f"{probe} with its exact derivative, `gradient_check` returned {type(r_exact).__name__} "
                    f"{r_exact!r}, not a number. Hint: return `difference`, one number."), []
        if not 0 <= value < 1e-6:
            spy = _Spy(fn, "forward_propagation", _record_theta)
            spy.calls, spy.watched_present = calls, True
            pattern = _pattern_problem_1d(spy, 1.5, 1e-4, "on that probe")
            message = (f"{probe} with its exact derivative, `gradient_check` returned {value:.3g}; a correct "
                       "two-sided difference agrees with an exact derivative to about ε² here (below 1e-6).")
            if pattern:
                return f"{message}\n    {pattern}", []
            hint = _value_hint(value, 0.0) if value < 0 or value > 1 else (
                "grad must come from backward_propagation(x, theta) and J_plus, J_minus from "
                "forward_propagation (don't write θ·x or x out yourself), with gradapprox = "
                "(J_plus − J_minus) / (2ε).")
            return f"{message}\n    Hint: {hint}", []
        labels = ["a probe cost J = x·θ³ with its exact derivative passes (ε = 1e-4)"]

        results = {}
        for k in (1.0, 1000.0):
            forward, wrong = _cubic(k, slope_error=1.5)
            results[k] = _as_number(_run_probe(fn, forward, wrong, []))
        r1, r1000 = results[1.0], results[1000.0]
        bug = f"{probe} with a derivative 50 % off (1.5 × the true one)"
        if r1 is None or r1000 is None:
            return f"{bug}, `gradient_check` did not return a number. Hint: return `difference`.", labels
        if r1 < 0 or r1 > 1 + 1e-9:
            return f"{bug}, `gradient_check` returned {r1:.3g}.\n    Hint: {_value_hint(r1, 0.2)}", labels
        if r1 <= 2e-7:
            return (f"{bug}, `gradient_check` returned {r1:.3g}: the mistake went unnoticed.\n    Hint: grad must "
                    "come from backward_propagation(x, theta), the function being checked (don't write x "
                    "out yourself), and J_plus, J_minus from forward_propagation."), labels
        if abs(r1000 - r1) > 1e-6 * r1:
            return (f"{bug}, `gradient_check` returned {r1:.3g}, and {r1000:.3g} once J and its derivative are "
                    "multiplied by 1000: the difference should be relative, the same at any scale.\n    Hint: "
                    "divide ‖grad − gradapprox‖₂ by ‖grad‖₂ + ‖gradapprox‖₂."), labels
        labels.append("a derivative 50 % off is flagged, with the same difference at any scale of J")

        forward, opposite = _cubic(1.0, slope_error=-1.0)
        r = _as_number(_run_probe(fn, forward, opposite, []))
        sign = f"{probe} with a derivative of the wrong sign"
        if r is None or not abs(r - 1) < 1e-6:
            shown = "something that is not a number" if r is None else f"{r:.3g}"
            return (f"{sign}, `gradient_check` returned {shown}; for opposite gradients "
                    "‖grad − gradapprox‖₂ = ‖grad‖₂ + ‖gradapprox‖₂, so the difference is exactly 1.\n    Hint: "
                    "use the plain Euclidean norms, np.linalg.norm(grad - gradapprox) / "
                    "(np.linalg.norm(grad) + np.linalg.norm(gradapprox)), not their squares or sums."), labels
        labels.append("a derivative of the wrong sign gets the largest difference, 1")
        return None, labels
    except Exception as exc:  # NotImplementedError included: the probes run only after the cases passed
        return f"`gradient_check` raised an error {probe}:\n    {describe_exception(exc)}", []


def check_gradient_check(fn, verbose: bool = True) -> Report:
    """Check your `gradient_check` on fixed cases and probes and print what is wrong, if anything.

    Usage: check_gradient_check(gradient_check)
    """
    name = "gradient_check"
    if callable(fn):
        for helper, check in (("forward_propagation", check_forward_propagation),
                              ("backward_propagation", check_backward_propagation)):
            blocked = _needs_first(fn, helper, check)
            if blocked is not None:
                return _emit(blocked, verbose)
    spy = _Spy(fn, "forward_propagation", _record_theta, also_watch=("backward_propagation",)) \
        if callable(fn) else fn

    def verify(got, case, expected):
        theta0 = float(case.args[1])
        problem = _pattern_problem_1d(spy, theta0, _epsilon_of(case, 2), f"on {case.label}")
        if problem:
            raise CheckFailed(problem)
        if "backward_propagation" in spy.others_present and not spy.other_calls.get("backward_propagation"):
            raise CheckFailed(f"`gradient_check` never called backward_propagation on {case.label}. Hint: "
                              "grad = backward_propagation(x, theta) is the gradient being checked.")

    cases = suite.case_makers[name]()
    expected = expected_for(suite.notebook, name)
    report = run_check(spy, name, cases, expected, verify=verify, verbose=False, **TOLERANCES)
    if report.status == "failed":
        index = _failed_index(report, cases)
        case = cases[index]
        if "wrong values" in report.text or "should be" in report.text:
            problem = _pattern_problem_1d(spy, float(case.args[1]), _epsilon_of(case, 2), f"on {case.label}")
            if problem:
                report.lines.append(f"    {problem}")
            else:
                _add_hint(report, _value_hint(spy.result, expected[index]))
        return _emit(report, verbose)
    if report.status == "passed":
        problem, labels = _probe_1d(fn)
        report = _finish(report, name, labels)
        if problem:
            report = _failed(report, name, problem)
    return _emit(report, verbose)


def _failed_index(report: Report, cases: list[Case]) -> int:
    """The case a failing report is about: the label named first in its failure message."""
    failing = [i for i, line in enumerate(report.lines) if line.startswith(FAIL)]
    text = "\n".join(report.lines[failing[0]:]) if failing else report.text
    found = [(text.find(case.label), i) for i, case in enumerate(cases) if case.label in text]
    return min(found)[1] if found else 0


# --------------------------------------------------------------------------- #
# gradient_check_n (the 3-layer network)
# --------------------------------------------------------------------------- #

def _theta0(case: Case) -> np.ndarray:
    parameters = case.args[0]
    return dictionary_to_vector(parameters, parameter_keys(parameters))[0].ravel()


def _scale_probe_n(fn, case: Case, k: float = 1000.0) -> str | None:
    """Run gradient_check_n with the cost and gradients multiplied by ``k``; a hint if the answer moved."""
    parameters, gradients, X, Y = copy.deepcopy(case.args[:4])
    kwargs = copy.deepcopy(case.kwargs)
    try:
        before = _as_number(fn(copy.deepcopy(parameters), gradients, X, Y, **kwargs))
        scaled = {key: k * np.asarray(value, dtype=float) for key, value in gradients.items()}

        def scale(original):
            def forward(*args, **kw):
                cost, cache = original(*args, **kw)
                return k * cost, cache
            return forward

        with _replaced(fn, {"forward_propagation_n": scale}):
            after = _as_number(fn(copy.deepcopy(parameters), scaled, X, Y, **kwargs))
    except Exception:
        return None
    if before is None or after is None or abs(after - before) <= 1e-6 * max(abs(before), 1e-12):
        return None
    return (f"your difference went from {before:.3g} to {after:.3g} when the cost and its gradients were "
            f"multiplied by {k:g}; a relative difference stays the same. Divide ‖grad − gradapprox‖₂ by "
            "‖grad‖₂ + ‖gradapprox‖₂.")


def check_gradient_check_n(fn, verbose: bool = True) -> Report:
    """Check your `gradient_check_n` on fixed cases and print what is wrong, if anything.

    Usage: check_gradient_check_n(gradient_check_n)
    """
    name = "gradient_check_n"
    spy = _Spy(fn, "forward_propagation_n", _record_parameters) if callable(fn) else fn

    def verify(got, case, expected):
        problem = _pattern_problem_n(spy, _theta0(case), _epsilon_of(case, 4), f"on {case.label}")
        if problem:
            raise CheckFailed(problem)

    cases = suite.case_makers[name]()
    expected = expected_for(suite.notebook, name)
    report = run_check(spy, name, cases, expected, verify=verify, verbose=False, **TOLERANCES)
    if report.status == "failed":
        index = _failed_index(report, cases)
        case = cases[index]
        problem = None
        if "wrong values" in report.text or "should be" in report.text:
            problem = _pattern_problem_n(spy, _theta0(case), _epsilon_of(case, 4), f"on {case.label}")
        if problem:
            report.lines.append(f"    {problem}")
        elif "wrong values" in report.text or "should be" in report.text:
            got = spy.result
            hint = _value_hint(got, expected[index])
            value = _as_number(got)
            if hint and value is not None and 0 <= value <= 1 and not hint.startswith("a difference of"):
                hint = _scale_probe_n(fn, case) or hint
            _add_hint(report, hint)
    return _emit(report, verbose)


__all__ = ["check_forward_propagation", "check_backward_propagation", "check_gradient_check",
           "check_gradient_check_n"]
