"""Helpers for writing source notebooks with the course's anatomy (DESIGN §3).

For maintainers. A notebook can be written in JupyterLab (set the nbgrader
cell metadata by hand) or built with :class:`NotebookBuilder`::

    b = NotebookBuilder()
    b.md("# Title")
    b.setup("import numpy as np\\nimport course_utils\\ncourse_utils.setup()")
    b.exercise("sigmoid", solution_code, check="check_sigmoid(sigmoid)",
               hidden="assert ...", points=1)
    b.write("notebooks/01_logistic_regression.ipynb")

:func:`anatomy_problems` lists what a notebook breaks of the anatomy; the
tests run it on every source notebook.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import nbformat

from .runner import KERNELSPEC

CHECK_TAG = "nbval-check-output"
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _src(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def _nbgrader(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


class NotebookBuilder:
    def __init__(self):
        self.nb = nbformat.v4.new_notebook()
        self.nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})

    def md(self, text: str, grade_id: str | None = None):
        meta = _nbgrader(grade_id, locked=True) if grade_id else {}
        self.nb.cells.append(nbformat.v4.new_markdown_cell(_src(text), metadata=meta))
        return self

    def code(self, text: str, tags=(), grade_id: str | None = None):
        meta = {}
        if tags:
            meta["tags"] = list(tags)
        if grade_id:
            meta.update(_nbgrader(grade_id, locked=True))
        self.nb.cells.append(nbformat.v4.new_code_cell(_src(text), metadata=meta))
        return self

    def setup(self, text: str):
        return self.code(text, grade_id="setup")

    def solution(self, grade_id: str, text: str):
        if BEGIN_SOLUTION not in text or END_SOLUTION not in text:
            raise ValueError(f"solution cell {grade_id!r} needs {BEGIN_SOLUTION!r} and {END_SOLUTION!r}")
        self.nb.cells.append(nbformat.v4.new_code_cell(_src(text), metadata=_nbgrader(grade_id, solution=True)))
        return self

    def check(self, text: str, grade_id: str):
        return self.code(text, tags=(CHECK_TAG,), grade_id=grade_id)

    def hidden_tests(self, grade_id: str, hidden: str, points: int = 1, visible: str | None = None):
        name = grade_id.removeprefix("test_")
        visible = _src(visible) if visible else f"# Hidden tests for `{name}` run when your notebook is graded."
        text = f"{visible}\n{BEGIN_HIDDEN}\n{_src(hidden)}\n{END_HIDDEN}"
        cell = nbformat.v4.new_code_cell(text, metadata=_nbgrader(grade_id, grade=True, locked=True, points=points))
        self.nb.cells.append(cell)
        return self

    def exercise(self, name: str, solution: str, hidden: str, points: int = 1, check: str | None = None):
        """Solution cell, public check cell and hidden-tests cell of one graded function."""
        self.solution(name, solution)
        self.check(check or f"check_{name}({name})", grade_id=f"check_{name}")
        self.hidden_tests(f"test_{name}", hidden, points=points)
        return self

    def write(self, path):
        nbformat.validate(self.nb)
        nbformat.write(self.nb, Path(path))
        return Path(path)


def anatomy_problems(nb) -> list[str]:
    """What ``nb`` breaks of DESIGN §3 (empty when it follows the anatomy)."""
    problems = []
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code or "setup(" not in code[0].source:
        problems.append("the first code cell must call course_utils.setup()")
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    ids = [i for i in ids if i]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        problems.append(f"duplicate grade_id(s): {dupes}")
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "grade_id" in c.metadata.get("nbgrader", {})}
    solutions = [c for c in code if c.metadata.get("nbgrader", {}).get("solution")]
    if not solutions:
        problems.append("no graded exercise (nbgrader solution cell)")
    for cell in solutions:
        gid = cell.metadata["nbgrader"]["grade_id"]
        if BEGIN_SOLUTION not in cell.source or END_SOLUTION not in cell.source:
            problems.append(f"{gid}: solution cell lacks the BEGIN/END SOLUTION markers")
        check = by_id.get(f"check_{gid}")
        if check is None or CHECK_TAG not in check.metadata.get("tags", []):
            problems.append(f"{gid}: no public check cell (grade_id check_{gid}, tag {CHECK_TAG})")
        elif not re.search(r"check_\w+\(", check.source):
            problems.append(f"{gid}: its check cell calls no check_ function")
        test = by_id.get(f"test_{gid}")
        meta = test.metadata.get("nbgrader", {}) if test is not None else {}
        if test is None or not meta.get("grade") or not meta.get("points"):
            problems.append(f"{gid}: no hidden-tests cell with points (grade_id test_{gid})")
        elif BEGIN_HIDDEN not in test.source or END_HIDDEN not in test.source:
            problems.append(f"{gid}: its tests cell has no BEGIN/END HIDDEN TESTS block")
    for cell in code:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"an error output is committed: {out.get('ename')}: {out.get('evalue')}")
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append("a stderr output is committed")
    if not any("What to remember" in c.source for c in nb.cells if c.cell_type == "markdown"):
        problems.append("no 'What to remember' section")
    return problems
