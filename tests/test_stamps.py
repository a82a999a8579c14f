"""The parts every notebook shares are stamped from one source, and the stamps are current."""

import json
import shutil
import subprocess
import sys
import types

import nbformat

from utils import REPO_ROOT, REPO_URL

STAMP = [sys.executable, str(REPO_ROOT / "scripts" / "stamp_notebooks.py")]


def stamp(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*STAMP, *args], capture_output=True, text=True, timeout=120)


def copy_of_the_series(tmp_path):
    for part in ["notebooks", "docs"]:
        shutil.copytree(REPO_ROOT / part, tmp_path / part)
    shutil.copy(REPO_ROOT / "README.md", tmp_path)
    (tmp_path / "benchmarks").mkdir()
    shutil.copy(REPO_ROOT / "benchmarks" / "notebook_times.json", tmp_path / "benchmarks")
    return tmp_path


def edit_record(root, change):
    path = root / "benchmarks" / "notebook_times.json"
    record = json.loads(path.read_text())
    change(record["notebooks"])
    path.write_text(json.dumps(record))


def test_badges_links_tables_and_colab_cells_are_current():
    result = stamp("--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_stale_route_table_is_caught_and_fixed(tmp_path):
    root = copy_of_the_series(tmp_path)
    readme = root / "README.md"
    readme.write_text(readme.read_text().replace("[Start here]", "[Begin here]"))
    checked = stamp("--check", "--root", str(root))
    assert checked.returncode == 1 and "stale: README.md" in checked.stdout
    assert stamp("--root", str(root)).returncode == 0
    assert "[Start here](notebooks/00_start_here.ipynb)" in readme.read_text()
    assert stamp("--check", "--root", str(root)).returncode == 0


def test_stamping_is_idempotent_and_keeps_outputs(tmp_path):
    root = copy_of_the_series(tmp_path)
    assert stamp("--root", str(root)).returncode == 0
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        assert path.read_text() == (REPO_ROOT / "notebooks" / path.name).read_text()


def test_every_header_has_its_own_colab_badge():
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        header = nbformat.read(path, as_version=4).cells[0].source
        assert f"{REPO_URL.split('github.com/')[1]}/blob/main/notebooks/{path.name})" in header


def test_the_colab_cell_does_nothing_outside_colab(tmp_path, monkeypatch, capsys):
    notebook = nbformat.read(REPO_ROOT / "notebooks" / "01_attention_by_hand.ipynb", as_version=4)
    colab_cell = next(cell.source for cell in notebook.cells if cell.cell_type == "code")
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    monkeypatch.setattr("os.kill", lambda *a: calls.append(a))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.chdir(tmp_path)
    exec(compile(colab_cell, "colab_cell", "exec"), {})
    assert calls == [] and list(tmp_path.iterdir()) == [] and capsys.readouterr().out == ""
    assert REPO_URL in colab_cell


def test_in_colab_the_cell_puts_the_course_on_the_path_and_installs_only_what_is_missing(tmp_path, monkeypatch, capsys):
    notebook = nbformat.read(REPO_ROOT / "notebooks" / "01_attention_by_hand.ipynb", as_version=4)
    colab_cell = next(cell.source for cell in notebook.cells if cell.cell_type == "code")
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))  # no git clone, no pip
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.chdir(tmp_path)  # Colab's /content, where an earlier run cloned the course
    course = tmp_path / REPO_URL.rsplit("/", 1)[-1]
    course.symlink_to(REPO_ROOT)
    exec(compile(colab_cell, "colab_cell", "exec"), {})
    assert calls == [] and sys.path[0] == str(course)
    assert capsys.readouterr().out == "Colab is ready for this course.\n"  # this virtualenv has every pin


def test_a_fork_sets_its_address_in_one_place_and_restamps(tmp_path):
    root = copy_of_the_series(tmp_path)
    for part in ["scripts", "utils"]:
        shutil.copytree(REPO_ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    fork = "https://github.com/a-teacher/transformers-tf-course-2027"
    init = root / "utils" / "__init__.py"
    init.write_text(init.read_text().replace(REPO_URL, fork))
    stamp_script = root / "scripts" / "stamp_notebooks.py"  # the fork's copy, which reads the fork's utils
    done = subprocess.run([sys.executable, str(stamp_script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        text = path.read_text()
        assert REPO_URL not in text, path.name
        cells = nbformat.reads(text, as_version=4).cells
        header, colab_cell = cells[0].source, next(c.source for c in cells if c.cell_type == "code")
        assert f"github/a-teacher/transformers-tf-course-2027/blob/main/notebooks/{path.name})" in header
        assert f'REPO = "{fork}"' in colab_cell


def test_the_workshop_table_is_written_from_the_measured_times(tmp_path):
    root = copy_of_the_series(tmp_path)
    edit_record(root, lambda notebooks: notebooks.update(
        {"08_fine_tuning_with_keras": {"seconds": 754, "peak_memory_mb": 9000}}))
    assert stamp("--check", "--root", str(root)).stdout == "stale: docs/workshop.md\n" + (
        "Run `python scripts/stamp_notebooks.py` (or `make notebooks`) and commit the result.\n")
    assert stamp("--root", str(root)).returncode == 0
    workshop = (root / "docs" / "workshop.md").read_text()
    assert "| 08 | Fine-tuning with Keras | 45 min | 12 min 34 s | 8.8 GB |" in workshop
    assert "The heaviest notebook, 08 · Fine-tuning with Keras, peaks at 8.8 GB of memory." in workshop


def test_a_notebook_never_timed_is_named_with_the_command_that_times_it(tmp_path):
    root = copy_of_the_series(tmp_path)
    edit_record(root, lambda notebooks: notebooks.pop("04_decoder_and_encoder_decoder"))
    result = stamp("--check", "--root", str(root))
    assert result.returncode == 2
    assert "no time for 04_decoder_and_encoder_decoder.ipynb: run python scripts/time_notebooks.py " \
           "notebooks/04_decoder_and_encoder_decoder.ipynb" in result.stderr


def test_sections_are_numbered_one_way_and_cell_ids_are_of_one_kind():
    import re

    for path in sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        headings = [line for cell in cells if cell.cell_type == "markdown"
                    for line in cell.source.split("\n") if line.startswith("## ")]
        numbered = [h for h in headings if h[3:] not in {"Setup", "Summary", "Exercises", "Solutions"}]
        if not path.name.startswith("00_"):
            assert numbered == [f"## {i}. {h.split('. ', 1)[-1]}" for i, h in enumerate(numbered, 1)], path.name
        for cell in cells:
            assert re.fullmatch(r"[0-9a-f]{8}|colab-install|neighbours", cell.id), (path.name, cell.id)
        assert len({cell.id for cell in cells}) == len(cells), f"{path.name}: two cells share an id"
