import re
import subprocess
from pathlib import Path

import pytest

from utils import hub


def test_unknown_name_lists_the_known_names():
    with pytest.raises(ValueError) as error:
        hub.checkpoint("bert-large-cased")
    message = str(error.value)
    assert "'bert-large-cased'" in message
    for name in hub.STAND_INS:
        assert name in message


@pytest.fixture(autouse=True)
def fresh_notes(monkeypatch):
    monkeypatch.setattr(hub, "_already_noted", set())


def test_offline_returns_the_prepared_stand_in_with_a_note_once(monkeypatch, capsys):
    monkeypatch.delenv(hub.HUB_SWITCH, raising=False)
    path = Path(hub.checkpoint("bert-base-uncased"))
    assert path == hub.CHECKPOINTS_DIR / "all-MiniLM-L6-v2"
    assert (path / "config.json").is_file() and (path / "tf_model.h5").is_file()
    note = capsys.readouterr().out
    assert note.startswith("Offline:") and "bert-base-uncased" in note and note.count("\n") == 1
    hub.checkpoint("bert-base-uncased")
    assert capsys.readouterr().out == ""


def test_quiet_suppresses_the_note(monkeypatch, capsys):
    monkeypatch.delenv(hub.HUB_SWITCH, raising=False)
    hub.checkpoint("bert-base-uncased", quiet=True)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_hub_switch_returns_the_hub_id(monkeypatch, capsys, value):
    monkeypatch.setenv(hub.HUB_SWITCH, value)
    assert hub.checkpoint("bert-base-uncased") == "bert-base-uncased"
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_hub_switch_off_values(monkeypatch, value):
    monkeypatch.setenv(hub.HUB_SWITCH, value)
    assert not hub.use_hub()


def test_a_missing_stand_in_is_built_on_first_use_in_another_process(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv(hub.HUB_SWITCH, raising=False)
    monkeypatch.setattr(hub, "CHECKPOINTS_DIR", tmp_path)
    commands, run = [], subprocess.run

    def run_and_record(command, **kwargs):
        commands.append(command)
        return run(command, **kwargs)

    monkeypatch.setattr(subprocess, "run", run_and_record)
    path = Path(hub.checkpoint("bert-base-uncased"))  # the MiniLM conversion: seconds, no training
    assert path == tmp_path / "all-MiniLM-L6-v2"
    assert (path / "config.json").is_file() and (path / "tf_model.h5").is_file()
    assert [command[1:] for command in commands] == [["-m", "zoo", "--into", str(tmp_path), "all-MiniLM-L6-v2"]]
    progress, note = capsys.readouterr().out.splitlines()
    building = r"Building the offline stand-in all-MiniLM-L6-v2 \(first use only, about .+\) \.\.\. built in \d+ s\."
    assert re.fullmatch(building, progress)
    assert note.startswith("Offline:")
    assert hub.checkpoint("sentence-transformers/all-MiniLM-L6-v2") == str(path)  # the same folder: no second build
    assert len(commands) == 1 and "Building" not in capsys.readouterr().out


def test_missing_stand_in_says_how_to_build_it(monkeypatch, tmp_path):
    """When the build itself cannot work (here: the checkpoints folder is a file), the error says what to do."""
    monkeypatch.delenv(hub.HUB_SWITCH, raising=False)
    not_a_folder = tmp_path / "checkpoints"
    not_a_folder.write_text("")
    monkeypatch.setattr(hub, "CHECKPOINTS_DIR", not_a_folder)
    with pytest.raises(FileNotFoundError, match=r"could not be built here: .+\nRun `make prepare`.*TUTORIAL_USE_HUB=1"):
        hub.checkpoint("bert-base-uncased")


def test_a_folder_of_the_learners_in_the_way_is_left_alone(monkeypatch, tmp_path):
    monkeypatch.delenv(hub.HUB_SWITCH, raising=False)
    monkeypatch.setattr(hub, "CHECKPOINTS_DIR", tmp_path)
    mine = tmp_path / "all-MiniLM-L6-v2" / "my_notes.txt"
    mine.parent.mkdir()
    mine.write_text("a learner's work")
    with pytest.raises(FileNotFoundError, match=r"not built by `make prepare`, so it is left alone"):
        hub.checkpoint("bert-base-uncased")
    assert [p.name for p in mine.parent.iterdir()] == ["my_notes.txt"] and mine.read_text() == "a learner's work"


def test_weights_behind_names_the_real_weights_a_card_must_cite(monkeypatch):
    monkeypatch.delenv(hub.HUB_SWITCH, raising=False)
    assert hub.weights_behind("bert-base-uncased") == "sentence-transformers/all-MiniLM-L6-v2"
    assert hub.weights_behind("sentence-transformers/all-MiniLM-L6-v2") == "sentence-transformers/all-MiniLM-L6-v2"
    assert hub.weights_behind("gpt2") is None  # trained here: no Hub repository holds these weights
    monkeypatch.setenv(hub.HUB_SWITCH, "1")
    assert hub.weights_behind("bert-base-uncased") == "bert-base-uncased"
    with pytest.raises(ValueError, match="Known names"):
        hub.weights_behind("bert-large-uncased")
