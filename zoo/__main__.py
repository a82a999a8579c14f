"""`python -m zoo`: build every missing or stale stand-in checkpoint, one line per step."""

from __future__ import annotations

import sys
import time

from utils.environment import quiet_start
from utils.hub import CHECKPOINTS_DIR
from zoo import RECIPES
from zoo.stamp import build_if_stale


def main() -> int:
    quiet_start()
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # conversion notices are expected here; our own lines say enough
    import datasets

    datasets.disable_progress_bars()
    started = time.perf_counter()
    for folder, recipe in RECIPES.items():
        build_if_stale(recipe, CHECKPOINTS_DIR / folder)
    print(f"[zoo] checkpoints ready in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
