"""Notebook 03 · The transformer block and parallelism: its exercises' checks, hints and reference answers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks.engine import NotDone, call_learner, name_of, not_done, raised


def check_no_peeking(fn: Callable, shape: tuple[int, int, int] = (1, 6, 16)) -> None:
    """Check that ``fn`` maps (batch, seq, features) to the same shape causally (notebook 03):
    changing tokens k, k+1, ... leaves the outputs at positions 0..k-1 unchanged, while
    the last position still depends on the first token."""
    name = name_of(fn, "your function")
    try:
        print(_causality_verdict(fn, name, shape))
    except NotDone:
        print(not_done(name))
    except Exception as error:  # the learner's bug, reported in one line
        print(raised(name, error))


def _causality_verdict(fn: Callable, name: str, shape: tuple[int, int, int]) -> str:
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype("float32")
    y = call_learner(fn, (x,))
    if isinstance(y, (tuple, list)):
        return f"❌ {name}: expected one array of shape {x.shape}, got a {type(y).__name__}"
    if y.shape != x.shape:
        return f"❌ {name}: expected an output of shape {x.shape} (the input's), got {y.shape}"
    for k in range(1, shape[1]):
        changed = x.copy()
        changed[:, k:] = rng.normal(size=changed[:, k:].shape)
        change = float(np.abs(call_learner(fn, (changed,))[:, :k] - y[:, :k]).max())
        if change > 1e-5:
            return (f"❌ {name}: changing the tokens from position {k} on changed the outputs "
                    f"before position {k} (by up to {change:.3f}), so earlier positions peek at "
                    "later ones.\n   Hint: mask the attention scores with a lower-triangular "
                    "(causal) mask.")
    changed = x.copy()
    changed[:, 0] = rng.normal(size=changed[:, 0].shape)
    if np.allclose(call_learner(fn, (changed,))[:, -1], y[:, -1], atol=1e-5):
        return (f"❌ {name}: the last position ignores the first token; a causal mask must still "
                "let every token see itself and all earlier tokens.")
    return f"✅ {name} never peeks at later tokens, and still sees earlier ones."
