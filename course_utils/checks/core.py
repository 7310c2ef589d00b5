"""The check engine behind every ``check_<name>(<name>)`` cell.

Introduced in notebook 01. A check calls the learner's function on fixed cases
and reports the first thing wrong, in words:

- "not attempted yet" when the function still raises ``NotImplementedError``;
- an exception inside the learner's code, with the line it came from;
- a wrong type, shape, dtype or key, with what was got and what was expected;
- wrong values, with the largest absolute difference;
- an input modified in place;
- the first case's answer returned for a different input (hard-coded).

Expected values are never computed here: they are stored in
``checks/expected/<notebook>.json``, produced from the source notebook's
solutions by :mod:`course_utils.checks.expected`. Output is deterministic.
"""

from __future__ import annotations

import copy
import linecache
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

PASS, FAIL, TODO = "✔", "✘", "…"
_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent)


class CheckFailed(Exception):
    """One case failed; the message is what the learner reads."""


class NotAttempted(Exception):
    """The learner's function still raises ``NotImplementedError``."""


@dataclass
class Case:
    """One call of the learner's function: a label, positional and keyword arguments."""

    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


@dataclass
class Report:
    """What a check found. ``passed`` is True only when every case passed."""

    name: str
    status: str = "passed"  # passed | failed | not attempted
    lines: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def __bool__(self) -> bool:
        return self.passed

    def _ipython_display_(self):  # already printed; show nothing more in a notebook
        pass

    def __repr__(self) -> str:
        return f"Report({self.name!r}, {self.status!r})"


# --------------------------------------------------------------------------- #
# Calling the learner's code
# --------------------------------------------------------------------------- #

def _learner_frame(tb):
    """The innermost traceback frame that is not course_utils' or a library's own."""
    chosen = None
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if filename.startswith(_PACKAGE_DIR) or "site-packages" in filename or "/lib/python" in filename:
            continue
        chosen = (frame, lineno)
    return chosen


def describe_exception(exc: BaseException) -> str:
    """``ZeroDivisionError: division by zero (line 3 of `f`: `return 1 / x`)``."""
    text = f"{type(exc).__name__}: {exc}".rstrip(": ")
    found = _learner_frame(exc.__traceback__)
    if found:
        frame, lineno = found
        source = linecache.getline(frame.f_code.co_filename, lineno, frame.f_globals).strip()
        where = f"line {lineno} of `{frame.f_code.co_name}`"
        text += f"\n    at {where}: `{source}`" if source else f"\n    at {where}"
    return text


def _snapshot(value):
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def call(fn: Callable, case: Case, name: str):
    """Call ``fn`` on a copy of the case's inputs; complain about in-place changes."""
    args, kwargs = _snapshot(case.args), _snapshot(case.kwargs)
    before = _snapshot((args, kwargs))
    try:
        result = fn(*args, **kwargs)
    except NotImplementedError as exc:
        raise NotAttempted() from exc
    except Exception as exc:  # the learner's own error
        raise CheckFailed(f"`{name}` raised an error on {case.label}:\n    {describe_exception(exc)}") from None
    changed = _first_difference(before, (args, kwargs))
    if changed is not None:
        raise CheckFailed(
            f"`{name}` modified its input {changed} in place on {case.label}; "
            "work on a copy (e.g. `x = x.copy()`) or build a new array.")
    return result


def _first_difference(before, after) -> str | None:
    """Name the first argument that differs, or None when nothing changed."""
    (args0, kwargs0), (args1, kwargs1) = before, after
    for i, (a, b) in enumerate(zip(args0, args1)):
        if not _equal(a, b):
            return f"(argument {i + 1})"
    for key in kwargs0:
        if not _equal(kwargs0[key], kwargs1[key]):
            return f"`{key}`"
    return None


def _equal(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
        except TypeError:
            return np.array_equal(np.asarray(a), np.asarray(b))
    try:
        return bool(a == b)
    except Exception:
        return True


# --------------------------------------------------------------------------- #
# Comparing results
# --------------------------------------------------------------------------- #

def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _kind(x) -> str:
    if isinstance(x, np.ndarray):
        return "a NumPy array"
    if isinstance(x, dict):
        return "a dict"
    if isinstance(x, tuple):
        return "a tuple"
    if isinstance(x, list):
        return "a list"
    if isinstance(x, (bool, np.bool_)):
        return "a bool"
    if _is_number(x):
        return "a number"
    if x is None:
        return "None"
    if isinstance(x, str):
        return "a string"
    return f"a {type(x).__name__}"


_DTYPE_KIND = {"f": "float", "i": "integer", "u": "integer", "b": "bool", "c": "complex"}


def compare(got, expected, what: str, atol: float = 1e-7, rtol: float = 1e-6,
            exact_dtype: bool = False, shape_only: bool = False) -> None:
    """Raise :class:`CheckFailed` naming the first difference between ``got`` and ``expected``.

    Structures (dict, tuple, list) are walked key by key. Arrays must match in
    shape and dtype kind (float / integer / bool; the exact dtype with
    ``exact_dtype``) and in value to ``atol + rtol*|expected|``.
    Python and NumPy scalars compare as numbers; a (1, 1) array is not a scalar.
    """
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            raise CheckFailed(f"{what} should be a dict; got {_kind(got)}.")
        missing = [k for k in expected if k not in got]
        if missing:
            raise CheckFailed(f"{what} is missing the key(s) {', '.join(map(repr, missing))}; "
                              f"got keys {sorted(map(str, got))}.")
        extra = [k for k in got if k not in expected]
        if extra:
            raise CheckFailed(f"{what} has unexpected key(s) {', '.join(map(repr, extra))}.")
        for key in expected:
            compare(got[key], expected[key], f"{what}[{key!r}]", atol, rtol, exact_dtype, shape_only)
        return
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            raise CheckFailed(f"{what} should be {_kind(expected)} of {len(expected)} items; got {_kind(got)}.")
        if len(got) != len(expected):
            raise CheckFailed(f"{what} should have {len(expected)} items; got {len(got)}.")
        for i, (g, e) in enumerate(zip(got, expected)):
            compare(g, e, f"{what}[{i}]", atol, rtol, exact_dtype, shape_only)
        return
    if isinstance(expected, str) or expected is None or isinstance(expected, (bool, np.bool_)):
        if type(got) is not type(expected) and not (isinstance(expected, (bool, np.bool_))
                                                    and isinstance(got, (bool, np.bool_))):
            raise CheckFailed(f"{what} should be {_kind(expected)}; got {_kind(got)}.")
        if got != expected:
            raise CheckFailed(f"{what} is {got!r}; expected {expected!r}.")
        return
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            hint = ""
            if _is_number(got):
                hint = " (a number where an array was expected: did you reduce too far?)"
            raise CheckFailed(f"{what} should be a NumPy array of shape {expected.shape}; got {_kind(got)}{hint}.")
        if got.shape != expected.shape:
            raise CheckFailed(f"{what} has the wrong shape: got {got.shape}, expected {expected.shape}.")
        gk, ek = got.dtype.kind, expected.dtype.kind
        if exact_dtype and got.dtype != expected.dtype:
            raise CheckFailed(f"{what} has the wrong dtype: got {got.dtype}, expected {expected.dtype}.")
        if _DTYPE_KIND.get(gk, gk) != _DTYPE_KIND.get(ek, ek):
            raise CheckFailed(f"{what} has the wrong dtype: got {got.dtype} "
                              f"({_DTYPE_KIND.get(gk, gk)}), expected {_DTYPE_KIND.get(ek, ek)} values.")
        if shape_only:
            return
        _compare_values(got, expected, what, atol, rtol)
        return
    if _is_number(expected):
        if isinstance(got, np.ndarray) and got.shape == ():
            got = got.item()
        if isinstance(got, np.ndarray):
            raise CheckFailed(f"{what} should be a number; got a NumPy array of shape {got.shape}"
                              + (" (use `.item()` or `float(...)` to turn it into a number)."
                                 if got.size == 1 else "."))
        if not _is_number(got):
            raise CheckFailed(f"{what} should be a number; got {_kind(got)}.")
        if isinstance(expected, (int, np.integer)) and not isinstance(got, (int, np.integer)):
            raise CheckFailed(f"{what} should be an integer; got {type(got).__name__} {got!r}.")
        if shape_only:
            return
        _compare_values(np.asarray(got, dtype=float), np.asarray(expected, dtype=float), what, atol, rtol)
        return
    raise TypeError(f"compare() cannot compare expected values of type {type(expected).__name__}")


def _fmt(x) -> str:
    return np.array2string(np.asarray(x), precision=8, threshold=12, edgeitems=3, suppress_small=False)


def _compare_values(got, expected, what, atol, rtol):
    if expected.dtype.kind in "biu":
        if not np.array_equal(got, expected):
            bad = int(np.sum(got != expected))
            raise CheckFailed(f"{what} has wrong values ({bad} of {expected.size} differ).\n"
                              f"    got      {_fmt(got)}\n    expected {_fmt(expected)}")
        return
    if np.isnan(got).any() and not np.isnan(expected).any():
        raise CheckFailed(f"{what} contains NaN (not a number): look for a log of 0 or a division by 0.")
    if not np.allclose(got, expected, atol=atol, rtol=rtol):
        diff = float(np.max(np.abs(got.astype(float) - expected.astype(float))))
        text = f"{what} has wrong values (max abs difference {diff:.3g})."
        if expected.size <= 12:
            text += f"\n    got      {_fmt(got)}\n    expected {_fmt(expected)}"
        raise CheckFailed(text)


def _same(a, b) -> bool:
    try:
        compare(a, b, "x", atol=1e-12, rtol=0)
        return True
    except (CheckFailed, TypeError):
        return False


# --------------------------------------------------------------------------- #
# Running a check
# --------------------------------------------------------------------------- #

def not_attempted_line(name: str) -> str:
    return f"{TODO} {name}: not attempted yet. Replace `raise NotImplementedError()` with your code, then run this cell again."


def run_check(fn, name: str, cases: list[Case], expected: list, verify: Callable | None = None,
              verbose: bool = True, **tolerances) -> Report:
    """Run ``fn`` on each case and compare with the stored expected outputs.

    ``verify(got, case, expected)`` may add checks of its own by raising
    :class:`CheckFailed`. Prints one line per case and a summary line.
    """
    report = Report(name)
    if not callable(fn):
        report.status = "failed"
        report.lines.append(f"{FAIL} {name}: expected a function, got {_kind(fn)}. "
                            f"Pass the function itself: check_{name}({name}).")
        _emit(report, verbose)
        return report
    first_got = None
    for i, (case, exp) in enumerate(zip(cases, expected)):
        try:
            got = call(fn, case, name)
            try:
                compare(got, exp, f"the output on {case.label}", **tolerances)
                if verify is not None:
                    verify(got, case, exp)
            except CheckFailed:
                if i > 0 and first_got is not None and _same(got, first_got) and not _same(exp, expected[0]):
                    raise CheckFailed(f"`{name}` returns the same answer on {case.label} as on {cases[0].label}, "
                                      "though the inputs differ: is the answer hard-coded?") from None
                raise
            if i == 0:
                first_got = _snapshot(got)
        except NotAttempted:
            report.status = "not attempted"
            report.lines = [not_attempted_line(name)]
            _emit(report, verbose)
            return report
        except CheckFailed as failure:
            report.status = "failed"
            report.lines.append(f"{FAIL} {name}: {failure}")
            _emit(report, verbose)
            return report
        report.lines.append(f"{PASS} {name}: {case.label}")
    report.lines.append(f"{PASS} {name}: all {len(cases)} checks passed.")
    from ..errors import mark_done

    mark_done(name)
    _emit(report, verbose)
    return report


def _emit(report: Report, verbose: bool) -> None:
    if verbose:
        print(report.text)
        sys.stdout.flush()
