"""Figures the notebooks draw in one call: attention heatmaps, heads, positions, timings, tokens,
and diagrams of the architectures they build.

Every function returns the matplotlib Figure it drew and leaves it open. In a notebook, end
the cell with ``plt.show()``: it displays each figure once and closes it. In a script, call
``fig.savefig(...)`` and then ``plt.close(fig)``. One exception, ``bertviz_attention``, draws
nothing: it prepares attention weights for bertviz's interactive HTML views.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle


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
        _write_values(ax, weights, fontsize=8, dark_above=0.6 * image.norm.vmax)
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


def token_highlights(
    text: str,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    title: str = "Tokens in the original text",
) -> Figure:
    """Draw ``text`` once per tokenizer, each token's characters on a coloured background.

    Taught in notebook 05 (tokenizers). ``spans`` maps a name to the ``(start, end)`` character
    offsets of each token, such as a fast tokenizer's ``offset_mapping``. Empty spans (special
    tokens such as ``[CLS]``) are skipped; neighbouring tokens alternate between two colours.
    Characters the plot font lacks (most emoji) cannot be drawn: keep them out of ``text``.
    """
    if not text or len(spans) == 0:
        raise ValueError(f"expected a text and at least one named list of spans, got {len(text)} "
                         f"characters and {len(spans)} lists")
    for name, pairs in spans.items():
        for start, end in pairs:
            if not 0 <= start <= end <= len(text):
                raise ValueError(f"expected spans inside the text's {len(text)} characters, "
                                 f"got ({start}, {end}) for {name!r}")
    rows = len(spans)
    fig, ax = plt.subplots(figsize=(0.13 * len(text) + 2.4, 0.5 * rows + 0.7), layout="constrained")
    colours = ("tab:blue", "tab:orange")
    labels = []
    for row, (name, pairs) in enumerate(spans.items()):
        tokens = [(start, end) for start, end in pairs if end > start]
        for index, (start, end) in enumerate(tokens):
            ax.add_patch(plt.Rectangle((start, row + 0.12), end - start, 0.76, facecolor=colours[index % 2],
                                       alpha=0.35, edgecolor="white", linewidth=1.5))
        for column, character in enumerate(text):
            if not character.isspace():
                ax.text(column + 0.5, row + 0.5, character, ha="center", va="center", fontsize=10,
                        family="monospace")
        labels.append(f"{name} ({len(tokens)} tokens)")
    ax.set_xlim(0, len(text))
    ax.set_ylim(rows, 0)
    ax.set_yticks([row + 0.5 for row in range(rows)], labels)
    ax.set_xticks([])
    ax.tick_params(left=False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title)
    return fig


def fertility_plot(
    results: Mapping[str, tuple[Sequence[int], Sequence[float]]],
    title: str = "Tokens per word on held-back text",
) -> Figure:
    """Plot fertility (tokens per word) against vocabulary size, one series per tokenizer.

    Taught in notebook 05 (tokenizers). ``results`` maps a name to ``(vocab_sizes, fertilities)``;
    a series may be a single point (a pretrained tokenizer) or a curve (one tokenizer trained at
    several sizes). The x axis is logarithmic; a dotted line marks one token per word.
    """
    if len(results) == 0:
        raise ValueError("expected at least one named series of (vocab_sizes, fertilities), got none")
    for name, (sizes, fertilities) in results.items():
        if len(sizes) == 0 or len(sizes) != len(fertilities):
            raise ValueError(f"expected as many fertilities as vocabulary sizes (at least one) for "
                             f"{name!r}, got {len(fertilities)} and {len(sizes)}")
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for name, (sizes, fertilities) in results.items():
        ax.plot(sizes, fertilities, "o-" if len(sizes) > 1 else "s", markersize=7, label=name)
    ax.axhline(1.0, color="grey", linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("vocabulary size (log scale)")
    ax.set_ylabel("tokens per word (fertility)")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return fig


def head_scores_heatmap(
    scores,
    title: str = "One number per attention head",
    label: str = "score",
) -> Figure:
    """Draw one number per attention head as a grid: one row per layer, one column per head.

    Taught in notebook 07 (loading models). ``scores`` has the shape ``(layers, heads)``, for
    example the average attention weight each head gives to ``[CLS]``. Each cell shows its value.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2 or 0 in scores.shape:
        raise ValueError(f"expected scores of shape (layers, heads), got {scores.shape}")
    layers, heads = scores.shape
    fig, ax = plt.subplots(figsize=(0.55 * heads + 1.8, 0.5 * layers + 1.2), layout="constrained")
    image = ax.imshow(scores, cmap="Blues", vmin=min(0.0, scores.min()), vmax=max(1.0, scores.max()))
    _write_values(ax, scores, fontsize=7, dark_above=0.6 * image.norm.vmax)
    ax.set_xticks(range(heads))
    ax.set_yticks(range(layers))
    ax.set_xlabel("head")
    ax.set_ylabel("layer")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.8, label=label)
    return fig


def layer_similarity_plot(
    similarities: Mapping[str, Sequence[float]],
    title: str = "Hidden states across layers",
    ylabel: str = "cosine similarity",
) -> Figure:
    """Plot one value per layer, one line per named series (x = 0 for the embeddings).

    Taught in notebook 07 (hidden states). ``similarities`` maps a name such as ``"'cat' vs its
    embedding"`` to one value per entry of ``outputs.hidden_states``: the embeddings, then
    each layer. All series need the same length.
    """
    lengths = {len(values) for values in similarities.values()}
    if len(similarities) == 0 or len(lengths) != 1 or 0 in lengths:
        raise ValueError(f"expected one or more named series of the same non-zero length, got lengths "
                         f"{[len(values) for values in similarities.values()]}")
    (length,) = lengths
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for name, values in similarities.items():
        ax.plot(range(length), np.asarray(values, dtype=float), "o-", label=name)
    ax.set_xticks(range(length), ["embeddings"] + [str(layer) for layer in range(1, length)])
    ax.set_xlabel("layer")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def bertviz_attention(attentions, decimals: int = 2) -> tuple:
    """Convert a model's attentions to what bertviz's ``head_view`` / ``model_view`` accept.

    Taught in notebook 07. ``attentions`` is ``outputs.attentions`` of a TensorFlow model called
    with ``output_attentions=True``: one tensor (or array) per layer of shape
    ``(batch, heads, tokens, tokens)``. bertviz reads PyTorch tensors only, and writes every
    weight into the notebook; rounding to ``decimals`` keeps the saved notebook small.
    """
    import torch  # bertviz needs torch anyway; imported here so plots stays cheap to import

    layers = [np.asarray(layer) for layer in attentions]
    shapes = {layer.shape for layer in layers}
    if not layers or len(shapes) != 1 or len(layers[0].shape) != 4:
        raise ValueError(f"expected one (batch, heads, tokens, tokens) tensor per layer, got shapes "
                         f"{[layer.shape for layer in layers]}")
    return tuple(torch.from_numpy(layer.astype("float64").round(decimals)) for layer in layers)


def similarity_heatmap(
    similarities,
    texts: Sequence[str],
    texts_y: Sequence[str] | None = None,
    title: str = "Cosine similarity between sentences",
    max_chars: int = 40,
) -> Figure:
    """Draw a matrix of similarities between texts, one row per text of ``texts_y``.

    Taught in notebook 06 (pipelines), for the cosine similarity of sentence embeddings.
    ``similarities`` has the shape ``(len(texts_y), len(texts))``; to compare texts with
    themselves, leave ``texts_y`` out. Labels longer than ``max_chars`` are shortened with "…".
    Values in [0, 1] share a fixed 0–1 colour scale, others a -1–1 scale; each cell shows its
    value when there are at most 12 texts on each axis.
    """
    similarities = np.asarray(similarities, dtype=float)
    texts_y = texts if texts_y is None else texts_y
    if similarities.shape != (len(texts_y), len(texts)):
        raise ValueError(f"expected similarities of shape ({len(texts_y)}, {len(texts)}) for "
                         f"{len(texts_y)} x {len(texts)} texts, got {similarities.shape}")
    in_unit_range = similarities.size and similarities.min() >= 0 and similarities.max() <= 1
    vmin, cmap = (0.0, "Blues") if in_unit_range else (-1.0, "RdBu_r")
    rows, columns = similarities.shape
    fig, ax = plt.subplots(figsize=(0.6 * columns + 4.5, 0.45 * rows + 2.8), layout="constrained")
    image = ax.imshow(similarities, cmap=cmap, vmin=vmin, vmax=1.0)
    if max(rows, columns) <= 12:
        _write_values(ax, similarities, fontsize=8, dark_above=0.6, signed=True)

    def shorten(text: str) -> str:
        return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"

    ax.set_xticks(range(columns), [shorten(text) for text in texts], fontsize=8, rotation=45,
                  ha="right", rotation_mode="anchor")
    ax.set_yticks(range(rows), [shorten(text) for text in texts_y], fontsize=8)
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


def training_curves(
    history: Mapping[str, Sequence[float]],
    title: str = "Training curves",
) -> Figure:
    """Plot Keras training logs per epoch: losses on the left, every other metric on the right.

    Taught in notebook 08 (fine-tuning). ``history`` is ``model.fit(...).history``, such as
    ``{"loss": [...], "val_loss": [...], "accuracy": [...], "val_accuracy": [...]}``, with one
    value per epoch. Validation series (``val_...``) are dashed, so each pairs with its training
    series by colour.
    """
    lengths = {len(values) for values in history.values()}
    if not history or lengths == {0} or len(lengths) != 1:
        raise ValueError(f"expected one value per epoch for each metric, with the same number of epochs, "
                         f"got {({name: len(values) for name, values in history.items()})}")
    epochs = np.arange(1, lengths.pop() + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    colours: dict[str, str] = {}
    for name, values in history.items():
        ax = left if "loss" in name else right
        base = name.removeprefix("val_")
        colour = colours.setdefault(base, f"C{len(colours)}")
        ax.plot(epochs, values, "o--" if name.startswith("val_") else "o-", color=colour, label=name)
    for ax, ylabel in [(left, "loss"), (right, "score")]:
        ax.set_xticks(epochs)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        if ax.lines:
            ax.legend()
    fig.suptitle(title)
    return fig


def reliability_diagram(
    confidences,
    correct,
    bins: int = 5,
    low: float = 0.5,
    title: str = "Reliability diagram",
) -> Figure:
    """Draw how often a classifier is right at each level of confidence (a reliability diagram).

    Taught in notebook 06 (pipelines), for the score a pipeline returns with its label.
    ``confidences`` holds one score per prediction, between ``low`` (the least a winning label can
    get: 0.5 for two labels) and 1; ``correct`` says, for the same predictions, whether the label was
    right. The range is cut into ``bins`` equal bins, closed on the right as ``pandas.cut`` makes them
    (``include_lowest=True``: the first also holds ``low``). Each bar is the accuracy of
    the predictions in its bin, labelled with how many there are, and crossed by a black mark at their mean
    confidence: a well-calibrated model's bars end at their marks. The dashed diagonal alone would mislead
    where the confidences crowd at one end of a bin (above 0.99 in a 0.9-1.0 bin, say), since it crosses the
    bar at the bin's middle. Empty bins get no bar.
    """
    confidences, correct = np.asarray(confidences, dtype=float), np.asarray(correct)
    if confidences.ndim != 1 or confidences.shape != correct.shape or not confidences.size:
        raise ValueError(f"expected one confidence and one right-or-wrong value per prediction, got shapes "
                         f"{confidences.shape} and {correct.shape}")
    if not set(np.unique(correct)) <= {0, 1}:
        raise ValueError("expected `correct` to hold True/False (or 1/0) for each prediction, such as "
                         "predicted_labels == true_labels")
    if confidences.min() < low or confidences.max() > 1:
        raise ValueError(f"expected confidences between {low} and 1, got {confidences.min():.3g} to "
                         f"{confidences.max():.3g}; pass low=... for a classifier with more than two labels")
    edges = np.linspace(low, 1.0, bins + 1)
    which = np.clip(np.digitize(confidences, edges[1:-1], right=True), 0, bins - 1)
    width = edges[1] - edges[0]
    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    ax.plot([low, 1], [low, 1], "--", color="grey", label="perfectly calibrated")
    filled = np.unique(which)
    bin_members = [which == index for index in filled]
    marks = [confidences[members].mean() for members in bin_members]
    ax.hlines(marks, edges[filled], edges[filled] + width, color="black", linewidth=2,
              label="mean confidence in the bin")
    for index, members, mark in zip(filled, bin_members, marks, strict=True):
        accuracy = correct[members].mean()
        ax.bar(edges[index], accuracy, width=width, align="edge", color="C0", edgecolor="white")
        ax.text(edges[index] + width / 2, max(accuracy, mark) + 0.015, f"{members.sum()}", ha="center",
                va="bottom", fontsize=8)  # above the bar and its mark
    ax.set_xlim(low, 1)
    ax.set_ylim(0, 1.08)
    ax.set_xticks(edges)
    ax.set_xlabel("confidence (the winning label's score)")
    ax.set_ylabel("accuracy of the predictions in the bin")
    ax.set_title(f"{title}\n(the number on each bar: predictions in that bin)", fontsize=10)
    ax.legend(loc="upper left")
    return fig


def self_attention_diagram(
    n_tokens: int = 6,
    d_model: int = 4,
    d_k: int = 3,
    title: str = "Self-attention, step by step",
) -> Figure:
    """Draw the path from embeddings ``X`` to ``output``, with every matrix's shape.

    Taught in notebook 01 (self-attention by hand), with its names: ``X @ W_Q`` gives ``Q`` (and
    likewise ``K``, ``V``), ``scores = Q @ K.T``, ``scaled_scores = scores / sqrt(d_k)``,
    ``weights = softmax(scaled_scores)``, ``output = weights @ V``. Values have size ``d_k`` too.
    """
    _check_sizes(n_tokens=n_tokens, d_model=d_model, d_k=d_k)
    fig, ax = _diagram(10, 4.0, title)
    rows = {"Q": 3.1, "K": 2.05, "V": 0.8}
    x = _box(ax, 0.8, 1.95, 1.45, 2.9, f"X\n{_shape(n_tokens, d_model)}\ntokens × d_model")
    boxes = {}
    for name, y in rows.items():
        _arrow(ax, (x.right[0], y), (2.55, y))
        _note(ax, 2.04, y + 0.08, f"@ W_{name} {_shape(d_model, d_k)}", va="bottom")
        role = {"Q": "queries", "K": "keys", "V": "values"}[name]
        boxes[name] = _box(ax, 3.2, y, 1.3, 0.7, f"{name} ({role})\n{_shape(n_tokens, d_k)}", "dense")
    square = _shape(n_tokens, n_tokens)
    scores = _box(ax, 5.0, 2.575, 1.2, 0.95, f"scores\n= Q @ K.T\n{square}", "attention")
    _arrow(ax, boxes["Q"].right, (scores.left[0], 2.8))
    _arrow(ax, boxes["K"].right, (scores.left[0], 2.35))
    scaled = _box(ax, 7.2, 2.575, 1.3, 0.95, f"scaled_scores\n{square}", "attention")
    _arrow(ax, scores.right, scaled.left)
    _note(ax, 6.075, 2.655, f"/ sqrt(d_k)\nd_k = {d_k}", va="bottom")
    weights = _box(ax, 9.2, 2.575, 1.3, 0.95, f"weights\n{square}\nrows sum to 1", "attention")
    _arrow(ax, scaled.right, weights.left)
    _note(ax, 8.2, 2.655, "softmax", va="bottom")
    output = _box(ax, 9.2, 0.8, 1.3, 0.95, f"output\n= weights @ V\n{_shape(n_tokens, d_k)}")
    _arrow(ax, weights.bottom, output.top)
    _arrow(ax, boxes["V"].right, output.left)
    _note(ax, 6.2, 0.88, "each row of output: the rows of V, weighted by a row of weights", va="bottom")
    return fig


def multi_head_attention_diagram(
    batch: int = 2,
    n_tokens: int = 6,
    d_model: int = 16,
    num_heads: int = 4,
    title: str = "Multi-head attention: split into heads, attend, concatenate",
) -> Figure:
    """Draw the shapes inside ``MultiHeadSelfAttention.call``, from ``x`` to the output of ``wo``.

    Taught in notebook 02 (multi-head attention), with its names: ``wq`` (and ``wk``, ``wv``),
    ``split_heads`` (reshape, then transpose), ``scaled_dot_product_attention`` on every head at
    once, then the reverse (transpose, reshape: the concatenation) and ``wo``. Each head gets
    ``depth = d_model // num_heads`` of each token's numbers.
    """
    _check_sizes(batch=batch, n_tokens=n_tokens, d_model=d_model, num_heads=num_heads)
    _check_heads(d_model, num_heads)
    depth = d_model // num_heads
    flat = _shape(batch, n_tokens, d_model), "(batch, tokens, d_model)"
    by_token = _shape(batch, n_tokens, num_heads, depth), "(batch, tokens, heads, depth)"
    by_head = _shape(batch, num_heads, n_tokens, depth), "(batch, heads, tokens, depth)"
    fig, ax = _diagram(10, 5.0, title)
    columns, top, bottom = (0.95, 3.55, 6.15, 8.75), 3.75, 0.95
    split = [("x\n", flat, "data"), ("self.wq(x)\n", flat, "dense"), ("", by_token, "step"),
             ("q\n", by_head, "step")]  # a box without a name: an intermediate result
    merged = [("heads\n", by_head, "attention"), ("", by_token, "step"), ("concatenated\n", flat, "step"),
              ("output\n", flat, "dense")]
    rows = []
    for y, boxes in [(top, split), (bottom, merged[::-1])]:
        rows.append([])
        for x, (name, (shape, axes), kind) in zip(columns, boxes, strict=True):
            rows[-1].append(_box(ax, x, y, 1.4, 0.7, name + shape, kind))
            _note(ax, x, y - 0.5, axes)
    operations = ["wq\n(wk, wv alike)", "tf.reshape", "tf.transpose\n[0, 2, 1, 3]"]
    for left, right, operation in zip(rows[0][:-1], rows[0][1:], operations, strict=True):
        _arrow(ax, left.right, right.left)
        _note(ax, (left.right[0] + right.left[0]) / 2, top + 0.08, operation, va="bottom")
    for left, right, operation in zip(rows[1][:-1], rows[1][1:], ["wo (W_O)", *operations[1:]], strict=True):
        _arrow(ax, right.left, left.right)
        _note(ax, (left.right[0] + right.left[0]) / 2, bottom + 0.08, operation, va="bottom")
    edge = rows[0][-1].right[0] + 0.25
    _arrow(ax, rows[0][-1].right, (edge, top), (edge, bottom), rows[1][-1].right)
    _note(ax, edge - 0.15, 2.35, f"scaled_dot_product_attention(q, k, v)\nthe heads axis acts as a batch axis:\n"
          f"{num_heads} attentions at once, weights {_shape(batch, num_heads, n_tokens, n_tokens)}", ha="right")
    _bracket(ax, (columns[1], top + 0.65), (columns[3], top + 0.65), "split_heads", "above")
    _bracket(ax, (columns[1], bottom + 0.65), (columns[3], bottom + 0.65), "concatenate: split_heads undone",
             "above")
    _head_strip(ax, 0.3, 2.5, 4.2, num_heads, depth)
    return fig


def encoder_block_diagram(
    d_model: int = 64,
    num_heads: int = 4,
    d_ff: int = 256,
    batch: int = 2,
    n_tokens: int = 9,
    title: str = "The encoder block: two sub-layers, each followed by add & norm",
) -> Figure:
    """Draw ``EncoderBlock`` from bottom to top, with its layers' names and the shapes between them.

    Taught in notebook 03 (the transformer block), and drawn as its code computes: post-norm, each
    sub-layer's output (after dropout) added to its input, then normalised: ``attention`` and
    ``attention_norm``, then ``ffn_expand`` (to ``d_ff``, GELU), ``ffn_contract`` and ``output_norm``.
    """
    _check_sizes(d_model=d_model, num_heads=num_heads, d_ff=d_ff, batch=batch, n_tokens=n_tokens)
    _check_heads(d_model, num_heads)
    tokens, wide = _shape(batch, n_tokens, d_model), _shape(batch, n_tokens, d_ff)
    fig, ax = _diagram(9, 5.5, title)
    x, attention, attention_norm, ffn_expand, ffn_contract, output_norm, output = _stack(ax, 3.4, 4.0, [
        (0.4, "data", f"x  {tokens}\n(batch, tokens, d_model)"),
        (1.1, "attention", f"attention: MultiHeadAttention(x, x)\nnum_heads={num_heads}, "
                           f"key_dim={d_model // num_heads} → attended {tokens}"),
        (1.8, "norm", "attention_norm: LayerNormalization\nx = attention_norm(x + dropout(attended))"),
        (2.5, "ffn", f'ffn_expand: Dense({d_ff}, activation="gelu")\n{tokens} → {wide}'),
        (3.2, "ffn", f"ffn_contract: Dense({d_model})\n{wide} → transformed {tokens}"),
        (3.9, "norm", "output_norm: LayerNormalization\noutput_norm(x + dropout(transformed))"),
        (4.75, "data", f"output  {tokens}\nthe shape of x: blocks stack"),
    ])
    for below, first, norm, name in [(x, attention, attention_norm, "sub-layer 1:\nself-attention"),
                                     (attention_norm, ffn_expand, output_norm, "sub-layer 2:\nfeed-forward")]:
        _residual(ax, below, first, norm, 5.65, name)
    _frame(ax, (1.2, 0.8), (5.85, 4.2))
    _note(ax, 0.1, 4.2, f"EncoderBlock(\nd_model={d_model},\nnum_heads={num_heads},\nd_ff={d_ff})", ha="left", va="top")
    _note(ax, 6.05, 0.4, "post-norm, as in the code (and BERT):\nLayerNorm(x + Sublayer(x));\n"
          "dropout only in training", ha="left")
    return fig


def encoder_decoder_diagram(
    vocabulary_size: int = 48,
    source_length: int = 29,
    target_length: int = 12,
    d_model: int = 64,
    num_heads: int = 4,
    d_ff: int = 128,
    batch: int = 64,
    title: str = "DateTranslator: an encoder block reads, a decoder block writes",
) -> Figure:
    """Draw ``DateTranslator`` in training, its ``DecoderBlock`` opened, with the shapes of one batch.

    Taught in notebook 04 (the decoder and the encoder–decoder), with its names. The encoder side:
    ``source_ids``, ``embed``, one ``EncoderBlock`` (drawn by ``encoder_block_diagram``), the
    ``context``. The decoder side, with teacher forcing: ``target[:, :-1]``, ``embed`` (the same
    layers), causal ``self_attention``, ``cross_attention`` (queries from the decoder, keys and values
    from ``context``), the feed-forward layers, each with add & norm, then ``to_logits``, scored
    against ``target[:, 1:]``. ``target_length`` counts ``<s>`` and ``</s>``, as ``TARGET_LENGTH`` does.
    """
    _check_sizes(vocabulary_size=vocabulary_size, source_length=source_length, target_length=target_length,
                 d_model=d_model, num_heads=num_heads, d_ff=d_ff, batch=batch)
    _check_heads(d_model, num_heads)
    if target_length < 2:
        raise ValueError(f"expected a target_length of at least 2 (<s> and </s>), got {target_length}")
    outputs = target_length - 1  # the decoder reads all but the last token, and predicts all but the first
    fig, ax = _diagram(10, 7.0, title)
    decoder = _stack(ax, 6.0, 3.9, [
        (0.38, "data", f"target[:, :-1]  {_shape(batch, outputs)}\n<s>, then the ISO date: shifted right"),
        (1.02, "dense", f"embed: token_embedding + position_embedding\n→ {_shape(batch, outputs, d_model)}"),
        (1.76, "attention", "self_attention: MultiHeadAttention(x, x)\nuse_causal_mask=True: no peeking ahead"),
        (2.44, "norm", "self_attention_norm: LayerNormalization\nx = self_attention_norm(x + dropout(attended))"),
        (3.12, "attention", "cross_attention: MultiHeadAttention(x, context)\nqueries: x; keys and values: "
                            "context, no <pad>"),
        (3.8, "norm", "cross_attention_norm: LayerNormalization\nx = cross_attention_norm(x + dropout(attended))"),
        (4.48, "ffn", f'ffn_expand: Dense({d_ff}, activation="gelu")\nffn_contract: Dense({d_model}) → transformed'),
        (5.16, "norm", "output_norm: LayerNormalization\noutput_norm(x + dropout(transformed))"),
        (6.0, "dense", f"to_logits: Dense({vocabulary_size})\nlogits {_shape(batch, outputs, vocabulary_size)}"),
    ])
    for number, index in enumerate([1, 3, 5], start=1):
        _residual(ax, *decoder[index: index + 3], 8.2, f"sub-layer {number}")
    _frame(ax, (3.9, 1.32), (8.35, 5.52))
    _note(ax, 3.9, 5.56, "decoder_block: DecoderBlock", ha="left", va="bottom")  # left of the arrow above
    _note(ax, 3.75, 6.0, f"labels = target[:, 1:]  {_shape(batch, outputs)}\nmasked_loss(labels, logits)", ha="right")
    encoder = _stack(ax, 1.95, 3.1, [
        (0.38, "data", f"source_ids  {_shape(batch, source_length)}\nthe date as written, then <pad>"),
        (1.02, "dense", f"embed: the same two layers\n→ {_shape(batch, source_length, d_model)}"),
        (2.1, "block", "encoder_block: EncoderBlock\n(notebook 03: attention, add & norm,\nfeed-forward, "
                       f"add & norm)\nsource_mask {_shape(batch, 1, source_length)}: skip <pad>"),
        (3.12, "data", f"context  {_shape(batch, source_length, d_model)}\none vector per input token"),
    ], heights=[0.48, 0.48, 1.0, 0.48])
    _arrow(ax, encoder[-1].right, decoder[4].left)
    _note(ax, 1.95, 3.6, f"cross-attention weights\n{_shape(batch, num_heads, outputs, source_length)}: "
          "output × input tokens", va="bottom")
    return fig


def data_parallel_diagram(
    global_batch_size: int = 32,
    devices: Sequence[str] = ("/device:CPU:0", "/device:CPU:1"),
    title: str = "One training step under tf.distribute.MirroredStrategy",
) -> Figure:
    """Draw one data-parallel training step: one replica (a full copy of the model) per device.

    Taught in notebook 10 (scaling up): the global batch is split into equal per-replica batches,
    each replica computes its loss and its own gradients, the all-reduce adds them up and gives
    every replica the total, and each replica applies the same update, so the copies stay
    identical. One column per device; beyond 4, the first three and the last, with "⋯" between.
    """
    _check_sizes(global_batch_size=global_batch_size)
    replicas = len(devices)
    if replicas == 0:
        raise ValueError("expected at least one device, got none")
    if global_batch_size % replicas:
        raise ValueError(f"expected global_batch_size to be a multiple of the number of replicas, got "
                         f"{global_batch_size} for {replicas} replicas")
    per_replica = global_batch_size // replicas
    fig, ax = _diagram(10, 5.6, title)
    split = _box(ax, 5, 4.85, 9.4, 0.5, f"global batch: GLOBAL_BATCH_SIZE = {global_batch_size} reviews\n"
                 f"model.fit splits it: {replicas} replicas × {per_replica} reviews")
    shown = list(enumerate(devices))
    if replicas > 4:  # wider columns would not fit their text
        shown = shown[:3] + shown[-1:]
        gradients = f"g0 + g1 + … + g{replicas - 1}"
    else:
        gradients = " + ".join(f"g{replica}" for replica in range(replicas))
    width = (9.4 - 0.4 * (len(shown) - 1)) / len(shown)
    all_reduce = _box(ax, 5, 1.45, 9.4, 0.55, f'all-reduce ("sum"): {gradients}, the same total on every replica; '
                      f"÷ {replicas}: the mean gradient\nover all {global_batch_size} reviews, exactly as one "
                      "device would compute it on the whole batch", "exchange")
    for column, (replica, device) in enumerate(shown):
        x = 0.3 + width / 2 + column * (width + 0.4)
        slice_, _, backward = _stack(ax, x, width, [
            (3.85, "data", f"replica {replica}: {per_replica} reviews\non {device.split('/')[-1]}"),  # as 10 prints it
            (3.1, "step", "forward pass on its own\ncopy of the model → loss"),
            (2.35, "step", f"backward pass → its\nown gradients g{replica}"),
        ])
        _arrow(ax, (x, split.bottom[1]), slice_.top)
        _arrow(ax, backward.bottom, (x, all_reduce.top[1]))
        update = _box(ax, x, 0.45, width, 0.5, "optimizer: same update\n→ copies stay identical", "dense")
        _arrow(ax, (x, all_reduce.bottom[1]), update.top)
    if replicas > 4:  # in the gap before the last column, the replicas not drawn
        for y in (3.85, 3.1, 2.35, 0.45):
            _note(ax, update.left[0] - 0.2, y, "⋯", fontsize=_FONT)
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


def _write_values(ax, values: np.ndarray, fontsize: int, dark_above: float, signed: bool = False) -> None:
    """Write each cell's value in it, to two decimals: white on the dark cells (above ``dark_above``), black
    elsewhere. ``signed`` values are dark at both ends of the scale, and a tiny negative is not worth a sign."""
    for (row, column), value in np.ndenumerate(values):
        shown = f"{value:.2f}".replace("-0.00", "0.00") if signed else f"{value:.2f}"
        dark = (abs(value) if signed else value) > dark_above
        ax.text(column, row, shown, ha="center", va="center", fontsize=fontsize, color="white" if dark else "black")


# --- diagrams: coordinates are inches from the figure's bottom-left corner ---------------------

_FONT, _SMALL = 10, 9  # points; 9 pt is still readable at the notebooks' 80 dpi
_LINE = "0.3"
_COLOURS = {"data": "#ececec", "dense": "#d6ebcf", "attention": "#fbd8b4", "norm": "#fff0ab",
            "ffn": "#cde1f5", "step": "#e5dcf5", "block": "#dde3ea", "exchange": "#f6c9c9"}


@dataclass(frozen=True)
class _Box:
    """A drawn box: its centre and size, and the middles of its sides for arrows to start or end at."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> tuple[float, float]:
        return self.x, self.y + self.height / 2

    @property
    def bottom(self) -> tuple[float, float]:
        return self.x, self.y - self.height / 2

    @property
    def left(self) -> tuple[float, float]:
        return self.x - self.width / 2, self.y

    @property
    def right(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y


def _check_sizes(**sizes) -> None:
    for name, size in sizes.items():
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"expected {name} to be a whole number of at least 1, got {size!r}")


def _check_heads(d_model: int, num_heads: int) -> None:
    if d_model % num_heads:
        raise ValueError(f"expected d_model to be a multiple of num_heads, got d_model={d_model} and "
                         f"num_heads={num_heads}")


def _shape(*sizes: int) -> str:
    return str(tuple(int(size) for size in sizes))  # int(): NumPy 2 would print np.int64(6)


def _diagram(width: float, height: float, title: str):
    """An empty figure whose data coordinates are inches, so that a layout reads as measurements."""
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    fig.suptitle(title)
    return fig, ax


def _box(ax, x: float, y: float, width: float, height: float, text: str, kind: str = "data",
         fontsize: int = _FONT) -> _Box:
    """A rounded box centred on (x, y), coloured by what it stands for, with ``text`` inside."""
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, facecolor=_COLOURS[kind],
                                boxstyle="round,pad=0,rounding_size=0.06", edgecolor=_LINE, linewidth=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, linespacing=1.3)
    return _Box(x, y, width, height)


def _arrow(ax, *points: tuple[float, float]) -> None:
    """A line through ``points``, with an arrowhead at the last one (two points: a straight arrow)."""
    xs, ys = zip(*points[:-1], strict=True)
    ax.plot(xs, ys, color=_LINE, linewidth=1.2, solid_capstyle="butt")
    ax.annotate("", xy=points[-1], xytext=points[-2],
                arrowprops={"arrowstyle": "-|>", "color": _LINE, "linewidth": 1.2, "shrinkA": 0, "shrinkB": 0})


def _note(ax, x: float, y: float, text: str, **options) -> None:
    """Small text beside the boxes: shapes, operations, explanations."""
    ax.text(x, y, text, **{"ha": "center", "va": "center", "fontsize": _SMALL, "linespacing": 1.3, **options})


def _bracket(ax, start: tuple[float, float], end: tuple[float, float], text: str, side: str) -> None:
    """A bracket from ``start`` to ``end``, its ends bent back toward the boxes, ``text`` on ``side``
    ("above" or "right")."""
    nx, ny = (0, 1) if side == "above" else (1, 0)
    (x0, y0), (x1, y1) = start, end
    ax.plot([x0 - 0.1 * nx, x0, x1, x1 - 0.1 * nx], [y0 - 0.1 * ny, y0, y1, y1 - 0.1 * ny], color=_LINE, linewidth=1)
    ha, va = ("center", "bottom") if side == "above" else ("left", "center")
    _note(ax, (x0 + x1) / 2 + 0.08 * nx, (y0 + y1) / 2 + 0.08 * ny, text, ha=ha, va=va)


def _head_strip(ax, x: float, y: float, width: float, num_heads: int, depth: int) -> None:
    """One token's vector as a strip, one colour per head: what split_heads hands to each head."""
    segment = width / num_heads
    for head in range(num_heads):
        ax.add_patch(Rectangle((x + head * segment, y - 0.2), segment, 0.4, facecolor=f"C{head % 10}", alpha=0.35,
                               edgecolor="white", linewidth=1.5))
        if num_heads <= 16:  # more would not leave room for the numbers
            _note(ax, x + (head + 0.5) * segment, y, f"head {head}" if num_heads <= 6 else str(head))
    _note(ax, x + width / 2, y - 0.3, f"one token's d_model = {num_heads * depth} numbers:\n"
          f"num_heads = {num_heads} heads × depth {depth}", va="top")


def _stack(ax, x: float, width: float, rows, heights: Sequence[float] | None = None) -> list[_Box]:
    """Boxes on one column, one per ``(y, kind, text)`` of ``rows``, each joined to the next by an arrow."""
    heights = heights or [0.48] * len(rows)
    boxes = [_box(ax, x, y, width, height, text, kind) for (y, kind, text), height in zip(rows, heights, strict=True)]
    for one, following in zip(boxes[:-1], boxes[1:], strict=True):
        upward = following.y > one.y
        _arrow(ax, one.top if upward else one.bottom, following.bottom if upward else following.top)
    return boxes


def _residual(ax, below: _Box, sublayer: _Box, norm: _Box, x: float, name: str) -> None:
    """A residual connection: the input of ``sublayer``, taken off the arrow from ``below``, around the
    sub-layer to the side of ``norm``, where it is added back; a bracket on the right names the sub-layer."""
    start = (below.x, (below.top[1] + sublayer.bottom[1]) / 2)
    ax.plot(*start, "o", color=_LINE, markersize=4)
    _arrow(ax, start, (x, start[1]), (x, norm.y), norm.right)
    _bracket(ax, (x + 0.3, sublayer.bottom[1]), (x + 0.3, norm.top[1]), name, "right")


def _frame(ax, corner: tuple[float, float], opposite: tuple[float, float]) -> None:
    """A dashed frame from ``corner`` (bottom left) to ``opposite``, around the parts of one layer."""
    (x0, y0), (x1, y1) = corner, opposite
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, linestyle="--", edgecolor=_LINE, linewidth=1))
