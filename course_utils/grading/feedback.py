"""``course feedback``: one HTML page per learner and notebook.

``feedback/<learner>/<assignment>/<assignment>.html``, made by nbgrader's own
``GenerateFeedback`` converter (its ``GetGrades`` preprocessor and feedback
template: the learner's notebook with the points of every tests cell) from the
graded copy, with two preprocessors of ours in front:

- :class:`FeedbackSummary` puts a table at the top: every exercise, its points
  and why points were lost ("not attempted", "timed out", the failing check's
  message), and what was repaired (a restored test cell, truncated output);
- :class:`HideHiddenTests` removes the hidden tests' code from the tests cells
  and cuts their tracebacks to the error line, so the page says which check
  failed and why without handing out the hidden tests
  (``--show-hidden-tests`` keeps them).

A submission that could not be graded (empty, malformed, wrong notebook,
missing) gets a short page with the reason.
"""

from __future__ import annotations

import html
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Unicode
from traitlets.config import Config

from . import records
from .course import Course, quiet_logger


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


class FeedbackSummary(NbGraderPreprocessor):
    """Insert a markdown cell with the grade, every exercise's result and the grader's notes."""

    records_dir = Unicode("", help="the course's records/ folder").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        rec = records.load_path(Path(self.records_dir) / info["student"] / f"{info['assignment']}.json")
        if rec is None:
            return nb, resources
        scores = _gradebook_scores(info)
        lines = [f"## Grade: {_total(rec, scores):g} / {rec.max_score:g}", "",
                 "| exercise | points | result |", "|---|---|---|"]
        for e in rec.exercises:
            score = scores.get(e["name"], e["score"])
            result = "passed" if score >= e["max_score"] else e["result"]
            lines.append(f"| `{e['name']}` | {score:g} / {e['max_score']:g} | {_md_escape(result)} |")
        if rec.notes:
            lines += ["", "**Notes from the grader**", ""] + [f"- {_md_escape(n)}" for n in rec.notes]
        cell = nbformat.v4.new_markdown_cell("\n".join(lines), metadata={"grading_summary": True})
        nb.cells.insert(0, cell)
        return nb, resources


def _gradebook_scores(info) -> dict:
    """Current scores by exercise name (a grader's manual override included)."""
    from nbgrader.api import Gradebook

    try:
        with Gradebook(info["db_url"]) as gb:
            sub = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            return {g.name.removeprefix("test_"): float(g.score) for g in sub.grades}
    except Exception:
        return {}


def _total(rec, scores) -> float:
    return sum(scores.get(e["name"], e["score"]) for e in rec.exercises)


class HideHiddenTests(ClearHiddenTests):
    """nbgrader's ``ClearHiddenTests`` on the graded copy, and tests cells' tracebacks cut to their last line."""

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            for out in cell.outputs:
                if out.get("output_type") == "error":
                    out["traceback"] = [f"\x1b[0;31m{out.get('ename')}\x1b[0m: {out.get('evalue', '')}"]
        return cell, resources


def _failure_page(rec, path: Path) -> None:
    rows = "".join(f"<tr><td><code>{html.escape(e['name'])}</code></td><td>{e['score']:g} / {e['max_score']:g}"
                   f"</td></tr>" for e in rec.exercises)
    title = f"{rec.assignment} — {rec.learner}"
    path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1><h2>Grade: {rec.score:g} / {rec.max_score:g}</h2>"
        f"<p><strong>Your submission could not be graded ({html.escape(rec.status)}):</strong> "
        f"{html.escape(rec.reason)}.</p><table border='1'><tr><th>exercise</th><th>points</th></tr>{rows}</table>"
        "</body></html>\n")


def generate(course: Course | None = None, assignments=None, learners=None,
             show_hidden_tests: bool = False) -> list[Path]:
    """Write the feedback pages of every graded submission (filtered); returns their paths."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.converters import GenerateFeedback
    from nbgrader.preprocessors import GetGrades

    course = course or Course()
    written = []
    for rec in records.all_records(course, assignments):
        if learners and rec.learner not in learners:
            continue
        page = course.path("feedback", rec.learner, rec.assignment, ".html")
        page.parent.mkdir(parents=True, exist_ok=True)
        graded = course.path("autograded", rec.learner, rec.assignment)
        if rec.status not in (records.GRADED, records.INCOMPLETE) or not graded.exists():
            _failure_page(rec, page)
            written.append(page)
            continue
        cfg = Config()
        cfg.FeedbackSummary.records_dir = str(course.root / "records")
        pre = [FeedbackSummary] + ([] if show_hidden_tests else [HideHiddenTests])
        cfg.GenerateFeedback.preprocessors = pre + [GetGrades, CSSHTMLHeaderPreprocessor]
        converter = GenerateFeedback(coursedir=course.coursedir(rec.assignment, rec.learner), config=cfg,
                                     force=True, log=quiet_logger())
        converter.start()
        written.append(page)
    return written
