"""Notebooks are committed as one clean top-to-bottom run; nbval then checks their outputs."""

from pathlib import Path

import nbformat
import pytest

from utils import REPO_ROOT as ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


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


def test_the_series_runs_from_00_to_10():
    assert [path.name[:2] for path in NOTEBOOKS] == [f"{n:02}" for n in range(11)]
