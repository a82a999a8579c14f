import logging

from utils import environment


def test_banner_names_versions_device_and_offline_mode(monkeypatch):
    monkeypatch.delenv("TUTORIAL_USE_HUB", raising=False)
    banner = environment.banner()
    for package in ["tensorflow", "tf-keras", "transformers", "torch"]:
        assert package in banner
    assert "CPU only" in banner or "GPU" in banner
    assert "offline mode" in banner and "TUTORIAL_USE_HUB=1" in banner


def test_banner_in_hub_mode(monkeypatch):
    monkeypatch.setenv("TUTORIAL_USE_HUB", "1")
    assert "Hub mode" in environment.banner()


def test_noise_filter_drops_only_known_noise():
    keep = environment._DropNoise().filter
    record = lambda message: logging.LogRecord("transformers", logging.WARNING, "", 0, message, None, None)  # noqa: E731
    assert not keep(record("TensorFlow and JAX classes are deprecated and will be removed"))
    assert not keep(record("All model checkpoint layers were used when initializing TFBertModel."))
    assert keep(record("Some weights of TFBertForSequenceClassification were not initialized"))
