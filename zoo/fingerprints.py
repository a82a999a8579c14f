"""Rebuild a checkpoint only when it is missing or its inputs changed.

A recipe's fingerprint hashes its own source, the project files it reads (`INPUTS`) and the
versions of the packages it uses (`PACKAGES`). The fingerprint is stored in the built folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

# Its name is older than this module's (once zoo/stamp.py): kept, so that folders built before are still known.
FINGERPRINT_FILE = ".zoo-stamp.json"


def fingerprint(recipe: ModuleType) -> str:
    digest = hashlib.sha256(Path(recipe.__file__).read_bytes())
    for path in sorted(map(Path, recipe.INPUTS)):  # str or Path
        digest.update(path.read_bytes())
    for package in recipe.PACKAGES:
        digest.update(f"{package}=={version(package)}".encode())
    return digest.hexdigest()


def is_up_to_date(recipe: ModuleType, out_dir: Path) -> bool:
    stored = out_dir / FINGERPRINT_FILE
    return stored.is_file() and json.loads(stored.read_text())["fingerprint"] == fingerprint(recipe)


def build_if_stale(recipe: ModuleType, out_dir: Path) -> bool:
    """Build `out_dir` with `recipe.build` unless it is up to date. True if it built."""
    name = out_dir.name
    if is_up_to_date(recipe, out_dir):
        print(f"[zoo] {name}: up to date")
        return False
    if out_dir.exists() and not (out_dir / FINGERPRINT_FILE).is_file():
        raise FileExistsError(
            f"{out_dir} exists but was not built by `make prepare`, so it is left alone. "
            "Move it elsewhere (or delete it) and run `make prepare` again."
        )
    print(f"[zoo] {name}: building ...", flush=True)
    started = time.perf_counter()
    # Build beside the target and swap at the end, so an interrupted build leaves no half checkpoint.
    partial = out_dir.with_name(f".{name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    recipe.build(partial)
    seconds = time.perf_counter() - started
    record = {"fingerprint": fingerprint(recipe), "seconds": round(seconds, 1)}
    (partial / FINGERPRINT_FILE).write_text(json.dumps(record))
    shutil.rmtree(out_dir, ignore_errors=True)
    partial.rename(out_dir)
    print(f"[zoo] {name}: built in {seconds:.1f} s")
    return True
