"""Execute notebooks: regenerate committed outputs, time them, validate with nbgrader.

``python -m course_utils execute`` runs source notebooks in place in full mode
(the committed outputs) and prints each run time, the figures in the README's
table. Outputs are cleaned for review: no stderr streams, no execution
timestamps, a fixed kernelspec.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


@contextmanager
def _env(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: v for k, v in values.items() if v is not None})
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def clean(nb):
    """Strip what makes diffs noisy: stderr, execution metadata, machine-specific metadata.

    Widget state (``metadata.widgets``, written by nbclient) is kept so the explorers'
    first view still shows on a repository page; consecutive stdout chunks are merged
    so that how the kernel happened to flush them does not show in diffs.
    """
    meta = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    if "widgets" in nb.metadata:
        meta["widgets"] = nb.metadata["widgets"]
    nb.metadata = nbformat.from_dict(meta)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type == "code":
            cell.outputs = _merge_streams([o for o in cell.outputs
                                           if not (o.get("output_type") == "stream"
                                                   and o.get("name") == "stderr")])
    return nb


def _merge_streams(outputs):
    merged = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (prev is not None and out.get("output_type") == "stream"
                and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
            prev["text"] = prev["text"] + out["text"]
        else:
            merged.append(out)
    return merged


def run(nb, cwd: Path, fast: bool, timeout: int = 3600, allow_errors: bool = False):
    """Execute ``nb`` with nbclient; returns (nb, seconds)."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    with _env(COURSE_FAST="1" if fast else None, MPLBACKEND="module://matplotlib_inline.backend_inline"):
        client.execute()
    return nb, time.perf_counter() - start


def execute_in_place(path: Path, fast: bool = False, timeout: int = 3600, save: bool = True) -> bool:
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    mode = "FAST" if fast else "full"
    try:
        nb, seconds = run(nb, path.parent, fast=fast, timeout=timeout)
    except Exception as exc:
        print(f"{path.name}: FAILED in {mode} mode: {exc.__class__.__name__}: {str(exc)[-2000:]}")
        return False
    if save:
        nbformat.write(clean(nb), path)
    print(f"{path.name}: {mode} mode, {seconds:.1f} s{' (saved)' if save else ''}")
    return True


def validate(path: Path, cell_timeout: int = 900) -> bool:
    """Run nbgrader's validator (executes the notebook); True when every test cell passes.

    ``cell_timeout`` replaces nbgrader's default of 30 s per cell, which a FAST-mode training
    cell of a Keras notebook can exceed on a busy 2-core machine.
    """
    from nbgrader.validator import Validator
    from traitlets.config import Config

    config = Config()
    config.Execute.timeout = cell_timeout
    with _env(COURSE_FAST=os.environ.get("COURSE_FAST")):
        results = Validator(config=config).validate(str(path))
    failed = results.get("failed", []) + results.get("changed", []) + results.get("type_changed", [])
    print(f"{Path(path).name}: {'passed' if not failed else f'{len(failed)} failing cell(s)'}")
    for cell in failed:
        print("   ", (cell.get("error") or cell.get("source", ""))[:500])
    return not failed
