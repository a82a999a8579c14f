"""Notebook 01 · Self-attention by hand: its exercises' checks, hints and reference answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from utils.checks.engine import check_function, name_of, same


def check_softmax(fn: Callable) -> None:
    """Check ``softmax(x)``: exponentiate and normalise along the last axis (notebook 01)."""
    inputs = [
        np.array([1.0, 2.0, 3.0]),
        np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]),  # one softmax per row
        np.array([[2.0, 1.0, -1e9]]),  # a masked score gets a weight of 0
        np.array([1000.0, 1001.0, 1002.0]),  # too big for a naive np.exp
    ]
    cases = [((x,), _softmax(x)) for x in inputs]

    def hint(args, got):
        got = np.asarray(got, dtype=float)
        if not np.all(np.isfinite(got)):
            return ("np.exp overflows for large scores: subtract each row's maximum first "
                    "(x - x.max(axis=-1, keepdims=True)); the answer does not change.")
        if got.ndim == 2 and not np.allclose(got.sum(axis=-1), 1):
            return "each row must sum to 1: sum over the last axis, with keepdims=True."
        return None

    check_function(fn, cases, name=name_of(fn, "softmax"), atol=1e-6, hint=hint)

def check_scaled_dot_product_attention(fn: Callable) -> None:
    """Check ``fn(Q, K, V, mask=None) -> (output, weights)`` (notebook 01).

    ``mask`` is True where a query may attend to a key; masked weights must be 0.
    """
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 2))
    q2, k2, v2 = rng.normal(size=(2, 8)), rng.normal(size=(5, 8)), rng.normal(size=(5, 3))
    causal = np.tril(np.ones((3, 3), dtype=bool))
    padding = np.array([[True, True, True, False, False]] * 2)
    cases = [
        ((q, k, v), _attention(q, k, v)),
        ((q, k, v, causal), _attention(q, k, v, causal)),
        ((q2, k2, v2), _attention(q2, k2, v2)),  # 2 queries, 5 keys: not square
        ((q2, k2, v2, padding), _attention(q2, k2, v2, padding)),
    ]

    def hint(args, got):
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "return both arrays: `return output, weights`."
        weights, expected = np.asarray(got[1], dtype=float), _attention(*args)[1]
        if weights.shape != expected.shape and weights.shape == expected.T.shape:
            return "scores are Q @ K.T: one row per query, one column per key."
        if weights.shape == expected.shape:
            if np.allclose(weights, _attention(*args, scale=False)[1], atol=1e-6):
                return ("divide the scores by np.sqrt(d_k), with d_k = K.shape[-1], "
                        "before the softmax.")
            if np.allclose(weights.sum(axis=0), 1) and not np.allclose(weights.sum(axis=-1), 1):
                return ("the softmax goes along the last axis (over the keys), "
                        "so each row sums to 1.")
            if len(args) > 3 and np.any(weights[~args[3]] > 1e-6):
                return ("masked positions need a weight of 0: replace their scores with a large "
                        "negative number (np.where(mask, scores, -1e9)) before the softmax.")
        return None

    check_function(fn, cases, name=name_of(fn, "scaled_dot_product_attention"), hint=hint)

def check_attention_reading(answers: dict, weights, tokens: Sequence[str]) -> None:
    """Compare what the learner read off an attention heatmap with the weights it shows (notebooks 01, 07):
    ``answers`` maps a query token to ``(the key token it attends to most, that weight to 2 decimals)``."""
    if any(value is None or value is ... or None in tuple(value) for value in answers.values()):
        print("⏳ read the heatmap and fill in every answer, then run this cell again.")
        return
    weights, tokens = np.asarray(weights), list(tokens)
    for query, answer in answers.items():
        if query not in tokens or not isinstance(answer, (tuple, list)) or len(answer) != 2:
            print(f"❌ {query!r}: expected a token of the heatmap's rows {tokens} with a pair (key, weight).")
            continue
        row = weights[tokens.index(query)]
        key, weight = tokens[int(row.argmax())], float(row.max())
        key_right = answer[0] == key or (answer[0] in tokens and np.isclose(row[tokens.index(answer[0])], weight))
        mark = "✅" if key_right and same(answer[1], weight, 0.01) else "❌"
        print(f"{mark} {query!r} attends most to {key!r} with {weight:.2f}; you read {answer[0]!r} with {answer[1]}")

def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)

def _attention(q, k, v, mask=None, scale=True):
    scores = q @ k.T / (np.sqrt(k.shape[-1]) if scale else 1.0)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = _softmax(scores)
    return weights @ v, weights
