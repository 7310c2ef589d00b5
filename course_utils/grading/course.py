"""The nbgrader course directory that grading works in, and its gradebook.

nbgrader's standard layout, under ``--course-dir`` (default ``grading/``,
git-ignored)::

    gradebook.db                                          nbgrader's SQLite gradebook
    source/<assignment>/<assignment>.ipynb                copy of notebooks/<assignment>.ipynb
    release/<assignment>/<assignment>.ipynb               nbgrader's release (exercise) version
    submitted/<learner>/<assignment>/<assignment>.ipynb   the submission, as collected
    autograded/<learner>/<assignment>/<assignment>.ipynb  the graded copy (hidden tests, outputs)
    feedback/<learner>/<assignment>/<assignment>.html     the learner's feedback page
    records/<learner>/<assignment>.json                   what grading found (hashes, status, reasons)
    grades.csv                                            written by ``course export``

One assignment per source notebook: its id is the notebook's stem
(``03_deep_nn_step_by_step``) and it holds one notebook of the same name.
The gradebook is filled by nbgrader's own ``GenerateAssignment`` converter, with
the same configuration as ``course release`` (:func:`course_utils.release.nbgrader_config`),
so the checksums of the blank solution cells it stores are those of the
exercise version handed out.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import config

DEFAULT_COURSE_DIR = config.REPO_DIR / "grading"
COURSE_ID = "default_course"  # nbgrader's default course id


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def quiet_logger() -> logging.Logger:
    """A silent logger for nbgrader's converters and preprocessors (what matters goes into the records)."""
    log = logging.getLogger("course_utils.grading.nbgrader")
    log.setLevel(logging.CRITICAL)
    return log


def _alembic_on_path() -> None:
    """nbgrader runs the ``alembic`` command when it creates a gradebook: find the one beside this Python."""
    if shutil.which("alembic") is None and (Path(sys.executable).parent / "alembic").exists():
        os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: the function ``name``, scored by its hidden-tests cell ``grade_id``."""

    name: str
    grade_id: str
    points: float
    solution_id: str | None  # the solution cell of the function, when the notebook has one


@dataclass
class Assignment:
    name: str
    source: nbformat.NotebookNode  # the full source (solutions, hidden tests)
    source_sha: str
    exercises: list[Exercise] = field(default_factory=list)

    @property
    def max_score(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def number(self) -> str:
        return self.name.split("_", 1)[0]


def exercises_of(nb) -> list[Exercise]:
    """The graded exercises of a source notebook, in notebook order."""
    solutions = {grade_id(c) for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}
    found = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            gid = meta["grade_id"]
            name = gid[len("test_"):] if gid.startswith("test_") else gid
            found.append(Exercise(name, gid, float(meta.get("points", 0)), name if name in solutions else None))
    return found


class Course:
    """An nbgrader course directory (created on first use)."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root).expanduser().resolve() if root else DEFAULT_COURSE_DIR
        self._assignments: dict[str, Assignment] = {}

    def __repr__(self):
        return f"Course({str(self.root)!r})"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"

    def gradebook(self):
        """nbgrader's gradebook; use as a context manager (``with course.gradebook() as gb``)."""
        from nbgrader.api import Gradebook

        self.root.mkdir(parents=True, exist_ok=True)
        _alembic_on_path()
        # nbgrader's update_or_create_submission trips a harmless SQLAlchemy autoflush warning
        warnings.filterwarnings("ignore", message=".*not in session.*")
        return Gradebook(self.db_url, COURSE_ID)

    def coursedir(self, assignment_id: str = "", student_id: str = "*"):
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(root=str(self.root), course_id=COURSE_ID, db_url=self.db_url,
                               assignment_id=assignment_id, student_id=student_id, log=quiet_logger())

    def path(self, step: str, learner: str, assignment: str, suffix: str = ".ipynb") -> Path:
        """``<root>/<step>/<learner>/<assignment>/<assignment><suffix>`` (nbgrader's layout)."""
        return self.root / step / learner / assignment / f"{assignment}{suffix}"

    def record_path(self, learner: str, assignment: str) -> Path:
        return self.root / "records" / learner / f"{assignment}.json"

    # -- assignments ----------------------------------------------------------------------------

    @staticmethod
    def resolve(name: str) -> str:
        """The assignment id for ``name``: a number (``03``), a stem or a notebook path."""
        from ..release import source_notebooks

        found = source_notebooks([name])  # SystemExit with the available names when unknown
        if len(found) != 1:
            raise SystemExit(f"{name!r} matches several notebooks: {', '.join(p.stem for p in found)}")
        return found[0].stem

    def assignment_id(self, name: str) -> str:
        """Like :meth:`resolve`, also knowing the assignments already in the gradebook."""
        known = self.known_assignments()
        if name.isdigit():
            name = f"{int(name):02d}"
        if name in known:
            return name
        numbered = [k for k in known if k.split("_", 1)[0] == name]
        return numbered[0] if len(numbered) == 1 else self.resolve(name)  # resolve: a clear error

    def known_assignments(self) -> list[str]:
        """Every assignment of the course: the source notebooks and those already in the gradebook."""
        from ..release import source_notebooks

        names = {p.stem for p in source_notebooks()}
        if (self.root / "gradebook.db").exists():
            with self.gradebook() as gb:
                names.update(a.name for a in gb.assignments)
        return sorted(names)

    def prepare(self, name: str) -> Assignment:
        """Copy the source notebook into the course and (re)generate the assignment when it changed.

        nbgrader's ``GenerateAssignment`` writes ``release/`` and stores the assignment, its
        notebook and its grade, solution and locked cells in the gradebook.
        """
        if name in self._assignments:
            return self._assignments[name]
        from ..release import source_notebooks

        matches = [p for p in source_notebooks() if p.stem == name]
        dest = self.path("source", ".", name).resolve()
        if matches:
            data = matches[0].read_bytes()
        elif dest.exists():  # a notebook that is no longer in notebooks/: grade with the copy
            data = dest.read_bytes()
        else:
            raise SystemExit(f"no source notebook for assignment {name!r}")
        released = self.path("release", ".", name).resolve()
        with self.gradebook() as gb:
            in_gradebook = name in {a.name for a in gb.assignments}
        if not (dest.exists() and dest.read_bytes() == data and released.exists() and in_gradebook):
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            self._generate(name)
        source = nbformat.reads(data.decode("utf-8"), as_version=4)
        assignment = Assignment(name, source, sha256(data), exercises_of(source))
        self._assignments[name] = assignment
        return assignment

    def _generate(self, name: str) -> None:
        from nbgrader.converters import GenerateAssignment

        from ..release import nbgrader_config

        released = self.root / "release" / name
        if released.exists():
            shutil.rmtree(released)
        converter = GenerateAssignment(coursedir=self.coursedir(assignment_id=name), config=nbgrader_config(),
                                       force=True, log=quiet_logger())
        converter.start()
