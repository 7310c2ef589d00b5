"""Stored expected values are exactly what the source notebooks' solutions compute."""

import json

import numpy as np
import pytest

from course_utils.checks import expected
from course_utils.checks.suite import all_suites

SUITES = all_suites()


def test_every_source_notebook_with_checks_has_a_suite_and_a_file():
    from course_utils.release import source_notebooks

    for path in source_notebooks():
        assert path.stem in SUITES, f"no check module declares Suite({path.stem!r})"
        assert expected.path_for(path.stem).exists(), f"run `python -m course_utils expected {path.stem}`"


@pytest.mark.parametrize("notebook", sorted(SUITES))
def test_stored_values_match_the_solutions(notebook):
    stored = json.loads(expected.path_for(notebook).read_text())
    fresh = expected.compute(SUITES[notebook])
    assert sorted(stored) == sorted(fresh), "checks and stored names differ: regenerate"
    for name in fresh:
        assert len(stored[name]) == len(fresh[name]), f"{name}: number of cases changed: regenerate"
        for i, (s, f) in enumerate(zip(stored[name], fresh[name])):
            a, b = expected.decode(s), expected.decode(f)
            _assert_close(a, b, f"{notebook}/{name}/case {i}")


def _assert_close(a, b, where):
    if isinstance(b, dict):
        assert isinstance(a, dict) and a.keys() == b.keys(), where
        for k in b:
            _assert_close(a[k], b[k], f"{where}[{k}]")
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_close(x, y, f"{where}[{i}]")
    elif isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype, where
        # float32 results (TensorFlow) may differ in the last bit with the summation order of a
        # multithreaded matmul; float64 (NumPy) results must agree to 1e-10.
        rtol, atol = (1e-5, 1e-6) if b.dtype in (np.float32, np.float16) else (1e-10, 1e-12)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=where)
    elif isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-10, abs=1e-12), where
    else:
        assert a == b, where


def test_encoding_round_trip():
    value = {"w": np.arange(6.0).reshape(2, 3), "n": 3, "t": (1.5, [True, None, "x"]), "i": np.array([1, 2])}
    back = expected.decode(json.loads(json.dumps(expected.encode(value))))
    _assert_close(back, value, "value")


def test_missing_file_says_how_to_make_it(tmp_path, monkeypatch):
    monkeypatch.setattr(expected, "EXPECTED_DIR", tmp_path)
    expected._load.cache_clear()
    with pytest.raises(FileNotFoundError, match="python -m course_utils expected 99_nothing"):
        expected.expected_for("99_nothing", "f")
    expected._load.cache_clear()
