"""Grading without a kernel: reading submissions, restoring test cells, finding files, scoring rules."""

import copy
import json

import nbformat
import pytest
from grading_fixtures import MALFORMED, NB01, NB03, NOT_A_NOTEBOOK, dump, gid, source, truncated

from course_utils.grading.autograde import LimitedExecute, zero_unfinished_tests
from course_utils.grading.batch import discover
from course_utils.grading.limits import format_size, parse_size
from course_utils.grading.sanitize import SubmissionProblem, check_identity, read_submission, restore_structure
from course_utils.release import exercise_version


@pytest.fixture(scope="module")
def src03():
    return source(NB03)


@pytest.fixture(scope="module")
def sources():
    return {NB01: source(NB01), NB03: source(NB03)}


def problem(data: bytes) -> SubmissionProblem:
    with pytest.raises(SubmissionProblem) as info:
        read_submission(data)
    return info.value


# -- unreadable submissions ---------------------------------------------------------------------------


def test_empty_file():
    for data in (b"", b"  \n"):
        p = problem(data)
        assert (p.status, p.reason) == ("empty file", "the submitted file is empty")


def test_truncated_file_is_named_so():
    p = problem(truncated())
    assert p.status == "malformed" and "truncated" in p.reason


def test_invalid_json_and_non_notebooks():
    p = problem(MALFORMED)
    assert p.status == "malformed" and "invalid JSON" in p.reason and "line 1" in p.reason
    p = problem(NOT_A_NOTEBOOK)
    assert p.status == "malformed" and "not a Jupyter notebook" in p.reason
    p = problem(b"\xff\xfe\x00garbage")
    assert p.status == "malformed" and "UTF-8" in p.reason


def test_a_valid_notebook_is_read_with_all_its_cells(src03):
    nb = read_submission(dump(src03))
    assert [c.source for c in nb.cells] == [c.source for c in src03.cells]
    assert [c.cell_type for c in nb.cells] == [c.cell_type for c in src03.cells]


def test_odd_cells_are_dropped_not_fatal(src03):
    data = json.loads(nbformat.writes(src03))
    data["cells"].insert(3, {"what": "not a cell"})
    data["cells"][4]["source"] = ["a list ", "of lines"]
    nb = read_submission(json.dumps(data).encode())
    assert len(nb.cells) == len(src03.cells) and nb.cells[3].source == "a list of lines"


# -- the wrong notebook -------------------------------------------------------------------------------


def test_notebook_of_another_assignment_is_the_wrong_notebook(sources):
    with pytest.raises(SubmissionProblem, match=f"this is not {NB03}: it looks like {NB01}") as info:
        check_identity(read_submission(dump(sources[NB01])), NB03, sources)
    assert info.value.status == "wrong notebook"


def test_notebook_without_graded_cells_is_the_wrong_notebook(sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def sigmoid(z): ...")])
    with pytest.raises(SubmissionProblem, match="none of its graded cells"):
        check_identity(nb, NB03, sources)


def test_own_notebook_even_with_cells_deleted_is_accepted(sources):
    check_identity(exercise_version(sources[NB03]), NB03, sources)
    nb = exercise_version(sources[NB03])
    nb.cells = [c for c in nb.cells if gid(c) in ("setup", "linear_forward", "test_linear_forward")]
    check_identity(nb, NB03, sources)


# -- restoring test cells -----------------------------------------------------------------------------


def ids(nb):
    return [gid(c) for c in nb.cells if gid(c)]


def test_untouched_exercise_version_is_restored_to_the_source_cells(src03):
    nb, notes = restore_structure(exercise_version(src03), src03)
    assert notes == []
    assert ids(nb) == ids(src03)
    by_id = {gid(c): c for c in nb.cells}
    for cell in src03.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            assert by_id[meta["grade_id"]].source == cell.source  # hidden tests are back
            assert "### BEGIN HIDDEN TESTS" in cell.source
        if meta.get("solution"):
            assert "raise NotImplementedError()" in by_id[meta["grade_id"]].source  # the learner's (blank) code
    nbformat.validate(nb)


def test_deleted_edited_and_moved_test_cells_are_restored(src03):
    nb = exercise_version(src03)
    own = nbformat.v4.new_code_cell("my_note = 'the learner wrote this after linear_forward'")
    cells = []
    for cell in nb.cells:
        if gid(cell) == "test_compute_cost":
            continue  # deleted
        if gid(cell) == "test_linear_backward":
            cell.source = "pass"  # edited
        if gid(cell) == "test_update_parameters":
            moved = cell
            continue
        cells.append(cell)
        if gid(cell) == "linear_forward":
            cells.append(own)
    nb.cells = [moved] + cells  # moved to the top
    restored, notes = restore_structure(nb, src03)
    assert ids(restored) == ids(src03)
    by_id = {gid(c): c for c in restored.cells}
    src_by_id = {gid(c): c for c in src03.cells}
    for name in ("test_compute_cost", "test_linear_backward", "test_update_parameters"):
        assert by_id[name].source == src_by_id[name].source
        assert by_id[name].metadata.nbgrader == src_by_id[name].metadata.nbgrader
    assert "`test_compute_cost` was deleted: restored from the source" in notes
    assert "`test_linear_backward` was edited: restored from the source" in notes
    assert "`test_update_parameters` was moved: put back in its place" in notes
    # the learner's own cell stays right after the cell it followed
    position = [c.source for c in restored.cells].index(own.source)
    assert gid(restored.cells[position - 1]) == "linear_forward"
    nbformat.validate(restored)


def test_changed_points_and_flags_are_restored(src03):
    nb = exercise_version(src03)
    for cell in nb.cells:
        if gid(cell) == "test_linear_forward":
            cell.metadata.nbgrader["points"] = 100
        if gid(cell) == "linear_forward":  # a solution cell turned into a graded cell worth 50
            cell.metadata.nbgrader.update(grade=True, points=50)
    restored, notes = restore_structure(nb, src03)
    by_id = {gid(c): c for c in restored.cells}
    assert by_id["test_linear_forward"].metadata.nbgrader["points"] == 1
    assert not by_id["linear_forward"].metadata.nbgrader.get("grade")
    assert any("test_linear_forward" in n and "metadata" in n for n in notes)


def test_unknown_and_duplicate_grade_ids_become_learner_cells(src03):
    nb = exercise_version(src03)
    fake = nbformat.v4.new_code_cell("assert True", metadata={"nbgrader": {
        "grade": True, "grade_id": "test_free_points", "points": 99, "locked": True, "schema_version": 3,
        "solution": False}})
    sol = next(c for c in nb.cells if gid(c) == "linear_forward")
    first = nbformat.v4.new_code_cell("def linear_forward(A, W, b):\n    return 'first try'",
                                      metadata=copy.deepcopy(sol.metadata))
    at = nb.cells.index(sol)
    nb.cells[at:at] = [first]  # an earlier copy of the solution cell: the last one is graded
    nb.cells.append(fake)
    restored, _ = restore_structure(nb, src03)
    assert "test_free_points" not in ids(restored) and ids(restored) == ids(src03)
    assert "nbgrader" not in next(c for c in restored.cells if c.source == "assert True").metadata
    graded = [c for c in restored.cells if gid(c) == "linear_forward"]
    assert len(graded) == 1 and "raise NotImplementedError()" in graded[0].source
    assert any(c.source == first.source and "nbgrader" not in c.metadata for c in restored.cells)


def test_a_deleted_solution_cell_is_not_invented(src03):
    nb = exercise_version(src03)
    nb.cells = [c for c in nb.cells if gid(c) != "compute_cost"]
    restored, notes = restore_structure(nb, src03)
    assert "compute_cost" not in ids(restored) and "test_compute_cost" in ids(restored)
    assert "solution cell `compute_cost` was deleted" in notes


# -- scoring rules that need no kernel ----------------------------------------------------------------


def _test_cell(status):
    cell = nbformat.v4.new_code_cell("assert f() == 1", metadata={"nbgrader": {
        "grade": True, "grade_id": "test_f", "points": 2, "locked": True, "solution": False, "schema_version": 3}})
    cell.metadata["autograde"] = {"status": status, "seconds": 0.0, "detail": "the kernel died"}
    return cell


@pytest.mark.parametrize("status", ["not run", "died", "timeout"])
def test_a_test_that_did_not_finish_never_scores(status):
    from nbgrader.utils import determine_grade

    nb = nbformat.v4.new_notebook(cells=[_test_cell(status)])
    assert determine_grade(nb.cells[0])[0] == 2  # what nbgrader alone would give an empty test cell
    zero_unfinished_tests(nb, {})
    assert determine_grade(nb.cells[0])[0] == 0
    assert nb.cells[0].outputs[-1].output_type == "error"


def test_output_is_capped_while_the_cell_runs():
    ex = LimitedExecute(max_output_bytes=1000)
    ex._out_bytes, ex._truncated, ex.clear_before_next_output = {}, set(), False
    outs = []
    for _ in range(50):
        msg = {"msg_type": "stream", "header": {"msg_type": "stream"}, "parent_header": {"msg_id": "m"},
               "content": {"name": "stdout", "text": "x" * 99 + "\n"}}
        ex.output(outs, msg, None, 0)
    error = {"msg_type": "error", "header": {"msg_type": "error"}, "parent_header": {"msg_id": "m"},
             "content": {"ename": "AssertionError", "evalue": "wrong", "traceback": []}}
    ex.output(outs, error, None, 0)
    text = "".join(o.get("text", "") for o in outs if o.output_type == "stream")
    assert text.count("x") == 1000 - 10 and "Output truncated by the grader" in text
    assert outs[-1].output_type == "error"  # errors are never dropped: they decide the score


def test_sizes():
    assert parse_size("4G") == 4 * 2**30 and parse_size("512M") == 512 * 2**20 and parse_size("0") == 0
    assert parse_size("1.5GB") == int(1.5 * 2**30) and format_size(2**30) == "1 GB"
    with pytest.raises(ValueError):
        parse_size("lots")


# -- finding the submissions --------------------------------------------------------------------------


def test_discover_layouts(tmp_path):
    subs = tmp_path / "subs"
    (subs / "ann").mkdir(parents=True)
    (subs / "ann" / f"{NB03}.ipynb").write_text("{}")
    (subs / "bob" / NB03).mkdir(parents=True)
    (subs / "bob" / NB03 / f"{NB03}.ipynb").write_text("{}")
    (subs / "cat" / ".ipynb_checkpoints").mkdir(parents=True)
    (subs / "cat" / "03-my copy.ipynb").write_text("{}")
    (subs / "cat" / ".ipynb_checkpoints" / f"{NB03}-checkpoint.ipynb").write_text("{}")
    (subs / "dan").mkdir()
    (subs / "dan" / "homework.ipynb").write_text("{}")
    (subs / "eve").mkdir()  # nothing submitted
    (subs / "fay").mkdir()
    (subs / "fay" / f"{NB03}.ipynb").write_text("{}")
    (subs / "fay" / "03_old.ipynb").write_text("{}")
    known = [NB01, NB03]
    jobs, _ = discover(subs, [NB03], known)
    found = {j.learner: j for j in jobs}
    assert found["ann"].path == subs / "ann" / f"{NB03}.ipynb"
    assert found["bob"].path == subs / "bob" / NB03 / f"{NB03}.ipynb"
    assert found["cat"].path == subs / "cat" / "03-my copy.ipynb"
    assert found["dan"].path == subs / "dan" / "homework.ipynb"  # the only notebook, one assignment asked
    assert found["eve"].path is None
    assert found["fay"].path == subs / "fay" / f"{NB03}.ipynb" and "2 notebooks matched" in found["fay"].note
    # without --assignment: every submitted assignment; unmatched files are reported
    jobs, warnings = discover(subs, None, known)
    assert {j.assignment for j in jobs} == {NB03} and any("homework.ipynb" in w for w in warnings)
    assert {j.learner for j in jobs if j.path is None} == {"dan", "eve"}


def test_reason_of_a_loss():
    from nbgrader.utils import compute_checksum

    from course_utils.grading.course import Exercise
    from course_utils.grading.scoring import exercise_result

    def cell(source, gid_, status="ok", detail="", **meta):
        c = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {"grade_id": gid_, "schema_version": 3, **meta}}
                                      if gid_ else {})
        c.metadata["autograde"] = {"status": status, "seconds": 1.0, "detail": detail}
        return c

    ex = Exercise("f", "test_f", 2.0, "f")
    stub = cell("def f():\n    raise NotImplementedError()", "f", solution=True, grade=False, locked=False)
    stub.metadata.nbgrader["checksum"] = compute_checksum(stub)
    own = cell("while True: pass", None, "timeout", "timed out: did not finish within 10 s")
    check = cell("check_f(f)", "check_f", locked=True)
    test = cell("assert f() == 1", "test_f", "error", grade=True, points=2, locked=True)
    test.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="f() should be 1\nmore",
                                           traceback=[])]
    span = list(enumerate([own, stub, check, test]))
    cells = {"f": stub, "check_f": check, "test_f": test}
    assert exercise_result(ex, cells, 2.0, span) == "passed"
    assert exercise_result(ex, cells, 0.0, span) == "not attempted"  # a learner cell's timeout is only a note
    stub.source = "def f():\n    return 2"
    assert exercise_result(ex, cells, 0.0, span) == "failed: AssertionError: f() should be 1"
    check.metadata.autograde.update(status="timeout", detail="timed out: did not finish within 10 s")
    assert exercise_result(ex, cells, 0.0, span) == "timed out: `check_f` did not finish within 10 s"
