"""What a learner or a reviewer opens is clean: no local paths, small files, one kernel, lint-free code,
and exercises in one format (task, a cell to fill, a check, a worked solution)."""

import json
import re
import subprocess
import sys

import nbformat
import pytest

from utils import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
LESSONS = [path for path in NOTEBOOKS if not path.name.startswith("00_")]  # 00 is the guide, with no exercises
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


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_exercises_in_one_format(path):
    cells = read(path).cells
    start, end = (section(cells, heading, path.name) for heading in ["## Exercises", "## Solutions"])
    exercises = [c for c in cells[start:end] if c.cell_type == "code"]
    solutions = [c for c in cells[end:] if c.cell_type == "code"]
    stubs = [c for c in exercises if "raise NotImplementedError" in c.source]
    assert stubs, f"{path.name}: each exercise needs a cell to fill (a stub that raises NotImplementedError)"
    exercise_output = "".join(t for c in exercises for t in output_texts(c))
    solution_output = "".join(t for c in solutions for t in output_texts(c))
    assert "⏳" in exercise_output, f"{path.name}: the checks under Exercises should say the task is not done yet"
    assert "✅" in solution_output and "❌" not in solution_output, f"{path.name}: every worked solution must pass"
    assert all(c.metadata.get("jupyter", {}).get("source_hidden") for c in solutions), "solutions start collapsed"


def section(cells, heading: str, name: str) -> int:
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and heading in cell.source.splitlines():
            return i
    raise AssertionError(f"{name}: no '{heading}' heading")


def test_code_passes_ruff():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_notebooks_are_valid_json_with_trailing_newline():
    for path in NOTEBOOKS:
        text = path.read_text()
        json.loads(text)
        assert text.endswith("\n"), path.name
