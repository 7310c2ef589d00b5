"""``course export``: the gradebook as ``grades.csv``.

One row per learner and assignment: ``learner, assignment``, one column per
exercise (the union of the exported assignments' exercises, in notebook
order; empty where an assignment has no such exercise), ``total``,
``max_score``, ``status`` and ``notes`` (the reason of every lost point).
Points come from nbgrader's gradebook, so a grader's manual override in
formgrader counts; status and notes come from the grading records. A learner
in the gradebook who did not submit an assignment gets 0 and "missing".
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat

from . import records
from .course import Course, exercises_of


def _exercises(course: Course, assignment: str):
    path = course.path("source", ".", assignment).resolve()
    if not path.exists():
        return []
    return exercises_of(nbformat.read(path, as_version=4))


def rows(course: Course, assignments=None) -> tuple[list[str], list[dict]]:
    """The CSV header and rows."""
    if not (course.root / "gradebook.db").exists():
        raise SystemExit(f"no gradebook in {course.root}: run `course grade` first")
    with course.gradebook() as gb:
        names = [a.name for a in gb.assignments if not assignments or a.name in assignments]
        learners = sorted(s.id for s in gb.students)
        exercises = {a: _exercises(course, a) for a in names}
        columns = list(dict.fromkeys(e.name for a in names for e in exercises[a]))
        out = []
        for assignment in sorted(names):
            for learner in learners:
                rec = records.load(course, learner, assignment)
                row = {"learner": learner, "assignment": assignment}
                try:
                    nb = gb.find_submission_notebook(assignment, assignment, learner)
                    scores = {g.name: float(g.score) for g in nb.grades}
                except Exception:  # no submission in the gradebook
                    scores = {}
                for e in exercises[assignment]:
                    row[e.name] = f"{scores.get(e.grade_id, 0.0):g}"
                row["total"] = f"{sum(scores.get(e.grade_id, 0.0) for e in exercises[assignment]):g}"
                row["max_score"] = f"{sum(e.points for e in exercises[assignment]):g}"
                if rec is not None:
                    row["status"], row["notes"] = rec.status, rec.summary()
                else:
                    row["status"], row["notes"] = ("graded", "") if scores else (records.MISSING, "")
                out.append(row)
    header = ["learner", "assignment", *columns, "total", "max_score", "status", "notes"]
    return header, out


def export(course: Course | None = None, out: Path | str | None = None, assignments=None) -> Path:
    """Write ``grades.csv`` (default: in the course directory); returns its path."""
    course = course or Course()
    header, table = rows(course, assignments)
    path = Path(out) if out else course.root / "grades.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(table)
    return path
