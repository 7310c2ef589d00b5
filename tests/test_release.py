"""Exercise versions: made by nbgrader's preprocessors, with no solution and no hidden test."""

import json

import nbformat
import pytest

from course_utils import release
from course_utils.authoring import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION
from course_utils.release import CODE_STUB, exercise_version, source_notebooks

NOTEBOOKS = source_notebooks()


def inner_lines(source, begin, end):
    lines, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside and line.strip() and not line.strip().startswith("#"):
            lines.append(line.strip())
    return lines


def outer_lines(source, begin, end):
    """The stripped lines outside every begin/end block."""
    lines, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif not inside:
            lines.append(line.strip())
    return lines


def test_outer_lines_keeps_only_the_scaffolding():
    source = "def f():\n    out = []\n    ### BEGIN SOLUTION\n    out.append(1)\n    ### END SOLUTION\n    out.append(2)"
    assert outer_lines(source, BEGIN_SOLUTION, END_SOLUTION) == ["def f():", "out = []", "out.append(2)"]
    assert inner_lines(source, BEGIN_SOLUTION, END_SOLUTION) == ["out.append(1)"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercise_version_has_no_solution_and_no_hidden_test(path):
    src = nbformat.read(path, as_version=4)
    ex = exercise_version(src)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in ex.cells}
    text = json.dumps(ex)
    assert BEGIN_SOLUTION not in text and BEGIN_HIDDEN not in text
    for cell in src.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            out = by_id[meta["grade_id"]].source
            assert "raise NotImplementedError()" in out
            # scaffolding the learner keeps (outside the solution block) may repeat a solution line
            scaffolding = set(outer_lines(cell.source, BEGIN_SOLUTION, END_SOLUTION))
            leaked = [line for line in inner_lines(cell.source, BEGIN_SOLUTION, END_SOLUTION)
                      if line in [x.strip() for x in out.splitlines()] and line not in scaffolding]
            assert not leaked, f"{meta['grade_id']}: solution lines left in the exercise: {leaked}"
        if meta.get("grade") and BEGIN_HIDDEN in cell.source:
            out = by_id[meta["grade_id"]].source
            for line in inner_lines(cell.source, BEGIN_HIDDEN, END_HIDDEN):
                assert line not in [x.strip() for x in out.splitlines()], f"hidden test line left: {line}"
    for cell in ex.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    # the source is not modified
    assert BEGIN_SOLUTION in json.dumps(src)


def test_release_writes_skips_up_to_date_and_forces(tmp_path, capsys):
    if not NOTEBOOKS:
        pytest.skip("no source notebook yet")
    first = NOTEBOOKS[0]
    written = release.release([first.stem], tmp_path)
    assert written == [tmp_path / first.name] and "released" in capsys.readouterr().out
    mtime = written[0].stat().st_mtime_ns
    release.release([first.stem], tmp_path)
    assert "released" not in capsys.readouterr().out and written[0].stat().st_mtime_ns == mtime
    release.release([first.stem], tmp_path, force=True)
    assert "released" in capsys.readouterr().out


def test_unknown_notebook_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="no source notebook matches 'nope'"):
        release.release(["nope"], tmp_path)


def test_broken_notebook_json_is_a_clear_error(tmp_path):
    bad = tmp_path / "99_broken.ipynb"
    bad.write_text('{"cells": [')
    with pytest.raises(SystemExit, match="99_broken.ipynb: not a readable notebook"):
        release.release([str(bad)], tmp_path / "out")
    assert bad.read_text() == '{"cells": ['  # nothing lost


def test_stub_is_what_learners_see():
    assert CODE_STUB.splitlines() == ["# YOUR CODE HERE", "raise NotImplementedError()"]
