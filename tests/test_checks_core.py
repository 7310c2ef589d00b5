"""The check engine: every kind of failure a learner can meet, in words."""

import numpy as np
import pytest

from course_utils.checks.core import Case, CheckFailed, compare, describe_exception, run_check


def double(x):
    return 2 * x


CASES = [Case("x = [1, 2]", (np.array([1.0, 2.0]),)), Case("x = [[3], [4]]", (np.array([[3.0], [4.0]]),))]
EXPECTED = [np.array([2.0, 4.0]), np.array([[6.0], [8.0]])]


def run(fn, cases=CASES, expected=EXPECTED, **kw):
    return run_check(fn, "double", cases, expected, verbose=False, **kw)


def test_right_function_passes_with_one_line_per_case():
    report = run(double)
    assert report.passed and report.status == "passed"
    assert report.lines == ["✔ double: x = [1, 2]", "✔ double: x = [[3], [4]]", "✔ double: all 2 checks passed."]


def test_not_attempted():
    def stub(x):
        raise NotImplementedError()

    report = run(stub)
    assert report.status == "not attempted"
    assert "not attempted yet" in report.text and "Traceback" not in report.text


def test_exception_names_the_learners_line():
    def broken(x):
        y = x * 2
        return y / undefined_name  # noqa: F821

    report = run(broken)
    assert report.status == "failed"
    assert "NameError: name 'undefined_name' is not defined" in report.text
    assert "of `broken`: `return y / undefined_name" in report.text


def test_wrong_shape():
    report = run(lambda x: (2 * x).reshape(-1, 1))
    assert "wrong shape: got (2, 1), expected (2,)" in report.text


def test_wrong_dtype():
    report = run(lambda x: (2 * x).astype(int))
    assert "wrong dtype: got int64 (integer), expected float values" in report.text


def test_wrong_values_reports_max_difference():
    report = run(lambda x: 2 * x + 0.5)
    assert "wrong values (max abs difference 0.5)" in report.text


def test_not_an_array():
    report = run(lambda x: float(np.sum(2 * x)))
    assert "should be a NumPy array of shape (2,); got a number" in report.text


def test_mutated_input_is_reported():
    def in_place(x):
        x *= 2
        return x

    report = run(in_place)
    assert "modified its input (argument 1) in place" in report.text


def test_hard_coded_answer_is_caught_by_the_second_case():
    cases = [Case("x = 1", (1.0,)), Case("x = 5", (5.0,))]
    report = run(lambda x: 2.0, cases=cases, expected=[2.0, 10.0])
    assert "returns the same answer on x = 5 as on x = 1" in report.text and "hard-coded" in report.text


def test_not_a_function():
    report = run(np.array([2.0, 4.0]))
    assert report.status == "failed" and "Pass the function itself: check_double(double)" in report.text


def test_stops_at_first_failure_and_prints(capsys):
    run_check(lambda x: 3 * x, "double", CASES, EXPECTED)
    out = capsys.readouterr().out
    assert out.count("✘") == 1 and "✔" not in out


def test_output_is_deterministic(capsys):
    outputs = []
    for _ in range(2):
        run_check(lambda x: x, "double", CASES, EXPECTED)
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and "wrong values" in outputs[0]


@pytest.mark.parametrize("got, expected, message", [
    ({"a": 1.0}, {"a": 1.0, "b": 2.0}, "missing the key(s) 'b'"),
    ({"a": 1.0, "c": 3}, {"a": 1.0}, "unexpected key(s) 'c'"),
    ((1.0,), (1.0, 2.0), "should have 2 items; got 1"),
    (np.ones((1, 1)), 1.0, "use `.item()`"),
    (1.5, 1, "should be an integer"),
    ("a", None, "should be None; got a string"),
    (np.array([np.nan]), np.array([1.0]), "contains NaN"),
    (np.array([1, 2]), np.array([1, 3]), "1 of 2 differ"),
])
def test_compare_messages(got, expected, message):
    with pytest.raises(CheckFailed, match=None) as info:
        compare(got, expected, "x")
    assert message in str(info.value)


def test_compare_accepts_zero_d_arrays_and_tolerances():
    compare(np.array(0.5), 0.5, "cost")
    compare(np.array([1.0 + 1e-9]), np.array([1.0]), "x")
    compare({"w": np.zeros((2, 1)), "b": 0.0}, {"w": np.zeros((2, 1)), "b": 0.0}, "params")


def test_describe_exception_without_source():
    try:
        exec(compile("def f():\n    return 1 / 0\nf()", "<learner cell>", "exec"), {})
    except ZeroDivisionError as exc:
        text = describe_exception(exc)
    assert text.startswith("ZeroDivisionError: division by zero") and "line 2 of `f`" in text
