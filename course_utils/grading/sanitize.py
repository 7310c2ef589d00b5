"""Turn a submitted file into the notebook that gets executed, or into a clear reason why not.

- :func:`read_submission`: an empty file, invalid or truncated JSON, something
  that is not a Jupyter notebook raise :class:`SubmissionProblem` (recorded with
  0 points and the reason; the batch goes on).
- :func:`check_identity`: a notebook of another assignment (or one with none of
  this assignment's graded cells) is a "wrong notebook".
- :func:`restore_structure`: the learner's solution cells and own cells are
  kept; every locked cell (setup, public checks, hidden tests) is taken from the
  source — deleted ones put back, edited ones overwritten, moved ones returned
  to their place — so nobody passes by editing a test, and nobody fails because
  a test cell was dragged above its function.
- :func:`nbgrader_sanitize`: then nbgrader's own sanitizing preprocessors
  (``ClearOutput``, ``DeduplicateIds``, ``OverwriteKernelspec``,
  ``OverwriteCells``, ``CheckCellMetadata``), as ``nbgrader autograde`` runs them.
"""

from __future__ import annotations

import copy
import json
import uuid

import nbformat

from .course import grade_id

MAX_SUBMISSION_BYTES = 200 * 2**20


class SubmissionProblem(Exception):
    """A submission that cannot be graded: ``status`` (a short category) and ``reason`` (for people)."""

    def __init__(self, status: str, reason: str):
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


def read_submission(data: bytes) -> nbformat.NotebookNode:
    """Parse a submitted ``.ipynb``; :class:`SubmissionProblem` when it is not a usable notebook."""
    if not data.strip():
        raise SubmissionProblem("empty file", "the submitted file is empty")
    if len(data) > MAX_SUBMISSION_BYTES:
        raise SubmissionProblem("malformed", f"the file is larger than {MAX_SUBMISSION_BYTES // 2**20} MB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SubmissionProblem("malformed", "not a notebook: the file is not UTF-8 text") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        what = ("truncated: the file ends in the middle of the notebook" if _unclosed(text)
                else f"invalid JSON ({exc.msg}, line {exc.lineno})")
        raise SubmissionProblem("malformed", f"not a readable notebook: {what}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise SubmissionProblem("malformed", "not a Jupyter notebook: no list of cells")
    if raw.get("nbformat") != 4:
        try:
            raw = nbformat.convert(nbformat.from_dict(raw), 4)
        except Exception as exc:
            raise SubmissionProblem("malformed", f"unsupported notebook format ({exc.__class__.__name__})") from None
    cells = []
    for cell in raw.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue  # not a cell: dropped
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(s) for s in source)
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        new = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
               "raw": nbformat.v4.new_raw_cell}[cell["cell_type"]](source=str(source), metadata=metadata)
        cells.append(new)
    nb = nbformat.v4.new_notebook(cells=cells)
    if isinstance(raw.get("metadata"), dict):
        nb.metadata = nbformat.from_dict(raw["metadata"])
    return nb


def _unclosed(text: str) -> bool:
    """True when ``text`` ends inside a JSON string or with brackets left open (a cut-off file)."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return in_string or depth > 0


def _ids(nb) -> set[str]:
    return {gid for gid in (grade_id(c) for c in nb.cells) if gid}


def check_identity(nb, assignment: str, sources: dict) -> None:
    """Raise "wrong notebook" unless ``nb`` is (a version of) ``assignment``.

    ``sources`` maps every known assignment to its source notebook. The
    submission's nbgrader cell ids are compared with each (Jaccard index): it
    is the wrong notebook when it shares none with ``assignment``, or when
    another assignment matches it better and ``assignment`` matches less than half.
    """
    mine = _ids(nb)
    expected = _ids(sources[assignment])
    if not mine & expected:
        others = [name for name, src in sources.items() if name != assignment and mine & _ids(src)]
        best = max(others, key=lambda n: _jaccard(mine, _ids(sources[n])), default=None)
        hint = f"it looks like {best}" if best else "it has none of its graded cells (was it re-created?)"
        raise SubmissionProblem("wrong notebook", f"this is not {assignment}: {hint}")
    score = _jaccard(mine, expected)
    for name, src in sources.items():
        if name != assignment and score < 0.5 and _jaccard(mine, _ids(src)) > score:
            raise SubmissionProblem("wrong notebook", f"this is not {assignment}: it looks like {name}")


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _is_locked(cell) -> bool:
    from nbgrader import utils

    return utils.is_locked(cell)


def _increasing_run(positions: list[int]) -> set[int]:
    """Indices (into ``positions``) of a longest increasing subsequence: the cells left in order."""
    n = len(positions)
    best = [1] * n
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            if positions[j] < positions[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    keep, i = set(), max(range(n), key=best.__getitem__) if n else -1
    while i >= 0:
        keep.add(i)
        i = prev[i]
    return keep


def restore_structure(nb, source) -> tuple[nbformat.NotebookNode, list[str]]:
    """The notebook to grade: the source's cell order, its locked cells, the learner's own code.

    Returns the new notebook and notes on what was restored, for the record and
    the feedback. Cells of the submission:

    - a cell with a grade id the source does not have (or a second copy of one)
      loses its nbgrader metadata and stays as the learner's own cell;
    - locked cells (setup, checks, hidden tests) are replaced by the source's:
      missing ones are put back ("deleted"), changed ones overwritten ("edited");
    - solution cells keep the learner's source and get the source's metadata;
      a deleted solution cell is not put back (the exercise then fails);
    - graded cells come in the source's order ("moved" when they were not);
      every other cell of the learner follows the graded cell it followed.
    """
    src_cells = [c for c in source.cells if grade_id(c)]
    order = {grade_id(c): i for i, c in enumerate(src_cells)}
    notes: list[str] = []

    # the last copy of each known grade id is the graded one (as nbgrader's DeduplicateIds does)
    last = {}
    for i, cell in enumerate(nb.cells):
        gid = grade_id(cell)
        if gid in order:
            last[gid] = i
    graded_idx = sorted(last.values())
    positions = [order[grade_id(nb.cells[i])] for i in graded_idx]
    in_order = {graded_idx[k] for k in _increasing_run(positions)}

    own: dict[str | None, list] = {None: []}  # learner cells after each graded cell (None: before all)
    anchor = None
    present = {}
    for i, cell in enumerate(nb.cells):
        gid = grade_id(cell)
        if gid in order and last[gid] == i:
            present[gid] = cell
            if i in in_order:
                anchor = gid
            else:
                notes.append(f"`{gid}` was moved: put back in its place")
            continue
        cell = copy.deepcopy(cell)
        cell.metadata.pop("nbgrader", None)
        own.setdefault(anchor, []).append(cell)

    cells = list(own[None])
    released = released_sources(source)
    for gid, src_cell in ((grade_id(c), c) for c in src_cells):
        sub = present.get(gid)
        if _is_locked(src_cell):
            if sub is None:
                notes.append(f"`{gid}` was deleted: restored from the source")
            elif sub.source not in (src_cell.source, released.get(gid)) or sub.cell_type != src_cell.cell_type:
                notes.append(f"`{gid}` was edited: restored from the source")
            elif (sub.metadata.get("nbgrader", {}).get("points") != src_cell.metadata["nbgrader"].get("points")
                  or bool(sub.metadata["nbgrader"].get("grade")) != bool(src_cell.metadata["nbgrader"].get("grade"))):
                notes.append(f"`{gid}`'s grading metadata was changed: restored from the source")
            new = copy.deepcopy(src_cell)
            if new.cell_type == "code":
                new.outputs, new.execution_count = [], None
            cells.append(new)
        elif sub is not None:
            new = copy.deepcopy(sub)
            new.metadata["nbgrader"] = copy.deepcopy(src_cell.metadata["nbgrader"])
            if src_cell.cell_type == "code" and new.cell_type != "code":
                new = nbformat.v4.new_code_cell(source=new.source, metadata=new.metadata)
            cells.append(new)
        else:
            notes.append(f"solution cell `{gid}` was deleted")
        cells.extend(own.get(gid, []))

    meta = {k: copy.deepcopy(v) for k, v in source.metadata.items() if k in ("kernelspec", "language_info")}
    out = nbformat.v4.new_notebook(cells=cells, metadata=meta)  # not the source's widget state
    _unique_ids(out)
    return out, notes


_RELEASED: dict[int, tuple] = {}


def released_sources(source) -> dict[str, str]:
    """The text of each graded or locked cell as the learner received it (hidden tests removed)."""
    from ..release import exercise_version

    if id(source) not in _RELEASED:
        _RELEASED[id(source)] = (source, {grade_id(c): c.source for c in exercise_version(source).cells
                                          if grade_id(c)})
    return _RELEASED[id(source)][1]


def _unique_ids(nb) -> None:
    seen = set()
    for cell in nb.cells:
        cid = cell.get("id")
        if not isinstance(cid, str) or not cid or cid in seen or len(cid) > 64:
            cell["id"] = uuid.uuid4().hex[:12]
        seen.add(cell["id"])
    nb.nbformat, nb.nbformat_minor = 4, max(5, nb.get("nbformat_minor", 5))


def nbgrader_sanitize(nb, assignment: str, learner: str, db_url: str):
    """nbgrader's sanitizing preprocessors, in ``nbgrader autograde``'s order."""
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        OverwriteCells,
        OverwriteKernelspec,
    )

    from .course import quiet_logger

    resources = {"nbgrader": {"notebook": assignment, "assignment": assignment, "student": learner,
                              "db_url": db_url}}
    for cls in (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata):
        nb, resources = cls(log=quiet_logger()).preprocess(nb, resources)
    nbformat.validate(nb)
    return nb


def prepare_submission(data: bytes, assignment, learner: str, db_url: str, sources: dict):
    """Everything above: the notebook to execute and the notes; :class:`SubmissionProblem` otherwise."""
    nb = read_submission(data)
    check_identity(nb, assignment.name, sources)
    nb, notes = restore_structure(nb, assignment.source)
    try:
        nb = nbgrader_sanitize(nb, assignment.name, learner, db_url)
    except nbformat.ValidationError as exc:
        raise SubmissionProblem("malformed", f"not a valid notebook after repair: {exc.message}") from None
    return nb, notes
