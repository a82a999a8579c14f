"""Notebook 02 · Multi-head attention and positions: its exercises' checks, hints and reference answers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks.engine import check_function, name_of


def check_padding_mask(fn: Callable) -> None:
    """Check ``padding_mask(token_ids, pad_id)``: (batch, seq) ids -> a (batch, 1, 1, seq) mask,
    True (or 1) on real tokens, that broadcasts over (batch, heads, queries, keys) (notebook 02)."""
    padded = np.array([[5, 7, 9, 0, 0], [3, 0, 0, 0, 0]])  # padding id 0, as in BERT
    other_pad_id = np.array([[101, 7, 102, 1]])  # padding id 1
    cases = [
        ((padded, 0), (padded != 0)[:, None, None, :]),
        ((other_pad_id, 1), (other_pad_id != 1)[:, None, None, :]),
    ]

    def hint(args, got):
        token_ids, pad_id = args
        got = np.asarray(got)
        if got.shape == token_ids.shape:
            return ("add two axes so the mask broadcasts against scores of shape "
                    "(batch, heads, queries, keys): mask[:, None, None, :] (or tf.newaxis).")
        if got.shape == token_ids[:, None, None, :].shape and np.array_equal(
            got.astype(bool), token_ids[:, None, None, :] == pad_id
        ):
            return "the mask is inverted: True (1) marks real tokens, False (0) marks padding."
        return None

    check_function(fn, cases, name=name_of(fn, "padding_mask"), hint=hint)

def check_similarity_at_distance(fn: Callable) -> None:
    """Check ``similarity_at_distance(encoding, distance)``: the dot products ``encoding[i] @ encoding[i + distance]``
    for every position i where ``i + distance`` exists, for an encoding of shape (length, depth) (notebook 02)."""
    rng = np.random.default_rng(0)
    encoding = rng.normal(size=(6, 4))
    cases = [((encoding, distance), _similarity_at_distance(encoding, distance)) for distance in (1, 0, 4, 5)]

    def hint(args, got):
        encoding, distance = args
        got = np.asarray(got)
        if got.shape == (len(encoding),):
            return (f"only the positions i where i + distance exists: {len(encoding) - distance} of them "
                    "for this input (encoding[:-distance] against encoding[distance:], with care for 0).")
        if got.ndim == 2:
            return "one number per pair of positions: sum the products over the depth axis (axis=-1)."
        return None

    check_function(fn, cases, name=name_of(fn, "similarity_at_distance"), hint=hint)

def _similarity_at_distance(encoding: np.ndarray, distance: int) -> np.ndarray:
    return np.sum(encoding[: len(encoding) - distance] * encoding[distance:], axis=-1)
