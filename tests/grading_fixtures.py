"""Fixture submissions for the grading tests, built from the real source notebooks.

Each builder returns the bytes of a submitted ``.ipynb``: the source (every
exercise right), the blank exercise version, or the exercise version with some
solution cells filled in right, some wrong, and robustness cases (a loop, a
sleep, a kernel that ignores interrupts, a memory hog, a crash, an output
flood, tampered test cells).
"""

from __future__ import annotations

import copy
import json

import nbformat

from course_utils.config import NOTEBOOKS_DIR
from course_utils.release import exercise_version

NB01, NB03 = "01_logistic_regression", "03_deep_nn_step_by_step"


def source(stem: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS_DIR / f"{stem}.ipynb", as_version=4)


def gid(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def points(stem: str) -> dict[str, float]:
    """Points of each exercise (by function name)."""
    return {gid(c)[len("test_"):]: float(c.metadata["nbgrader"]["points"]) for c in source(stem).cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def dump(nb) -> bytes:
    return nbformat.writes(nb).encode()


def solved(stem: str, right=(), wrong=None, edit=None, everything_right: bool = False) -> nbformat.NotebookNode:
    """The exercise version with the solution cells of ``right`` taken from the source.

    ``wrong`` maps a name to ``(old, new)``: the source's solution with ``old``
    replaced by ``new``. ``edit`` maps a name to a function of the source's
    solution text. ``everything_right`` starts from every solution.
    """
    src = source(stem)
    ex = exercise_version(src)
    sol = {gid(c): c.source for c in src.cells if c.metadata.get("nbgrader", {}).get("solution")}
    wrong, edit = wrong or {}, edit or {}
    for cell in ex.cells:
        name = gid(cell)
        if name not in sol:
            continue
        if everything_right or name in right or name in edit:
            cell.source = sol[name]
        if name in wrong:
            old, new = wrong[name]
            assert old in sol[name], (name, old)
            cell.source = sol[name].replace(old, new)
        if name in edit:
            cell.source = edit[name](cell.source)
    return ex


def _before_solution(body: str):
    """Insert ``body`` (indented as the solution) right after ``### BEGIN SOLUTION``."""
    def apply(text: str) -> str:
        head, tail = text.split("### BEGIN SOLUTION\n", 1)
        indent = tail[:len(tail) - len(tail.lstrip(" "))]
        lines = "".join(f"{indent}{line}\n" for line in body.splitlines())
        return f"{head}### BEGIN SOLUTION\n{lines}{tail}"
    return apply


# -- notebook 03 --------------------------------------------------------------------------------------

PARTIAL03_RIGHT = ("initialize_parameters", "initialize_parameters_deep", "linear_forward", "compute_cost",
                   "update_parameters")
PARTIAL03_WRONG = {
    "linear_backward": ("dW = np.dot(dZ, A_prev.T) / m", "dW = np.dot(dZ, A_prev.T)"),  # forgot 1/m
    "linear_activation_forward": ("A, activation_cache = sigmoid(Z)", "A, activation_cache = relu(Z)"),
}


def partial03():
    return solved(NB03, right=PARTIAL03_RIGHT, wrong=PARTIAL03_WRONG)


PARTIAL01_RIGHT = ("sigmoid", "initialize_with_zeros", "predict")
PARTIAL01_WRONG = {"propagate": ("cost = -np.mean(", "cost = np.mean(")}  # the sign of the cost


def partial01():
    return solved(NB01, right=PARTIAL01_RIGHT, wrong=PARTIAL01_WRONG)


def loop03():
    """``initialize_parameters`` loops forever when called."""
    return solved(NB03, everything_right=True, edit={"initialize_parameters": _before_solution("while True:\n    pass")})


def sleep03():
    """The solution cell of ``initialize_parameters_deep`` sleeps after defining the function."""
    return solved(NB03, everything_right=True,
                  edit={"initialize_parameters_deep": lambda s: s + "\n\nimport time\ntime.sleep(10**6)\n"})


def hang03():
    """``compute_cost`` ignores interrupts and loops: the kernel has to be killed."""
    body = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    return solved(NB03, everything_right=True, edit={"compute_cost": _before_solution(body)})


def memory03():
    """``initialize_parameters`` allocates without bound."""
    body = "hog = []\nwhile True:\n    hog.append(np.ones(10**7))"
    return solved(NB03, everything_right=True, edit={"initialize_parameters": _before_solution(body)})


def crash03():
    """``update_parameters`` kills its own kernel (as the out-of-memory killer would)."""
    body = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    return solved(NB03, everything_right=True, edit={"update_parameters": _before_solution(body)})


FLOOD_LINES = 200_000


def flood03():
    """``initialize_parameters`` is right but prints 200,000 lines and one 3 MB line each call."""
    body = f"for _i in range({FLOOD_LINES}):\n    print(_i)\nprint('x' * 3_000_000)"
    return solved(NB03, everything_right=True, edit={"initialize_parameters": _before_solution(body)})


def tampered03():
    """Wrong answers hidden behind edited/deleted tests, a moved test cell, changed points."""
    nb = solved(NB03, everything_right=True, wrong={
        "compute_cost": ("cost = -np.sum(", "cost = np.sum("),
        "update_parameters": ("- learning_rate * grads[\"dW\"", "+ learning_rate * grads[\"dW\""),
    })
    cells = []
    moved = None
    for cell in nb.cells:
        name = gid(cell)
        if name == "test_compute_cost":
            cell.source = "pass  # nothing to see here"
        elif name == "test_update_parameters":
            continue  # deleted
        elif name == "test_initialize_parameters":
            moved = cell
            continue
        elif name == "test_initialize_parameters_deep":
            cell.metadata["nbgrader"]["points"] = 50
        cells.append(cell)
    nb.cells = [moved] + cells  # the test cell dragged to the very top, above the setup cell
    return nb


def wrong_notebook():
    """Notebook 01, submitted as 03."""
    return source(NB01)


def truncated(stem: str = NB03) -> bytes:
    data = dump(source(stem))
    return data[: len(data) // 2]


MALFORMED = b'{"cells": [}, "metadata": {}, "nbformat": 4}\n'
NOT_A_NOTEBOOK = json.dumps({"hello": "world"}).encode()


def copy_nb(nb):
    return copy.deepcopy(nb)
