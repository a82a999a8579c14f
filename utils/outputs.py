"""Folders for what notebooks create (a fine-tuned model, a saved dataset), under ``outputs/``.

Taught in notebook 08, which saves its classifier with ``output_dir("reviews-classifier")``.
A folder made here holds a marker file, so that running a notebook again may replace its own
earlier result, but never a folder that the learner made or copied there by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from utils import OUTPUTS_DIR

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


def _shown(path: Path) -> str:
    """The path relative to the repository when it is inside it (no machine-specific prefix)."""
    try:
        return str(path.resolve().relative_to(OUTPUTS_DIR.parent.resolve()))
    except ValueError:
        return str(path)
