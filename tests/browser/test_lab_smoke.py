"""`make lab` answers (issue 10): the README's first command starts JupyterLab on the exercise versions.

No browser needed: the server is started by `make lab` itself (a free port, a token, loopback, no
browser of its own through ``LAB_FLAGS``) and asked over HTTP what a learner's browser would get.
"""

import json
import secrets

import psutil
from labdriver import REPO_DIR, LabServer, free_port, lab_env, lab_test_flags

from course_utils.release import source_notebooks


def test_make_lab_serves_the_exercise_notebooks(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    command = ["make", "--no-print-directory", "lab", f"PORT={port}", "LAB_FLAGS=" + " ".join(lab_test_flags(token))]
    server = LabServer(command, lab_env(tmp_path), REPO_DIR, port, token, tmp_path / "make-lab.log")
    try:
        server.wait_ready(timeout=300)  # `make lab` first brings .venv and exercises/ up to date
        listing = server.api("api/contents")  # the server's root: exercises/
        served = {item["name"] for item in listing["content"] if item["type"] == "notebook"}
        missing = sorted({p.name for p in source_notebooks()} - served)
        assert not missing, f"make lab does not list the exercise versions of {missing}; it lists {sorted(served)}"
        first = server.api(f"api/contents/{sorted(served)[0]}")
        assert first["type"] == "notebook" and "### BEGIN SOLUTION" not in json.dumps(first["content"])

        status, page = server.get("lab")
        assert status == 200 and "jupyter-config-data" in page.decode()
        assert "@jupyter-widgets/jupyterlab-manager" in page.decode(), "the ipywidgets extension is not installed"

        # The notebooks' kernel is the server's own interpreter ("python" in the spec), the .venv's.
        specs = server.api("api/kernelspecs")
        assert specs["default"] == "python3" and specs["kernelspecs"]["python3"]["spec"]["argv"][0] == "python"
        lines = [_cmdline(p) for p in psutil.Process(server.proc.pid).children(recursive=True)]
        lab = [line for line in lines if "jupyter-lab" in " ".join(line)]
        assert lab and lab[0][0].startswith(str(REPO_DIR / ".venv")), lab
    finally:
        server.stop()


def _cmdline(process) -> list:
    """A process's command line, or [] for one that has ended (make's short-lived shells can be zombies by now)."""
    try:
        return process.cmdline()
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return []
