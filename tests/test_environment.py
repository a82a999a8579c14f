import logging
import os

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


def test_noise_filter_drops_the_pytorch_load_notices_only_when_they_say_nothing():
    keep = environment._DropNoise().filter
    record = lambda message: logging.LogRecord("transformers", logging.WARNING, "", 0, message, None, None)  # noqa: E731
    unused = ("Some weights of the PyTorch model were not used when initializing the TF 2.0 model TFBertModel: {}"
              "\n- This IS expected")
    assert not keep(record(unused.format(['embeddings.position_ids'])))
    assert not keep(record(unused.format(['bert.embeddings.position_ids'])))
    assert keep(record(unused.format(['embeddings.position_ids', 'cls.predictions.bias'])))  # a real unused head
    assert not keep(record("All the weights of TFBertModel were initialized from the PyTorch model.\nIf your task"))
    assert not keep(record("All PyTorch model weights were used when initializing TFBertModel.\n"))
    assert keep(record("Some weights or buffers of the TF 2.0 model TFBertForSequenceClassification were not "
                       "initialized from the PyTorch model and are newly initialized: ['classifier.weight']"))


def test_pytorch_weights_load_quietly_but_a_new_head_is_still_announced():
    """What the loader really says, through the filter: Hub repositories hold PyTorch weights (notebook 07 teaches
    the "newly initialized" warning, which must stay)."""
    from transformers import TFAutoModel, TFAutoModelForSequenceClassification
    from transformers.utils import logging as hf_logging

    from zoo.minilm import source_dir

    class Recorder(logging.Handler):
        def __init__(self, *filters):
            super().__init__()
            for log_filter in filters:
                self.addFilter(log_filter)
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    said, kept = Recorder(), Recorder(environment._DropNoise())
    for handler in said, kept:
        hf_logging.get_logger().addHandler(handler)
    try:
        TFAutoModel.from_pretrained(source_dir())  # its model.safetensors holds embeddings.position_ids
        assert kept.messages == []
        TFAutoModelForSequenceClassification.from_pretrained(source_dir(), num_labels=2)
    finally:
        for handler in said, kept:
            hf_logging.get_logger().removeHandler(handler)
    assert any("were not used" in message and "['embeddings.position_ids']" in message for message in said.messages)
    assert any(message.startswith("All the weights of TFBertModel") for message in said.messages)
    [message] = kept.messages
    assert message.startswith("Some weights or buffers of the TF 2.0 model TFBertForSequenceClassification were "
                              "not initialized from the PyTorch model and are newly initialized: ['classifier.")


def test_tf_classes_read_pytorch_safetensors(tmp_path):
    """transformers#40028: what every Hub repository holds (model.safetensors) must load into TF."""
    import shutil

    import numpy as np
    from transformers import AutoTokenizer, TFAutoModel

    from utils.hub import checkpoint
    from zoo.minilm import source_dir

    pytorch_only = source_dir()
    assert not (pytorch_only / "tf_model.h5").exists() and (pytorch_only / "model.safetensors").exists()
    like_a_hub_repo = tmp_path / "both"  # both weight files, as on the Hub: TF picks model.safetensors
    shutil.copytree(checkpoint("bert-base-uncased", quiet=True), like_a_hub_repo)
    shutil.copy(pytorch_only / "model.safetensors", like_a_hub_repo)

    tokenizer = AutoTokenizer.from_pretrained(pytorch_only)
    inputs = tokenizer("Hugging Face is creating a tool that democratizes AI.", return_tensors="tf")
    reference = TFAutoModel.from_pretrained(checkpoint("bert-base-uncased", quiet=True))(inputs).last_hidden_state
    for folder in [pytorch_only, like_a_hub_repo]:
        loaded = TFAutoModel.from_pretrained(folder)(inputs).last_hidden_state
        np.testing.assert_allclose(loaded, reference, atol=1e-5)


def test_the_hub_switch_turns_offline_mode_off_and_back_on(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # as `make` or a classroom shell may leave it
    monkeypatch.setenv("TUTORIAL_USE_HUB", "1")
    environment._set_environment_variables()
    assert environment.os.environ["HF_HUB_OFFLINE"] == "0" and environment.os.environ["HF_DATASETS_OFFLINE"] == "0"
    monkeypatch.delenv("TUTORIAL_USE_HUB")
    environment._set_environment_variables()
    assert environment.os.environ["HF_HUB_OFFLINE"] == "1" and environment.os.environ["HF_DATASETS_OFFLINE"] == "1"


def test_prepare_tf_dataset_skips_autotuning_and_keeps_the_batches():
    """Autotuning made fit() stall between epochs (TF 2.20); without it, the same batches must come out."""
    import numpy as np
    from datasets import Dataset
    from transformers import AutoTokenizer, BertConfig, TFBertForSequenceClassification

    from utils.hub import checkpoint

    tokenizer = AutoTokenizer.from_pretrained(checkpoint("bert-base-uncased", quiet=True))
    texts = ["Great food.", "The room was dirty and the staff rude.", "Fine.", "Would come back tomorrow!"]
    data = Dataset.from_dict({"text": texts, "label": [1, 0, 1, 1]}).map(lambda batch: tokenizer(batch["text"]),
                                                                        batched=True)
    model = TFBertForSequenceClassification(BertConfig(num_labels=2, hidden_size=8, num_hidden_layers=1,
                                                       num_attention_heads=1, intermediate_size=8))
    prepare = type(model).prepare_tf_dataset
    patched = prepare(model, data, batch_size=2, shuffle=False, tokenizer=tokenizer)
    plain = prepare.__wrapped__(model, data, batch_size=2, shuffle=False, tokenizer=tokenizer)

    assert patched.options().autotune.enabled is False
    assert plain.options().autotune.enabled is not False  # TensorFlow's default: the patch made the difference
    assert len(patched) == len(plain) == 2
    for (inputs, labels), (plain_inputs, plain_labels) in zip(patched, plain, strict=True):
        np.testing.assert_array_equal(labels, plain_labels)
        for name in plain_inputs:
            np.testing.assert_array_equal(inputs[name], plain_inputs[name])


def test_transformers_log_printed_shows_messages_in_the_output_then_restores_the_handlers(capsys):
    from transformers.utils import logging as hf_logging

    from utils import REPO_ROOT
    from utils.environment import transformers_log_printed

    root, before = hf_logging.get_logger(), list(hf_logging.get_logger().handlers)
    with transformers_log_printed():
        assert before[0] not in root.handlers  # the default handler writes to stderr
        hf_logging.get_logger("transformers.modeling_tf_utils").warning(
            f"Some layers were newly initialized from {REPO_ROOT / 'checkpoints' / 'x'}")
    assert capsys.readouterr().out == f"Some layers were newly initialized from checkpoints{os.sep}x\n"
    assert root.handlers == before
