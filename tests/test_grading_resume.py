"""An interrupted ``course grade`` loses no finished grade, and the next run resumes."""

import contextlib
import io
import signal
import subprocess
import sys
import time

import grading_fixtures as F
import nbformat

from course_utils.__main__ import main
from course_utils.config import REPO_DIR
from course_utils.grading import records
from course_utils.grading.course import Course


def test_interrupted_batch_keeps_finished_grades_and_resumes(tmp_path):
    subs, course = tmp_path / "submissions", Course(tmp_path / "course")
    slow = F.source(F.NB03)
    slow.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(8)  # a slow learner cell"))
    for learner, nb in (("a", F.source(F.NB03)), ("b", slow), ("c", F.source(F.NB03))):
        (subs / learner).mkdir(parents=True)
        (subs / learner / f"{F.NB03}.ipynb").write_bytes(F.dump(nb))
    args = ["grade", str(subs), "-a", "03", "--workers", "1", "--timeout", "60", "--course-dir", str(course.root)]
    proc = subprocess.Popen([sys.executable, "-m", "course_utils", *args], cwd=REPO_DIR, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    first = course.record_path("a", F.NB03)
    deadline = time.monotonic() + 240
    while not first.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert first.exists(), proc.communicate(timeout=60)[0] if proc.poll() is not None else "no record in time"
    time.sleep(1.0)  # b is running (it sleeps 8 s)
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    output = proc.communicate(timeout=60)[0]
    assert proc.returncode == 130, output
    assert "interrupted: the grades finished so far are saved" in output
    assert not course.record_path("c", F.NB03).exists()
    kept = first.read_text()
    assert records.load(course, "a", F.NB03).score == 16
    with course.gradebook() as gb:  # committed to nbgrader's gradebook too
        assert gb.find_submission(F.NB03, "a").score == 16

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0
    assert "1 submission(s) already graded and unchanged: skipped" in out.getvalue()
    assert "grading 2 submission(s)" in out.getvalue()
    assert first.read_text() == kept  # not graded again
    for learner in "abc":
        assert records.load(course, learner, F.NB03).score == 16
    assert not any(p.name.startswith(".") for p in (course.root / "autograded").rglob("*.ipynb"))


def test_a_worker_that_outlives_the_notebook_cap_is_killed(tmp_path, monkeypatch):
    import psutil

    from course_utils.grading import batch
    from course_utils.grading.limits import Limits

    # The worker enforces the 60 s caps itself; a margin of -57 s makes the batch's outer guard fire at 3 s,
    # while the submission is still sleeping, so only the outer kill can end this run (no race with the worker).
    monkeypatch.setattr(batch, "HARD_MARGIN_S", -57)
    subs, course = tmp_path / "submissions", Course(tmp_path / "course")
    (subs / "a").mkdir(parents=True)
    (subs / "a" / f"{F.NB03}.ipynb").write_bytes(F.dump(F.sleep03()))
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    t0 = time.monotonic()
    recs = batch.grade(subs, course, ["03"], limits=Limits(cell_timeout=60, notebook_timeout=60),
                       echo=lambda *a: None, progress=False)
    assert time.monotonic() - t0 < 30
    (r,) = recs
    assert r.status == "incomplete" and r.score == 0
    assert r.reason == "timed out: grading took longer than the notebook cap of 60 s and was stopped"
    with course.gradebook() as gb:
        assert gb.find_submission(F.NB03, "a").score == 0
    time.sleep(0.5)
    left = [p for p in psutil.Process().children(recursive=True)
            if p.pid not in before and "ipykernel" in " ".join(p.cmdline())]
    assert not left  # the worker's kernel went with it


def test_ctrl_c_caught_by_library_code_still_stops_the_batch(tmp_path, monkeypatch):
    # A Ctrl-C that arrives while a submission is being prepared, inside library code that catches
    # KeyboardInterrupt (simulated here), must still stop the batch before the next submission.
    import os

    import pytest

    from course_utils.grading import batch

    real_prepare = batch.prepare_submission

    def prepare(data, assignment, learner, *args, **kwargs):
        if learner == "b":
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.5)
            except KeyboardInterrupt:                         # what a careless library does
                pass
        return real_prepare(data, assignment, learner, *args, **kwargs)

    monkeypatch.setattr(batch, "prepare_submission", prepare)
    subs, course = tmp_path / "submissions", Course(tmp_path / "course")
    for learner in "abc":
        (subs / learner).mkdir(parents=True)
        (subs / learner / f"{F.NB03}.ipynb").write_bytes(F.dump(F.source(F.NB03)))
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        batch.grade(subs, course, ["03"], echo=lambda *a: None, progress=False)
    assert records.load(course, "a", F.NB03).score == 16
    assert not course.record_path("b", F.NB03).exists() and not course.record_path("c", F.NB03).exists()
    assert signal.getsignal(signal.SIGINT) is before          # the handler is put back
