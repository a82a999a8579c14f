"""Which checkpoint to load: an offline stand-in (default) or the real one on the Hub.

Taught in notebook 00. Every notebook writes the real call, for example
``TFAutoModel.from_pretrained(checkpoint("bert-base-uncased"))``; only the argument changes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

from utils import REPO_ROOT

HUB_SWITCH = "TUTORIAL_USE_HUB"
CHECKPOINTS_DIR = REPO_ROOT / "checkpoints"


@dataclass(frozen=True)
class StandIn:
    folder: str  # under checkpoints/, built by `make prepare` or on first use (see zoo/)
    note: str  # what stands in for what, shown to the learner


MINILM = "all-MiniLM-L6-v2"  # the folder of the real all-MiniLM-L6-v2 weights, which two Hub ids below use

# Hub ids the series teaches with -> the local checkpoint used when offline.
STAND_INS: dict[str, StandIn] = {
    "bert-base-uncased": StandIn(
        MINILM,
        "real all-MiniLM-L6-v2 weights (6 layers, hidden 384) with bert-base-uncased's "
        "vocabulary stand in for bert-base-uncased (12 layers, hidden 768)",
    ),
    "sentence-transformers/all-MiniLM-L6-v2": StandIn(
        MINILM,
        "the real all-MiniLM-L6-v2 weights, converted once to TensorFlow",
    ),
    "distilbert-base-uncased-finetuned-sst-2-english": StandIn(
        "sentiment-minilm-reviews",
        "all-MiniLM-L6-v2 fine-tuned on this project's review corpus stands in for "
        "distilbert-base-uncased-finetuned-sst-2-english",
    ),
    "gpt2": StandIn(
        "gpt2-tiny-reviews",
        "a tiny GPT-2 (3 layers, 1.1M parameters) trained here on the project's reviews stands in "
        "for gpt2 (12 layers, 124M parameters)",
    ),
}


# Stand-ins that are real pretrained weights (converted to TensorFlow), by folder, with their own Hub id.
REAL_WEIGHTS = {MINILM: "sentence-transformers/all-MiniLM-L6-v2"}

_already_noted: set[str] = set()


def use_hub() -> bool:
    """True when the learner asked for real Hub checkpoints (``TUTORIAL_USE_HUB=1``)."""
    return os.environ.get(HUB_SWITCH, "").strip().lower() in {"1", "true", "yes", "on"}


def checkpoint(name: str, *, quiet: bool = False) -> str:
    """What to pass to ``from_pretrained`` / ``pipeline(model=...)`` for the Hub id ``name``.

    Offline (the default) this is the folder of a local stand-in, and a one-line note says
    what stands in for what (once per name); a stand-in not built yet is built first, once.
    With ``TUTORIAL_USE_HUB=1`` it is ``name`` itself.
    """
    stand_in = _stand_in(name)
    if use_hub():
        return name
    path = CHECKPOINTS_DIR / stand_in.folder
    if not (path / "config.json").is_file():
        _build(name, stand_in.folder)
    if not quiet and name not in _already_noted:
        _already_noted.add(name)
        print(f"Offline: {stand_in.note}.")
    return str(path)


def weights_behind(name: str) -> str | None:
    """The Hub id of the pretrained weights that ``checkpoint(name)`` loads in the present mode: ``name`` itself
    with the Hub switch on; offline, the real weights the stand-in is (all-MiniLM-L6-v2 for bert-base-uncased),
    or None for a stand-in trained here, which no Hub repository holds. A model card names these."""
    stand_in = _stand_in(name)
    return name if use_hub() else REAL_WEIGHTS.get(stand_in.folder)


def _stand_in(name: str) -> StandIn:
    if name not in STAND_INS:
        raise ValueError(f"No checkpoint is set up for {name!r}. Known names: {', '.join(sorted(STAND_INS))}.")
    return STAND_INS[name]


def _build(name: str, folder: str) -> None:
    """Build one missing stand-in with its zoo recipe: one progress line, then the time it took.

    The recipe runs in a subprocess, so the notebook's kernel keeps its state (no Keras layers,
    seeds or TensorFlow settings of the build leak into the lesson).
    """
    from zoo import BUILD_TIME

    print(f"Building the offline stand-in {folder} (first use only, {BUILD_TIME[folder]}) ...", end=" ", flush=True)
    started = time.perf_counter()
    command = [sys.executable, "-m", "zoo", "--into", str(CHECKPOINTS_DIR), folder]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0 or not (CHECKPOINTS_DIR / folder / "config.json").is_file():
        print("failed.")
        output = (done.stderr.strip() or done.stdout.strip()).splitlines()
        last = output[-1] if output else f"the build stopped with exit code {done.returncode}"
        raise FileNotFoundError(
            f"The offline checkpoint for {name!r} is missing ({CHECKPOINTS_DIR / folder}) and could not be "
            f"built here: {last}\nRun `make prepare` at the top of the repository to build it (with the whole "
            f"log), or set {HUB_SWITCH}=1 to download {name!r} from the Hub."
        )
    print(f"built in {time.perf_counter() - started:.0f} s.")
