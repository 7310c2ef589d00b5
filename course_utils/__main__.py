"""Command line: ``python -m course_utils COMMAND``.

Commands:
  release [NOTEBOOK ...]   write exercise versions to exercises/ (nbgrader preprocessors)
  execute [NOTEBOOK ...]   run source notebooks in place and save their outputs (full mode
                           unless --fast); prints the run time of each
  validate [NOTEBOOK ...]  run nbgrader's validator on source notebooks (every test must pass)
  expected NOTEBOOK|all    recompute the public checks' expected values from the solutions
  grade SUBMISSIONS_DIR    autograde every submission into nbgrader's gradebook (--workers K, limits)
  export                   write grades.csv from the gradebook
  feedback                 one HTML feedback page per learner and notebook
"""

from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="write the exercise versions")
    p.add_argument("notebooks", nargs="*")
    p.add_argument("--out", default=None, help="output folder (default: exercises/)")
    p.add_argument("--force", action="store_true", help="rewrite even when up to date")

    p = sub.add_parser("execute", help="run source notebooks and save their outputs")
    p.add_argument("notebooks", nargs="*")
    p.add_argument("--fast", action="store_true", help="FAST mode (outputs are committed from full mode)")
    p.add_argument("--timeout", type=int, default=3600, help="per-cell timeout in seconds")
    p.add_argument("--no-save", action="store_true", help="run and time only")

    p = sub.add_parser("validate", help="nbgrader validate the source notebooks")
    p.add_argument("notebooks", nargs="*")

    p = sub.add_parser("expected", help="recompute the checks' expected values")
    p.add_argument("notebooks", nargs="+")

    from .grading import cli as grading_cli

    grading_cli.add_parsers(sub)

    args = parser.parse_args(argv)
    if args.command in grading_cli.COMMANDS:
        return grading_cli.run(args)
    if args.command == "expected":
        from .checks.expected import main as expected_main

        return expected_main(args.notebooks)
    if args.command == "release":
        from .release import release

        release(args.notebooks, args.out, force=args.force)
        return 0
    if args.command == "execute":
        from .runner import execute_in_place

        ok = True
        for path in __import__("course_utils.release", fromlist=["x"]).source_notebooks(args.notebooks):
            ok &= execute_in_place(path, fast=args.fast, timeout=args.timeout, save=not args.no_save)
        return 0 if ok else 1
    if args.command == "validate":
        from .runner import validate

        results = [validate(p) for p in __import__("course_utils.release", fromlist=["x"]).source_notebooks(
            args.notebooks)]
        return 0 if all(results) else 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
