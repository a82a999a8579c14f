"""One call at the top of every notebook: quiet start-up, seeds, plot style, a version banner.

Taught in notebook 00. It must run before TensorFlow or transformers are first imported,
because several of their settings are read from environment variables at import time.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import platform
import random
import re
import sys
from importlib.metadata import version

from utils import REPO_ROOT, compat
from utils.hub import HUB_SWITCH, use_hub

SEED = 42

# Messages that say nothing a learner can act on, dropped at the source (the logger), so
# nbval still compares everything else a cell prints.
_TRANSFORMERS_NOISE = (
    "TensorFlow and JAX classes are deprecated",  # we pin the last TF release on purpose
    "All model checkpoint layers were used",  # printed on every successful TF load
    "All the layers of ",  # idem, second half of the same notice
    "Device set to use",  # pipelines say it even for TF models, where it means nothing
    # Hub mode: TF classes load the repositories' PyTorch model.safetensors, and say the same as above in other words.
    "All PyTorch model weights were used",
    "All the weights of ",
    "No model was supplied, defaulted to",  # pipeline(task) with no model; notebook 06 shows each task's default
)
# Notices about a model's head, which notebook 07 teaches to read: a new head is "newly initialized" (random, to be
# trained), an unused one "not used". Code that makes or drops heads on purpose hides them with hide_head_notices().
_HEAD_NOTICES = (
    "Some layers of ",  # ... are newly initialized: ['classifier']
    "Some weights or buffers of ",  # idem, when the weights come from a PyTorch file (Hub mode)
    "Some layers from the model checkpoint",  # ... were not used: a head the new model has no place for
    "Some weights of ",  # from a PyTorch file, or into a PyTorch model: "... were not used", "... newly initialized"
)
# PyTorch checkpoints saved by older transformers versions (all-MiniLM-L6-v2's, on the Hub) hold `position_ids`,
# a buffer of 0, 1, 2, ... that TF models compute instead. A notice listing only such buffers says nothing; one
# that lists real weights (an unused task head) is kept.
_UNUSED_PYTORCH_WEIGHTS = re.compile(
    r"Some weights of the PyTorch model were not used when initializing the TF 2\.0 model \w+: \[([^\]]*)\]")


def setup(seed: int = SEED) -> None:
    """Prepare a notebook: environment variables, quiet logs, seeds and plot defaults."""
    quiet_start()
    seed_everything(seed)
    _set_plot_style()
    print(banner())


def quiet_start() -> None:
    """Set the environment and silence known noise; safe to call more than once."""
    _set_environment_variables()
    _check_keras_version()
    _load_triton_before_tensorflow()
    _quiet_transformers()
    compat.apply()  # workarounds for bugs of the pinned transformers and TensorFlow
    _draw_bertviz_offline()


def _set_environment_variables() -> None:
    # transformers' TF classes need Keras 2 (tf-keras); Keras 3 breaks them.
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    # Level 3 also hides the harmless "failed call to cuInit" on machines without a GPU.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # datasets draws progress bars on stderr the first time it reads a file; they vary from run to run.
    os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
    # Offline: fail fast with a clear error instead of waiting on a network that is not there.
    # Hub mode: the one switch wins over an HF_HUB_OFFLINE=1 left in the shell (or by `make`).
    offline = "0" if use_hub() else "1"
    os.environ["HF_HUB_OFFLINE"] = offline
    os.environ["HF_DATASETS_OFFLINE"] = offline


def _check_keras_version() -> None:
    tf = sys.modules.get("tensorflow")
    if tf is not None and not tf.keras.__name__.startswith("tf_keras"):
        raise RuntimeError(
            "TensorFlow was imported before utils.environment.setup(), so it picked Keras 3, "
            "which transformers' TF classes cannot use. Restart the kernel and run the "
            "setup cell first."
        )


def _load_triton_before_tensorflow() -> None:
    """Import triton, when installed, before TensorFlow: the other order kills the Python process.

    PyPI's torch for Linux brings triton. TensorFlow 2.20 loads its libraries with RTLD_GLOBAL, and
    triton >= 3.7 loaded after it crashes on clashing LLVM symbols (SIGSEGV, tensorflow/tensorflow#124205).
    transformers' TF classes reach triton through torch._dynamo, so without this every notebook's kernel
    would die at setup(). Loaded first, triton keeps its own symbols and both work.
    """
    if "triton" in sys.modules or importlib.util.find_spec("triton") is None:
        return  # loaded already, or not installed (torch's CPU and macOS builds have none): nothing to do
    if "tensorflow" in sys.modules:
        raise RuntimeError(
            "TensorFlow was imported before utils.environment.setup(); with triton installed (it comes with "
            "torch on Linux) the first model would crash Python. Restart the kernel and run the setup cell first."
        )
    import triton  # noqa: F401


class _DropNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith(_TRANSFORMERS_NOISE) or _only_position_ids_unused(message))


class _DropHeadNotices(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_HEAD_NOTICES)


def _only_position_ids_unused(message: str) -> bool:
    unused = _UNUSED_PYTORCH_WEIGHTS.match(message)
    return unused is not None and all(name.strip(" '").endswith("position_ids") for name in unused[1].split(","))


def _quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # loading bars from local files are just flicker
    _filter_transformers_log(_DropNoise)


def hide_head_notices() -> None:
    """From now on, drop transformers' notices that a head is new or unused (the lesson on loading models teaches
    to read them).

    For code that puts a new head on a model, or drops one, on purpose: the fine-tuning and scaling notebooks, the
    zoo, scripts and benchmarks. Every other warning still shows. Safe to call more than once.
    """
    _filter_transformers_log(_DropHeadNotices)


def _filter_transformers_log(kind: type[logging.Filter]) -> None:
    from transformers.utils import logging as hf_logging

    for handler in hf_logging.get_logger().handlers:  # transformers' root handler
        if not any(isinstance(f, kind) for f in handler.filters):
            handler.addFilter(kind())


@contextlib.contextmanager
def transformers_log_printed():
    """Inside the block, transformers' log messages go to the cell's output instead of stderr (a pink box in
    Jupyter), so a lesson can show them with the rest; local folders are shown relative to the repository."""
    from transformers.utils import logging as hf_logging

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_RepoRelative())
    root = hf_logging.get_logger()  # the library's root logger, "transformers"
    hf_logging.disable_default_handler()  # the one that writes to stderr
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        hf_logging.enable_default_handler()


class _RepoRelative(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace(f"{REPO_ROOT}{os.sep}", "")


def _draw_bertviz_offline() -> None:
    """bertviz's views load their JavaScript from a CDN and stay blank offline; utils/bertviz_offline.py says how."""
    from utils import bertviz_offline

    bertviz_offline.install()


def seed_everything(seed: int = SEED, deterministic: bool = False) -> None:
    """Seed Python, NumPy and TensorFlow; ``deterministic`` also makes TF ops reproducible (slower)."""
    import numpy as np
    import tensorflow as tf

    random.seed(seed)
    np.random.seed(seed)
    tf.keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


def _set_plot_style() -> None:
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.figsize": (6, 4), "figure.dpi": 80, "axes.grid": False})


def banner() -> str:
    """One line: the versions that matter, the device and the checkpoint mode."""
    import tensorflow as tf

    packages = ["tensorflow", "tf-keras", "transformers", "torch", "bertviz"]
    versions = ", ".join(f"{name} {version(name)}" for name in packages)
    gpus = len(tf.config.list_physical_devices("GPU"))
    device = f"{gpus} GPU(s)" if gpus else "CPU only"
    mode = (
        "Hub mode: real checkpoints from the Hugging Face Hub"
        if use_hub()
        else f"offline mode: local stand-in checkpoints (set {HUB_SWITCH}=1 for the Hub)"
    )
    python = ".".join(platform.python_version_tuple()[:2])
    return f"Python {python}, {versions}\n{device}; {mode}"

