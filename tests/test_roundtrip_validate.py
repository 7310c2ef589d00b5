"""nbgrader's validator passes on every source notebook: all public and hidden tests pass."""

import pytest

from course_utils.release import source_notebooks
from course_utils.runner import validate

NOTEBOOKS = source_notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_source_passes_nbgrader_validate(path, fast_mode, capsys):
    assert validate(path), capsys.readouterr().out


def _tiny_notebook(tmp_path, body):
    from course_utils.authoring import NotebookBuilder

    b = NotebookBuilder()
    b.setup("import course_utils\ncourse_utils.setup()")
    b.exercise("double", f"def double(x):\n    ### BEGIN SOLUTION\n    {body}\n    ### END SOLUTION\n",
               hidden="assert double(3) == 6", check="print('checked')")
    b.md("## What to remember\n- doubling")
    return b.write(tmp_path / "99_tiny.ipynb")


def test_validate_fails_on_a_wrong_solution(tmp_path, capsys):
    assert validate(_tiny_notebook(tmp_path, "return 2 * x"))
    assert not validate(_tiny_notebook(tmp_path, "return x + 2 if x < 0 else x"))
    assert "1 failing cell" in capsys.readouterr().out
