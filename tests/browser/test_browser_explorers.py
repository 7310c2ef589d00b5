"""The learner's path in a real browser (issue 10): JupyterLab, plots, explorer widgets, exercise versions.

For every notebook with an explorer widget (found from the notebooks' contents,
see ``labdriver.explorer_cells``; ``COURSE_BROWSER_NOTEBOOKS=02,06`` picks some),
in JupyterLab driven by headless Chromium, in FAST mode (one test per notebook; the
exercise version is stepped through in a second tab while the source version runs):

- the **source version** (outputs cleared), Run > Run All Cells: every cell
  runs, none shows an error (in its outputs or inside a widget), every cell
  that has a plot in the committed notebook draws one, every explorer shows its
  controls and a first view; moving each control of each explorer one step
  changes what it shows (image bytes or text) and shows no error. Screenshots
  go to ``screenshots/`` (git-ignored).
- the **exercise version** (as ``course release`` writes it), run from top to
  bottom the way a learner steps through it (after a cell stops the run, go on
  from the next one): every check cell says "not attempted yet", and every
  error shown is the one-line "`name` is not implemented yet" message, never a
  traceback, inside widgets too.

``test_checker_catches_broken_explorers`` runs the explorer check on a small
notebook with a working, a frozen and a failing explorer: a check that could
not fail would pass the course's explorers too.
"""

import os
import re

import nbformat
import pytest
from labdriver import explorer_notebooks, skip_reason

from course_utils.release import source_notebooks

if skip_reason():  # one line in the summary, e.g. "browser tests skipped: /usr/bin/chromium missing and ..."
    pytest.skip(skip_reason(), allow_module_level=True)

_chosen = [n.strip() for n in os.environ.get("COURSE_BROWSER_NOTEBOOKS", "").split(",") if n.strip()]
EXPLORERS = explorer_notebooks(source_notebooks(_chosen or None))
NOTEBOOKS = list(EXPLORERS)
NAMES = [p.stem for p in NOTEBOOKS]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ERROR_LINE = re.compile(r"^\s*(Traceback|\w*(Error|Exception)\b)", re.M)
WIDGET_FAILURE = re.compile(r"Error displaying widget|Error rendering|Loading widget|model not found", re.I)


def looks_like_error(text: str) -> bool:
    return bool(ERROR_LINE.search(ANSI.sub("", text)))


def shown_errors(cell: dict) -> list[str]:
    """Error texts a cell shows: error outputs, and tracebacks on the page (also inside widgets)."""
    texts = [ANSI.sub("", o["text"]) for o in cell.get("outputs", []) if o["type"] == "error"]
    return texts + [t for t in cell.get("errorTexts", []) if looks_like_error(t) and t not in texts]


def describe(cell: dict) -> str:
    return f"cell {cell['index']} ({cell['source'][:60]!r})"


def plot_cells(nb) -> list[int]:
    """Cells whose committed outputs (full mode) have an image outside a widget."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
            and any("image/png" in o.get("data", {}) for o in c.get("outputs", []))]


def explorer_problems(lab, path: str, index: int, move_timeout: float = 300) -> list[str]:
    """What is wrong with the explorer in cell ``index`` (already run): its controls and first view,
    then each control moved one step in turn; an empty list when it works."""
    cell = lab.cells(path)[index]
    where = describe(cell)
    if WIDGET_FAILURE.search(cell["text"]):
        return [f"{where}: the widget did not render: {cell['text'][:300]!r}"]
    if not (cell["controls"] and cell["widgetOutputs"]):
        return [f"{where} shows no explorer (controls {cell['controls']}, output areas {cell['widgetOutputs']}, "
                f"widgets {cell['widgets']}); text {cell['text'][:300]!r}"]
    view = lab.explorer_view(path, index)
    if not (view["images"] or view["text"].strip()):
        return [f"{where}: the explorer shows nothing before any move"]
    problems, controls = [], lab.controls(path, index)
    if not controls:
        return [f"{where}: no control of the explorer could be found to move"]
    for kind, control in controls:
        labels = control.locator(".widget-label")
        label = labels.first.inner_text() if labels.count() else kind
        shown = lab.move(kind, control)
        after = lab.wait_view_change(path, index, view, timeout=move_timeout)
        errors = [t for t in lab.cells(path)[index]["errorTexts"] if looks_like_error(t)]
        if errors:
            problems.append(f"{where}: moving the {kind} {label!r} to {shown!r} shows an error:\n"
                            f"{ANSI.sub('', errors[0])[-1200:]}")
        elif after is None or (after["images"], after["text"]) == (view["images"], view["text"]):
            problems.append(f"{where}: moving the {kind} {label!r} to {shown!r} did not change the explorer's "
                            f"output (still {len(view['images'])} image(s), text {view['text'][:120]!r})")
        view = after or view
    return problems


def test_explorer_notebooks_are_found():
    # The discovery picks the notebooks below; if it found nothing, they would all vanish silently.
    assert NOTEBOOKS, "no notebook with an explorer widget found in notebooks/"
    assert all(EXPLORERS.values())


# A notebook with explorers that work and explorers that are broken, for the self-test.
SELFTEST = "selftest/explorers.ipynb"
SELFTEST_CELLS = [
    "import matplotlib.pyplot as plt\nfrom course_utils.widgets import choice_explorer, slider_explorer",
    # 1 works: a plot that follows the slider
    "slider_explorer([1, 2, 3], lambda v, r: plt.plot([0, 1], [0, v]), description='slope');",
    # 2 works: text that follows the dropdown
    "choice_explorer({'word': ['alpha', 'beta']}, lambda values, r: print(values['word']));",
    # 3 broken: the output ignores the slider
    "slider_explorer([1, 2, 3], lambda v, r: print('always the same'), description='frozen');",
    # 4 broken: the callback fails once the slider moves
    "slider_explorer([1, 2, 3], lambda v, r: print(v) if v == 1 else print(1 / 0), description='fails');",
    # 5 works: ipywidgets' own interact, with a checkbox and toggle buttons
    "import ipywidgets\nipywidgets.interact(lambda flag, mode: print(flag, mode), flag=True,\n"
    "                    mode=ipywidgets.ToggleButtons(options=['x', 'y']));",
]


def extra_files(root):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in SELFTEST_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    (root / "selftest").mkdir()
    nbformat.write(nb, root / SELFTEST)


def test_checker_catches_broken_explorers(lab):
    lab.open(SELFTEST)
    lab.run_all(SELFTEST)
    kinds = {i: sorted(kind for kind, _ in lab.controls(SELFTEST, i)) for i in (1, 2, 5)}
    found = {i: explorer_problems(lab, SELFTEST, i, move_timeout=30) for i in (1, 2, 3, 4, 5)}
    lab.close(SELFTEST)
    assert kinds == {1: ["slider"], 2: ["dropdown"], 5: ["checkbox", "toggle"]}, kinds
    assert found[1] == found[2] == found[5] == [], f"working explorers reported broken: {found}"
    assert len(found[3]) == 1 and "did not change the explorer's output" in found[3][0], found[3]
    assert len(found[4]) == 1 and "shows an error" in found[4][0] and "ZeroDivisionError" in found[4][0], found[4]


def source_problems(lab, name: str, screenshots) -> list[str]:
    """The source version, after Run All Cells: what is wrong with its cells, plots and explorers."""
    source = next(p for p in NOTEBOOKS if p.stem == name)
    nb = nbformat.read(source, as_version=4)
    path = f"notebooks/{name}.ipynb"
    cells = lab.cells(path)
    if len(cells) != len(nb.cells):
        return [f"the page shows {len(cells)} cells, the notebook has {len(nb.cells)}"]
    not_run = [describe(c) for c in cells if c["type"] == "code" and c["source"].strip() and c["count"] is None]
    if not_run:
        return [f"Run All Cells did not run {not_run}"]
    problems = [f"{describe(c)} shows an error:\n{shown_errors(c)[0][-1500:]}" for c in cells if shown_errors(c)]
    problems += [f"{describe(c)}: an image did not load" for c in cells if c.get("brokenImages")]
    problems += [f"{describe(cells[i])}: no plot drawn (the committed notebook has one)"
                 for i in plot_cells(nb) if not cells[i]["images"]]
    if plot_cells(nb):  # the JupyterLab window on the notebook's last plot
        lab.cell_locator(path, plot_cells(nb)[-1]).evaluate("n => n.scrollIntoView({block: 'center'})")
        lab.page.screenshot(path=screenshots / f"{name}-plot.png")
    for index in EXPLORERS[source]:
        problems += explorer_problems(lab, path, index)
        lab.cell_locator(path, index).screenshot(path=screenshots / f"{name}-explorer.png")
    lab.cell_locator(path, EXPLORERS[source][0]).evaluate("n => n.scrollIntoView({block: 'start'})")
    lab.page.screenshot(path=screenshots / f"{name}.png")
    return problems


def exercise_problems(lab, name: str, screenshots) -> list[str]:
    """The exercise version, run from top to bottom as a learner steps through it: what is wrong."""
    path = f"exercises/{name}.ipynb"
    nb = nbformat.read(lab.server_root / path, as_version=4)
    lab.open(path)
    lab.run_all_continuing(path)
    cells = lab.cells(path)
    first_explorer = EXPLORERS[next(p for p in NOTEBOOKS if p.stem == name)][0]
    lab.cell_locator(path, first_explorer).evaluate("n => n.scrollIntoView({block: 'start'})")
    lab.page.screenshot(path=screenshots / f"{name}-exercise.png")
    lab.close(path)

    if len(cells) != len(nb.cells):
        return [f"the page shows {len(cells)} cells, the notebook has {len(nb.cells)}"]
    exercises = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    if not exercises:
        return ["the exercise version has no solution cells"]
    problems = []
    for cell, shown in zip(nb.cells, cells):
        if cell.cell_type != "code":
            continue
        for text in shown_errors(shown):
            lines = [line for line in text.strip().splitlines() if line.strip()]
            if len(lines) != 1 or "not implemented yet" not in lines[0]:
                problems.append(f"{describe(shown)} shows a traceback instead of the one-line message:\n{text[-1500:]}")
            elif not any(f"`{e}`" in lines[0] for e in exercises):
                problems.append(f"{describe(shown)}: {lines[0]!r} names no exercise")
        if "nbval-check-output" in cell.metadata.get("tags", []) and (
                "not attempted yet" not in shown["text"] or shown_errors(shown)):
            problems.append(f"the check {describe(shown)} shows {shown['text'][:300]!r}, not \"not attempted yet\"")
        if WIDGET_FAILURE.search(shown["text"]):
            problems.append(f"a widget did not render in {describe(shown)}: {shown['text'][:300]!r}")
    return problems


@pytest.mark.parametrize("name", NAMES)
def test_notebook_in_jupyterlab(name, lab, screenshots):
    # The source version runs (Run All Cells) while the exercise version is opened and stepped through in a
    # second tab: the exercise version is mostly waiting on the browser, so the two overlap on 2 cores.
    source_path = f"notebooks/{name}.ipynb"
    lab.open(source_path)
    lab.start_menu(source_path, "Run All Cells")
    exercise = exercise_problems(lab, name, screenshots)
    lab.activate(source_path)
    lab.wait_idle(source_path, timeout=600)
    source = source_problems(lab, name, screenshots)
    lab.close(source_path)
    report = [f"source version: {p}" for p in source] + [f"exercise version: {p}" for p in exercise]
    if report and lab.console_errors:
        report.append("browser console errors (last 5): " + " | ".join(lab.console_errors[-5:]))
    assert not report, f"{name} in JupyterLab:\n" + "\n".join(report)
