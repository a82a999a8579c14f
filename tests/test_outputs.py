"""utils.outputs: a notebook may replace its own earlier result, never a folder someone else made."""

import pytest

from utils import OUTPUTS_DIR
from utils.outputs import MARKER, from_notebook, output_dir


def test_creates_an_empty_folder_with_the_marker(tmp_path):
    path = output_dir("classifier", root=tmp_path / "outputs")
    assert path == tmp_path / "outputs" / "classifier"
    assert [child.name for child in path.iterdir()] == [MARKER]


def test_replaces_what_a_notebook_wrote_before(tmp_path):
    old = output_dir("classifier", root=tmp_path)
    (old / "tf_model.h5").write_text("old weights")
    new = output_dir("classifier", root=tmp_path)
    assert new == old and [child.name for child in new.iterdir()] == [MARKER]


def test_an_empty_folder_is_reused(tmp_path):
    (tmp_path / "classifier").mkdir()
    assert (output_dir("classifier", root=tmp_path) / MARKER).is_file()


def test_refuses_a_folder_without_the_marker_and_says_how_to_fix_it(tmp_path):
    mine = tmp_path / "classifier"
    mine.mkdir()
    (mine / "my_model.h5").write_text("weights I trained")
    with pytest.raises(FileExistsError, match=r"not written by a notebook.*my_model\.h5.*move it"):
        output_dir("classifier", root=tmp_path)
    assert (mine / "my_model.h5").read_text() == "weights I trained"


def test_refuses_a_file_in_the_way(tmp_path):
    (tmp_path / "classifier").write_text("notes")
    with pytest.raises(FileExistsError, match="not a folder"):
        output_dir("classifier", root=tmp_path)
    assert (tmp_path / "classifier").read_text() == "notes"


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "../escape"])
def test_takes_one_folder_name_only(tmp_path, name):
    with pytest.raises(ValueError, match="single folder name"):
        output_dir(name, root=tmp_path)


def test_default_root_is_the_git_ignored_outputs_folder():
    assert OUTPUTS_DIR.name == "outputs"
    assert "outputs/" in (OUTPUTS_DIR.parent / ".gitignore").read_text().split()


def tiny_notebook(folder, code):
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "writer.ipynb")
    return (folder / "writer.ipynb").read_text()


def test_from_notebook_runs_the_notebook_that_writes_a_missing_output(tmp_path, capsys):
    outputs, notebooks = tmp_path / "outputs", tmp_path / "notebooks"
    source = tiny_notebook(notebooks, f"from utils.outputs import output_dir\n"
                                      f"(output_dir('model', root={str(outputs)!r}) / 'weights.h5').write_text('w')")
    path = from_notebook("model", "writer.ipynb", needs=["weights.h5"], root=outputs, notebooks=notebooks)
    assert path == outputs / "model" and (path / "weights.h5").read_text() == "w"
    assert "running writer.ipynb first" in capsys.readouterr().out
    assert (notebooks / "writer.ipynb").read_text() == source  # its file is left as it was


def test_from_notebook_leaves_a_complete_output_alone(tmp_path, capsys):
    outputs, notebooks = tmp_path / "outputs", tmp_path / "notebooks"
    tiny_notebook(notebooks, "raise SystemExit('must not run')")
    (output_dir("model", root=outputs) / "weights.h5").write_text("mine")
    (outputs / "model" / MARKER).unlink()  # kept by the learner: still the output, and still not rewritten
    assert (from_notebook("model", "writer.ipynb", needs=["weights.h5"], root=outputs, notebooks=notebooks)
            / "weights.h5").read_text() == "mine"
    assert capsys.readouterr().out == ""


def test_from_notebook_says_when_the_notebook_wrote_nothing(tmp_path):
    outputs, notebooks = tmp_path / "outputs", tmp_path / "notebooks"
    tiny_notebook(notebooks, "print('forgot to save')")
    with pytest.raises(FileNotFoundError, match="writer.ipynb ran to the end but did not write"):
        from_notebook("model", "writer.ipynb", needs=["weights.h5"], root=outputs, notebooks=notebooks)
