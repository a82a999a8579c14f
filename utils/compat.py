"""Workarounds for bugs of the pinned libraries, each in one place, applied by ``setup()``.

Each patch wraps a library internal, so each names the versions it was written for: on those it is
applied (once, however often ``apply()`` runs), on others it is left out with a one-line note on
stderr, because the internal it wraps may have changed or the bug may be gone. Each docstring says
the upstream issue and what to do outside this project. The TF classes of transformers end with 4.57
(transformers 5 removed them), so these bugs will not be fixed upstream.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version


def let_pipelines_load_tf_models() -> None:
    """`pipeline(task, model=<TF checkpoint>)` fails in transformers 4.57 (no upstream issue found).

    `pipeline()` passes its PyTorch-only default `dtype="auto"` (or a `torch.float32`) to
    `TF*.from_pretrained`, which hands it to Keras and fails ("Cannot convert the argument
    `type_value`"). TF models take no such argument, so drop a PyTorch dtype on the way in.
    Outside this project, pass `dtype=None` to `pipeline()` instead.
    """
    from transformers.modeling_tf_utils import TFPreTrainedModel

    original = TFPreTrainedModel.from_pretrained.__func__
    if getattr(original, "drops_torch_dtype", False):
        return

    def from_pretrained(cls, *args, **kwargs):
        dtype = kwargs.get("dtype")
        if dtype == "auto" or type(dtype).__module__ == "torch":
            del kwargs["dtype"]
        return original(cls, *args, **kwargs)

    from_pretrained.drops_torch_dtype = True
    TFPreTrainedModel.from_pretrained = classmethod(functools.wraps(original)(from_pretrained))


class _IterableArchive:
    """A safetensors archive that can be iterated over its tensor names, as transformers expects."""

    def __init__(self, archive):
        self._archive = archive

    def __iter__(self):
        return iter(self._archive.keys())

    def get_tensor(self, name: str):
        return self._archive.get_tensor(name)


def let_tf_models_read_pytorch_safetensors() -> None:
    """Work around transformers#40028 so TF classes can load PyTorch `model.safetensors` files.

    TF `from_pretrained` prefers `model.safetensors`, which every Hub repository now has, and
    then iterates over a `safe_open` archive, which safetensors does not allow ("'builtins.safe_open'
    object is not iterable"). Without this, Hub mode and PyTorch-only folders fail; outside this
    project pass `use_safetensors=False` (if the repository has `tf_model.h5`) or `from_pt=True`.
    """
    from transformers import modeling_tf_pytorch_utils as pt_to_tf

    original = pt_to_tf.load_pytorch_state_dict_in_tf2_model
    if getattr(original, "iterates_archives", False):
        return

    @functools.wraps(original)
    def load(tf_model, pt_state_dict, *args, **kwargs):
        if hasattr(pt_state_dict, "get_tensor") and not hasattr(pt_state_dict, "__iter__"):
            pt_state_dict = _IterableArchive(pt_state_dict)
        return original(tf_model, pt_state_dict, *args, **kwargs)

    load.iterates_archives = True
    pt_to_tf.load_pytorch_state_dict_in_tf2_model = load


def _without_autotuning(dataset):
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def let_fit_move_on_between_epochs() -> None:
    """Switch off tf.data's autotuning in `prepare_tf_dataset`, which made `fit` stall between epochs.

    Keras starts a new iterator over the training set at every epoch. With TensorFlow 2.20, destroying
    the old one can wait, idle, for its autotuning thread to wake up: the fine-tuning lesson's `fit` sat still for
    about 35 s after its first epoch (`benchmarks/README.md`). The batches come from memory, so there is
    nothing to tune, and the batches themselves are the same. Outside this project, call
    `dataset.with_options(options)` with `options.autotune.enabled = False`.
    """
    from transformers.modeling_tf_utils import TFPreTrainedModel

    original = TFPreTrainedModel.prepare_tf_dataset
    if getattr(original, "autotune_off", False):
        return

    @functools.wraps(original)
    def prepare_tf_dataset(self, *args, **kwargs):
        return _without_autotuning(original(self, *args, **kwargs))

    prepare_tf_dataset.autotune_off = True
    TFPreTrainedModel.prepare_tf_dataset = prepare_tf_dataset


def let_distributed_fit_move_on() -> None:
    """Switch off tf.data's autotuning in the per-device datasets of `tf.distribute` strategies, too.

    Under a strategy, Keras feeds each device from a dataset of its own (`MultiDeviceIterator`), built
    without the input's options, so autotuning is back on there and destroying those iterators at the end
    of `fit` can wait, idle, as above: the scaling notebook's one-epoch trainings sat still for 7 to 8 s
    after their last step in about one run in three, and never with this patch (6 runs).
    """
    from tensorflow.python.data.ops import multi_device_iterator_ops

    original = multi_device_iterator_ops._create_device_dataset
    if getattr(original, "autotune_off", False):
        return

    @functools.wraps(original)
    def create_device_dataset(*args, **kwargs):
        return _without_autotuning(original(*args, **kwargs))

    create_device_dataset.autotune_off = True
    multi_device_iterator_ops._create_device_dataset = create_device_dataset


@dataclass(frozen=True)
class Patch:
    apply: Callable[[], None]
    package: str
    written_for: str  # a version prefix: "4.57." matches 4.57.0, 4.57.1, ...

    def fits(self) -> bool:
        return version(self.package).startswith(self.written_for)


PATCHES = [
    Patch(let_pipelines_load_tf_models, "transformers", "4.57."),
    Patch(let_tf_models_read_pytorch_safetensors, "transformers", "4.57."),
    Patch(let_fit_move_on_between_epochs, "tensorflow", "2.20."),
    Patch(let_distributed_fit_move_on, "tensorflow", "2.20."),
]


def apply(patches: list[Patch] = PATCHES) -> None:
    """Apply every patch written for the installed versions; say which ones are left out, and why."""
    for patch in patches:
        if patch.fits():
            patch.apply()
        else:
            print(f"utils.compat: {patch.apply.__name__} left out: written for {patch.package} "
                  f"{patch.written_for}x, found {version(patch.package)}.", file=sys.stderr)
