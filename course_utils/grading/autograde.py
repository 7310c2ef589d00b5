"""Execute one sanitized submission under limits (in a worker process of the batch).

nbgrader's ``Execute`` preprocessor (nbclient underneath), extended with what
grading real workloads needs:

- **per-cell timeout** (``cell_timeout``): the cell is interrupted (SIGINT) and the
  rest of the notebook still runs; a kernel that ignores the interrupt is killed
  and the cells after it are "not run";
- **whole-notebook cap** (``notebook_timeout``): the running cell is cut at it and
  no cell starts after it, so a hung kernel cannot block the batch;
- **memory limit**: ``RLIMIT_DATA`` on the kernel process, so an allocation beyond
  it raises ``MemoryError`` in the learner's code and the kernel goes on.
  ``RLIMIT_DATA``, not ``RLIMIT_AS``: TensorFlow reserves address space it never
  touches (measured after ``import tensorflow`` and a small Keras fit: VmSize
  2.9 GB, VmData 0.64 GB), so an address-space limit would break it;
- **output floods**: while a cell runs at most ``max_output_bytes`` of its output
  are kept; then nbgrader's ``LimitOutput`` trims each cell to
  ``max_output_lines`` lines and 100 traceback lines.

Every code cell's outcome goes into ``cell.metadata.autograde`` (``status``: ok,
error, timeout, not run or died; ``seconds``; ``detail``). A hidden-tests cell
that did not finish normally — or whose exercise's solution cell timed out —
gets an error output saying why, so nbgrader's own scoring gives it 0: a test
that did not run never scores as passed.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time
import traceback
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute, IgnorePattern, LimitOutput
from traitlets import Integer

from .course import quiet_logger
from .limits import Limits, format_size

TIMEOUT_ENAME = "CellTimeoutError"
# TensorFlow's C++ (absl/glog) log lines on stderr are not a failure of a test cell
TF_LOG_PATTERN = r"(?m)^(WARNING: All log messages before absl::InitializeLog\(\)|[IWE]\d{4} \d\d:\d\d:\d\d)"


class LimitedExecute(Execute):
    """nbgrader's ``Execute`` with a notebook cap, a memory limit, output capping and per-cell status."""

    notebook_timeout = Integer(1200, help="wall-clock seconds for the whole notebook").tag(config=True)
    memory_limit = Integer(0, help="RLIMIT_DATA of the kernel in bytes (0: none)").tag(config=True)
    max_output_bytes = Integer(1_000_000, help="output kept per cell while it runs (0: no limit)").tag(config=True)

    def _get_timeout(self, cell):
        budget = getattr(self, "_budget", None)
        if cell is None or budget is None:
            return super()._get_timeout(cell)
        return max(budget, 0.1)

    async def _async_handle_timeout(self, timeout, cell=None):
        self._timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def _kernel_pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None) or getattr(getattr(provisioner, "process", None), "pid", None)

    def _limit_memory(self) -> None:
        pid = self._kernel_pid()
        if self.memory_limit and pid:
            try:
                resource.prlimit(pid, resource.RLIMIT_DATA, (self.memory_limit, self.memory_limit))
            except (AttributeError, OSError) as exc:  # not Linux
                self.log.warning("memory limit not applied: %s", exc)

    def _kill_kernel_tree(self) -> None:
        kill_tree(self._pid)

    # -- output capping, while the cell runs ----------------------------------------------------

    def output(self, outs, msg, display_id, cell_index):
        cap = self.max_output_bytes
        if not cap or msg["msg_type"] in ("error", "execute_result"):
            return super().output(outs, msg, display_id, cell_index)
        used = self._out_bytes.get(cell_index, 0)
        content = msg.get("content", {})
        if msg["msg_type"] == "stream":
            size = len(content.get("text", ""))
        else:
            size = sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in content.get("data", {}).values())
        if used + size > cap:
            if msg["msg_type"] == "stream" and used < cap:
                content["text"] = content["text"][:cap - used]
                super().output(outs, msg, display_id, cell_index)
            self._out_bytes[cell_index] = cap
            if cell_index not in self._truncated:
                self._truncated.add(cell_index)
                outs.append(nbformat.v4.new_output(
                    "stream", name="stdout",
                    text=f"\n... Output truncated by the grader: more than {format_size(cap)} ...\n"))
            return None
        self._out_bytes[cell_index] = used + size
        return super().output(outs, msg, display_id, cell_index)

    def clear_output(self, outs, msg, cell_index):
        self._out_bytes[cell_index] = 0
        return super().clear_output(outs, msg, cell_index)

    # -- the run --------------------------------------------------------------------------------

    def preprocess(self, nb, resources=None, km=None):
        from nbclient import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._out_bytes, self._truncated = {}, set()
        deadline = time.monotonic() + self.notebook_timeout
        stopped = None  # why the remaining cells do not run
        # the kernel's own stdout/stderr (not the cells' output, which comes over ZMQ) are not the grader's
        with self.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            self._pid = self._kernel_pid()
            self._limit_memory()
            info = self.wait_for_reply(self.kc.kernel_info())
            if info and "language_info" in info["content"]:
                self.nb.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                remaining = deadline - time.monotonic()
                if stopped is None and remaining < 1:
                    stopped = f"the notebook reached its time limit of {self.notebook_timeout} s"
                if stopped:
                    _mark(cell, "not run", 0.0, stopped)
                    continue
                capped = not self.timeout or remaining < self.timeout
                self._budget = remaining if capped else self.timeout
                self._timed_out = False
                limit_text = (f"the notebook's time limit of {self.notebook_timeout} s" if capped
                              else f"{self.timeout} s")
                self.error_on_timeout = {
                    "ename": TIMEOUT_ENAME, "evalue": f"timed out: the cell did not finish within {limit_text}",
                    "traceback": [f"{TIMEOUT_ENAME}: timed out: the cell did not finish within {limit_text} "
                                  "and was interrupted"]}
                start = time.monotonic()
                detail = ""
                try:
                    self.preprocess_cell(cell, resources, index)
                    status = "timeout" if self._timed_out else ("error" if _error(cell) else "ok")
                except DeadKernelError:
                    status, stopped = "died", "the kernel died"
                    detail = "the kernel died while running this cell"
                    if self.memory_limit:
                        detail += f" (over the memory limit of {format_size(self.memory_limit)}?)"
                except CellTimeoutError:
                    status = "timeout"
                    stopped = "the kernel stopped responding after a timeout and was stopped"
                    self._kill_kernel_tree()
                if status == "timeout":
                    detail = f"timed out: did not finish within {limit_text}"
                    if capped:
                        stopped = stopped or f"the notebook reached its time limit of {self.notebook_timeout} s"
                _mark(cell, status, time.monotonic() - start, detail)
            for child in _children(self._pid):  # processes the learner's code started
                kill_tree(child)
        return self.nb, self.resources


def _children(pid):
    try:
        import psutil

        return [p.pid for p in psutil.Process(pid).children(recursive=False)] if pid else []
    except Exception:
        return []


def kill_tree(pid: int | None) -> None:
    """SIGKILL ``pid`` and its descendants (best effort)."""
    if not pid:
        return
    try:
        import psutil

        proc = psutil.Process(pid)
        procs = proc.children(recursive=True) + [proc]
    except Exception:
        return
    for p in procs:
        try:
            p.kill()
        except Exception:
            pass


def _mark(cell, status: str, seconds: float, detail: str = "") -> None:
    cell.metadata["autograde"] = {"status": status, "seconds": round(seconds, 2), "detail": detail}


def _error(cell):
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


def status_of(cell) -> dict:
    return cell.metadata.get("autograde", {"status": "ok", "seconds": 0.0, "detail": ""})


def zero_unfinished_tests(nb, solution_of: dict[str, str]) -> None:
    """Give every hidden-tests cell that did not finish an error output (so nbgrader scores it 0).

    ``solution_of`` maps a tests cell's grade id to its exercise's solution cell
    id: a solution cell that timed out fails its exercise too.
    """
    timed_out_solutions = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and status_of(cell)["status"] == "timeout":
            timed_out_solutions[meta["grade_id"]] = status_of(cell)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        st = status_of(cell)
        solution = timed_out_solutions.get(solution_of.get(meta["grade_id"]))
        if st["status"] == "timeout" and not any(o.get("ename") == TIMEOUT_ENAME for o in cell.outputs
                                                 if o.get("output_type") == "error"):
            _add_error(cell, TIMEOUT_ENAME, st["detail"])
        elif st["status"] == "not run":
            _add_error(cell, "NotRun", f"not run: {st['detail']}")
        elif st["status"] == "died":
            _add_error(cell, "KernelDied", st["detail"])
        elif solution is not None:
            _add_error(cell, TIMEOUT_ENAME, f"the solution cell `{solution_of[meta['grade_id']]}` "
                                            f"{solution['detail'] or 'timed out'}")


def _add_error(cell, ename: str, evalue: str) -> None:
    cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                               traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"]))


def kernel_env(limits: Limits) -> dict[str, str | None]:
    """Environment of the kernel: grading mode, inline plots, thread counts."""
    env = {"COURSE_FAST": "1" if limits.fast else None, "NBGRADER_EXECUTION": "autograde",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    if limits.threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"):
            if var not in os.environ:
                env[var] = str(limits.threads)
    return env


def execute(nb, cwd: Path, limits: Limits, solution_of: dict[str, str] | None = None):
    """Run ``nb`` (already sanitized) in a fresh kernel under ``limits``; returns the graded notebook."""
    for key, value in kernel_env(limits).items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    log = quiet_logger()
    executor = LimitedExecute(timeout=limits.cell_timeout or None, notebook_timeout=limits.notebook_timeout,
                              memory_limit=limits.memory_limit, max_output_bytes=limits.max_output_bytes,
                              iopub_timeout=10, shutdown_kernel="immediate", log=log)
    resources = {"metadata": {"path": str(cwd)}}
    nb, resources = executor.preprocess(nb, resources)
    ignore = IgnorePattern(pattern=TF_LOG_PATTERN, log=log)
    ignore.enabled = True
    nb, resources = ignore.preprocess(nb, resources)
    nb, resources = LimitOutput(max_lines=limits.max_output_lines, max_traceback=100, log=log).preprocess(
        nb, resources)
    zero_unfinished_tests(nb, solution_of or {})
    return nb


def run_job(job: dict) -> None:
    """Worker entry point: execute ``job["notebook"]`` and write the graded copy to ``job["out"]``.

    On an unexpected failure of the grader itself, writes ``<out>.error`` instead.
    """
    out = Path(job["out"])
    try:
        nb = nbformat.from_dict(job["notebook"])
        nb = execute(nb, Path(job["cwd"]), Limits(**job["limits"]), job.get("solution_of"))
        tmp = out.with_name(out.name + ".tmp")
        nbformat.write(nb, tmp)
        os.replace(tmp, out)
    except BaseException:
        Path(str(out) + ".error").write_text(traceback.format_exc()[-4000:])
        raise

