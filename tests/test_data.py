import re
from itertools import combinations

import pandas as pd
import pytest

from utils.data import HARD_SPLITS, SPLITS, hard_review_files, review_files

DOMAINS = {"films", "books", "restaurants", "hotels", "travel", "electronics", "software", "courses", "services"}
CONSTRUCTIONS = {"contrast", "negation", "never-nothing-hardly", "concession", "misleading-words"}
LITERAL = "literal"  # training only: the words of `misleading-words`, meant literally (a counterweight)
# Near-duplicates: word-bigram Jaccard similarity of at least 0.5, or a run of 8 words in common.
NEAR, SHARED_RUN = 0.5, 8
# Pairs of the main splits that were written before the near-duplicate check: reviews sharing a stock phrase
# or opening. Kept, so that the notebooks that train on these splits do not change; no new pair may join them.
KNOWN_NEAR_PAIRS = {
    ("Honestly, not bad for a budget airline.", "Honestly not bad for a free tool."),
    ("I wouldn't recommend it to anyone.", "I wouldn't recommend it to my worst enemy."),
    ("Far noisier than advertised; the fan sounds like a jet engine.", "Fan sounds like a jet engine."),
    ("Not worth the hype, not even close.", "Not worth the money, not even close."),
    ("Not a single wasted session.", "Not a single wasted scene."),
    ("It was fine, a bit better than I expected, and the final project was genuinely useful.",
     "It was fine, a bit better than I expected, and the staff were far friendlier than last time."),
    ("It was fine, a bit better than I expected.",
     "It was fine, a bit better than I expected, and the staff were far friendlier than last time."),
}


@pytest.fixture(scope="module")
def splits() -> dict[str, pd.DataFrame]:
    return {split: pd.read_csv(path) for split, path in review_files().items()}


@pytest.fixture(scope="module")
def hard() -> dict[str, pd.DataFrame]:
    return {split: pd.read_csv(path) for split, path in hard_review_files().items()}


def normalised(texts: pd.Series) -> pd.Series:
    return texts.str.lower().map(lambda text: " ".join(re.findall(r"[a-z0-9']+", text)))


def test_schema(splits):
    for split, frame in splits.items():
        assert list(frame.columns) == ["text", "label", "domain"], split
        assert frame.text.str.strip().str.len().gt(0).all()
        assert not frame.text.str.contains("\n").any()
        assert set(frame.label) == {0, 1}
        assert set(frame.domain) == DOMAINS


def test_sizes_and_balance(splits):
    assert sum(len(frame) for frame in splits.values()) >= 1200
    assert len(splits["test"]) >= 200
    for split, frame in splits.items():
        counts = frame.label.value_counts()
        assert abs(counts[0] - counts[1]) <= 1, f"{split} is unbalanced: {counts.to_dict()}"
        per_domain = frame.groupby("domain").size()
        assert per_domain.max() - per_domain.min() <= 2, f"{split}: {per_domain.to_dict()}"


def test_varied_lengths(splits):
    words = pd.concat(splits.values()).text.str.split().str.len()
    assert (words <= 10).mean() > 0.2 and (words > 25).mean() > 0.2


def test_no_duplicates_and_no_leakage_between_splits(splits):
    everything = pd.concat([normalised(splits[split].text) for split in SPLITS])
    assert not everything.duplicated().any(), everything[everything.duplicated()].tolist()


def test_hard_reviews_schema_and_balance(hard):
    """Every construction in both polarities (as many of each, at least 10), balanced by label and domain; the
    slice held back has 100 or more, and so has the validation slice that chooses the recipe."""
    assert len(hard["test"]) >= 100 and len(hard["validation"]) >= 100
    for split in HARD_SPLITS:
        frame = hard[split]
        assert list(frame.columns) == ["text", "label", "domain", "construction"], split
        assert frame.text.str.strip().str.len().gt(0).all() and not frame.text.str.contains("\n").any()
        assert set(frame.domain) == DOMAINS
        assert set(frame.construction) == CONSTRUCTIONS | ({LITERAL} if split == "train" else set())
        counts = frame.groupby(["domain", "label"]).size()
        assert counts.min() == counts.max(), f"{split}: {counts.to_dict()}"
        per_construction = frame.groupby(["construction", "label"]).size().unstack()
        assert (abs(per_construction[0] - per_construction[1]) <= 1).all(), f"{split}: {per_construction}"
        assert per_construction.min().min() >= 10, f"{split}: {per_construction}"


def near_duplicate_pairs(texts: dict[str, pd.Series]) -> set[tuple[str, str]]:
    """Pairs of texts from different splits that are near-duplicates (NEAR, SHARED_RUN)."""
    def shingles(text: str) -> tuple[set, set]:
        words = normalised(pd.Series([text]))[0].split()
        runs = {tuple(words[i:i + SHARED_RUN]) for i in range(len(words) - SHARED_RUN + 1)}
        return set(zip(words, words[1:], strict=False)), runs

    items = [(split, text, *shingles(text)) for split, series in texts.items() for text in series]
    return {(a_text, b_text) for (a_split, a_text, a_pairs, a_runs), (b_split, b_text, b_pairs, b_runs)
            in combinations(items, 2)
            if a_split != b_split and (len(a_pairs & b_pairs) >= NEAR * len(a_pairs | b_pairs) or a_runs & b_runs)}


def test_no_near_duplicates_between_splits_hard_reviews_included(splits, hard):
    texts = {split: frame.text for split, frame in splits.items()}
    texts |= {f"hard {split}": frame.text for split, frame in hard.items()}
    assert near_duplicate_pairs(texts) == KNOWN_NEAR_PAIRS


def test_the_near_duplicate_check_catches_a_reworded_review():
    texts = {"train": pd.Series(["Never once did the battery last a full day, sadly."]),
             "test": pd.Series(["Sadly the battery never once did last a full day.", "Great little speaker."])}
    assert near_duplicate_pairs(texts) == {("Never once did the battery last a full day, sadly.",
                                            "Sadly the battery never once did last a full day.")}


def test_length_grouped_batches_hold_reviews_of_about_the_same_length():
    """Every review once, each run of batch_size close in length (so dynamic padding pads little), the groups in a
    seeded random order, the short one last (batching cuts every batch_size rows)."""
    import numpy as np
    from datasets import Dataset

    from utils.data import length_grouped

    batch_size, rng = 16, np.random.default_rng(0)
    lengths = rng.integers(5, 70, size=10 * batch_size + 3)
    split = Dataset.from_dict({"input_ids": [[1] * n for n in lengths], "row": list(range(len(lengths)))})
    grouped = length_grouped(split, batch_size)
    assert sorted(grouped["row"]) == list(range(len(lengths)))
    batches = [np.array([len(ids) for ids in grouped["input_ids"][start:start + batch_size]])
               for start in range(0, len(grouped), batch_size)]
    assert all(batch.max() - batch.min() <= 12 for batch in batches)  # random batches of these: about 55
    assert len(batches[-1]) == 3 and grouped["row"] == length_grouped(split, batch_size)["row"]  # short one last
    assert grouped["row"] != length_grouped(split, batch_size, seed=1)["row"]  # the seed decides the order
    assert [batch.min() for batch in batches[:-1]] != sorted(batch.min() for batch in batches[:-1])  # shuffled
