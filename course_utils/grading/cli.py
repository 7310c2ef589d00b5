"""The instructor's commands: ``course grade``, ``course export``, ``course feedback``.

Registered by ``course_utils/__main__.py``; see the README's "For instructors".
"""

from __future__ import annotations

import argparse
import os

from .limits import Limits, parse_size

COMMANDS = ("grade", "export", "feedback")


def add_parsers(sub) -> None:
    defaults = Limits()

    def course_dir(p):
        p.add_argument("--course-dir", default=None,
                       help="nbgrader course directory (default: grading/ in the repository)")

    p = sub.add_parser("grade", help="autograde every submission into nbgrader's gradebook",
                       description="Autograde every submitted notebook (one folder per learner) with the "
                                   "hidden tests, into nbgrader's gradebook; prints a summary table.")
    p.add_argument("submissions", metavar="SUBMISSIONS_DIR",
                   help="one folder per learner: <learner>/<notebook>.ipynb or <learner>/<assignment>/<notebook>.ipynb")
    p.add_argument("--assignment", "-a", action="append", default=None, metavar="N",
                   help="grade this assignment only: its number (03) or notebook name; repeatable "
                        "(default: every assignment somebody submitted)")
    p.add_argument("--workers", "-j", type=int, default=1, metavar="K", help="submissions graded in parallel")
    p.add_argument("--timeout", type=int, default=defaults.cell_timeout, metavar="S",
                   help=f"per-cell timeout in seconds (default {defaults.cell_timeout})")
    p.add_argument("--notebook-timeout", type=int, default=defaults.notebook_timeout, metavar="S",
                   help=f"wall-clock cap for a whole notebook in seconds (default {defaults.notebook_timeout})")
    p.add_argument("--memory-limit", default="4G", metavar="SIZE",
                   help="memory (RLIMIT_DATA) of each learner's kernel, e.g. 2G, 512M; 0 for none (default 4G)")
    p.add_argument("--full", action="store_true", help="run the notebooks in full mode (default: FAST mode)")
    p.add_argument("--force", action="store_true", help="regrade submissions already graded and unchanged")
    course_dir(p)

    p = sub.add_parser("export", help="write grades.csv from the gradebook")
    p.add_argument("--assignment", "-a", action="append", default=None, metavar="N")
    p.add_argument("--out", default=None, help="output file (default: <course-dir>/grades.csv)")
    course_dir(p)

    p = sub.add_parser("feedback", help="one HTML feedback page per learner and notebook")
    p.add_argument("--assignment", "-a", action="append", default=None, metavar="N")
    p.add_argument("--learner", action="append", default=None, help="only this learner (repeatable)")
    p.add_argument("--show-hidden-tests", action="store_true",
                   help="keep the hidden tests' code and full tracebacks in the pages")
    course_dir(p)


def run(args) -> int:
    from .course import Course

    course = Course(args.course_dir)
    names = [course.assignment_id(a) for a in args.assignment] if args.assignment else None
    if args.command == "grade":
        from .batch import grade, summary_table

        try:
            memory = parse_size(args.memory_limit)
        except ValueError as exc:
            raise SystemExit(str(exc)) from None
        workers = max(1, args.workers)
        limits = Limits(cell_timeout=args.timeout, notebook_timeout=args.notebook_timeout, memory_limit=memory,
                        fast=not args.full, threads=max(1, (os.cpu_count() or 1) // workers))
        try:
            recs = grade(args.submissions, course, names, workers=workers, limits=limits, force=args.force)
        except KeyboardInterrupt:
            print("\ninterrupted: the grades finished so far are saved; run the same command again to resume")
            return 130
        if recs:
            print()
            print(summary_table(recs, course))
            print(f"\ngradebook: {course.root / 'gradebook.db'}  (then: course export, course feedback)")
        return 0
    if args.command == "export":
        from .export import export

        path = export(course, args.out, names)
        print(f"wrote {path}")
        return 0
    if args.command == "feedback":
        from .feedback import generate

        pages = generate(course, names, args.learner, show_hidden_tests=args.show_hidden_tests)
        print(f"wrote {len(pages)} feedback page(s) under {course.root / 'feedback'}")
        return 0
    return 2


def main(argv=None) -> int:  # ``python -m course_utils.grading.cli`` (same as ``python -m course_utils``)
    parser = argparse.ArgumentParser(prog="course")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(argv))
