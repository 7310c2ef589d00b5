"""Put a graded submission into nbgrader's gradebook and say why each point was lost.

The points come from nbgrader's own ``SaveAutoGrades`` (a hidden-tests cell
scores 0 when it has an error or writes to stderr, full points otherwise).
:func:`exercise_result` adds the reason, in this order: passed; not attempted
(the solution cell is still the released stub); timed out or kernel died (in
the exercise's solution, check or tests cell); not run (notebook time limit,
dead or stuck kernel); memory limit exceeded; not attempted (the function
raises ``NotImplementedError``); failed, with the error's first line. The
reason is also stored as the solution cell's ``auto_comment`` in the gradebook,
where nbgrader's formgrader shows it. Scores read back from the gradebook
include a grader's manual override, if any.
"""

from __future__ import annotations

import re

from .autograde import TIMEOUT_ENAME, status_of
from .course import grade_id, quiet_logger

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
UNFINISHED = re.compile(r"`(\w+)` is not implemented yet")


def _first_line(text: str, limit: int = 240) -> str:
    text = ANSI.sub("", text or "").strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _unchanged(cell) -> bool:
    from nbgrader import utils

    checksum = cell.metadata.get("nbgrader", {}).get("checksum")
    return bool(checksum) and utils.compute_checksum(cell) == checksum


def spans(nb, exercises) -> dict[str, list]:
    """The cells of each exercise: those after the previous exercise's tests cell, up to its own."""
    tests = {e.grade_id for e in exercises}
    found, current = {}, []
    for i, cell in enumerate(nb.cells):
        current.append((i, cell))
        if grade_id(cell) in tests:
            found[grade_id(cell)] = current
            current = []
    return found


def exercise_result(exercise, cells: dict, score: float, span=()) -> str:
    """Why ``exercise`` got ``score``: ``"passed"`` or the reason of the loss.

    ``span``: the ``(index, cell)`` pairs of the exercise (markdown, solution,
    check, tests); a timeout or a dead kernel in any of them is the reason.
    """
    if score >= exercise.points:
        return "passed"
    test = cells.get(exercise.grade_id)
    if test is None:
        return "not run: the tests cell is missing"
    solution = cells.get(exercise.solution_id) if exercise.solution_id else None
    if solution is not None and _unchanged(solution):
        return "not attempted"
    for _, cell in span:  # the exercise's own cells: solution, check, tests (the learner's are in the notes)
        st = status_of(cell)
        if not grade_id(cell):
            continue
        if st["status"] == "timeout":
            return f"timed out: `{grade_id(cell)}` {st['detail'].removeprefix('timed out: ')}"
        if st["status"] == "died":
            hint = st["detail"][st["detail"].find("("):] if "(" in st["detail"] else ""
            return f"kernel died while running `{grade_id(cell)}` {hint}".rstrip()
    st = status_of(test)
    if st["status"] == "not run":
        return f"not run: {st['detail']}"
    errors = [o for o in test.get("outputs", []) if o.get("output_type") == "error"]
    err = errors[0] if errors else None
    if err is not None and "MemoryError" in err.get("ename", ""):
        return f"memory limit exceeded: {_first_line(err.get('evalue', '')) or err['ename']}"
    if err is not None and err.get("ename") == "NotImplementedError":
        m = UNFINISHED.search(ANSI.sub("", " ".join(err.get("traceback", []))))
        if m is None or m.group(1) == exercise.name:
            return "not attempted"
        return f"failed: it uses `{m.group(1)}`, which is not attempted"
    if err is not None and err.get("ename") == TIMEOUT_ENAME:
        return _first_line(err.get("evalue", "")) or "timed out"
    if err is not None:
        return f"failed: {err.get('ename')}: {_first_line(err.get('evalue', ''))}".rstrip(": ")
    stderr = [o for o in test.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    if stderr:
        return f"failed: wrote to stderr: {_first_line(stderr[0].get('text', ''))}"
    if score > 0:
        return "partial credit"
    return "failed"


def _resources(assignment: str, learner: str, db_url: str) -> dict:
    return {"nbgrader": {"notebook": assignment, "assignment": assignment, "student": learner, "db_url": db_url}}


def _ensure_submission(course, assignment: str, learner: str) -> None:
    with course.gradebook() as gb:
        gb.update_or_create_student(learner)
        gb.update_or_create_submission(assignment, learner)


def record_graded(course, assignment, learner: str, nb) -> list[dict]:
    """Save the autograded scores of ``nb`` (nbgrader's ``SaveAutoGrades``); the per-exercise results."""
    from nbgrader.preprocessors import SaveAutoGrades

    _ensure_submission(course, assignment.name, learner)
    SaveAutoGrades(log=quiet_logger()).preprocess(nb, _resources(assignment.name, learner, course.db_url))
    cells = {grade_id(c): c for c in nb.cells if grade_id(c)}
    by_exercise = spans(nb, assignment.exercises)
    results = []
    with course.gradebook() as gb:
        for ex in assignment.exercises:
            grade = gb.find_grade(ex.grade_id, assignment.name, assignment.name, learner)
            if ex.grade_id not in cells:  # cannot happen after restore_structure; never full marks
                grade.auto_score, grade.needs_manual_grade = 0.0, False
            gb.db.commit()
            score = float(grade.score)
            result = exercise_result(ex, cells, score, by_exercise.get(ex.grade_id, ()))
            _comment(gb, assignment.name, learner, ex, None if result == "passed" else result)
            results.append({"name": ex.name, "score": score, "max_score": ex.points, "result": result})
        gb.db.commit()
    return results


def record_failure(course, assignment, learner: str, reason: str) -> list[dict]:
    """A submission that could not be graded: 0 for every exercise in the gradebook, with the reason."""
    _ensure_submission(course, assignment.name, learner)
    results = []
    with course.gradebook() as gb:
        for ex in assignment.exercises:
            grade = gb.find_grade(ex.grade_id, assignment.name, assignment.name, learner)
            grade.auto_score, grade.needs_manual_grade = 0.0, False
            gb.db.commit()
            _comment(gb, assignment.name, learner, ex, reason)
            results.append({"name": ex.name, "score": float(grade.score), "max_score": ex.points, "result": reason})
        gb.db.commit()
    return results


def record_missing(course, learner: str) -> None:
    with course.gradebook() as gb:
        gb.update_or_create_student(learner)


def _comment(gb, assignment: str, learner: str, exercise, text: str | None) -> None:
    if not exercise.solution_id:
        return
    comment = gb.find_comment(exercise.solution_id, assignment, assignment, learner)
    comment.auto_comment = text
