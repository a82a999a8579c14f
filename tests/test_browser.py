"""A learner's real runs, proved in a real browser: JupyterLab, Chromium, Run All Cells.

01, attention by hand, runs and draws its plots. 07: bertviz's views draw with every request that does
not go to loopback blocked, as in a classroom without internet (utils/bertviz_offline.py).
Needs Chromium (Debian: `apt-get install chromium`; .ci/run installs it when it can). Playwright's
own browser download does not work on these machines, so it drives the system's Chromium.
Each notebook runs from a copy in a temporary folder: the committed one is never touched.
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
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from utils import REPO_ROOT
from utils.loopback import free_port, listening

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NOTEBOOK = "01_attention_by_hand.ipynb"
BERTVIZ_NOTEBOOK = "07_loading_models_with_tfautomodel.ipynb"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
# The stand-in for bert-base-uncased that 07 loads offline (all-MiniLM-L6-v2's weights): 6 layers of 12 heads.
LAYERS, HEADS = 6, 12
# Names a page gets when d3, jQuery or require.js load the usual way; bertviz's views must set none of them.
LIBRARY_GLOBALS = ["d3", "$", "jQuery", "require", "requirejs", "define"]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
RUN_ALL_TIMEOUT_MS = 180_000

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not found; install it (Debian: apt-get install chromium) for the browser test"
)


@pytest.fixture
def jupyterlab(tmp_path):
    """JupyterLab on loopback, serving a copy of notebook 01 (attention by hand); stopped and checked stopped after."""
    with serving(NOTEBOOK, tmp_path) as url:
        yield url


@pytest.fixture
def jupyterlab_07(tmp_path):
    with serving(BERTVIZ_NOTEBOOK, tmp_path) as url:
        yield url


@contextmanager
def serving(name: str, tmp_path: Path):
    notebook = nbformat.read(REPO_ROOT / "notebooks" / name, as_version=4)
    for cell in notebook.cells:  # as a learner gets it after "Clear All Outputs": every output must come from this run
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(notebook, tmp_path / name)
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
        yield f"{url}/lab/tree/{name}?token={token}"
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


def launch(playwright, offline: bool = False):
    """Chromium; offline: its requests beyond loopback go to a proxy that is not there (Chromium never
    sends loopback through a proxy), under the test's own blocking of them, which also lists them."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ] + ([f"--proxy-server=http://127.0.0.1:{free_port()}"] if offline else []))


def run_all_cells(page, url: str, name: str):
    """Open the notebook, Run All Cells, and wait until its last cell shows the committed last output."""
    page.goto(url)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    start_kernel_if_asked(page)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=60_000)
    assert page.locator(".jp-OutputArea-output").count() == 0, "the page should start without outputs"
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    expected = last_output_text(REPO_ROOT / "notebooks" / name)
    last_output = page.locator(".jp-CodeCell").last.locator(".jp-OutputArea-output")
    last_output.filter(has_text=expected.splitlines()[-1]).wait_for(timeout=RUN_ALL_TIMEOUT_MS)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=60_000)

    prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
    assert prompts and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in prompts), prompts
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, "error or warning output in the page:\n" + "\n".join(errors.all_inner_texts())
    assert expected in last_output.inner_text()


def test_run_all_cells_in_jupyterlab_in_chromium(jupyterlab):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            run_all_cells(page, jupyterlab, NOTEBOOK)
            page.screenshot(path=ARTIFACTS / "browser_01_end.png")
            assert page.locator(".jp-OutputArea-output img").count() >= 1, "no plot was rendered"
            page.locator(".jp-OutputArea-output img").first.scroll_into_view_if_needed()
            page.screenshot(path=ARTIFACTS / "browser_01_plot.png")
        finally:
            browser.close()


def test_bertviz_draws_in_jupyterlab_with_the_network_blocked(jupyterlab_07):
    """07's head_view and model_view draw their SVG with every non-loopback request refused."""
    ARTIFACTS.mkdir(exist_ok=True)
    blocked = []

    def loopback_only(route):
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).hostname not in LOOPBACK:
            blocked.append(url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    with sync_playwright() as playwright:
        browser = launch(playwright, offline=True)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, service_workers="block")
            context.route("**/*", loopback_only)
            page = context.new_page()
            run_all_cells(page, jupyterlab_07, BERTVIZ_NOTEBOOK)
            # The "Open in Colab" badge at the top is an image from the internet: the one request expected.
            unexpected = [url for url in blocked if url != COLAB_BADGE]
            assert unexpected == [], f"the page asked the network for {unexpected}"

            views = page.locator(".jp-OutputArea-output [id^='bertviz-']")
            assert views.count() == 2, "expected head_view's and model_view's outputs"
            head_view, model_view = views.nth(0), views.nth(1)
            head_view.locator("svg g.headAttention").first.wait_for(timeout=30_000)
            assert head_view.locator("#layer option").all_inner_texts() == ["0", "1"]  # include_layers=[0, 1]
            heads = head_view.locator("svg g.headAttention")
            assert heads.count() == HEADS, "one group of attention lines per head"
            for head in range(HEADS):
                assert heads.nth(head).locator("line").count() > 0, f"head {head} drew no lines"
            assert head_view.locator("svg text").filter(has_text="hungry").count() == 2  # left and right columns
            model_view.locator("svg rect.attn_background").first.wait_for(timeout=30_000)
            assert model_view.locator("svg rect.attn_background").count() == LAYERS * HEADS
            leaked = page.evaluate("names => names.filter(name => name in window)", LIBRARY_GLOBALS)
            assert leaked == [], f"bertviz's libraries leaked into the page as globals: {leaked}"

            head_view.scroll_into_view_if_needed()
            head_view.screenshot(path=ARTIFACTS / "browser_07_head_view.png")
            model_view.scroll_into_view_if_needed()
            model_view.screenshot(path=ARTIFACTS / "browser_07_model_view.png")
        finally:
            browser.close()
