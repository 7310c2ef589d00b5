"""Public checks of notebook 05, initialization (zeros, large random, He).

The three graded functions take ``layers_dims`` and return ``W1, b1, ..., WL,
bL``. The random ones seed NumPy's global generator themselves (the
``np.random.seed(3)`` line is given, outside the solution), so their output is
exact and the checks compare values, not statistics.

When a check fails, a hint line names the likely mistake. Shape mistakes
(a transposed ``W``, a flat ``b``) are read from the engine's message. For
wrong weight values, the check calls the function again and compares each
``W{l}`` with the expected one: when every layer is the expected matrix times
a constant, the pattern of constants across layers identifies the scale that
was used (no ``* 10``, ``sqrt(1/n)``, the wrong layer's size, no square root...).
No solution is computed here: only ratios to the stored expected values.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re

import numpy as np

from .core import Case, Report, call
from .expected import expected_for
from .suite import Suite

suite = Suite("05_initialization")


@suite.cases("initialize_parameters_zeros")
def _():
    return [Case("layers_dims = [3, 2, 1]", ([3, 2, 1],)),
            Case("layers_dims = [4, 5, 3, 2]", ([4, 5, 3, 2],))]


@suite.cases("initialize_parameters_random")
def _():
    return [Case("layers_dims = [3, 4, 1]", ([3, 4, 1],)),
            Case("layers_dims = [5, 4, 3, 2]", ([5, 4, 3, 2],))]


@suite.cases("initialize_parameters_he")
def _():
    return [Case("layers_dims = [3, 4, 1]", ([3, 4, 1],)),
            Case("layers_dims = [5, 3, 4, 1]", ([5, 3, 4, 1],))]


# --------------------------------------------------------------------------- #
# Hints from the engine's message
# --------------------------------------------------------------------------- #

_TRANSPOSED = r"\['W\d+'\] has the wrong shape: got \((\d+), (\d+)\), expected \(\2, \1\)"
_COLUMN = r"\['b\d+'\] has the wrong shape: got \((\d+),\), expected \(\1, 1\)"
_KEYS = r"is missing the key|unexpected key"
_ZEROS_ARGS = r"Cannot interpret .* as a data type|data type .* not understood"
_RANDN_TUPLE = r"'tuple' object cannot be interpreted as an integer"
_W_VALUES = r"\['W\d+'\] has wrong values"
_B_VALUES = r"\['b\d+'\] has wrong values"

_SHAPE_HINTS = [
    (_TRANSPOSED, "W{l} has one row per unit of layer l and one column per unit of layer l-1: "
                  "shape (layers_dims[l], layers_dims[l-1])."),
    (_COLUMN, "b{l} is a column vector: np.zeros((layers_dims[l], 1)), not np.zeros(layers_dims[l])."),
    (_KEYS, "The keys are 'W1', 'b1', ..., 'WL', 'bL' with L = len(layers_dims) - 1 (the input layer has "
            "no parameters): loop over l in range(1, len(layers_dims))."),
    (_ZEROS_ARGS, "np.zeros takes the shape as one tuple: np.zeros((rows, columns)), with two pairs of "
                  "parentheses."),
    (_RANDN_TUPLE, "np.random.randn takes the sizes as separate arguments: np.random.randn(rows, columns), "
                   "unlike np.zeros((rows, columns))."),
]

_DRAW = ("draw each W{l} with np.random.randn(layers_dims[l], layers_dims[l-1]) (standard normal; "
         "np.random.rand is uniform on [0, 1)), layer by layer in order, keep the given np.random.seed(3) "
         "as the only seed, and draw nothing else (the biases are zeros).")

_HINTS = {
    "initialize_parameters_zeros": _SHAPE_HINTS + [
        (_W_VALUES, "Every weight starts at exactly 0 in this exercise: "
                    "np.zeros((layers_dims[l], layers_dims[l-1])), nothing random."),
        (_B_VALUES, "The biases start at 0: np.zeros((layers_dims[l], 1))."),
    ],
    "initialize_parameters_random": _SHAPE_HINTS + [
        (_W_VALUES, "Large random weights: " + _DRAW + " Then multiply by 10."),
        (_B_VALUES, "The biases start at 0: np.zeros((layers_dims[l], 1)). Drawing them at random also "
                    "shifts the random numbers every later W gets."),
    ],
    "initialize_parameters_he": _SHAPE_HINTS + [
        (_W_VALUES, "He initialization: " + _DRAW + " Then multiply by np.sqrt(2 / layers_dims[l-1])."),
        (_B_VALUES, "The biases start at 0: np.zeros((layers_dims[l], 1)). Drawing them at random also "
                    "shifts the random numbers every later W gets."),
    ],
}


def hint_for(name: str, text: str) -> str | None:
    """The hint line for a failure message of check ``name``, or None."""
    for pattern, hint in _HINTS.get(name, []):
        if re.search(pattern, text):
            return hint
    return None


# --------------------------------------------------------------------------- #
# Hints from the scale of the weights: W{l} = ratio * expected W{l}, layer by layer
# --------------------------------------------------------------------------- #

def _he(n_prev, n):
    return np.sqrt(2 / n_prev)


# (name, ratio to the expected W as a function of (n_prev, n), hint); the first match wins.
_SCALES = {
    "initialize_parameters_random": [
        ("no scale", lambda n_prev, n: 0.1,
         "Your weights are exactly 10 times too small: this exercise asks for LARGE weights, "
         "np.random.randn(...) * 10."),
        ("0.01", lambda n_prev, n: 0.001,
         "You scaled by 0.01, the small initialization of notebooks 02-04; this exercise multiplies by 10."),
        ("he", lambda n_prev, n: _he(n_prev, n) / 10,
         "You scaled by sqrt(2 / n): that is He initialization, the next exercise; here multiply by 10."),
    ],
    "initialize_parameters_he": [
        ("sqrt(1/n)", lambda n_prev, n: np.sqrt(1 / n_prev) / _he(n_prev, n),
         "You scaled by sqrt(1 / n), the variance 1/n that suits tanh; for ReLU, He initialization doubles "
         "it (half of the units are off): np.sqrt(2 / layers_dims[l-1])."),
        ("wrong layer", lambda n_prev, n: np.sqrt(2 / n) / _he(n_prev, n),
         "You used the size of layer l itself; He divides by the number of inputs of each unit, the size of "
         "the PREVIOUS layer: np.sqrt(2 / layers_dims[l-1])."),
        ("no sqrt", lambda n_prev, n: (2 / n_prev) / _he(n_prev, n),
         "You multiplied by 2 / n, which is the variance; the draws need the standard deviation, its square "
         "root: np.sqrt(2 / layers_dims[l-1])."),
        ("unscaled", lambda n_prev, n: 1 / _he(n_prev, n),
         "Your weights are plain standard normal draws: multiply them by np.sqrt(2 / layers_dims[l-1])."),
        ("x10", lambda n_prev, n: 10 / _he(n_prev, n),
         "That is the large x10 initialization of the previous exercise; He multiplies by "
         "np.sqrt(2 / layers_dims[l-1])."),
        ("glorot", lambda n_prev, n: np.sqrt(2 / (n_prev + n)) / _he(n_prev, n),
         "sqrt(2 / (n_prev + n)) is Glorot's scale; He uses only the number of inputs: "
         "np.sqrt(2 / layers_dims[l-1])."),
        ("zero", lambda n_prev, n: 0.0,
         "Your weights are all 0: if you wrote 2 // n, that is an integer division (0 when n > 2); "
         "use np.sqrt(2 / layers_dims[l-1])."),
    ],
}


def _ratios(got, expected):
    """{l: r} when every W{l} of ``got`` is ``r`` times the expected one; None otherwise."""
    if not isinstance(got, dict):
        return None
    ratios = {}
    for key, exp in expected.items():
        match = re.fullmatch(r"W(\d+)", key)
        if not match:
            continue
        g = got.get(key)
        if not isinstance(g, np.ndarray) or g.shape != exp.shape or g.dtype.kind not in "fiu":
            return None
        g = g.astype(float)
        denominator = float(np.sum(exp * exp))
        if denominator == 0:
            return None
        r = float(np.sum(g * exp)) / denominator
        if not np.allclose(g, r * exp, rtol=1e-6, atol=1e-12):
            return None
        ratios[int(match.group(1))] = r
    return ratios or None


def scale_hint(name: str, fn) -> str | None:
    """Call ``fn`` on the check's cases again; name the scale it used if its weights are rescaled."""
    candidates = _SCALES.get(name)
    if not candidates:
        return None
    for case, expected in zip(suite.case_makers[name](), expected_for(suite.notebook, name)):
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                got = call(fn, case, name)
        except Exception:
            return None
        ratios = _ratios(got, expected)
        if ratios is None or all(np.isclose(r, 1.0) for r in ratios.values()):
            continue
        dims = case.args[0]
        for _, ratio_of, hint in candidates:
            if all(np.isclose(r, ratio_of(dims[layer - 1], dims[layer]), rtol=1e-6, atol=1e-12)
                   for layer, r in ratios.items()):
                return hint
        values = sorted({f"{r:.4g}" for r in ratios.values()})
        return (f"Your weights are the expected ones times {' / '.join(values)} (layer by layer): the random "
                f"numbers are right, the scale is not.")
    return None


def _with_hints(name: str, check_fn):
    @functools.wraps(check_fn)
    def checked(fn, verbose: bool = True) -> Report:
        report = check_fn(fn, verbose=False)
        if report.status == "failed":
            text = report.text
            hint = None
            if re.search(_W_VALUES, text):
                hint = scale_hint(name, fn)
            hint = hint or hint_for(name, text)
            if hint:
                report.lines.append(f"    Hint: {hint}")
        if verbose:
            print(report.text, flush=True)
        return report
    return checked


check_initialize_parameters_zeros = _with_hints("initialize_parameters_zeros",
                                                suite.check("initialize_parameters_zeros"))
check_initialize_parameters_random = _with_hints("initialize_parameters_random",
                                                 suite.check("initialize_parameters_random"))
check_initialize_parameters_he = _with_hints("initialize_parameters_he", suite.check("initialize_parameters_he"))

__all__ = ["check_initialize_parameters_zeros", "check_initialize_parameters_random",
           "check_initialize_parameters_he"]
