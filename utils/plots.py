"""Figures the notebooks draw in one call: attention heatmaps, heads, positions, timings.

Every function returns the matplotlib Figure it drew and leaves it open. In a notebook, end
the cell with ``plt.show()``: it displays each figure once and closes it. In a script, call
``fig.savefig(...)`` and then ``plt.close(fig)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def attention_heatmap(
    weights,
    tokens_x: Sequence[str],
    tokens_y: Sequence[str] | None = None,
    title: str = "Attention weights",
) -> Figure:
    """Draw attention weights with one row per query token and one column per key token.

    Taught in notebook 01 (self-attention by hand). ``weights`` has the shape
    ``(len(tokens_y), len(tokens_x))``. For self-attention, leave ``tokens_y`` out: the same
    tokens label both axes and the matrix must be square. Each cell shows its weight when
    there are at most 12 tokens on each axis.
    """
    weights = np.asarray(weights)
    if tokens_y is None:
        n = len(tokens_x)
        if weights.shape != (n, n):
            raise ValueError(f"expected a square ({n}, {n}) matrix of weights for {n} tokens, "
                             f"got {weights.shape}")
        tokens_y = tokens_x
    elif weights.shape != (len(tokens_y), len(tokens_x)):
        raise ValueError(
            f"expected weights of shape ({len(tokens_y)}, {len(tokens_x)}) for "
            f"{len(tokens_y)} query tokens and {len(tokens_x)} key tokens, got {weights.shape}"
        )
    size = max(3.5, 0.55 * max(weights.shape) + 1.8)
    fig, ax = plt.subplots(figsize=(size + 0.8, size), layout="constrained")
    image = _draw_weights(ax, weights, tokens_x, tokens_y, fontsize=10)
    if max(weights.shape) <= 12:
        for (row, column), value in np.ndenumerate(weights):
            color = "white" if value > 0.6 * image.norm.vmax else "black"
            ax.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=8, color=color)
    ax.set_xlabel("key (the token attended to)")
    ax.set_ylabel("query (the token attending)")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


def attention_heads_grid(
    weights,
    tokens: Sequence[str],
    title: str = "Attention weights, one panel per head",
    columns: int = 4,
) -> Figure:
    """Draw one attention heatmap per head, side by side on one colour scale.

    Taught in notebook 02 (multi-head attention). ``weights`` has the shape
    ``(heads, len(tokens), len(tokens))``, for example one sentence of the batch from
    ``tf.keras.layers.MultiHeadAttention(..., return_attention_scores=True)``.
    """
    weights = np.asarray(weights)
    n = len(tokens)
    if weights.ndim != 3 or weights.shape[1:] != (n, n) or weights.shape[0] == 0:
        raise ValueError(
            f"expected weights of shape (heads, {n}, {n}) for {n} tokens, got {weights.shape}"
        )
    heads = weights.shape[0]
    columns = max(1, min(columns, heads))
    rows = math.ceil(heads / columns)
    panel = max(2.2, 0.35 * n + 1.0)
    fig, axes = plt.subplots(rows, columns, figsize=(panel * columns + 1.0, panel * rows + 0.6),
                             squeeze=False, layout="constrained")
    for head, ax in enumerate(axes.flat):
        if head >= heads:
            ax.set_visible(False)
            continue
        image = _draw_weights(ax, weights[head], tokens, tokens, fontsize=8)
        ax.set_title(f"head {head}", fontsize=10)
    fig.suptitle(title)
    fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8)
    return fig


def positional_encoding_plot(
    encodings,
    title: str = "Sinusoidal positional encodings",
    dimensions: Sequence[int] | None = None,
) -> Figure:
    """Draw positional encodings as a heatmap, and a few of their dimensions as curves.

    Taught in notebook 02 (positions). ``encodings`` has the shape ``(positions, depth)``.
    ``dimensions`` picks the curves on the right (by default four, from fast to slow).
    """
    encodings = np.asarray(encodings)
    if encodings.ndim != 2 or 0 in encodings.shape:
        raise ValueError(
            f"expected a 2-D array of encodings of shape (positions, depth), got {encodings.shape}"
        )
    positions, depth = encodings.shape
    if dimensions is None:  # even dimensions from fast to slow: 2, 8, 16 and 32 for depth 64
        fractions = (1 / 32, 1 / 8, 1 / 4, 1 / 2)
        dimensions = sorted({2 * int(depth * fraction / 2) for fraction in fractions})
    for dimension in dimensions:
        if not 0 <= dimension < depth:
            raise ValueError(f"expected dimensions between 0 and {depth - 1}, got {dimension}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    limit = max(1e-12, float(np.abs(encodings).max()))
    image = left.imshow(encodings, aspect="auto", cmap="RdBu", vmin=-limit, vmax=limit)
    left.set_xlabel("depth (dimension of the encoding)")
    left.set_ylabel("position in the sequence")
    fig.colorbar(image, ax=left)
    for dimension in dimensions:
        right.plot(np.arange(positions), encodings[:, dimension], label=f"dimension {dimension}")
    right.set_xlabel("position in the sequence")
    right.set_ylabel("value")
    right.legend(loc="upper right", fontsize=8)
    fig.suptitle(title)
    return fig


def timing_comparison(
    lengths: Sequence[int],
    timings: Mapping[str, Sequence[float]],
    title: str = "Time per forward pass",
) -> Figure:
    """Plot measured times (in seconds) against sequence length, one line per method.

    Taught in notebook 03 (parallelism). ``timings`` maps a name such as ``"LSTM"`` to one
    time in seconds per entry of ``lengths``. Both axes are logarithmic, and the times are
    shown in milliseconds.
    """
    if len(lengths) == 0 or len(timings) == 0:
        raise ValueError(
            f"expected at least one length and one named series, got {len(lengths)} lengths "
            f"and {len(timings)} series"
        )
    for name, seconds in timings.items():
        if len(seconds) != len(lengths):
            raise ValueError(
                f"expected {len(lengths)} timings for {name!r} (one per sequence length), "
                f"got {len(seconds)}"
            )
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for name, seconds in timings.items():
        ax.plot(lengths, 1000 * np.asarray(seconds, dtype=float), "o-", label=name)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(list(lengths), [str(length) for length in lengths])
    ax.minorticks_off()
    ax.set_xlabel("sequence length (tokens)")
    ax.set_ylabel("milliseconds (log scale)")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return fig


def _draw_weights(ax, weights: np.ndarray, tokens_x, tokens_y, fontsize: int):
    """One heatmap with token labels; weights in [0, 1] share a fixed 0–1 colour scale."""
    in_unit_range = weights.size and weights.min() >= 0 and weights.max() <= 1
    vmin, vmax = (0.0, 1.0) if in_unit_range else (None, None)
    image = ax.imshow(weights, cmap="Blues", vmin=vmin, vmax=vmax)
    ax.set_xticks(range(len(tokens_x)), list(tokens_x), fontsize=fontsize, rotation=45,
                  ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(tokens_y)), list(tokens_y), fontsize=fontsize)
    return image
