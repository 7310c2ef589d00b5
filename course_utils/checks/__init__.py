"""Learner-facing checks: :mod:`core` is the engine, one module per notebook.

A notebook imports its own module, e.g.
``from course_utils.checks.logistic_regression import *``.
"""

from .core import Case, CheckFailed, Report, compare, run_check  # noqa: F401
from .suite import Suite  # noqa: F401
