"""Fixtures of the browser tests: one JupyterLab server and one Chromium page per test module."""

import time

import pytest
from labdriver import CHROMIUM, REPO_DIR, Lab, LabServer, copy_cleared

SCREENSHOTS = REPO_DIR / "screenshots"  # git-ignored


@pytest.fixture(scope="module")
def lab_root(tmp_path_factory, request):
    """A folder served by the test server: ``notebooks/`` (copies of the module's ``NOTEBOOKS``,
    outputs cleared; nothing the browser does reaches the repository), ``exercises/`` (their
    exercise versions, written by ``course release``) and whatever the module's ``extra_files(root)``
    writes."""
    from course_utils.release import release

    paths = list(getattr(request.module, "NOTEBOOKS", []))
    root = tmp_path_factory.mktemp("lab")
    copy_cleared(paths, root / "notebooks")
    if paths:
        release([str(p) for p in paths], out_dir=root / "exercises", force=True, quiet=True)
    if hasattr(request.module, "extra_files"):
        request.module.extra_files(root)
    return root


@pytest.fixture(scope="module")
def lab_server(lab_root, tmp_path_factory):
    server = LabServer.jupyter_lab(lab_root, tmp_path_factory.mktemp("jupyter-home"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def lab(lab_server):
    """A JupyterLab page in headless Chromium (Debian's, never a downloaded one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            start = time.monotonic()
            driver = Lab(page, lab_server)
            driver.load_seconds = time.monotonic() - start
            yield driver
        finally:
            browser.close()


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
