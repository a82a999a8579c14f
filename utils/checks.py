"""Tiny, loud checks: shapes in the lessons, and the learner's functions in the exercises.

``check_shape`` is an assertion for lesson code: it prints one ✅ line or raises an
AssertionError that says what was expected and what came back.

The exercise checks run a learner's function on cases with known answers and print one
line, never a traceback, so a notebook runs top to bottom whatever state its exercises are in:
✅ when every case passes, ❌ with the input, the expected and the actual answer (and a hint
for the usual mistakes), or ⏳ while the function is still a stub (it raises
NotImplementedError or returns None). Nothing here imports TensorFlow: the cases are NumPy
arrays, which TensorFlow functions accept, and whatever comes back goes through ``np.asarray``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

# One case: the positional arguments to call the function with, and the answer it must give.
Case = tuple[tuple, Any]


def check_shape(array, expected: Sequence[int | None], name: str = "array") -> None:
    """Assert that ``array`` has the shape ``expected`` (``None`` matches any size).

    Taught in notebook 02, where it states the shape each step of multi-head attention has.
    """
    shape = tuple(array.shape) if hasattr(array, "shape") else np.shape(array)
    expected = tuple(expected)
    matches = len(shape) == len(expected) and all(
        want is None or want == got for want, got in zip(expected, shape)
    )
    if not matches:
        raise AssertionError(f"expected {name} of shape {expected}, got {shape}")
    print(f"✅ {name} has shape {shape}")


def check_function(
    fn: Callable,
    cases: Sequence[Case],
    name: str | None = None,
    atol: float = 1e-5,
    hint: Callable[[tuple, Any], str | None] | None = None,
) -> None:
    """Run ``fn(*args)`` for each ``(args, expected)`` case and print one verdict line.

    Answers are compared as arrays (``np.allclose`` with ``atol``; booleans count as 0 and 1).
    When ``expected`` is a tuple, ``fn`` must return a tuple of the same length, compared part
    by part. ``hint(args, got)`` may return a sentence that explains a wrong answer.
    """
    print(_verdict(fn, cases, name or _name(fn, "your function"), atol, hint))


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

    check_function(fn, cases, name=_name(fn, "softmax"), atol=1e-6, hint=hint)


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

    check_function(fn, cases, name=_name(fn, "scaled_dot_product_attention"), hint=hint)


def check_causal_mask(fn: Callable) -> None:
    """Check ``causal_mask(n)``: True (or 1) where key j ≤ query i (notebook 01)."""
    cases = [((n,), np.tril(np.ones((n, n), dtype=bool))) for n in (1, 3, 6)]

    def hint(args, got):
        (n,) = args
        got = np.asarray(got)
        if got.shape != (n, n):
            return None
        if np.array_equal(got.astype(bool), np.triu(np.ones((n, n), dtype=bool))):
            return ("that is the upper triangle: row i is a query and may see keys 0..i, "
                    "on and below the diagonal (np.tril).")
        if np.array_equal(got.astype(bool), np.tril(np.ones((n, n), dtype=bool), k=-1)):
            return "keep the diagonal: a token may attend to itself."
        return None

    check_function(fn, cases, name=_name(fn, "causal_mask"), hint=hint)


def check_split_heads(fn: Callable) -> None:
    """Check ``split_heads(x, num_heads)``: (batch, seq, d_model) -> (batch, heads, seq, depth)
    with head h holding features h * depth to (h + 1) * depth of every token (notebook 02)."""
    x = np.arange(2 * 3 * 8, dtype="float32").reshape(2, 3, 8)
    cases = [((x, heads), _split_heads(x, heads)) for heads in (4, 2, 1)]

    def hint(args, got):
        x, heads = args
        batch, seq, d_model = x.shape
        got = np.asarray(got)
        if got.shape == (batch, seq, heads, d_model // heads):
            return "transpose axes 1 and 2, so heads come before the sequence axis."
        if np.array_equal(got, x.reshape(batch, heads, seq, d_model // heads)):
            return ("right shape, mixed-up values: reshape to (batch, seq, heads, depth) first, "
                    "then transpose to (batch, heads, seq, depth).")
        return None

    check_function(fn, cases, name=_name(fn, "split_heads"), hint=hint)


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

    check_function(fn, cases, name=_name(fn, "padding_mask"), hint=hint)


def check_no_peeking(fn: Callable, shape: tuple[int, int, int] = (1, 6, 16)) -> None:
    """Check that ``fn`` maps (batch, seq, features) to the same shape causally (notebook 03):
    changing tokens k, k+1, ... leaves the outputs at positions 0..k-1 unchanged, while
    the last position still depends on the first token."""
    name = _name(fn, "your function")
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype("float32")
    try:
        y = _call(fn, (x,))
    except _NotDone:
        print(_not_done(name))
        return
    except Exception as error:  # the learner's bug, reported in one line
        print(f"❌ {name} raised {type(error).__name__}: {error}")
        return
    if isinstance(y, (tuple, list)):
        print(f"❌ {name}: expected one array of shape {x.shape}, got a {type(y).__name__}")
        return
    if y.shape != x.shape:
        print(f"❌ {name}: expected an output of shape {x.shape} (the input's), got {y.shape}")
        return
    for k in range(1, shape[1]):
        changed = x.copy()
        changed[:, k:] = rng.normal(size=changed[:, k:].shape)
        change = float(np.abs(np.asarray(fn(changed))[:, :k] - y[:, :k]).max())
        if change > 1e-5:
            print(f"❌ {name}: changing the tokens from position {k} on changed the outputs "
                  f"before position {k} (by up to {change:.3f}), so earlier positions peek at "
                  "later ones.\n   Hint: mask the attention scores with a lower-triangular "
                  "(causal) mask.")
            return
    changed = x.copy()
    changed[:, 0] = rng.normal(size=changed[:, 0].shape)
    if np.allclose(np.asarray(fn(changed))[:, -1], y[:, -1], atol=1e-5):
        print(f"❌ {name}: the last position ignores the first token; a causal mask must still "
              "let every token see itself and all earlier tokens.")
        return
    print(f"✅ {name} never peeks at later tokens, and still sees earlier ones.")


# --- internals -------------------------------------------------------------------------


class _NotDone(Exception):
    """The learner's function is still a stub."""


def _call(fn: Callable, args: tuple):
    try:
        with np.errstate(all="ignore"):  # overflow shows up as nan in the answer, with a hint
            result = fn(*args)
    except NotImplementedError:
        raise _NotDone from None
    if result is None:
        raise _NotDone
    if isinstance(result, (tuple, list)):
        return type(result)(np.asarray(part) for part in result)
    return np.asarray(result)


def _name(fn: Callable, default: str) -> str:
    """The learner's name for their function (a lambda has none worth showing)."""
    name = getattr(fn, "__name__", "")
    return name if name.isidentifier() else default


def _not_done(name: str) -> str:
    return f"⏳ {name} is not done yet — fill in the cell above, then run this cell again."


def _verdict(fn, cases, name, atol, hint) -> str:
    for args, expected in cases:
        call = f"{name}({', '.join(_describe(arg) for arg in args)})"
        try:
            got = _call(fn, args)
        except _NotDone:
            return _not_done(name)
        except Exception as error:  # the learner's bug, reported in one line
            return f"❌ {call} raised {type(error).__name__}: {error}"
        problem = _compare(got, expected, atol)
        if problem:
            advice = hint(args, got) if hint else None
            return f"❌ {call}: {problem}" + (f"\n   Hint: {advice}" if advice else "")
    return f"✅ {name} passed " + ("1 check." if len(cases) == 1 else f"all {len(cases)} checks.")


def _compare(got, expected, atol: float) -> str | None:
    """None when ``got`` matches ``expected``, else what differs (expected vs got)."""
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected a tuple of {len(expected)} results, got {_describe(got)}"
        for index, (got_part, expected_part) in enumerate(zip(got, expected)):
            problem = _compare(got_part, expected_part, atol)
            if problem:
                return f"result {index + 1} of {len(expected)}: {problem}"
        return None
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        return f"expected shape {expected.shape}, got shape {got.shape}"
    try:
        close = np.isclose(got.astype(float), expected.astype(float), atol=atol, rtol=0)
    except (TypeError, ValueError):
        return f"expected {_show(expected)}, got {_show(got)}"
    if close.all():
        return None
    if expected.size > 36:
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        return (f"right shape {got.shape}, but at index {index} expected "
                f"{_show(expected[index])}, got {_show(got[index])}")
    return f"expected {_show(expected)}, got {_show(got)}"


def _describe(value) -> str:
    """An argument as the learner would recognise it: small values in full, big ones by shape."""
    if isinstance(value, np.ndarray) and (value.ndim > 1 or value.size > 8):
        return f"<array of shape {value.shape}>"
    return _show(value)


def _show(value) -> str:
    if isinstance(value, (tuple, list)):
        return "a " + type(value).__name__ + " of " + str(len(value))
    array = np.asarray(value)
    if array.dtype == object:
        return repr(value)
    if array.size > 36:
        return f"<array of shape {array.shape}>"
    text = np.array2string(array, precision=3, suppress_small=True, separator=", ")
    return "\n   ".join(line for line in text.splitlines() if line.strip())


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _attention(q, k, v, mask=None, scale=True):
    scores = q @ k.T / (np.sqrt(k.shape[-1]) if scale else 1.0)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = _softmax(scores)
    return weights @ v, weights


def _split_heads(x: np.ndarray, heads: int) -> np.ndarray:
    batch, seq, d_model = x.shape
    return x.reshape(batch, seq, heads, d_model // heads).transpose(0, 2, 1, 3)
