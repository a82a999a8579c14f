"""`make colab-check` (maintainers): the Colab path, run as a learner runs it, in a Colab-like virtualenv.

.colab-venv/ (gitignored, built once by `make colab-check`) is Python 3.13 with Colab's versions
(scripts/colab/runtime.txt) and a stand-in `google.colab` module that every kernel imports at start, as
Colab's does. Each check first puts that virtualenv back to Colab's versions, then, in an empty folder
that plays /content:

1. runs notebook 00 top to bottom; its first cell clones the course (this repository's committed HEAD:
   git rewrites the GitHub address to this folder, so the cell is the learners' cell, unchanged) and
   installs what Colab lacks. If that cell restarts the runtime, the kernel ends there, as on Colab;
2. restarts (a new kernel) and runs 00 again, top to bottom;
3. runs notebook 06 in a new kernel (it builds the stand-ins it needs on first use).
With `--imported transformers` a module is imported before the first cell, as by a learner who used it
first: that cell must then restart the runtime (the restart path); 00 only.

Every cell must finish without an error. It prints the first cell's time and output, each pass's time,
and the packages the first cell changed. Too slow for `make test` (a first build downloads ~5 GB, as
Colab's torch is PyPI's CUDA build; a check takes ~5 minutes); for maintainers, before a release.

    .colab-venv/bin/python scripts/colab_check.py            # what `make colab-check` runs
    .colab-venv/bin/python scripts/colab_check.py --record   # after building: remember Colab's versions
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
from utils import REPO_URL  # noqa: E402  (the line above makes utils importable)

VENV = Path(sys.prefix)
COLAB_VERSIONS = VENV / "colab-versions.json"  # written by --record, right after the build
STAND_IN = REPO_ROOT / "scripts" / "colab" / "google_colab.py"
PIP = [sys.executable, "-m", "pip"]
RESTART_LINE = "Restarting the runtime:"


def versions() -> dict[str, str]:
    listed = subprocess.run([*PIP, "list", "--format=json"], capture_output=True, text=True, check=True).stdout
    return {package["name"].lower(): package["version"] for package in json.loads(listed)}


def install_stand_in() -> None:
    site_packages = Path(next(p for p in sys.path if p.endswith("site-packages")))
    (site_packages / "google" / "colab").mkdir(parents=True, exist_ok=True)
    shutil.copy(STAND_IN, site_packages / "google" / "colab" / "__init__.py")


def reset_to_colab() -> dict[str, str]:
    """Undo what an earlier check installed: Colab's versions back, the packages Colab lacks removed."""
    colab, now = json.loads(COLAB_VERSIONS.read_text()), versions()
    extra = sorted(set(now) - set(colab))
    changed = sorted(f"{name}=={version}" for name, version in colab.items() if now.get(name) != version)
    if extra:
        subprocess.run([*PIP, "uninstall", "-q", "-y", *extra], check=True)
    if changed:
        subprocess.run([*PIP, "install", "-q", "--no-deps", *changed], check=True)
    if extra or changed:
        print(f"[colab-check] back to Colab's versions: removed {len(extra)}, reinstalled {len(changed)} packages")
    return colab


def learner_environment(home: Path, imported: str | None) -> None:
    """What every kernel of the check inherits: google.colab imported at start, the clone served from here."""
    startup = home / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import google.colab  # as Colab's kernel does at start\n")
    if imported:  # the first run only: a restarted runtime starts clean
        (startup / "01-learner.py").write_text(f"import {imported}  # used before the first cell\n")
    os.environ["IPYTHONDIR"] = str(home / "ipython")
    # git's own URL rewrite (like `git config url.<local>.insteadOf <REPO_URL>`), set for these processes only.
    os.environ.update(
        GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0=f"url.file://{REPO_ROOT}.insteadOf", GIT_CONFIG_VALUE_0=REPO_URL
    )
    os.environ.pop("TUTORIAL_USE_HUB", None)
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel's debugger on Python 3.13: a note per kernel
    os.environ["PIP_NO_CACHE_DIR"] = "1"  # a Colab runtime starts with no pip cache: the first cell downloads it all


def run(name: str, content: Path, label: str) -> tuple[bool, list[float], nbformat.NotebookNode]:
    """Run a notebook top to bottom in a new kernel. Returns (the runtime restarted, cell times, notebook)."""
    notebook = nbformat.read(REPO_ROOT / "notebooks" / name, as_version=4)
    client = NotebookClient(
        notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(content)}}
    )
    times, restarted = [], False
    print(f"[colab-check] {label}: {name} ...", flush=True)
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            started = time.perf_counter()
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
                restarted = RESTART_LINE in text_of(cell)
                if not (restarted and index == first_code_cell(notebook)):
                    raise SystemExit(
                        f"[colab-check] FAILED: {label}: the kernel died in cell {index}:\n{text_of(cell)}"
                    ) from None
                times.append(time.perf_counter() - started)
                break
            except CellExecutionError as error:
                raise SystemExit(f"[colab-check] FAILED: {label}: {name} cell {index}:\n{error}") from None
            times.append(time.perf_counter() - started)
    ran = f"{len(times)} of {len(notebook.cells)} cells, no errors, {sum(times):.0f} s"
    print(f"[colab-check] {label}: {ran}" + (", then the runtime restarted" if restarted else ""))
    slow = [f"cell {i} {seconds:.0f} s" for i, seconds in enumerate(times) if seconds >= 20]
    if slow:
        print(f"[colab-check]     slowest: {', '.join(slow)}")
    for cell in notebook.cells:  # the stand-ins built on first use, with their times
        for line in text_of(cell).splitlines():
            if line.startswith("Building the offline stand-in"):
                print(f"[colab-check]     {line}")
    return restarted, times, notebook


def first_code_cell(notebook: nbformat.NotebookNode) -> int:
    return next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")


def text_of(cell: nbformat.NotebookNode) -> str:
    return "".join(output.get("text", "") for output in cell.get("outputs", []))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="record this virtualenv's versions as Colab's, and stop")
    parser.add_argument(
        "--imported",
        metavar="MODULE",
        help="the restart path: MODULE (e.g. transformers) is imported before the first cell, which must then "
        "restart the runtime; runs 00 only",
    )
    args = parser.parse_args()
    install_stand_in()
    if args.record:
        COLAB_VERSIONS.write_text(json.dumps(versions(), indent=1, sort_keys=True))
        return 0
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout
    head = subprocess.run(
        ["git", "log", "-1", "--format=%h %s"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout.strip()
    print(
        f"[colab-check] testing the committed {head}" + (" (uncommitted changes are not part of it)" if dirty else "")
    )
    colab = reset_to_colab()
    with tempfile.TemporaryDirectory(prefix="colab-check-") as home:
        content = Path(home) / "content"
        content.mkdir()
        learner_environment(Path(home), args.imported)
        restarted, times, first = run("00_start_here.ipynb", content, "first run")
        cell = first_code_cell(first)
        (Path(home) / "ipython" / "profile_default" / "startup" / "01-learner.py").unlink(missing_ok=True)
        if args.imported and not restarted:
            raise SystemExit(f"[colab-check] FAILED: {args.imported} was imported, yet the first cell did not restart")
        if not restarted:
            print("[colab-check] the first cell did not restart the runtime; restarting anyway, as a learner may")
        _, times_again, second = run("00_start_here.ipynb", content, "second run, after the restart")
        changed = {
            name: (colab.get(name, "-"), version) for name, version in versions().items() if colab.get(name) != version
        }
        if not args.imported:
            run("06_pipelines.ipynb", content, "06 in a new kernel")
    print(
        f"[colab-check] first cell, first run: {times[cell]:.0f} s; its output:\n{text_of(first.cells[cell])}", end=""
    )
    print(
        f"[colab-check] first cell, second run: {times_again[cell]:.1f} s; its output:\n{text_of(second.cells[cell])}",
        end="",
    )
    print(f"[colab-check] packages the first cell changed ({len(changed)}):")
    for name, (old, new) in sorted(changed.items()):
        print(f"    {name}: {old} -> {new}")
    print("[colab-check] passed: 00 (twice)" + ("" if args.imported else " and 06") + " ran without errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
