"""Run each generated exercise version top to bottom, as a learner who has done nothing.

Every check says "not attempted"; every later cell that needs an unfinished
exercise prints one short line naming it, never a long traceback.
"""

import re

import nbformat
import pytest

from course_utils.authoring import CHECK_TAG
from course_utils.release import exercise_version, source_notebooks
from course_utils.runner import run

NOTEBOOKS = source_notebooks()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_blank_exercise_version(path, tmp_path):
    nb = exercise_version(nbformat.read(path, as_version=4))
    nb, _ = run(nb, tmp_path, fast=True, timeout=600, allow_errors=True)
    names = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("solution")]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        for err in errors:
            lines = [ANSI.sub("", line) for line in err.traceback]
            assert len(lines) == 1, f"long traceback in cell {cell.source[:80]!r}:\n" + "\n".join(lines)
            assert "not implemented yet" in lines[0]
            assert any(f"`{n}`" in lines[0] for n in names), lines[0]
        if CHECK_TAG in cell.metadata.get("tags", []):
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert "not attempted yet" in text and not errors, f"check cell printed {text!r}"
