"""Where the bundled data lives (see data/reviews/README.md for the data card).

Used as ``load_dataset("csv", data_files=review_files())`` so notebooks teach the real
`datasets` call; the zoo reads the same files.
"""

from __future__ import annotations

from utils import REPO_ROOT
from utils.environment import SEED

REVIEWS_DIR = REPO_ROOT / "data" / "reviews"
SPLITS = ("train", "validation", "test")
HARD_SPLITS = ("train", "validation", "test")  # reviews written to be hard: contrast, negation, concessions ...
LABELS = ("NEGATIVE", "POSITIVE")  # label 0 and 1, named like distilbert-sst2's


def review_files() -> dict[str, str]:
    """The CSV file of each split: columns ``text``, ``label`` (0 negative, 1 positive), ``domain``."""
    return {split: str(REVIEWS_DIR / f"{split}.csv") for split in SPLITS}


def hard_review_files() -> dict[str, str]:
    """The hard reviews' CSV files (the data card says how they were written): ``train`` teaches the
    sentiment stand-in contrast, negation and the like, ``validation`` chooses its recipe, ``test`` is the hard
    slice held back to measure it.
    Columns: those of `review_files` and ``construction`` (``contrast``, ``negation``, ``concession``,
    ``never-nothing-hardly``, ``misleading-words``). Kept apart from the main splits, which notebooks train on."""
    return {split: str(REVIEWS_DIR / "hard" / f"{split}.csv") for split in HARD_SPLITS}


def length_grouped(split, batch_size: int, seed: int = SEED):
    """``split`` (a tokenized ``Dataset``) reordered so that every ``batch_size`` rows in a row have about the same
    number of tokens; batch it without shuffling, then shuffle the batches.

    Dynamic padding pads a batch to its longest row, so random batches of short reviews carry the padding of the
    longest one; grouped by length they carry almost none (transformers' PyTorch ``Trainer`` calls this
    ``group_by_length``). A little noise on the lengths mixes rows of neighbouring lengths; the seed fixes it.
    The groups come in random order, the short last one at the end, where batching leaves it.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    lengths = np.array([len(ids) for ids in split["input_ids"]])
    order = np.argsort(lengths + rng.uniform(0, 4, len(lengths)), kind="stable")
    full = len(order) - len(order) % batch_size
    groups = order[:full].reshape(-1, batch_size)
    rng.shuffle(groups)
    return split.select(np.concatenate([groups.ravel(), order[full:]]))
