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



def test_hide_head_notices_drops_the_new_and_unused_head_notices_from_then_on_and_nothing_else():
    """The one switch for code that makes heads on purpose (notebooks after 07, the zoo, benchmarks)."""
    import io

    from transformers.utils import logging as hf_logging

    [handler] = hf_logging.get_logger().handlers  # transformers' own, which writes to stderr
    logger = hf_logging.get_logger("transformers.modeling_tf_utils")
    new_head = ("Some layers of TFBertForSequenceClassification were not initialized from the model checkpoint at "
                "x and are newly initialized: ['classifier']")
    unused_head = "Some layers from the model checkpoint at x were not used when initializing TFBertModel: ['dense']"
    pytorch_head = ("Some weights of BertForSequenceClassification were not initialized from the model checkpoint "
                    "at x and are newly initialized: ['classifier.bias', 'classifier.weight']")
    other = "Asking to truncate to max_length but no maximum length is provided"
    before, shown = list(handler.filters), io.StringIO()
    stream = handler.setStream(shown)
    try:
        logger.warning(new_head)
        assert shown.getvalue().strip() == new_head  # shown until asked otherwise
        environment.hide_head_notices()
        environment.hide_head_notices()  # twice: still one filter
        assert len(handler.filters) == len(before) + 1
        for message in (new_head, unused_head, pytorch_head, other):
            logger.warning(message)
        assert shown.getvalue().strip().splitlines() == [new_head, other]
    finally:
        handler.setStream(stream)
        handler.filters[:] = before

def test_the_hub_switch_turns_offline_mode_off_and_back_on(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # as `make` or a classroom shell may leave it
    monkeypatch.setenv("TUTORIAL_USE_HUB", "1")
    environment._set_environment_variables()
    assert environment.os.environ["HF_HUB_OFFLINE"] == "0" and environment.os.environ["HF_DATASETS_OFFLINE"] == "0"
    monkeypatch.delenv("TUTORIAL_USE_HUB")
    environment._set_environment_variables()
    assert environment.os.environ["HF_HUB_OFFLINE"] == "1" and environment.os.environ["HF_DATASETS_OFFLINE"] == "1"


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
