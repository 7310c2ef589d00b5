"""Public checks of notebook 04, deep neural network for image classification.

Both graded functions train a network with the given helpers of
:mod:`course_utils.nn.deep`; the checks run them for a few hundred iterations
on small random problems (a different one per case) and compare the trained
parameters and the recorded costs.
"""

from __future__ import annotations

import re
import sys

import numpy as np

from .core import Case, Report
from .suite import Suite

suite = Suite("04_deep_nn_application")


def _problem(seed: int, n_x: int, m: int):
    """A small binary problem: X (n_x, m) in [0, 1) like pixel values, Y (1, m) from a random rule."""
    rng = np.random.default_rng(seed)
    X = rng.random((n_x, m))
    w = rng.normal(size=(1, n_x))
    Y = ((w @ (X - 0.5)) > 0).astype(float)
    return X, Y


@suite.cases("two_layer_model")
def _():
    X1, Y1 = _problem(41, n_x=6, m=10)
    X2, Y2 = _problem(42, n_x=5, m=14)
    X3, Y3 = _problem(43, n_x=8, m=9)
    return [
        Case("layers (6, 4, 1), 250 iterations, learning rate 0.05", (X1, Y1, (6, 4, 1)),
             {"num_iterations": 250, "learning_rate": 0.05}),
        Case("layers (5, 3, 1), 101 iterations, learning rate 0.1", (X2, Y2, (5, 3, 1)),
             {"num_iterations": 101, "learning_rate": 0.1}),
        Case("layers (8, 2, 1), 3 iterations, default learning rate", (X3, Y3, (8, 2, 1)),
             {"num_iterations": 3}),
    ]


@suite.cases("L_layer_model")
def _():
    X1, Y1 = _problem(51, n_x=6, m=12)
    X2, Y2 = _problem(52, n_x=4, m=15)
    X3, Y3 = _problem(53, n_x=7, m=8)
    return [
        Case("layers [6, 5, 3, 1], 250 iterations, learning rate 0.05", (X1, Y1, [6, 5, 3, 1]),
             {"num_iterations": 250, "learning_rate": 0.05}),
        Case("layers [4, 3, 1], 101 iterations, learning rate 0.1", (X2, Y2, [4, 3, 1]),
             {"num_iterations": 101, "learning_rate": 0.1}),
        Case("layers [7, 4, 3, 2, 1], 3 iterations, default learning rate", (X3, Y3, [7, 4, 3, 2, 1]),
             {"num_iterations": 3}),
    ]


_WHERE = re.compile(r"rate(?: [\d.]+)?\[(\d)\]")  # "... learning rate 0.05[1]": item 1 of the output

COSTS_HINT = ("Hint: append the cost when `i % 100 == 0 or i == num_iterations - 1` (i counts from 0), "
              "the cost computed in that iteration, before its update.")
PARAMETERS_HINT = ("Hint: did you use the given initializer, pass `learning_rate` to update_parameters and "
                   "keep what it returns (`parameters = update_parameters(...)`) in every iteration?")


def hint_for(text: str) -> str | None:
    """The hint to add under a failure message, or None."""
    found = _WHERE.search(text)
    if not found or ("wrong values" not in text and "should have" not in text):
        return None
    return COSTS_HINT if found.group(1) == "1" else PARAMETERS_HINT


def _hinted(check):
    """Wrap a suite check so that a failure on the costs or the parameters ends with a hint."""
    def check_fn(fn, verbose: bool = True) -> Report:
        report = check(fn, verbose=False)
        if report.status == "failed":
            hint = hint_for(report.text)
            if hint:
                report.lines.append("    " + hint)
        if verbose:
            print(report.text)
            sys.stdout.flush()
        return report

    check_fn.__name__ = check.__name__
    check_fn.__qualname__ = check.__qualname__
    check_fn.__doc__ = check.__doc__
    return check_fn


check_two_layer_model = _hinted(suite.check("two_layer_model"))
check_L_layer_model = _hinted(suite.check("L_layer_model"))

__all__ = ["check_two_layer_model", "check_L_layer_model"]
