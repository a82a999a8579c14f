"""scripts/nbval_variants.py runs nbval as other machines would: here, on a one-cell notebook that prints
what its kernel sees (CPUs it may use, the oneDNN switch), so each variant must change what the kernel sees."""

import os
import re
import sys

import nbformat
import pytest

from utils import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import nbval_variants  # noqa: E402

PROBE = 'import os\nprint(len(os.sched_getaffinity(0)), os.environ.get("TF_ENABLE_ONEDNN_OPTS"))'


def probe_notebook(tmp_path, committed_output: str) -> str:
    cell = nbformat.v4.new_code_cell(PROBE, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=committed_output + "\n")]
    path = tmp_path / "probe.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return str(path)


def passes(variant: str, notebook: str) -> bool:
    passed, _ = nbval_variants.run_variant(variant, ["--nbval", "--nbval-current-env"], paths=(notebook,))
    return passed


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs a machine with two cores or more")
def test_one_core_variant_gives_the_kernel_one_cpu(tmp_path):
    one_cpu = probe_notebook(tmp_path, "1 None")
    assert passes("one-core", one_cpu)
    assert not passes("default", one_cpu)


def test_onednn_off_variant_reaches_the_kernel(tmp_path):
    notebook = probe_notebook(tmp_path, f"{len(os.sched_getaffinity(0))} 0")
    assert passes("onednn-off", notebook)
    assert not passes("avx2", notebook)


def test_unknown_variant_is_refused_with_the_choices(capsys):
    assert nbval_variants.main(["two-cores"]) == 2
    message = capsys.readouterr().err
    assert "two-cores" in message and "one-core" in message and "under-load" in message



def test_avx2_variant_leaves_out_only_the_cells_that_build_a_bfloat16_model(tmp_path, capfd):
    """Under the AVX2 cap a bfloat16 op kills the kernel (TensorFlow reads AVX-512 from the real CPU): the
    variant leaves such cells out, says so, and runs the others."""
    cells = [nbformat.v4.new_code_cell("print(1)", execution_count=1),
             nbformat.v4.new_code_cell('# tf.keras.mixed_precision.set_global_policy("mixed_bfloat16")\n'
                                       "raise SystemExit('a cell the AVX2 variant must not run')", execution_count=2)]
    cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    notebook = tmp_path / "bf16.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    assert passes("avx2", str(notebook))
    report = capfd.readouterr().out
    # pytest names the notebook relative to the repository's folder, wherever the clone is
    assert re.search(r"left out: \S*bf16\.ipynb::Cell 1, a bfloat16 model", report), report
    assert "1 passed, 1 deselected" in report
    assert not passes("default", str(notebook))


def test_the_series_has_one_bfloat16_cell_the_avx2_variant_leaves_out():
    pattern, _ = nbval_variants.VARIANTS["avx2"].leaves_out
    cells = [(path.name, cell.source) for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
             for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    assert [name for name, source in cells if re.search(pattern, source)] == ["10_scaling_up.ipynb"]
