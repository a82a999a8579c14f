"""Notebooks are committed as one clean top-to-bottom run; nbval then checks their outputs."""

import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

from utils import REPO_ROOT as ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def stamp_script():
    spec = importlib.util.spec_from_file_location("stamp_notebooks", ROOT / "scripts" / "stamp_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def code_cells(path: Path) -> list:
    notebook = nbformat.read(path, as_version=4)
    return [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_as_one_run_from_top_to_bottom(path):
    counts = [cell.execution_count for cell in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), "re-run with `make notebooks` and commit"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_error_outputs(path):
    for cell in code_cells(path):
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_starts_with_the_colab_cell_then_the_setup_cell(path):
    first, second = code_cells(path)[:2]
    assert first.source.startswith("# Colab only")
    assert second.source.startswith("from utils.environment import setup")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_colab_cell_starts_collapsed_under_a_one_line_summary(path):
    cells = nbformat.read(path, as_version=4).cells
    colab = next(i for i, cell in enumerate(cells) if cell.cell_type == "code")
    assert cells[colab].metadata.get("jupyter", {}).get("source_hidden"), f"{path.name}: Colab cell not collapsed"
    assert cells[colab - 1].source.endswith(stamp_script().COLAB_SUMMARY), f"{path.name}: no summary above it"


def test_the_series_runs_from_00_to_10():
    assert [path.name[:2] for path in NOTEBOOKS] == [f"{n:02}" for n in range(11)]
