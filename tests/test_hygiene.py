"""What a learner or a reviewer opens is clean: no local paths, small files, one kernel, lint-free code
(the exercises' format: test_exercises.py)."""

import json
import re
import subprocess
import sys

import nbformat
import pytest

from utils import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
MAX_BYTES = 2_000_000
LOCAL_PATH = re.compile(r"/work/|/tmp/|/home/\w|/root/|/Users/\w|[A-Z]:\\\\Users|site-packages")


def read(path):
    return nbformat.read(path, as_version=4)


def output_texts(cell) -> list[str]:
    texts = []
    for output in cell.get("outputs", []):
        texts.append(output.get("text", ""))
        texts.extend(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
        texts.extend(output.get("traceback", []))
    return texts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_local_paths_or_user_names_in_outputs(path):
    for cell in read(path).cells:
        for text in output_texts(cell):
            found = LOCAL_PATH.search(text)
            assert not found, f"{path.name}: output shows {found[0]!r} in: {text[max(0, found.start() - 80):][:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_small_enough_to_review_and_download(path):
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size:,} bytes; shrink its figures"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_kernel_and_clean_metadata(path):
    notebook = read(path)
    assert notebook.metadata.kernelspec == KERNELSPEC
    assert set(notebook.metadata) <= {"kernelspec", "language_info"}
    for cell in notebook.cells:
        assert set(cell.metadata) <= {"tags", "jupyter"}, f"{path.name}: unexpected cell metadata {dict(cell.metadata)}"


def test_code_passes_ruff():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_notebooks_are_valid_json_with_trailing_newline():
    for path in NOTEBOOKS:
        text = path.read_text()
        json.loads(text)
        assert text.endswith("\n"), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_test_markers_are_cell_tags_not_code(path):
    """nbval reads the tags nbval-ignore-output, nbval-skip and raises-exception; a learner never sees them."""
    for cell in read(path).cells:
        assert "NBVAL_" not in cell.source, f"{path.name}: an NBVAL_ comment; use a cell tag:\n{cell.source[:120]}"
