"""utils.outputs: a notebook may replace its own earlier result, never a folder someone else made."""

import pytest

from utils import OUTPUTS_DIR
from utils.outputs import MARKER, output_dir


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
