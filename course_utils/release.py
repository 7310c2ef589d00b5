"""Generate the exercise (learner) versions of the source notebooks.

Introduced with notebook 01; ``python -m course_utils release`` calls it.
Built on nbgrader's own preprocessors, applied in nbgrader's order:

- ``ClearSolutions``: the code between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` becomes ``# YOUR CODE HERE`` / ``raise NotImplementedError()``;
- ``ClearHiddenTests``: the part of each test cell between
  ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` is removed;
- ``ClearMarkScheme``, ``ClearOutput``, ``LockCells``, ``ComputeChecksums``,
  ``CheckCellMetadata`` as in ``nbgrader generate_assignment``.

The exercise version is never edited by hand: change the source and release again.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from traitlets.config import Config

from . import config

CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def nbgrader_config() -> Config:
    """nbgrader's configuration for the exercise version (also used by ``course grade``'s gradebook set-up)."""
    cfg = Config()
    cfg.ClearSolutions.code_stub = {"python": CODE_STUB}
    cfg.ClearSolutions.enforce_metadata = True
    cfg.LockCells.lock_grade_cells = True
    cfg.LockCells.lock_readonly_cells = True
    return cfg


def _preprocessors():
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    cfg = nbgrader_config()
    return [cls(config=cfg) for cls in (ClearSolutions, ClearHiddenTests, ClearMarkScheme, ClearOutput,
                                         LockCells, ComputeChecksums, CheckCellMetadata)]


def exercise_version(nb):
    """Return the exercise version of a source notebook node (the input is not changed)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    resources: dict = {}
    for pp in _preprocessors():
        nb, resources = pp.preprocess(nb, resources)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.execution_count = None
    return nb


def source_notebooks(names=None) -> list[Path]:
    """The source notebooks named in ``names`` (stem, file name or path), or all of them."""
    available = sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return available
    chosen = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.exists():
            chosen.append(path)
            continue
        matches = [p for p in available if p.stem == name or p.name == name or p.stem.startswith(f"{name}_")]
        if not matches:
            known = ", ".join(p.stem for p in available) or "none"
            raise SystemExit(f"no source notebook matches {name!r}; available: {known}")
        chosen.extend(matches)
    return chosen


def release(names=None, out_dir: Path | None = None, force: bool = False, quiet: bool = False) -> list[Path]:
    """Write the exercise version of each source notebook into ``out_dir`` (default ``exercises/``).

    A notebook whose exercise version is newer than its source is skipped
    unless ``force``. Returns the paths written or kept.
    """
    out_dir = Path(out_dir) if out_dir else config.REPO_DIR / "exercises"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for src in source_notebooks(names):
        dest = out_dir / src.name
        if not force and dest.exists() and dest.stat().st_mtime >= src.stat().st_mtime:
            written.append(dest)
            continue
        try:
            nb = nbformat.read(src, as_version=4)
        except Exception as exc:
            raise SystemExit(f"{src}: not a readable notebook ({exc.__class__.__name__}: {exc})") from None
        nbformat.write(exercise_version(nb), dest)
        written.append(dest)
        if not quiet:
            print(f"released {src.name} -> {dest}")
    # Files the notebooks open by relative path would go here; the course has none (data comes from course_utils).
    return written
