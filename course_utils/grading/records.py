"""One record per graded submission: ``<course>/records/<learner>/<assignment>.json``.

The gradebook holds the points; the record holds what the gradebook has no
place for — the submission's and the source's hashes (a re-run skips a
submission whose record matches both), the submission's status, the reason of
every lost point and the notes on what was repaired. It is written atomically
after the grade is committed to the gradebook, so an interrupted batch loses
no finished grade and a record always describes a committed grade.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

# statuses a submission can end in; all but RETRY are final (a re-run skips them when nothing changed)
GRADED, INCOMPLETE = "graded", "incomplete"
EMPTY, MALFORMED, WRONG, MISSING = "empty file", "malformed", "wrong notebook", "missing"
RETRY = "grader error"


@dataclass
class Record:
    learner: str
    assignment: str
    status: str
    score: float
    max_score: float
    exercises: list[dict] = field(default_factory=list)  # {"name", "score", "max_score", "result"}
    reason: str = ""  # why the whole submission got no grade (empty, malformed, …)
    notes: list[str] = field(default_factory=list)  # what was repaired or cut
    submission: str = ""  # the file graded, as found in the submissions folder
    submission_sha: str | None = None
    source_sha: str = ""
    graded_at: str = ""
    seconds: float = 0.0

    @property
    def final(self) -> bool:
        return self.status != RETRY

    def summary(self) -> str:
        """Short text of what was lost: ``"sigmoid: timed out; propagate: not attempted"``."""
        if self.reason:
            return self.reason
        return "; ".join(f"{e['name']}: {e['result']}" for e in self.exercises if e["result"] != "passed")


def save(course, record: Record) -> None:
    path = course.record_path(record.learner, record.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(record), indent=1, sort_keys=True))
    os.replace(tmp, path)


def load(course, learner: str, assignment: str) -> Record | None:
    return load_path(course.record_path(learner, assignment))


def load_path(path) -> Record | None:
    try:
        return Record(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def all_records(course, assignments=None) -> list[Record]:
    found = []
    for path in sorted((course.root / "records").glob("*/*.json")):
        if assignments and path.stem not in assignments:
            continue
        record = load(course, path.parent.name, path.stem)
        if record is not None:
            found.append(record)
    return found
