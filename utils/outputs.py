"""Folders for what notebooks create (a fine-tuned model, a saved dataset), under ``outputs/``.

Taught in notebook 08, which saves its classifier with ``output_dir("reviews-classifier")``.
A folder made here holds a marker file, so that running a notebook again may replace its own
earlier result, but never a folder that the learner made or copied there by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from utils import OUTPUTS_DIR, REPO_ROOT

MARKER = ".written-by-notebook"
_MARKER_TEXT = (
    "This folder was written by a notebook of this series; running that notebook again replaces it.\n"
    "Delete this file to keep the folder: the notebook will then refuse to overwrite it.\n"
)


def output_dir(name: str, root: Path | str = OUTPUTS_DIR) -> Path:
    """Return ``root / name`` as a new, empty folder that holds only the marker file.

    A folder of that name with the marker (a notebook's earlier result) or an empty one is
    replaced; anything else there raises ``FileExistsError``, which says what was found and
    how to keep it. ``name`` is one folder name, such as ``"reviews-classifier"``.
    """
    if not name or Path(name).name != name or name in {".", ".."}:
        raise ValueError(f"expected a single folder name such as 'reviews-classifier', got {name!r}")
    path = Path(root) / name
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise FileExistsError(
            f"{_shown(path)} exists and is not a folder. Move it away, or pick another name."
        )
    if path.is_dir():
        contents = sorted(child.name for child in path.iterdir())
        if contents and MARKER not in contents:
            shown = ", ".join(contents[:5]) + (", ..." if len(contents) > 5 else "")
            raise FileExistsError(
                f"{_shown(path)} already exists and was not written by a notebook (no {MARKER} "
                f"file in it; it holds: {shown}). To keep it, move it elsewhere or pick another "
                "name; to let the notebook replace it, delete the folder."
            )
        shutil.rmtree(path)
    path.mkdir(parents=True)
    (path / MARKER).write_text(_MARKER_TEXT)
    return path


def from_notebook(name: str, notebook: str, needs: Sequence[str] = (), root: Path | str = OUTPUTS_DIR,
                  notebooks: Path | str = REPO_ROOT / "notebooks", timeout: float = 1800) -> Path:
    """``root / name`` as ``notebook`` (a file of ``notebooks``) writes it, holding the files ``needs``.

    When it is missing or incomplete, the notebook runs first, top to bottom in a kernel of its own, and its
    file is left as it was. Notebook 09 shares the classifier 08 fine-tunes: on a fresh machine, or in Colab,
    where every notebook gets a machine of its own, it would otherwise have nothing to share.
    """
    path = Path(root) / name
    if _complete(path, needs):
        return path
    import nbformat
    from nbclient import NotebookClient

    print(f"{_shown(path)} is missing or incomplete: running {notebook} first, which writes it ...", flush=True)
    started = time.perf_counter()
    executed = nbformat.read(Path(notebooks) / notebook, as_version=4)  # in memory: the file stays untouched
    # The kernel finds utils/ whether or not the course is installed (in Colab it is only cloned).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    # Its kernel's own log lines would land in this cell's output; its errors come back through the client.
    NotebookClient(executed, timeout=timeout, resources={"metadata": {"path": str(notebooks)}}).execute(
        env=env, stderr=subprocess.DEVNULL)
    if not _complete(path, needs):
        raise FileNotFoundError(f"{notebook} ran to the end but did not write {_shown(path)} with "
                                f"{', '.join(needs) or 'its files'}: open it and run it yourself to see why.")
    print(f"done in {time.perf_counter() - started:.0f} s")
    return path


def _complete(path: Path, needs: Sequence[str]) -> bool:
    # No marker needed: a learner who deleted it to keep the folder (see _MARKER_TEXT) still has the output.
    return path.is_dir() and all((path / need).is_file() for need in needs)


def _shown(path: Path) -> str:
    """The path relative to the repository when it is inside it (no machine-specific prefix)."""
    try:
        return str(path.resolve().relative_to(OUTPUTS_DIR.parent.resolve()))
    except ValueError:
        return str(path)
