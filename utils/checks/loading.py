"""Notebook 07 · Loading models with TFAutoModel: its exercises' checks, hints and reference answers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks.engine import check_function, name_of


def check_offset_attention(fn: Callable) -> None:
    """Check ``offset_attention(weights, offset)``: for weights of shape (heads, tokens, tokens),
    each head's average weight from token i to token i + offset (-1: the previous token) (notebook 07)."""
    rng = np.random.default_rng(0)
    weights = rng.dirichlet(np.ones(5), size=(3, 5))  # 3 heads, 5 tokens; rows sum to 1
    cases = [((weights, offset), _offset_attention(weights, offset)) for offset in (-1, 1, 0, -3)]

    def hint(args, got):
        weights, offset = args
        got = np.asarray(got)
        if got.shape != (weights.shape[0],):
            return f"return one number per head: an array of shape ({weights.shape[0]},)."
        if np.allclose(got, _offset_attention(weights, -offset), atol=1e-6):
            return ("rows are queries and columns keys: the previous token of query i is column "
                    "i - 1, so offset -1 means weights[:, i, i - 1].")
        if np.allclose(got, _offset_attention(weights, offset) * (weights.shape[1] - abs(offset)), atol=1e-6):
            return "average the weights on the diagonal, don't sum them."
        return None

    check_function(fn, cases, name=name_of(fn, "offset_attention"), hint=hint)

def _offset_attention(weights: np.ndarray, offset: int) -> np.ndarray:
    return np.diagonal(weights, offset=offset, axis1=1, axis2=2).mean(axis=-1)
