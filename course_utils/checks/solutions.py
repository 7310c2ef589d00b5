"""Load the reference solutions from a source notebook (for maintainers and tests).

Runs the notebook's setup cell (its first code cell) and every nbgrader
solution cell, in order, in a fresh namespace, and returns that namespace.
Used to compute the checks' expected values and by the unit tests.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import nbformat

from .. import config


def notebook_path(notebook: str) -> Path:
    path = config.NOTEBOOKS_DIR / f"{notebook}.ipynb"
    if not path.exists():
        raise FileNotFoundError(f"source notebook not found: {path} (the solutions live in the repository's "
                                "notebooks/ folder)")
    return path


def solution_cells(nb) -> list[str]:
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code:
        return []
    sources = [code[0].source]
    sources += [c.source for c in code[1:] if c.metadata.get("nbgrader", {}).get("solution")]
    return sources


def load_solutions(notebook: str) -> dict:
    nb = nbformat.read(notebook_path(notebook), as_version=4)
    namespace: dict = {"__name__": f"solutions_{notebook}"}
    with contextlib.redirect_stdout(io.StringIO()):
        for i, source in enumerate(solution_cells(nb)):
            exec(compile(source, f"<{notebook} solution cell {i}>", "exec"), namespace)
    return namespace
