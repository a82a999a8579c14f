"""A learner's first real run, proved in a real browser: JupyterLab, Chromium, Run All Cells.

Needs Chromium (Debian: `apt-get install chromium`; .ci/run installs it when it can). Playwright's
own browser download does not work on these machines, so it drives the system's Chromium.
The notebook runs from a copy in a temporary folder: the committed one is never touched.
Screenshots land in tests/artifacts/.
"""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright
from ports import free_port, listening  # tests/ports.py

from utils import REPO_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NOTEBOOK = "01_attention_by_hand.ipynb"
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
RUN_ALL_TIMEOUT_MS = 180_000

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not found; install it (Debian: apt-get install chromium) for the browser test"
)


@pytest.fixture
def jupyterlab(tmp_path):
    """JupyterLab on loopback, serving a copy of the notebook; stopped (and checked stopped) afterwards."""
    notebook = nbformat.read(REPO_ROOT / "notebooks" / NOTEBOOK, as_version=4)
    for cell in notebook.cells:  # as a learner gets it after "Clear All Outputs": every output must come from this run
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(notebook, tmp_path / NOTEBOOK)
    settings = tmp_path / ".settings" / "@jupyterlab"
    for extension, file, values in [
        ("notebook-extension", "tracker", {"windowingMode": "none"}),  # render every cell, not only those on screen
    ]:
        (settings / extension).mkdir(parents=True)
        (settings / extension / f"{file}.jupyterlab-settings").write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}",
        f"--LabApp.user_settings_dir={tmp_path / '.settings'}",
    ] + (["--allow-root"] if os.getuid() == 0 else [])
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("TUTORIAL_USE_HUB", None)
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{url}/api/status?token={token}", server)
        yield f"{url}/lab/tree/{NOTEBOOK}?token={token}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
        server.wait(timeout=30)
        assert not listening(port), "JupyterLab's port is still open after the test"


def wait_until_answering(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("JupyterLab exited at start:\n" + server.stderr.read().decode())
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer within {timeout} s")


def start_kernel_if_asked(page) -> None:
    """JupyterLab asks which kernel to use when starting the kernel takes long (a busy machine)."""
    select = page.locator(".jp-Dialog button", has_text="Select")
    try:
        select.wait_for(timeout=5_000)
    except PlaywrightTimeout:
        return
    select.click()


def last_output_text(path: Path) -> str:
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in code[-1].outputs).strip()


def test_run_all_cells_in_jupyterlab_in_chromium(jupyterlab):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run",
        ])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(jupyterlab)
            page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
            start_kernel_if_asked(page)
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=60_000)
            assert page.locator(".jp-OutputArea-output").count() == 0, "the page should start without outputs"
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            expected = last_output_text(REPO_ROOT / "notebooks" / NOTEBOOK)
            last_output = page.locator(".jp-CodeCell").last.locator(".jp-OutputArea-output")
            last_output.filter(has_text=expected.splitlines()[-1]).wait_for(timeout=RUN_ALL_TIMEOUT_MS)
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=60_000)
            page.screenshot(path=ARTIFACTS / "browser_01_end.png")

            prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
            assert prompts and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in prompts), prompts
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            assert errors.count() == 0, "error or warning output in the page:\n" + "\n".join(errors.all_inner_texts())
            assert page.locator(".jp-OutputArea-output img").count() >= 1, "no plot was rendered"
            assert expected in last_output.inner_text()
            page.locator(".jp-OutputArea-output img").first.scroll_into_view_if_needed()
            page.screenshot(path=ARTIFACTS / "browser_01_plot.png")
        finally:
            browser.close()
