"""JupyterLab on loopback, driven by Debian's Chromium through Playwright (issue 10).

Used by ``tests/browser/``. :class:`LabServer` starts the project's JupyterLab
(the ``.venv``'s ``jupyter lab``, a random free port, a random token, no browser
of its own, settings and workspaces in a temporary folder so the developer's own
JupyterLab set-up neither leaks in nor gets changed). :class:`Lab` drives one
browser page: open a notebook, run all cells from the Run menu, read back what
every cell shows, move the controls of an explorer.

What is read comes from two places: the notebook model that the browser built
from the kernel's messages (output types, execution counts) and the rendered
page (images, widgets, the text of error outputs, including those inside an
``Output`` widget, which the notebook model does not hold).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent  # the .venv that runs the tests, as `make lab` uses
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# ipywidgets models a learner moves (the style and layout models end in StyleModel / LayoutModel).
CONTROL_MODEL = re.compile(r"(Slider|Dropdown|ToggleButtons|ToggleButton|RadioButtons|Checkbox|Select|"
                           r"IntText|FloatText|BoundedIntText|BoundedFloatText|Text|Play)Model$")
EXPLORER_CALL = re.compile(r"(\b\w+_explorer|\binteract|\binteractive)\s*\(")


# --------------------------------------------------------------------------------------------
# Which notebooks have an explorer (from their contents, so new notebooks are covered)
# --------------------------------------------------------------------------------------------

def _controls_under(model_id: str, state: dict, seen=None) -> bool:
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state:
        return False
    seen.add(model_id)
    model = state[model_id]
    if CONTROL_MODEL.search(model.get("model_name", "")):
        return True
    children = model.get("state", {}).get("children", [])
    return any(_controls_under(str(c).removeprefix("IPY_MODEL_"), state, seen) for c in children)


def explorer_cells(nb: dict) -> list[int]:
    """Indexes of the code cells that build an explorer.

    A cell counts when its committed output is a widget with a control in it
    (the widget state is saved with the outputs, see CONTRIBUTING), or when it
    calls a ``*_explorer(...)`` helper or ipywidgets' ``interact``. A progress
    bar (a widget without controls) does not count.
    """
    state = (nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}) or {}).get("state", {})
    found = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        code = "\n".join(line.split("#", 1)[0] for line in source.splitlines())
        views = [o["data"][WIDGET_VIEW]["model_id"] for o in cell.get("outputs", [])
                 if WIDGET_VIEW in o.get("data", {})]
        if EXPLORER_CALL.search(code) or any(_controls_under(v, state) for v in views):
            found.append(i)
    return found


def explorer_notebooks(paths) -> dict[Path, list[int]]:
    """``{path: explorer cell indexes}`` for the notebooks that have at least one explorer."""
    out = {}
    for path in paths:
        cells = explorer_cells(json.loads(Path(path).read_text()))
        if cells:
            out[Path(path)] = cells
    return out


# --------------------------------------------------------------------------------------------
# Availability of the browser: one line that says why not
# --------------------------------------------------------------------------------------------

def browser_unavailable() -> str | None:
    """None when the browser tests can run, else the reason in one line."""
    if os.environ.get("COURSE_BROWSER", "").lower() in ("0", "skip", "off", "no"):
        return "browser tests skipped: COURSE_BROWSER=skip"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        if CHROMIUM != "/usr/bin/chromium":
            why = "COURSE_CHROMIUM names another path"
        elif os.geteuid() != 0:
            why = "not root"
        elif shutil.which("apt-get") is None:
            why = "no apt-get"
        else:
            why = "its install failed, see /tmp/install-browser.log"
        return (f"browser tests skipped: {CHROMIUM} missing and cannot install ({why}); "
                "as root on Debian/Ubuntu run .ci/install-browser")
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "browser tests skipped: the playwright package is missing (pip install -e '.[dev]')"
    return None


def skip_reason() -> str | None:
    """:func:`browser_unavailable`, except that with ``COURSE_BROWSER=require`` (for a CI that must run
    the browser tests) a missing browser fails the calling test module instead of skipping it."""
    import pytest

    reason = browser_unavailable()
    if reason and os.environ.get("COURSE_BROWSER", "").lower() == "require":
        pytest.fail(reason.replace("skipped", "required (COURSE_BROWSER=require) but cannot run"), pytrace=False)
    return reason


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

# JupyterLab settings for an unattended browser: every cell in the page (no windowing, so the
# rendered outputs of all cells can be read), no autosave, no news or update pop-ups.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_env(home: Path, **extra) -> dict:
    """The environment of a test server: FAST mode, one thread per kernel, Jupyter's per-user folders in ``home``."""
    env = dict(os.environ)
    for key in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "JUPYTER_PATH", "JUPYTER_PREFER_ENV_PATH"):
        env.pop(key, None)
    env.update(COURSE_FAST="1", TF_CPP_MIN_LOG_LEVEL="2",
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}")
    # One BLAS / TensorFlow thread per kernel, as `course grade --workers 2` gives each: `make test` runs two
    # pytest workers on 2 cores, and oversubscribed BLAS threads made notebook 01 2.3x slower (45 s vs 104 s).
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"):
        env.setdefault(var, "1")
    env.update(extra)
    for name, settings in LAB_SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    return env


class LabServer:
    """A running JupyterLab; ``url(path)`` gives an address with the token."""

    def __init__(self, command: list[str], env: dict, cwd: Path, port: int, token: str, log: Path):
        self.port, self.token, self.log = port, token, log
        self.base = f"http://127.0.0.1:{port}"
        self._log = open(log, "w")
        self.proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    @classmethod
    def jupyter_lab(cls, root_dir: Path, home: Path, **env) -> LabServer:
        """The ``.venv``'s ``jupyter lab`` on ``root_dir``, as ``make lab`` starts it, for a test."""
        port, token = free_port(), secrets.token_hex(16)
        command = [str(VENV_BIN / "jupyter"), "lab", f"--notebook-dir={root_dir}", f"--port={port}",
                   *lab_test_flags(token), "--LabApp.expose_app_in_browser=True"]
        server = cls(command, lab_env(home, **env), root_dir, port, token, home / "server.log")
        server.root = Path(root_dir)
        return server

    def url(self, path: str = "", **query) -> str:
        query = {**query, "token": self.token}
        return f"{self.base}/{path.lstrip('/')}?" + "&".join(f"{k}={v}" for k, v in query.items())

    def get(self, path: str, **query) -> tuple[int, bytes]:
        with urllib.request.urlopen(self.url(path, **query), timeout=10) as r:
            return r.status, r.read()

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def wait_ready(self, timeout: float = 120) -> float:
        """Seconds until the server answers ``/api/status``; raises with the log's tail otherwise."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.proc.poll() is not None:
                break
            try:
                self.get("api/status")
                return time.monotonic() - start
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"JupyterLab did not answer on {self.base} (exit code {self.proc.poll()}); "
                           f"log {self.log}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        # The server runs in its own process group (with `make lab`, make and its jupyter child): stop them all.
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                pass
        self._log.close()


def lab_test_flags(token: str) -> list[str]:
    """What a test adds to ``make lab``'s command: loopback, its token, no browser (root allowed)."""
    flags = ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"]
    if os.geteuid() == 0:
        flags.append("--allow-root")
    return flags


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------

_PANEL_JS = """
(path) => {
  const app = window.jupyterapp;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path) return w;
  }
  return null;
}
"""


def _on_panel(body: str, args: str = "path") -> str:
    """A JavaScript function of ``args`` that runs ``body`` with ``p``, the notebook panel of ``path``."""
    return f"({args}) => {{ const p = ({_PANEL_JS})(path); {body} }}"


# Everything each cell shows, from the notebook model and from the page.
_CELLS_JS = """
(path) => {
  const panel = (%s)(path);
  const cells = [];
  panel.content.widgets.forEach((cell, index) => {
    const model = cell.model;
    const item = {index, type: model.type, source: model.sharedModel.getSource().slice(0, 200)};
    if (model.type === 'code') {
      item.count = model.executionCount;
      item.state = model.executionState;
      item.outputs = model.outputs.toJSON().map(o => ({
        type: o.output_type,
        text: o.output_type === 'stream' ? String(o.text)
            : o.output_type === 'error' ? (o.traceback || []).join('\\n') : '',
        mimes: o.data ? Object.keys(o.data) : []}));
      const area = cell.node.querySelector('.jp-Cell-outputArea') || cell.node;
      item.text = area.innerText;
      item.errorTexts = [...area.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
        .map(e => e.innerText.trim());
      const imgs = [...area.querySelectorAll('img')];
      item.images = imgs.length;
      item.brokenImages = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length;
      item.widgets = area.querySelectorAll('.jupyter-widgets').length;
      item.controls = area.querySelectorAll(
        '.widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-checkbox, .widget-radio').length;
      item.widgetOutputs = area.querySelectorAll('.widget-output').length;
    }
    cells.push(item);
  });
  return cells;
}
""" % _PANEL_JS

# What an explorer shows now: the images (their bytes as data: URLs) and the text of its output area.
_EXPLORER_VIEW_JS = """
([path, index]) => {
  const panel = (%s)(path);
  const area = panel.content.widgets[index].node.querySelector('.widget-output');
  if (!area) return null;
  const images = [...area.querySelectorAll('img')].map(i => i.src);
  return {images, text: area.innerText, busy: !panel.sessionContext.session
          || panel.sessionContext.session.kernel.status !== 'idle'};
}
""" % _PANEL_JS

_RUN_DONE_JS = """
(path) => {
  const panel = (%s)(path);
  const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  return !panel.content.widgets.some(c => c.model.type === 'code' && c.model.executionState === 'running');
}
""" % _PANEL_JS


class Lab:
    """One Chromium page on a :class:`LabServer`."""

    def __init__(self, page, server: LabServer):
        self.page, self.server = page, server
        self.server_root = getattr(server, "root", None)
        self.console_errors: list[str] = []
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.goto(server.url("lab", reset=""))
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=120_000)
        page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # wider notebooks in the screenshots

    def open(self, path: str, timeout: float = 300) -> None:
        """Open a notebook from the file browser's model and wait for its idle kernel."""
        self.page.evaluate("(path) => { window.jupyterapp.commands.execute('docmanager:open', {path}); }", path)
        self.page.wait_for_function(_on_panel("return p && p.isVisible && p.sessionContext.session "
                                              "&& p.sessionContext.session.kernel "
                                              "&& p.sessionContext.session.kernel.status === 'idle';"),
                                    arg=path, timeout=timeout * 1000)
        self.activate(path)

    def activate(self, path: str) -> None:
        """Make the notebook's tab the current one (the Run menu acts on it)."""
        self.page.evaluate(_on_panel("window.jupyterapp.shell.activateById(p.id);"), path)
        self.page.wait_for_function(_on_panel("return window.jupyterapp.shell.currentWidget === p;"), arg=path)

    def close(self, path: str) -> None:
        """Close the notebook's tab and shut its kernel down (without waiting for it to exit)."""
        self.page.evaluate(_on_panel("if (!p) return; const s = p.sessionContext.session; "
                                     "(s ? s.shutdown() : Promise.resolve()).catch(() => {}).finally(() => p.dispose());"),
                           path)

    def menu(self, *labels: str) -> None:
        """Click through the menu bar, e.g. ``menu("Run", "Run All Cells")``."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(labels[0])}$")).click()
        for label in labels[1:]:
            self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(label)}$")).click()

    def wait_idle(self, path: str, timeout: float) -> None:
        # The kernel is idle and no cell is queued or running; seen twice, half a second apart.
        deadline = time.monotonic() + timeout
        while True:
            remaining = max(1.0, deadline - time.monotonic())
            self.page.wait_for_function(_RUN_DONE_JS, arg=path, timeout=remaining * 1000, polling=250)
            self.page.wait_for_timeout(500)
            if self.page.evaluate(_RUN_DONE_JS, path):
                return

    def start_menu(self, path: str, item: str) -> None:
        """Click Run > ``item`` on the notebook ``path`` (made the current one) and see the run start."""
        self.activate(path)
        state = _on_panel("return p.content.widgets.map(c => c.model.type === 'code' "
                          "? [c.model.executionCount, c.model.executionState] : null);")
        before = self.page.evaluate(state, path)
        self.menu("Run", item)
        self.page.wait_for_function(f"([path, before]) => {{ const now = ({state})(path); "
                                    "return JSON.stringify(now) !== JSON.stringify(before) "
                                    "|| now.some(s => s && s[1] === 'running'); }",
                                    arg=[path, before], timeout=60_000, polling=100)

    def run_menu(self, path: str, item: str, timeout: float) -> None:
        """Click Run > ``item``, see the run start, wait until it has finished."""
        self.start_menu(path, item)
        self.wait_idle(path, timeout)

    def run_all(self, path: str, timeout: float = 600) -> None:
        """Run > Run All Cells, and wait until the kernel has finished."""
        self.run_menu(path, "Run All Cells", timeout)

    def run_all_continuing(self, path: str, timeout: float = 600) -> int:
        """Run all cells the way a learner steps through them: after a cell stops the run with an error,
        go on from the next cell (Run > Run Selected Cell and All Below). Returns the number of runs."""
        deadline = time.monotonic() + timeout
        self.run_all(path, timeout)
        runs = 1
        while True:
            cells = self.cells(path)
            not_run = [c["index"] for c in cells if c["type"] == "code" and c["count"] is None and c["source"].strip()]
            if not not_run:
                return runs
            self.page.evaluate(_on_panel("p.content.activeCellIndex = i;", args="[path, i]"), [path, not_run[0]])
            self.run_menu(path, "Run Selected Cell and All Below", max(1.0, deadline - time.monotonic()))
            runs += 1
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path}: cells still not run after {timeout} s: {not_run}")

    def cells(self, path: str) -> list[dict]:
        return self.page.evaluate(_CELLS_JS, path)

    def explorer_view(self, path: str, index: int) -> dict | None:
        return self.page.evaluate(_EXPLORER_VIEW_JS, [path, index])

    def cell_locator(self, path: str, index: int):
        mark = self.page.evaluate(_on_panel("const n = p.content.widgets[i].node; "
                                            "n.dataset.testCell = p.id + '-' + i; return n.dataset.testCell;",
                                            args="[path, i]"), [path, index])
        return self.page.locator(f"[data-test-cell='{mark}']")

    def controls(self, path: str, index: int):
        """The controls of the explorer in cell ``index``: ``[(kind, locator)]``."""
        cell = self.cell_locator(path, index)
        found = []
        for kind, selector in (("slider", ".widget-slider"), ("dropdown", ".widget-dropdown"),
                               ("toggle", ".widget-toggle-buttons"), ("checkbox", ".widget-checkbox"),
                               ("radio", ".widget-radio")):
            loc = cell.locator(selector)
            for i in range(loc.count()):
                item = loc.nth(i)
                if item.locator("xpath=ancestor::*[contains(@class,'widget-output')]").count():
                    continue  # a control drawn inside the explorer's output is not one of its own
                found.append((kind, item))
        return found

    def move(self, kind: str, control) -> str:
        """Move a control one step, as a learner would; returns what it shows now."""
        control.scroll_into_view_if_needed()
        if kind == "dropdown":
            select = control.locator("select")
            options = select.locator("option").all_inner_texts()
            current = select.evaluate("s => s.selectedIndex")
            select.select_option(index=(current + 1) % len(options))
            return options[(current + 1) % len(options)]
        if kind == "slider":
            readout = control.locator(".widget-readout")
            before = readout.inner_text()
            handle = control.locator(".noUi-handle").first
            handle.focus()
            handle.press("ArrowRight")
            self.page.wait_for_timeout(200)
            if readout.inner_text() == before:  # at the right end: step left instead
                handle.press("ArrowLeft")
            return readout.inner_text()
        if kind == "toggle":
            buttons = control.locator("button")
            for i in range(buttons.count()):
                if "mod-active" not in (buttons.nth(i).get_attribute("class") or ""):
                    buttons.nth(i).click()
                    return buttons.nth(i).inner_text()
        if kind == "checkbox":
            control.locator("input").click()
            return str(control.locator("input").is_checked())
        if kind == "radio":
            inputs = control.locator("input")
            for i in range(inputs.count()):
                if not inputs.nth(i).is_checked():
                    inputs.nth(i).click()
                    return str(i)
        raise ValueError(f"cannot move a {kind} control")

    def wait_view_change(self, path: str, index: int, before: dict, timeout: float = 300) -> dict:
        """What the explorer in cell ``index`` shows once it differs from ``before`` and has settled, or,
        when the kernel has gone quiet (idle for 2 s) with the view unchanged, what it still shows."""
        start = time.monotonic()
        saw_busy, quiet_since = False, None
        while time.monotonic() - start < timeout:
            now = self.explorer_view(path, index)
            if now is None:
                return None
            saw_busy = saw_busy or now["busy"]
            changed = (now["images"], now["text"]) != (before["images"], before["text"])
            if not now["busy"] and changed and (now["images"] or now["text"].strip()):
                self.page.wait_for_timeout(400)
                if self.explorer_view(path, index) == now:
                    return now
                continue
            if now["busy"] or not (saw_busy or time.monotonic() - start > 5):
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > 2:
                return now
            self.page.wait_for_timeout(200)
        return self.explorer_view(path, index)


def copy_cleared(files, dest: Path) -> list[Path]:
    """Copy notebooks into ``dest`` with their outputs and saved widget state cleared (as a learner's
    fresh copy: the page then loads in a few seconds instead of rendering the committed images)."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for f in files:
        nb = json.loads(Path(f).read_text())
        nb.get("metadata", {}).pop("widgets", None)
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
        written.append(dest / Path(f).name)
        written[-1].write_text(json.dumps(nb, indent=1))
    return written
