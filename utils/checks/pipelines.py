"""Notebook 06 · Pipelines: its exercises' checks, hints and reference answers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks.engine import check_function, name_of


def check_top_p_filter(fn: Callable) -> None:
    """Check ``top_p_filter(probs, p)`` on a 1-D distribution (nucleus sampling, notebook 06): keep
    the most likely tokens until their probabilities add up to at least ``p`` (the token that
    crosses ``p`` stays), set the others to 0, and renormalise so the result sums to 1."""
    probs = np.array([0.1, 0.5, 0.05, 0.2, 0.15])  # not sorted: the answer keeps this order
    cases = [((probs, p), _top_p_filter(probs, p)) for p in (0.8, 0.6, 0.3, 1.0)]

    def hint(args, got):
        probs, p = args
        got = np.asarray(got, dtype=float)
        if got.shape != probs.shape:
            return "return one probability per token, in the original order (zeros for the dropped ones)."
        if np.allclose(got, np.sort(_top_p_filter(probs, p))[::-1], atol=1e-6):
            return "keep the tokens in their original order: sort only to decide which ones to keep."
        if not np.isclose(got.sum(), 1.0, atol=1e-6):
            return "renormalise: divide the kept probabilities by their sum."
        if np.count_nonzero(got) < np.count_nonzero(_top_p_filter(probs, p)):
            return "keep the token that takes the running total past p, so the kept ones add up to at least p."
        return None

    check_function(fn, cases, name=name_of(fn, "top_p_filter"), atol=1e-6, hint=hint)

def check_top_k_similar(fn: Callable) -> None:
    """Check ``top_k_similar(query, corpus, k)``: the indices of the ``k`` rows of ``corpus``
    (texts, hidden) with the highest cosine similarity to ``query`` (hidden,), most similar
    first (semantic search, notebook 06). The vectors here are not normalised."""
    query = np.array([1.0, 0.0, 1.0])
    corpus = np.array([
        [10.0, 10.0, 0.0],  # long, so it wins on dot product, not on cosine
        [1.0, 0.1, 0.9],  # nearly the query's direction
        [-1.0, 0.0, -1.0],  # the opposite direction
        [0.5, 0.0, 0.7],  # short but close in direction
        [0.0, 1.0, 0.0],
    ])
    cases = [((query, corpus, k), _top_k_similar(query, corpus, k)) for k in (1, 3, 5)]

    def hint(args, got):
        query, corpus, k = args
        got = np.asarray(got)
        if got.shape != (k,):
            return f"return k = {k} row indices, an array of shape ({k},)."
        if np.array_equal(got, np.argsort(-(corpus @ query))[:k]):
            return ("that ranks by dot product, which favours long vectors: divide by the norms "
                    "(np.linalg.norm(..., axis=-1)) to get the cosine similarity.")
        if np.array_equal(got, _top_k_similar(query, corpus, k)[::-1]) or np.array_equal(
            got, np.argsort(corpus @ query / np.linalg.norm(corpus, axis=-1))[:k]
        ):
            return "most similar first: sort by decreasing similarity (np.argsort(-similarities))."
        return None

    check_function(fn, cases, name=name_of(fn, "top_k_similar"), hint=hint)

def _top_p_filter(probs: np.ndarray, p: float) -> np.ndarray:
    order = np.argsort(-probs)
    before = np.cumsum(probs[order]) - probs[order]  # mass of the more likely tokens
    keep = np.zeros(probs.shape, dtype=bool)
    keep[order[before < p]] = True
    kept = np.where(keep, probs, 0.0)
    return kept / kept.sum()

def _top_k_similar(query: np.ndarray, corpus: np.ndarray, k: int) -> np.ndarray:
    similarities = corpus @ query / (np.linalg.norm(corpus, axis=-1) * np.linalg.norm(query))
    return np.argsort(-similarities)[:k]
