"""A notebook's set of public checks: cases, stored expected values, check functions.

Introduced in notebook 01. Each ``checks/<topic>.py`` module builds one
:class:`Suite`::

    suite = Suite("01_logistic_regression")

    @suite.cases("sigmoid")
    def _():
        return [Case("z = 0", (0.0,)), Case("an array", (np.array([-1.0, 2.0]),))]

    check_sigmoid = suite.check("sigmoid")
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Callable

from .core import PASS, Case, Report, run_check
from .expected import expected_for


class Suite:
    def __init__(self, notebook: str):
        self.notebook = notebook
        self.case_makers: dict[str, Callable[[], list[Case]]] = {}
        self.function_names: dict[str, str] = {}
        self.checks: dict[str, Callable] = {}

    def cases(self, name: str, function: str | None = None):
        """Register the function that builds the cases of check ``name``.

        ``function`` is the solution's name when it differs from ``name``.
        """
        def register(make: Callable[[], list[Case]]):
            self.case_makers[name] = make
            if function:
                self.function_names[name] = function
            return make
        return register

    def check(self, name: str, verify: Callable | None = None, **tolerances) -> Callable[..., Report]:
        """Build ``check_<name>(fn, verbose=True) -> Report`` for the notebook."""
        if name not in self.case_makers:
            raise KeyError(f"no cases registered for {name!r}")
        label = self.function_names.get(name, name)

        def check_fn(fn, verbose: bool = True) -> Report:
            cases = self.case_makers[name]()
            return run_check(fn, label, cases, expected_for(self.notebook, name),
                             verify=verify, verbose=verbose, **tolerances)

        check_fn.__name__ = f"check_{name}"
        check_fn.__qualname__ = check_fn.__name__
        check_fn.__doc__ = (f"Check your `{label}` on fixed cases and print what is wrong, if anything.\n\n"
                            f"Usage: check_{name}({label})")
        self.checks[name] = check_fn
        return check_fn


    def check_with_hint(self, name: str, hint: Callable, wrap: Callable | None = None, verify: Callable | None = None,
                        **tolerances) -> Callable[..., Report]:
        """``check_<name>`` that adds one "Hint:" line when a case fails (not when the learner's code raised).

        ``wrap(fn)`` returns what is checked in place of the learner's ``fn`` (to convert its results,
        silence its prints, ...); ``verify`` is :meth:`check`'s. ``hint(fn, failure)`` gets the learner's function and the report's
        failure line (the passed cases left out) and returns a hint, or None. Introduced in notebook 14.
        """
        import functools

        check_fn = self.check(name, verify=verify, **tolerances)

        @functools.wraps(check_fn)
        def checked(fn, verbose: bool = True) -> Report:
            target = wrap(fn) if (wrap is not None and callable(fn)) else fn
            report = check_fn(target, verbose=False)
            failure = "\n".join(line for line in report.lines if not line.startswith(PASS))
            if report.status == "failed" and "raised an error" not in failure:
                try:
                    line = hint(fn, failure)
                except Exception:
                    line = None
                if line:
                    report.lines.append(f"    Hint: {line}")
            if verbose:
                print(report.text, flush=True)
            return report
        return checked


def all_suites() -> dict[str, Suite]:
    """Every notebook's suite, found by importing each module of this package."""
    from . import __path__ as pkg_path

    found = {}
    for info in pkgutil.iter_modules(pkg_path):
        if info.name in {"core", "suite", "expected", "solutions"} or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        suite = getattr(module, "suite", None)
        if isinstance(suite, Suite):
            found[suite.notebook] = suite
    return found
