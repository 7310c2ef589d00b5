import nbformat
import numpy as np
import pytest

from course_utils import authoring, config
from course_utils.datasets import _cache


def test_builder_makes_a_notebook_that_passes_anatomy(tmp_path):
    b = authoring.NotebookBuilder()
    b.md("# T").setup("import course_utils\ncourse_utils.setup()")
    b.exercise("f", "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION", hidden="assert f() == 1")
    b.md("## What to remember")
    nb = nbformat.read(b.write(tmp_path / "t.ipynb"), as_version=4)
    assert authoring.anatomy_problems(nb) == []
    kinds = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert kinds == [None, "setup", "f", "check_f", "test_f", None]


def test_anatomy_problems_are_named():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import numpy"),
                nbformat.v4.new_code_cell("def f(): pass", metadata={"nbgrader": {"solution": True, "grade_id": "f"}})]
    problems = authoring.anatomy_problems(nb)
    assert "the first code cell must call course_utils.setup()" in problems
    assert "f: solution cell lacks the BEGIN/END SOLUTION markers" in problems
    assert any("no public check cell" in p for p in problems)
    assert any("no hidden-tests cell" in p for p in problems)
    assert "no 'What to remember' section" in problems


def test_solution_without_markers_is_refused():
    with pytest.raises(ValueError, match="needs '### BEGIN SOLUTION'"):
        authoring.NotebookBuilder().solution("f", "def f(): return 1")


def test_cache_builds_once_and_survives_corruption(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    monkeypatch.delenv("COURSE_NO_CACHE", raising=False)
    builds = []

    def build():
        builds.append(1)
        return {"x": np.arange(3)}

    assert np.array_equal(_cache.cached("t", {"n": 3}, build)["x"], np.arange(3))
    assert np.array_equal(_cache.cached("t", {"n": 3}, build)["x"], np.arange(3)) and len(builds) == 1
    _cache.cache_path("t", {"n": 3}).write_bytes(b"garbage")
    assert np.array_equal(_cache.cached("t", {"n": 3}, build)["x"], np.arange(3)) and len(builds) == 2
    _cache.cached("t", {"n": 4}, build, use_cache=False)
    assert len(builds) == 3 and not _cache.cache_path("t", {"n": 4}).exists()
