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


def test_missing_stand_in_says_how_to_build_it(monkeypatch, tmp_path):
    monkeypatch.delenv(hub.HUB_SWITCH, raising=False)
    monkeypatch.setattr(hub, "CHECKPOINTS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"make prepare.*TUTORIAL_USE_HUB=1"):
        hub.checkpoint("bert-base-uncased")
