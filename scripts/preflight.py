"""`make check`: is this machine ready for the workshop? One line per check, in under a minute.

It changes nothing: it only looks. Run it at home the day before, and again in the room.
Standard library at the top, so it can also say "not set up yet" from a Python without the packages.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FREE_GB_NEEDED = 2
SMOKE_TEST = """
from utils.environment import quiet_start
quiet_start()
from transformers import AutoTokenizer, TFAutoModel
from utils.hub import checkpoint
name = checkpoint("bert-base-uncased", quiet=True)
tokenizer = AutoTokenizer.from_pretrained(name)
inputs = tokenizer("Hugging Face is creating a tool that democratizes AI.", return_tensors="tf")
print(tuple(TFAutoModel.from_pretrained(name)(inputs).last_hidden_state.shape))
"""


def check_python() -> str | None:
    if not (3, 10) <= sys.version_info[:2] <= (3, 13):  # the same range as pyproject.toml and the Makefile
        found = sys.version.split()[0]
        return (f"Python {found}: the pinned packages (TensorFlow 2.20, torch 2.13) need 3.10-3.13; install one "
                "(python.org, your package manager, or `pyenv install 3.12`) and run `make PYTHON=python3.12 lab`")
    return None


def check_set_up() -> str | None:
    venv = os.environ.get("VENV", ".venv")  # make exports it; CI's second Python uses another folder
    if Path(sys.prefix).resolve() != (ROOT / venv).resolve():
        return f"the project's environment ({venv}) is missing: run `make lab` once (internet or a wheelhouse needed)"
    return None


def check_pins() -> str | None:
    wrong = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        pin = re.match(r"([A-Za-z0-9_.-]+)==([^\s#]+)", line)
        if pin:
            try:
                installed = metadata.version(pin[1]).split("+")[0]  # torch's CPU wheel is 2.13.0+cpu
            except metadata.PackageNotFoundError:
                installed = "missing"
            if installed != pin[2]:
                wrong.append(f"{pin[1]} {installed} (wants {pin[2]})")
    return f"packages differ from requirements.txt: {', '.join(wrong)}; run `make lab`" if wrong else None


def check_checkpoints() -> str | None:
    from utils.hub import CHECKPOINTS_DIR
    from zoo import RECIPES
    from zoo.fingerprints import is_up_to_date

    stale = [folder for folder, recipe in RECIPES.items() if not is_up_to_date(recipe, CHECKPOINTS_DIR / folder)]
    if stale:
        return f"offline checkpoints missing or stale: {', '.join(stale)}; run `make prepare` (about 3 minutes)"
    return None


def check_model_runs() -> str | None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("TUTORIAL_USE_HUB", None)
    result = subprocess.run([sys.executable, "-c", SMOKE_TEST], capture_output=True, text=True, env=env, timeout=120)
    if result.returncode != 0 or "(1, 13, 384)" not in result.stdout:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return f"loading a model offline failed: {last}"
    return None


def check_disk() -> str | None:
    free_gb = shutil.disk_usage(ROOT).free / 1e9
    if free_gb < FREE_GB_NEEDED:
        return f"only {free_gb:.1f} GB free; the notebooks need about {FREE_GB_NEEDED} GB"
    return None


def check_port() -> str | None:
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 8888)) == 0:
            return "port 8888 is taken (another Jupyter?); `make lab` will pick the next free port, which is fine"
    return None


CHECKS = {
    "Python version": check_python,
    "project environment": check_set_up,
    "pinned packages": check_pins,
    "offline checkpoints": check_checkpoints,
    "a model loads and runs offline": check_model_runs,
    "disk space": check_disk,
    "JupyterLab's port": check_port,
}
NEEDS_ENVIRONMENT = {"pinned packages", "offline checkpoints", "a model loads and runs offline"}
WARNING_ONLY = {"JupyterLab's port"}


def main() -> int:
    started, failed, skipped = time.perf_counter(), 0, False
    for name, check in CHECKS.items():
        if skipped and name in NEEDS_ENVIRONMENT:
            print(f"  -  {name}: skipped (set up first)")
            continue
        problem = check()
        mark = "✅" if problem is None else ("⚠️ " if name in WARNING_ONLY else "❌")
        print(f"{mark} {name}" + (f": {problem}" if problem else ""))
        failed += problem is not None and name not in WARNING_ONLY
        skipped = skipped or (name == "project environment" and problem is not None)
    seconds = time.perf_counter() - started
    verdict = "Ready" if not failed else "Not ready"
    print(f"\n{verdict} ({seconds:.0f} s)." + (" Fix the ❌ lines above." if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
