"""Every source notebook follows DESIGN §3 and its committed outputs are clean."""

import json

import nbformat
import pytest

from course_utils.authoring import CHECK_TAG, anatomy_problems
from course_utils.release import source_notebooks

NOTEBOOKS = source_notebooks()


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_anatomy(path):
    assert anatomy_problems(nbformat.read(path, as_version=4)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs(path):
    text = path.read_text()
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    assert "/work/" not in text and "/root/" not in text and "/home/" not in text, "absolute path in outputs"
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = next(c for c in code if "setup(" in c.source)
    setup_text = "".join(o.get("text", "") for o in setup.outputs)
    assert "mode: full" in setup_text.lower() or "full mode" in setup_text.lower(), \
        f"outputs must be committed from full mode; setup printed {setup_text!r}"
    for cell in code:
        if CHECK_TAG in cell.metadata.get("tags", []):
            assert cell.outputs, f"check cell without output: {cell.source!r}"
            out = "".join(o.get("text", "") for o in cell.outputs)
            assert "checks passed" in out and "✘" not in out, f"check cell output: {out!r}"
    assert json.loads(text)["metadata"]["kernelspec"]["name"] == "python3"
