"""utils.compat: each workaround does its job, is applied once however often setup() runs, and is left out,
with a note, on versions it was not written for."""

import pytest

from utils import compat


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


def test_each_device_of_a_strategy_reads_its_batches_without_autotuning(monkeypatch):
    """The same stall at the end of fit under a strategy (TF 2.20): the datasets a strategy builds for its
    devices must skip autotuning, and still deliver every batch."""
    import tensorflow as tf
    from tensorflow.python.data.ops import multi_device_iterator_ops as per_device

    def recorded(create):
        built = []

        def create_and_record(*args, **kwargs):
            built.append(create(*args, **kwargs))
            return built[-1]

        monkeypatch.setattr(per_device, "_create_device_dataset", create_and_record)
        strategy = tf.distribute.MirroredStrategy(tf.config.list_logical_devices("CPU")[:1])
        batches = [batch.numpy().tolist() for batch in
                   strategy.experimental_distribute_dataset(tf.data.Dataset.range(6).batch(2))]
        return batches, [dataset.options().autotune.enabled for dataset in built]

    patched = per_device._create_device_dataset
    assert recorded(patched) == ([[0, 1], [2, 3], [4, 5]], [False])
    batches, autotuning = recorded(patched.__wrapped__)
    assert batches == [[0, 1], [2, 3], [4, 5]] and autotuning == [None]  # TensorFlow's default: on


def test_pipelines_load_tf_models_although_pipeline_asks_for_a_torch_dtype():
    from transformers import TFBertForSequenceClassification
    from transformers.modeling_tf_utils import TFPreTrainedModel

    from utils.hub import checkpoint

    folder = checkpoint("distilbert-base-uncased-finetuned-sst-2-english", quiet=True)
    model = TFBertForSequenceClassification.from_pretrained(folder, dtype="auto")  # what pipeline() passes
    assert model.config.num_labels == 2
    unpatched = TFPreTrainedModel.from_pretrained.__func__.__wrapped__
    with pytest.raises(Exception, match="type_value"):
        unpatched(TFBertForSequenceClassification, folder, dtype="auto")


def test_applying_twice_wraps_once():
    from tensorflow.python.data.ops import multi_device_iterator_ops as per_device
    from transformers import modeling_tf_pytorch_utils as pt_to_tf
    from transformers.modeling_tf_utils import TFPreTrainedModel

    compat.apply()  # conftest's quiet_start() applied them already
    before = (TFPreTrainedModel.from_pretrained.__func__, TFPreTrainedModel.prepare_tf_dataset,
              pt_to_tf.load_pytorch_state_dict_in_tf2_model, per_device._create_device_dataset)
    compat.apply()
    after = (TFPreTrainedModel.from_pretrained.__func__, TFPreTrainedModel.prepare_tf_dataset,
             pt_to_tf.load_pytorch_state_dict_in_tf2_model, per_device._create_device_dataset)
    assert after == before
    assert not hasattr(before[0].__wrapped__, "__wrapped__")  # one layer of wrapping, not two


def test_a_patch_for_other_versions_is_left_out_with_a_note(capsys):
    applied = []
    patches = [compat.Patch(lambda: applied.append("old"), "transformers", "3.0."),
               compat.Patch(lambda: applied.append("current"), "transformers", "4.57.")]
    compat.apply(patches)
    assert applied == ["current"]
    note = capsys.readouterr().err
    assert note.count("\n") == 1 and "left out: written for transformers 3.0.x, found 4.57." in note


def test_every_patch_fits_the_pinned_versions():
    assert all(patch.fits() for patch in compat.PATCHES), "update utils/compat.py for the new pins"
