import re

import pandas as pd
import pytest

from utils.data import SPLITS, review_files

DOMAINS = {"films", "books", "restaurants", "hotels", "travel", "electronics", "software", "courses", "services"}


@pytest.fixture(scope="module")
def splits() -> dict[str, pd.DataFrame]:
    return {split: pd.read_csv(path) for split, path in review_files().items()}


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
