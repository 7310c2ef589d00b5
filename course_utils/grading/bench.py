"""Speed-up of ``course grade --workers K``: the same batch graded with each K.

For maintainers (not part of ``make test``)::

    python -m course_utils.grading.bench                    # 20 submissions of 03, K = 1 and 2
    python -m course_utils.grading.bench -n 40 -k 1 2 4 --notebook 02

Every submission is a copy of the source notebook (full marks expected), each
K grades into a fresh course directory, and the wall-clock time of the whole
batch (kernel starts included, course set-up excluded) is printed with the
speed-up over the first K. The figure goes into the README.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path


def main(argv=None) -> int:
    from .batch import grade
    from .course import Course
    from .limits import Limits

    parser = argparse.ArgumentParser(prog="python -m course_utils.grading.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--submissions", type=int, default=20)
    parser.add_argument("-k", "--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--notebook", default="03")
    args = parser.parse_args(argv)

    name = Course.resolve(args.notebook)
    tmp = Path(tempfile.mkdtemp(prefix="grade-bench-"))
    try:
        from ..release import source_notebooks

        data = next(p for p in source_notebooks() if p.stem == name).read_bytes()
        subs = tmp / "submissions"
        for i in range(args.submissions):
            (subs / f"learner{i:03d}").mkdir(parents=True)
            (subs / f"learner{i:03d}" / f"{name}.ipynb").write_bytes(data)
        cpus = os.cpu_count() or 1
        print(f"{args.submissions} submissions of {name} (the source: full marks), {cpus} CPU core(s), "
              f"load average {os.getloadavg()[0]:.1f}")
        times = {}
        for k in args.workers:
            course = Course(tmp / f"course-k{k}")
            course.prepare(name)  # the gradebook set-up is not part of the timing
            limits = Limits(threads=max(1, cpus // k))
            start = time.perf_counter()
            recs = grade(subs, course, [name], workers=k, limits=limits, echo=lambda *a: None, progress=False)
            times[k] = time.perf_counter() - start
            full = sum(r.score == r.max_score for r in recs)
            print(f"K={k}: {times[k]:.1f} s (load average {os.getloadavg()[0]:.1f}) ({times[k] / len(recs):.2f} s per submission), "
                  f"{full}/{len(recs)} full marks, speed-up {times[args.workers[0]] / times[k]:.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
