"""The grading round trip on notebooks 01 and 03, and every robustness case, in one batch.

One ``course grade --workers 2`` over fixture submissions built from the real
notebooks (see ``grading_fixtures.py``), with a 10 s per-cell timeout; every
test below reads the same graded batch: scores, reasons, the gradebook, the
graded copies, ``grades.csv`` and the feedback pages.
"""

import contextlib
import csv
import io
import json

import grading_fixtures as F
import nbformat
import pytest

from course_utils.__main__ import main
from course_utils.grading import records
from course_utils.grading.course import Course
from course_utils.release import exercise_version

CELL_TIMEOUT = 10

SUBMISSIONS = {  # learner -> (assignment, notebook bytes); 01 uses nbgrader's nested layout
    "source03": (F.NB03, lambda: F.dump(F.source(F.NB03))),
    "blank03": (F.NB03, lambda: F.dump(exercise_version(F.source(F.NB03)))),
    "partial03": (F.NB03, lambda: F.dump(F.partial03())),
    "source01": (F.NB01, lambda: F.dump(F.source(F.NB01))),
    "blank01": (F.NB01, lambda: F.dump(exercise_version(F.source(F.NB01)))),
    "partial01": (F.NB01, lambda: F.dump(F.partial01())),
    "loop": (F.NB03, lambda: F.dump(F.loop03())),
    "sleep": (F.NB03, lambda: F.dump(F.sleep03())),
    "hang": (F.NB03, lambda: F.dump(F.hang03())),
    "memory": (F.NB03, lambda: F.dump(F.memory03())),
    "crash": (F.NB03, lambda: F.dump(F.crash03())),
    "flood": (F.NB03, lambda: F.dump(F.flood03())),
    "tampered": (F.NB03, lambda: F.dump(F.tampered03())),
    "malformed": (F.NB03, lambda: F.MALFORMED),
    "truncated": (F.NB03, lambda: F.truncated()),
    "empty": (F.NB03, lambda: b""),
    "wrong": (F.NB03, lambda: F.dump(F.wrong_notebook())),
}


def run(*argv) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    subs = root / "submissions"
    for learner, (assignment, build) in SUBMISSIONS.items():
        folder = subs / learner / (assignment if assignment == F.NB01 else "")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{assignment}.ipynb").write_bytes(build())
    course = Course(root / "course")
    args = [str(subs), "-a", "01", "-a", "03", "--workers", "2", "--timeout", str(CELL_TIMEOUT),
            "--notebook-timeout", "150", "--memory-limit", "1G", "--course-dir", str(course.root)]
    output = run("grade", *args)
    return {"course": course, "output": output, "args": args, "subs": subs}


def rec(batch, learner, assignment=F.NB03) -> records.Record:
    found = records.load(batch["course"], learner, assignment)
    assert found is not None, f"no record for {learner}"
    return found


def results(record) -> dict:
    return {e["name"]: (e["score"], e["result"]) for e in record.exercises}


def graded_copy(batch, learner, assignment=F.NB03):
    return nbformat.read(batch["course"].path("autograded", learner, assignment), as_version=4)


# -- the round trip -----------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", [F.NB01, F.NB03])
def test_source_as_submission_gets_full_marks(batch, assignment):
    r = rec(batch, "source" + assignment[:2], assignment)
    assert r.status == "graded" and r.score == r.max_score == sum(F.points(assignment).values())
    assert all(result == "passed" for _, result in results(r).values())


@pytest.mark.parametrize("assignment", [F.NB01, F.NB03])
def test_blank_exercise_version_gets_zero_not_attempted(batch, assignment):
    r = rec(batch, "blank" + assignment[:2], assignment)
    assert r.status == "graded" and r.score == 0
    assert results(r) == {name: (0.0, "not attempted") for name in F.points(assignment)}


@pytest.mark.parametrize("assignment, right, wrong", [
    (F.NB03, F.PARTIAL03_RIGHT, F.PARTIAL03_WRONG), (F.NB01, F.PARTIAL01_RIGHT, F.PARTIAL01_WRONG)])
def test_partly_right_gets_exactly_the_points_of_its_right_exercises(batch, assignment, right, wrong):
    r = rec(batch, "partial" + assignment[:2], assignment)
    pts = F.points(assignment)
    assert r.score == sum(pts[name] for name in right)
    for name, (score, result) in results(r).items():
        if name in right:
            assert (score, result) == (pts[name], "passed")
        elif name in wrong:
            assert score == 0 and result.startswith("failed: CheckFailed:") and "wrong values" in result
        else:
            assert (score, result) == (0, "not attempted")


def test_gradebook_holds_the_points_and_the_reasons(batch):
    course = batch["course"]
    with course.gradebook() as gb:
        for learner in ("source03", "partial03", "blank03", "loop", "empty"):
            r = rec(batch, learner)
            assert gb.find_submission(F.NB03, learner).score == r.score
        comment = gb.find_comment("L_model_forward", F.NB03, F.NB03, "partial03")
        assert comment.auto_comment == "not attempted"
        assert gb.find_grade("test_linear_forward", F.NB03, F.NB03, "partial03").auto_score == 1


def test_learners_without_a_notebook_are_missing(batch):
    r = rec(batch, "source03", F.NB01)
    assert (r.status, r.score, r.reason) == ("missing", 0, "no notebook submitted")


def test_summary_table_and_progress_are_printed(batch):
    out = batch["output"]
    assert "grading 34 submission(s) with 2 worker(s)" in out
    assert "[34/34]" in out
    assert f"{F.NB03}: ex1 = initialize_parameters (1)" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert rows["source03"].split()[-2:] == ["16/16", "graded"]
    assert rows["partial03"].split()[1:11] == ["1", "1", "1", "0", "0", "1", "0", "0", "0", "1"]
    assert "empty file: the submitted file is empty" in rows["empty"]


# -- robustness ---------------------------------------------------------------------------------------


def only_loss(record, name, full=16.0):
    """Everything passed but ``name``; returns its result."""
    res = results(record)
    assert all(result == "passed" for other, (_, result) in res.items() if other != name), res
    assert res[name][0] == 0 and record.score == full - F.points(F.NB03)[name]
    return res[name][1]


def test_infinite_loop_times_out_and_grading_goes_on(batch):
    r = rec(batch, "loop")
    result = only_loss(r, "initialize_parameters")
    assert result == f"timed out: `check_initialize_parameters` did not finish within {CELL_TIMEOUT} s"
    assert r.status == "graded"  # the cells after the loop ran
    test = next(c for c in graded_copy(batch, "loop").cells if F.gid(c) == "test_initialize_parameters")
    assert test.metadata.autograde["status"] == "timeout"
    assert [o.ename for o in test.outputs if o.output_type == "error"][-1] == "CellTimeoutError"


def test_sleeping_solution_cell_times_out(batch):
    result = only_loss(rec(batch, "sleep"), "initialize_parameters_deep")
    assert result == f"timed out: `initialize_parameters_deep` did not finish within {CELL_TIMEOUT} s"


def test_hanging_kernel_is_killed_and_its_tests_score_zero(batch):
    r = rec(batch, "hang")
    res = results(r)
    pts = F.points(F.NB03)
    before = ["initialize_parameters", "initialize_parameters_deep", "linear_forward", "linear_activation_forward",
              "L_model_forward"]
    assert r.score == sum(pts[n] for n in before) and r.status == "incomplete"
    assert res["compute_cost"] == (0, f"timed out: `check_compute_cost` did not finish within {CELL_TIMEOUT} s")
    for name in ("linear_backward", "linear_activation_backward", "L_model_backward", "update_parameters"):
        assert res[name] == (0, "not run: the kernel stopped responding after a timeout and was stopped")


def test_memory_hog_is_stopped_by_the_memory_limit(batch):
    result = only_loss(rec(batch, "memory"), "initialize_parameters")
    assert result.startswith("memory limit exceeded: Unable to allocate")
    assert rec(batch, "source03").score == 16  # graded alongside, unaffected


def test_dead_kernel_loses_the_rest_only(batch):
    r = rec(batch, "crash")
    result = only_loss(r, "update_parameters")
    assert result.startswith("kernel died while running `check_update_parameters`")
    assert r.status == "incomplete"


def test_deleted_edited_moved_tests_are_restored_before_grading(batch):
    r = rec(batch, "tampered")
    res = results(r)
    assert r.score == 14 and res["compute_cost"][1].startswith("failed: CheckFailed: cost on 9 examples")
    assert res["update_parameters"][1].startswith("failed: CheckFailed: updated parameters")
    assert res["initialize_parameters"] == (1, "passed")  # its test cell was moved above the setup cell
    assert res["initialize_parameters_deep"] == (1, "passed")  # not 50 points
    assert set(r.notes) >= {
        "`test_initialize_parameters` was moved: put back in its place",
        "`test_initialize_parameters_deep`'s grading metadata was changed: restored from the source",
        "`test_compute_cost` was edited: restored from the source",
        "`test_update_parameters` was deleted: restored from the source"}


@pytest.mark.parametrize("learner, status, reason", [
    ("malformed", "malformed", "not a readable notebook: invalid JSON"),
    ("truncated", "malformed", "not a readable notebook: truncated"),
    ("empty", "empty file", "the submitted file is empty"),
    ("wrong", "wrong notebook", f"this is not {F.NB03}: it looks like {F.NB01}"),
])
def test_unreadable_or_wrong_notebooks_get_zero_and_a_reason(batch, learner, status, reason):
    r = rec(batch, learner)
    assert r.status == status and r.reason.startswith(reason) and r.score == 0
    assert all(result == r.reason for _, result in results(r).values())
    assert not batch["course"].path("autograded", learner, F.NB03).exists()
    assert batch["course"].path("submitted", learner, F.NB03).exists()  # collected as submitted


def test_output_flood_is_truncated_in_the_graded_copy(batch):
    r = rec(batch, "flood")
    assert r.score == 16 and "cell `test_initialize_parameters`: output truncated" in r.notes
    path = batch["course"].path("autograded", "flood", F.NB03)
    assert path.stat().st_size < 3_000_000  # 3 MB lines and 200,000 printed lines per call
    for cell in graded_copy(batch, "flood").cells:
        text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")
        assert text.count("\n") <= 1000
    test = next(c for c in graded_copy(batch, "flood").cells if F.gid(c) == "test_initialize_parameters")
    assert "Output truncated" in "".join(o.get("text", "") for o in test.outputs)


# -- export and feedback ------------------------------------------------------------------------------


def test_export_writes_grades_csv(batch):
    course = batch["course"]
    out = run("export", "--course-dir", str(course.root))
    path = course.root / "grades.csv"
    assert f"wrote {path}" in out
    with open(path) as f:
        table = {(row["learner"], row["assignment"]): row for row in csv.DictReader(f)}
    assert len(table) == 2 * len(SUBMISSIONS)
    src = table[("source03", F.NB03)]
    assert (src["total"], src["max_score"], src["status"]) == ("16", "16", "graded")
    assert src["L_model_backward"] == "3" and src["sigmoid"] == ""  # an exercise of the other notebook
    partial = table[("partial01", F.NB01)]
    assert partial["total"] == "3" and "optimize: not attempted" in partial["notes"]
    assert table[("loop", F.NB03)]["notes"].startswith("initialize_parameters: timed out")
    assert table[("empty", F.NB03)]["status"] == "empty file"
    assert table[("source03", F.NB01)]["status"] == "missing"


def test_feedback_pages_say_what_failed_and_why(batch):
    course = batch["course"]
    out = run("feedback", "--course-dir", str(course.root))
    assert f"wrote {2 * len(SUBMISSIONS)} feedback page(s)" in out
    page = course.path("feedback", "partial03", F.NB03, ".html").read_text()
    assert "Grade: 5 / 16" in page and "not attempted" in page
    assert "sigmoid layer output has wrong values" in page
    assert "default_rng(3107)" not in page and "BEGIN HIDDEN TESTS" not in page  # hidden tests stay hidden
    page = course.path("feedback", "tampered", F.NB03, ".html").read_text()
    assert "was deleted: restored from the source" in page
    page = course.path("feedback", "empty", F.NB03, ".html").read_text()
    assert "could not be graded" in page and "the submitted file is empty" in page


# -- re-running ---------------------------------------------------------------------------------------


def test_rerun_is_idempotent(batch):
    course = batch["course"]
    before = {p: p.read_text() for p in (course.root / "records").glob("*/*.json")}
    out = run("grade", *batch["args"])
    assert "34 submission(s) already graded and unchanged: skipped" in out and "grading " not in out
    assert {p: p.read_text() for p in (course.root / "records").glob("*/*.json")} == before
    assert "16/16  graded" in out  # the summary still shows every grade


def test_a_changed_submission_is_regraded(batch):
    course = batch["course"]
    (batch["subs"] / "empty" / f"{F.NB03}.ipynb").write_bytes(F.dump(F.source(F.NB03)))
    out = run("grade", *batch["args"])
    assert "33 submission(s) already graded and unchanged" in out and "grading 1 submission(s)" in out
    r = rec(batch, "empty")
    assert (r.status, r.score) == ("graded", 16)
    with course.gradebook() as gb:
        assert gb.find_submission(F.NB03, "empty").score == 16
    assert json.loads(course.record_path("empty", F.NB03).read_text())["submission_sha"] == r.submission_sha
