"""``course grade``: every submission of a folder, graded in parallel, resumably.

Submissions folder, one folder per learner::

    SUBMISSIONS_DIR/<learner>/<assignment>.ipynb
    SUBMISSIONS_DIR/<learner>/<assignment>/<assignment>.ipynb   (nbgrader's submitted/ layout)

A notebook belongs to an assignment when it has the assignment's name
(``03_deep_nn_step_by_step.ipynb``), sits in a folder of that name, or its name
starts with the assignment's number (``03_…``, ``03-copy.ipynb``); when one
assignment is asked for, a learner's only notebook is taken whatever its name
(a wrong one is then recorded as "wrong notebook").

Each submission is copied to ``submitted/``, sanitized here (see
:mod:`.sanitize`), executed in a worker process forked from a server that has
already imported the grader (``multiprocessing`` "forkserver": no start-up cost
per submission), then scored here: only this process writes the gradebook.
Up to ``workers`` submissions run at once. A worker that outlives the
notebook cap by two minutes is killed with its kernel.

Resumable and idempotent: each finished submission is committed to the
gradebook and then its record written (:mod:`.records`) before the next one
is scored; a re-run skips every submission whose file and source notebook
have the hashes of its record (``force`` regrades them).
"""

from __future__ import annotations

import fcntl
import multiprocessing
import re
import signal
import sys
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from multiprocessing.connection import wait
from pathlib import Path

import nbformat

from . import records, scoring
from .autograde import kill_tree
from .course import Course, sha256
from .limits import Limits
from .sanitize import SubmissionProblem, prepare_submission

NUMBER = re.compile(r"^(\d{2})(?!\d)")
HARD_MARGIN_S = 120  # a worker may take this much longer than the notebook cap (kernel start, writing)


@dataclass
class Job:
    learner: str
    assignment: str
    path: Path | None
    note: str = ""


# -- finding the submissions -----------------------------------------------------------------------


def learner_id(name: str) -> str:
    return re.sub(r"[^\w.@+-]", "_", name)


def _notebooks(learner_dir: Path) -> list[Path]:
    found = [p for p in learner_dir.glob("*.ipynb") if p.is_file()]
    for sub in sorted(learner_dir.iterdir()):
        if sub.is_dir() and not sub.name.startswith("."):
            found += [p for p in sub.glob("*.ipynb") if p.is_file()]
    return [p for p in found if not p.name.startswith(".") and "-checkpoint" not in p.name]


def _rank(path: Path, learner_dir: Path, assignment: str) -> int:
    number = assignment.split("_", 1)[0]
    folder = path.parent.name if path.parent != learner_dir else None
    if path.stem == assignment:
        return 4
    if folder == assignment:
        return 3
    for name in (path.stem, folder):
        m = NUMBER.match(name or "")
        if m and m.group(1) == number:
            return 2 if name == path.stem else 1
    return 0


def discover(submissions_dir: Path, assignments: list[str] | None, known: list[str]) -> tuple[list[Job], list[str]]:
    """The jobs (one per learner and assignment) and warnings about files nobody will grade."""
    submissions_dir = Path(submissions_dir)
    if not submissions_dir.is_dir():
        raise SystemExit(f"{submissions_dir}: no such folder")
    learners = sorted(p for p in submissions_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    found: dict[tuple[str, str], Job] = {}
    warnings = []
    for learner_dir in learners:
        learner = learner_id(learner_dir.name)
        if learner != learner_dir.name:
            warnings.append(f"{learner_dir.name}: graded as learner {learner!r}")
        notebooks = _notebooks(learner_dir)
        used = set()
        for assignment in assignments or known:
            ranked = sorted(((_rank(p, learner_dir, assignment), p.stat().st_mtime, p) for p in notebooks),
                            key=lambda t: (t[0], t[1]), reverse=True)
            ranked = [t for t in ranked if t[0] > 0]
            if not ranked and assignments and len(assignments) == 1 and len(notebooks) == 1 \
                    and not any(_rank(notebooks[0], learner_dir, a) for a in known):
                ranked = [(0, 0, notebooks[0])]
            if ranked:
                path = ranked[0][2]
                note = ""
                if len(ranked) > 1:
                    note = f"{len(ranked)} notebooks matched; graded {path.relative_to(learner_dir)}"
                found[(learner, assignment)] = Job(learner, assignment, path, note)
                used.add(path)
            elif assignments:
                found[(learner, assignment)] = Job(learner, assignment, None)
        for p in notebooks:
            if p not in used and not assignments:
                warnings.append(f"{p.relative_to(submissions_dir)}: matches no assignment, not graded")
    if not assignments:  # every assignment somebody submitted; the others of those learners are missing
        submitted = sorted({a for (_, a) in found})
        for learner_dir in learners:
            for assignment in submitted:
                found.setdefault((learner_id(learner_dir.name), assignment),
                                 Job(learner_id(learner_dir.name), assignment, None))
    return [found[k] for k in sorted(found)], warnings


# -- the batch -------------------------------------------------------------------------------------


def _context():
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["course_utils.grading.autograde"])
    return ctx


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Batch:
    def __init__(self, course: Course, limits: Limits, workers: int = 1, force: bool = False, echo=print,
                 progress: bool | None = None):
        self.course, self.limits, self.workers, self.force, self.echo = course, limits, max(1, workers), force, echo
        self.progress = sys.stderr.isatty() if progress is None else progress
        self._sources = None
        self.graded: list[records.Record] = []
        self.skipped: list[records.Record] = []

    # sources of every assignment, for recognising a wrong notebook
    @property
    def sources(self) -> dict:
        if self._sources is None:
            from ..release import source_notebooks

            self._sources = {}
            for path in source_notebooks():
                try:
                    self._sources[path.stem] = nbformat.read(path, as_version=4)
                except Exception:  # a source notebook being edited: not needed to grade the others
                    continue
            for name, a in self.course._assignments.items():
                self._sources.setdefault(name, a.source)
        return self._sources

    def _up_to_date(self, job: Job, data: bytes | None, assignment) -> records.Record | None:
        if self.force:
            return None
        rec = records.load(self.course, job.learner, job.assignment)
        sha = sha256(data) if data is not None else None
        if rec is None or not rec.final or rec.submission_sha != sha or rec.source_sha != assignment.source_sha:
            return None
        if rec.status != records.MISSING:
            with self.course.gradebook() as gb:
                try:
                    gb.find_submission(job.assignment, job.learner)
                except Exception:  # the gradebook lost it: grade again
                    return None
        return rec

    def _finish(self, job: Job, assignment, status: str, exercises: list[dict], started: float, data, *,
                reason: str = "", notes=()) -> records.Record:
        rec = records.Record(
            learner=job.learner, assignment=job.assignment, status=status,
            score=sum(e["score"] for e in exercises), max_score=assignment.max_score, exercises=exercises,
            reason=reason, notes=[n for n in [job.note, *notes] if n],
            submission=str(job.path) if job.path else "", submission_sha=sha256(data) if data is not None else None,
            source_sha=assignment.source_sha, graded_at=_now(), seconds=round(time.monotonic() - started, 1))
        records.save(self.course, rec)
        self.graded.append(rec)
        return rec

    def _fail(self, job, assignment, status, reason, started, data):
        graded = self.course.path("autograded", job.learner, job.assignment)
        graded.unlink(missing_ok=True)  # no stale graded copy of an earlier version
        if status == records.MISSING:
            scoring.record_missing(self.course, job.learner)
            exercises = [{"name": e.name, "score": 0.0, "max_score": e.points, "result": reason}
                         for e in assignment.exercises]
        else:
            exercises = scoring.record_failure(self.course, assignment, job.learner, reason)
        return self._finish(job, assignment, status, exercises, started, data, reason=reason)

    def _start(self, job: Job, assignment, ctx):
        """Sanitize and launch ``job``; returns the running entry, or None when it finished here."""
        started = time.monotonic()
        if job.path is None:
            self._fail(job, assignment, records.MISSING, "no notebook submitted", started, None)
            return None
        try:
            data = job.path.read_bytes()
        except OSError as exc:  # removed or unreadable since it was found
            self._fail(job, assignment, records.MISSING, f"the file cannot be read ({exc.strerror})", started, None)
            return None
        submitted = self.course.path("submitted", job.learner, job.assignment)
        submitted.parent.mkdir(parents=True, exist_ok=True)
        if not submitted.exists() or submitted.read_bytes() != data:
            submitted.write_bytes(data)
        try:
            nb, notes = prepare_submission(data, assignment, job.learner, self.course.db_url, self.sources)
        except SubmissionProblem as problem:
            self._fail(job, assignment, problem.status, problem.reason, started, data)
            return None
        except Exception as exc:  # a failure of the grader: recorded, retried by the next run
            self._fail(job, assignment, records.RETRY, f"grader error: {exc.__class__.__name__}: {exc}",
                       started, data)
            return None
        graded = self.course.path("autograded", job.learner, job.assignment)
        graded.parent.mkdir(parents=True, exist_ok=True)
        for old in graded.parent.glob(f".{graded.name}.*"):
            old.unlink(missing_ok=True)
        out = graded.with_name(f".{graded.name}.{int(time.time() * 1000)}.ipynb")
        from .autograde import run_job

        solution_of = {e.grade_id: e.solution_id for e in assignment.exercises if e.solution_id}
        job_spec = {"notebook": nb, "out": str(out), "cwd": str(graded.parent), "limits": asdict(self.limits),
                    "solution_of": solution_of}
        proc = ctx.Process(target=run_job, args=(job_spec,), name=f"grade-{job.learner}-{job.assignment}",
                           daemon=True)
        proc.start()
        return {"proc": proc, "job": job, "assignment": assignment, "out": out, "graded": graded,
                "started": started, "data": data, "notes": notes}

    def _collect(self, run: dict, killed: bool = False) -> records.Record:
        job, assignment, out = run["job"], run["assignment"], run["out"]
        run["proc"].join(timeout=5)
        error = Path(str(out) + ".error")
        if killed or not out.exists():
            detail = error.read_text().strip().splitlines()[-1] if error.exists() else \
                f"worker exit code {run['proc'].exitcode}"
            error.unlink(missing_ok=True)
            if killed:
                reason = (f"timed out: grading took longer than the notebook cap of "
                          f"{self.limits.notebook_timeout} s and was stopped")
                return self._fail(job, assignment, records.INCOMPLETE, reason, run["started"], run["data"])
            # a failure of the grader, not of the learner: recorded, and retried by the next run
            return self._fail(job, assignment, records.RETRY, f"grader error: {detail}", run["started"], run["data"])
        try:
            nb = nbformat.read(out, as_version=4)
            exercises = scoring.record_graded(self.course, assignment, job.learner, nb)
        except Exception as exc:
            return self._fail(job, assignment, records.RETRY, f"grader error: {exc.__class__.__name__}: {exc}",
                              run["started"], run["data"])
        out.replace(run["graded"])
        notes = list(run["notes"]) + _run_notes(nb)
        stopped = any(c.metadata.get("autograde", {}).get("status") in ("not run", "died") for c in nb.cells)
        status = records.INCOMPLETE if stopped else records.GRADED
        return self._finish(job, assignment, status, exercises, run["started"], run["data"], notes=notes)

    def run(self, jobs: list[Job]) -> list[records.Record]:
        with _exclusive(self.course):
            return self._run(jobs)

    def _run(self, jobs: list[Job]) -> list[records.Record]:
        assignments = {name: self.course.prepare(name) for name in sorted({j.assignment for j in jobs})}
        todo = deque()
        for job in jobs:
            data = job.path.read_bytes() if job.path is not None and job.path.exists() else None
            rec = self._up_to_date(job, data, assignments[job.assignment])
            if rec is not None:
                self.skipped.append(rec)
            else:
                todo.append(job)
        if self.skipped:
            self.echo(f"{len(self.skipped)} submission(s) already graded and unchanged: skipped "
                      "(--force regrades them)")
        if not todo:
            return self.skipped
        self.echo(f"grading {len(todo)} submission(s) with {self.workers} worker(s); {self.limits.describe()}")
        bar = _progress(len(todo), self.progress)
        ctx = _context()
        running: list[dict] = []
        hard_limit = self.limits.notebook_timeout + HARD_MARGIN_S
        done = 0
        interrupted = _InterruptFlag()
        try:
            while todo or running:
                interrupted.check()
                while todo and len(running) < self.workers:
                    interrupted.check()
                    job = todo.popleft()
                    run = self._start(job, assignments[job.assignment], ctx)
                    if run is None:
                        done += 1
                        bar(done, self.graded[-1], self.echo)
                    else:
                        running.append(run)
                if not running:
                    continue
                wait([r["proc"].sentinel for r in running], timeout=1.0)
                interrupted.check()           # before collecting: a worker stopped by the same Ctrl-C is no grade
                for run in list(running):
                    alive = run["proc"].is_alive()
                    overdue = alive and time.monotonic() - run["started"] > hard_limit
                    if alive and not overdue:
                        continue
                    if overdue:
                        kill_tree(run["proc"].pid)
                    running.remove(run)
                    rec = self._collect(run, killed=overdue)
                    done += 1
                    bar(done, rec, self.echo)
        except BaseException:
            for run in running:
                kill_tree(run["proc"].pid)
            raise
        finally:
            interrupted.restore()
            bar(None, None, self.echo)
        return self.skipped + self.graded


class _InterruptFlag:
    """Ctrl-C (SIGINT) during a batch, noted by a handler and raised by the batch's own loop.

    Python's default handler raises KeyboardInterrupt wherever the main thread happens to be, and
    library code the batch calls (nbgrader, SQLAlchemy) may catch it there: a Ctrl-C that arrived
    while a submission was being prepared was lost, and the batch went on to the end. The handler
    only sets a flag; :meth:`check` raises KeyboardInterrupt between two steps of the batch (within a
    second: the loop waits for its workers in steps of 1 s). Outside the main thread nothing is
    installed and :meth:`check` does nothing.
    """

    def __init__(self):
        self.set = False
        self.previous = None
        try:
            self.previous = signal.signal(signal.SIGINT, self._note)
        except ValueError:                               # not the main thread
            self.previous = None

    def _note(self, signum, frame):
        self.set = True

    def check(self) -> None:
        if self.set:
            raise KeyboardInterrupt

    def restore(self) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
            self.previous = None


@contextmanager
def _exclusive(course: Course):
    """One ``course grade`` at a time per course directory (a lock file, released on exit or crash)."""
    course.root.mkdir(parents=True, exist_ok=True)
    with open(course.root / ".grade.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise SystemExit(f"another `course grade` is running on {course.root}") from None
        yield


def _run_notes(nb) -> list[str]:
    notes = []
    for i, cell in enumerate(nb.cells):
        st = cell.metadata.get("autograde", {})
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        where = f"cell `{gid}`" if gid else f"cell {i}"
        if st.get("status") == "timeout":
            notes.append(f"{where} {st.get('detail', 'timed out')}")
        elif st.get("status") == "died":
            notes.append(f"{where}: {st.get('detail')}")
        if any("Output truncated" in o.get("text", "") for o in cell.get("outputs", [])
               if o.get("output_type") == "stream"):
            notes.append(f"{where}: output truncated")
    stopped = [c.metadata["autograde"]["detail"] for c in nb.cells
               if c.metadata.get("autograde", {}).get("status") == "not run"]
    if stopped:
        notes.append(f"{len(stopped)} cell(s) not run: {stopped[0]}")
    return notes


def _progress(total: int, use_bar: bool):
    """A callable ``(done, record, echo)``: a tqdm bar on a terminal, one line per submission otherwise."""
    bar = None
    if use_bar:
        try:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="submission", file=sys.stderr, dynamic_ncols=True)
        except ImportError:  # pragma: no cover
            bar = None

    def update(done, rec, echo):
        if done is None:
            if bar is not None:
                bar.close()
            return
        line = (f"{rec.learner} {rec.assignment}: {rec.score:g}/{rec.max_score:g} {rec.status}"
                f" ({rec.seconds:.1f} s)")
        if bar is not None:
            bar.set_postfix_str(line[:60])
            bar.update(1)
        else:
            echo(f"[{done}/{total}] {line}")

    return update


# -- the summary -----------------------------------------------------------------------------------


def summary_table(recs: list[records.Record], course: Course) -> str:
    """Per assignment: one row per learner, the points of each exercise, the total and the status."""
    lines = []
    for assignment in sorted({r.assignment for r in recs}):
        rows = sorted((r for r in recs if r.assignment == assignment), key=lambda r: r.learner)
        exercises = course.prepare(assignment).exercises
        lines.append(f"{assignment}: " + ", ".join(f"ex{i} = {e.name} ({e.points:g})"
                                                   for i, e in enumerate(exercises, 1)))
        width = max([len("learner")] + [len(r.learner) for r in rows])
        cols = [f"ex{i}" for i in range(1, len(exercises) + 1)]
        lines.append(f"  {'learner':<{width}}  " + " ".join(f"{c:>4}" for c in cols) + "   total  status")
        for r in rows:
            by_name = {e["name"]: e for e in r.exercises}
            cells = []
            for e in exercises:
                got = by_name.get(e.name)
                cells.append(f"{got['score']:>4g}" if got else f"{'-':>4}")
            total = f"{r.score:g}/{r.max_score:g}"
            lines.append(f"  {r.learner:<{width}}  " + " ".join(cells) + f"  {total:>6}  {r.status}"
                         + (f": {r.reason}" if r.reason else ""))
        lines.append("")
    return "\n".join(lines).rstrip()


def grade(submissions_dir, course: Course | None = None, assignments=None, workers: int = 1,
          limits: Limits | None = None, force: bool = False, echo=print, progress: bool | None = None):
    """Grade every submission under ``submissions_dir``; returns the records (skipped ones included)."""
    course = course or Course()
    names = [course.assignment_id(a) for a in assignments] if assignments else None
    jobs, warnings = discover(Path(submissions_dir), names, course.known_assignments())
    for w in warnings:
        echo(f"warning: {w}")
    if not jobs:
        echo(f"no submission found in {submissions_dir}")
        return []
    batch = Batch(course, limits or Limits(), workers=workers, force=force, echo=echo, progress=progress)
    return batch.run(jobs)
