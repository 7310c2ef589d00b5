"""Instructor workflow: grade submissions, export the gradebook, write feedback (issue 9).

Built on nbgrader's own machinery — its course-directory layout, its SQLite
gradebook (:class:`nbgrader.api.Gradebook`), its ``GenerateAssignment`` and
``GenerateFeedback`` converters and its preprocessors (``OverwriteCells``,
``Execute``, ``LimitOutput``, ``SaveAutoGrades``, ``GetGrades`` …). What this
package adds is the robustness nbgrader leaves to the instructor:

- ``sanitize``  — unreadable, empty, truncated or wrong notebooks become a
  recorded reason, never a crash; deleted, edited or re-ordered test cells are
  restored from the source before grading;
- ``autograde`` — one submission executed with a per-cell timeout that
  interrupts the cell and goes on, a whole-notebook time cap, a memory limit on
  the kernel and output-flood truncation;
- ``scoring``   — nbgrader's ``SaveAutoGrades`` into the gradebook, plus the
  reason of every lost point ("not attempted", "timed out", …);
- ``batch``     — the resumable, parallel batch behind ``course grade``;
- ``export`` (``grades.csv``) and ``feedback`` (one HTML page per learner and
  notebook);
- ``course`` (the nbgrader course directory and gradebook set-up), ``records``
  (what grading found, per submission), ``limits``, ``cli``, ``bench`` (the
  speed-up of ``--workers``).

Command line: ``course grade|export|feedback`` (``python -m course_utils …``).
Introduced for the instructor workflow; the notebooks themselves never import it.
"""

from .limits import Limits  # noqa: F401
