"""Expected outputs of the public checks, computed from the source notebooks.

Introduced in notebook 01. The values a check compares against are produced
by running the *source* notebook's own solutions on the check's cases and
stored as JSON beside this module (``expected/<notebook>.json``), so that a
check module never contains a solution.

Regenerate after changing a solution or a case::

    python -m course_utils expected 01_logistic_regression   # or: all

``tests/test_checks_expected.py`` recomputes every file and fails if the
stored values drift from the solutions.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

EXPECTED_DIR = Path(__file__).resolve().parent / "expected"


# --------------------------------------------------------------------------- #
# JSON encoding of nested outputs (arrays, dicts, tuples, numbers, strings)
# --------------------------------------------------------------------------- #

def encode(value):
    if type(value).__module__.startswith("tensorflow.") and hasattr(value, "numpy"):
        value = np.asarray(value.numpy())  # a TensorFlow tensor or variable (notebook 09 on)
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.tolist(), "dtype": str(value.dtype), "shape": list(value.shape)}
    if isinstance(value, dict):
        return {"__dict__": [[k, encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if value is None or isinstance(value, (int, float, str)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} as an expected value")


def decode(obj):
    if isinstance(obj, dict):
        if "__ndarray__" in obj:
            return np.array(obj["__ndarray__"], dtype=obj["dtype"]).reshape(obj["shape"])
        if "__dict__" in obj:
            return {k: decode(v) for k, v in obj["__dict__"]}
        if "__tuple__" in obj:
            return tuple(decode(v) for v in obj["__tuple__"])
        raise ValueError(f"unknown encoded object with keys {sorted(obj)}")
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    return obj


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #

def path_for(notebook: str) -> Path:
    return EXPECTED_DIR / f"{notebook}.json"


@lru_cache(maxsize=None)
def _load(notebook: str) -> dict:
    path = path_for(notebook)
    if not path.exists():
        raise FileNotFoundError(
            f"no expected values for {notebook}: run `python -m course_utils expected {notebook}`")
    return json.loads(path.read_text())


def expected_for(notebook: str, name: str) -> list:
    """The list of expected outputs (one per case) of check ``name``."""
    data = _load(notebook)
    if name not in data:
        raise KeyError(f"{path_for(notebook).name} has no expected values for {name!r}; regenerate it")
    return [decode(v) for v in data[name]]


# --------------------------------------------------------------------------- #
# Computing
# --------------------------------------------------------------------------- #

def compute(suite) -> dict:
    """Run the source notebook's solutions on every case of ``suite``; return encoded outputs."""
    from .solutions import load_solutions

    namespace = load_solutions(suite.notebook)
    out = {}
    for name, make_cases in suite.case_makers.items():
        fn_name = suite.function_names.get(name, name)
        if fn_name not in namespace:
            raise KeyError(f"the solutions of {suite.notebook} define no function {fn_name!r}")
        fn = namespace[fn_name]
        adapt = getattr(suite, "adapters", {}).get(name)  # a check may run the solution through an adapter (15)
        if adapt is not None:
            fn = adapt(fn)
        summarize = getattr(suite, "summaries", {}).get(name)  # a check may store a summary of a big output
        results = []
        for case in make_cases():
            np.random.seed(0)  # any global-RNG use in a solution starts from the same state
            value = fn(*case.args, **case.kwargs)
            results.append(encode(summarize(value) if summarize else value))
        out[name] = results
    return out


def write(suite) -> Path:
    data = compute(suite)
    path = path_for(suite.notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    blocks = []
    for name, cases in data.items():
        rows = ",\n".join("  " + json.dumps(case) for case in cases)
        blocks.append(f" {json.dumps(name)}: [\n{rows}\n ]")
    path.write_text("{\n" + ",\n".join(blocks) + "\n}\n")
    _load.cache_clear()
    return path


def main(argv=None) -> int:
    from .suite import all_suites

    parser = argparse.ArgumentParser(prog="python -m course_utils expected",
                                     description="Recompute the expected outputs of the public checks.")
    parser.add_argument("notebooks", nargs="+", help="notebook names (e.g. 01_logistic_regression) or 'all'")
    args = parser.parse_args(argv)
    suites = all_suites()
    names = sorted(suites) if args.notebooks == ["all"] else args.notebooks
    for name in names:
        if name not in suites:
            print(f"unknown notebook {name!r}; known: {', '.join(sorted(suites))}", file=sys.stderr)
            return 2
        print(f"wrote {write(suites[name])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
