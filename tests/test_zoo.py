import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

import zoo
from utils import REPO_ROOT
from utils.hub import STAND_INS
from zoo.fingerprints import FINGERPRINT_FILE, build_if_stale, fingerprint


def make_recipe(tmp_path: Path, data: Path, calls: list) -> types.ModuleType:
    """A recipe module like zoo/minilm.py whose build writes one file from its input."""
    source = tmp_path / "recipe.py"
    source.write_text("# a recipe\n")
    recipe = types.ModuleType("recipe")
    recipe.__file__ = str(source)
    recipe.INPUTS = [data]
    recipe.PACKAGES = ["pytest"]

    def build(out_dir: Path) -> None:
        calls.append(out_dir)
        (out_dir / "weights.txt").write_text(data.read_text())

    recipe.build = build
    return recipe


@pytest.fixture
def setting(tmp_path):
    data = tmp_path / "train.csv"
    data.write_text("v1")
    calls = []
    return make_recipe(tmp_path, data, calls), data, calls, tmp_path / "checkpoints" / "tiny"


def test_builds_when_missing_then_reuses(setting):
    recipe, _, calls, out = setting
    assert build_if_stale(recipe, out) is True
    assert (out / "weights.txt").read_text() == "v1"
    assert "seconds" in json.loads((out / FINGERPRINT_FILE).read_text())
    assert build_if_stale(recipe, out) is False
    assert len(calls) == 1


def test_rebuilds_when_an_input_changes(setting):
    recipe, data, calls, out = setting
    build_if_stale(recipe, out)
    data.write_text("v2")
    assert build_if_stale(recipe, out) is True
    assert (out / "weights.txt").read_text() == "v2"


def test_rebuilds_when_the_recipe_changes(setting):
    recipe, _, calls, out = setting
    build_if_stale(recipe, out)
    Path(recipe.__file__).write_text("# a better recipe\n")
    assert build_if_stale(recipe, out) is True


def test_never_overwrites_a_folder_it_did_not_build(setting):
    recipe, _, calls, out = setting
    out.mkdir(parents=True)
    (out / "my_model.h5").write_text("a learner's work")
    with pytest.raises(FileExistsError, match="left alone"):
        build_if_stale(recipe, out)
    assert (out / "my_model.h5").read_text() == "a learner's work"
    assert calls == []


def test_a_failed_build_leaves_no_checkpoint(setting):
    recipe, _, _, out = setting

    def broken(out_dir: Path) -> None:
        (out_dir / "half.txt").write_text("half")
        raise RuntimeError("interrupted")

    recipe.build = broken
    with pytest.raises(RuntimeError):
        build_if_stale(recipe, out)
    assert not out.exists()


def test_every_offline_stand_in_has_a_recipe():
    assert {stand_in.folder for stand_in in STAND_INS.values()} <= set(zoo.RECIPES)


def test_inputs_may_be_strings_or_paths(setting):
    recipe, data, _, _ = setting
    other = data.with_name("extra.csv")
    other.write_text("more")
    recipe.INPUTS = [data, str(other)]
    mixed = fingerprint(recipe)
    recipe.INPUTS = [str(other), data]
    assert fingerprint(recipe) == mixed
    recipe.INPUTS = [data]
    assert fingerprint(recipe) != mixed


def test_every_real_recipe_has_a_fingerprint():
    for recipe in zoo.RECIPES.values():
        assert len(fingerprint(recipe)) == 64


def test_one_folder_comes_with_the_folders_it_starts_from():
    assert zoo.with_prerequisites(["sentiment-minilm-reviews"]) == ["all-MiniLM-L6-v2", "sentiment-minilm-reviews"]
    assert zoo.with_prerequisites(["gpt2-tiny-reviews"]) == ["gpt2-tiny-reviews"]
    assert zoo.with_prerequisites(list(zoo.RECIPES)) == list(zoo.RECIPES)


def test_every_recipe_comes_after_what_it_needs_and_has_a_build_time():
    order = list(zoo.RECIPES)
    for folder, recipe in zoo.RECIPES.items():
        assert all(order.index(need) < order.index(folder) for need in getattr(recipe, "NEEDS", []))
        assert zoo.BUILD_TIME[folder].startswith("about ")


def test_an_unknown_folder_is_refused_with_the_known_ones():
    done = subprocess.run([sys.executable, "-m", "zoo", "bert-large"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode == 2
    assert "no recipe for bert-large; known folders: " + ", ".join(zoo.RECIPES) in done.stderr
