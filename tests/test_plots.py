"""utils.plots: each helper takes the shapes it documents, refuses others, returns a Figure."""

import io
import re
from itertools import combinations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from utils import plots

TOKENS = ["the", "cat", "sat", "on", "the", "mat"]


@pytest.fixture(autouse=True)
def no_figures_left_open():
    yield
    plt.close("all")


def tick_labels(axis) -> list[str]:
    return [label.get_text() for label in axis.get_ticklabels()]


def uniform(*shape) -> np.ndarray:
    return np.full(shape, 1 / shape[-1])


# --- attention_heatmap ---------------------------------------------------------------------


def test_heatmap_labels_both_axes_with_the_tokens_and_shows_the_weights():
    weights = np.eye(6)
    fig = plots.attention_heatmap(weights, TOKENS, title="Self-attention")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert tick_labels(ax.xaxis) == TOKENS and tick_labels(ax.yaxis) == TOKENS
    assert ax.get_title() == "Self-attention"
    np.testing.assert_array_equal(ax.images[0].get_array(), weights)
    assert [text.get_text() for text in ax.texts].count("1.00") == 6
    assert len(fig.axes) == 2  # the heatmap and its colour bar


def test_heatmap_is_registered_with_pyplot_so_plt_show_displays_it_once():
    fig = plots.attention_heatmap(uniform(6, 6), TOKENS)
    assert plt.get_fignums() == [fig.number]


def test_heatmap_of_queries_against_other_keys():
    queries = ["cat", "mat"]
    fig = plots.attention_heatmap(uniform(2, 6), TOKENS, tokens_y=queries)
    ax = fig.axes[0]
    assert tick_labels(ax.xaxis) == TOKENS and tick_labels(ax.yaxis) == queries


def test_heatmap_accepts_lists_and_skips_numbers_for_long_sequences():
    fig = plots.attention_heatmap(uniform(20, 20).tolist(), [f"t{i}" for i in range(20)])
    assert len(fig.axes[0].texts) == 0


def test_heatmap_refuses_a_non_square_matrix_for_self_attention():
    with pytest.raises(ValueError) as error:
        plots.attention_heatmap(np.zeros((6, 5)), TOKENS)
    assert str(error.value) == (
        "expected a square (6, 6) matrix of weights for 6 tokens, got (6, 5)"
    )


def test_heatmap_refuses_weights_that_do_not_match_the_query_tokens():
    with pytest.raises(ValueError) as error:
        plots.attention_heatmap(np.zeros((6, 6)), TOKENS, tokens_y=["cat", "mat"])
    assert str(error.value) == (
        "expected weights of shape (2, 6) for 2 query tokens and 6 key tokens, got (6, 6)"
    )


def test_heatmap_refuses_a_batch():
    with pytest.raises(ValueError, match=r"got \(1, 6, 6\)"):
        plots.attention_heatmap(np.zeros((1, 6, 6)), TOKENS)


# --- attention_heads_grid ------------------------------------------------------------------


def test_heads_grid_has_one_labelled_panel_per_head():
    weights = np.stack([np.eye(6), uniform(6, 6), np.eye(6)[::-1]])
    fig = plots.attention_heads_grid(weights, TOKENS, columns=2)
    assert isinstance(fig, Figure)
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.images]
    assert [ax.get_title() for ax in panels] == ["head 0", "head 1", "head 2"]
    for head, ax in enumerate(panels):
        assert tick_labels(ax.xaxis) == TOKENS
        np.testing.assert_array_equal(ax.images[0].get_array(), weights[head])
        assert ax.images[0].get_clim() == (0.0, 1.0)  # one colour scale for every head
    hidden = [ax for ax in fig.axes if not ax.get_visible()]
    assert len(hidden) == 1  # 3 heads in a 2 x 2 grid


def test_heads_grid_refuses_a_single_head_matrix():
    with pytest.raises(ValueError) as error:
        plots.attention_heads_grid(np.zeros((6, 6)), TOKENS)
    assert str(error.value) == "expected weights of shape (heads, 6, 6) for 6 tokens, got (6, 6)"


def test_heads_grid_refuses_the_wrong_number_of_tokens():
    with pytest.raises(ValueError) as error:
        plots.attention_heads_grid(np.zeros((4, 6, 5)), TOKENS)
    assert str(error.value) == "expected weights of shape (heads, 6, 6) for 6 tokens, got (4, 6, 5)"


# --- positional_encoding_plot --------------------------------------------------------------


def test_positional_encoding_plot_draws_the_matrix_and_some_dimensions():
    encodings = np.sin(np.arange(50)[:, None] / (1 + np.arange(16)))
    fig = plots.positional_encoding_plot(encodings, title="PE")
    assert isinstance(fig, Figure)
    heatmap, curves = fig.axes[0], fig.axes[1]
    np.testing.assert_array_equal(heatmap.images[0].get_array(), encodings)
    labels = [line.get_label() for line in curves.get_lines()]
    assert labels == ["dimension 0", "dimension 2", "dimension 4", "dimension 8"]
    np.testing.assert_array_equal(curves.get_lines()[2].get_ydata(), encodings[:, 4])
    assert fig.get_suptitle() == "PE"


def test_positional_encoding_plot_default_dimensions_for_a_tiny_depth():
    fig = plots.positional_encoding_plot(np.zeros((5, 2)))
    assert [line.get_label() for line in fig.axes[1].get_lines()] == ["dimension 0"]


def test_positional_encoding_plot_chosen_dimensions():
    fig = plots.positional_encoding_plot(np.zeros((10, 4)), dimensions=[3])
    assert [line.get_label() for line in fig.axes[1].get_lines()] == ["dimension 3"]
    with pytest.raises(ValueError, match="expected dimensions between 0 and 3, got 4"):
        plots.positional_encoding_plot(np.zeros((10, 4)), dimensions=[4])


@pytest.mark.parametrize("shape", [(50,), (1, 50, 16), (0, 16)])
def test_positional_encoding_plot_refuses_other_shapes(shape):
    with pytest.raises(ValueError) as error:
        plots.positional_encoding_plot(np.zeros(shape))
    assert str(error.value) == (
        f"expected a 2-D array of encodings of shape (positions, depth), got {shape}"
    )


# --- timing_comparison ---------------------------------------------------------------------


def test_timing_comparison_plots_one_line_per_method_in_milliseconds():
    lengths = [32, 64, 128]
    timings = {"LSTM": [0.010, 0.020, 0.040], "self-attention": [0.001, 0.002, 0.006]}
    fig = plots.timing_comparison(lengths, timings, title="CPU")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["LSTM", "self-attention"]
    np.testing.assert_array_equal(lines[0].get_xdata(), lengths)
    np.testing.assert_allclose(lines[0].get_ydata(), [10, 20, 40])
    assert tick_labels(ax.xaxis) == ["32", "64", "128"]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_title() == "CPU"


def test_timing_comparison_refuses_a_series_of_the_wrong_length():
    with pytest.raises(ValueError) as error:
        plots.timing_comparison([32, 64, 128], {"LSTM": [0.1, 0.2]})
    assert str(error.value) == (
        "expected 3 timings for 'LSTM' (one per sequence length), got 2"
    )


def test_timing_comparison_refuses_nothing_to_plot():
    with pytest.raises(ValueError, match="expected at least one length and one named series"):
        plots.timing_comparison([32], {})


# --- token_highlights ----------------------------------------------------------------------


def test_token_highlights_one_row_per_tokenizer_one_box_per_token():
    text = "Hugging Face"
    spans = {"WordPiece": [(0, 0), (0, 7), (8, 12), (0, 0)], "BPE": [(0, 1), (1, 7), (7, 12)]}
    fig = plots.token_highlights(text, spans, title="Two tokenizers")
    ax = fig.axes[0]
    assert tick_labels(ax.yaxis) == ["WordPiece (2 tokens)", "BPE (3 tokens)"]  # [CLS], [SEP] skipped
    assert len(ax.patches) == 5
    assert [patch.get_x() for patch in ax.patches] == [0, 8, 0, 1, 7]
    assert "".join(text.get_text() for text in ax.texts) == "HuggingFace" * 2  # spaces are not drawn
    assert ax.get_title() == "Two tokenizers"


def test_token_highlights_refuses_spans_outside_the_text():
    with pytest.raises(ValueError) as error:
        plots.token_highlights("cat", {"BPE": [(0, 2), (2, 5)]})
    assert str(error.value) == "expected spans inside the text's 3 characters, got (2, 5) for 'BPE'"


def test_token_highlights_refuses_nothing_to_draw():
    with pytest.raises(ValueError, match="expected a text and at least one named list of spans"):
        plots.token_highlights("cat", {})


# --- fertility_plot ------------------------------------------------------------------------


def test_fertility_plot_draws_points_and_curves_on_a_log_axis():
    fig = plots.fertility_plot({"BERT": ([30522], [1.04]), "ours": ([500, 1000, 2000], [1.5, 1.3, 1.1])})
    ax = fig.axes[0]
    curves = [line for line in ax.lines if line.get_label() in {"BERT", "ours"}]
    assert [line.get_label() for line in curves] == ["BERT", "ours"]
    np.testing.assert_allclose(curves[1].get_ydata(), [1.5, 1.3, 1.1])
    assert ax.get_xscale() == "log"
    assert any(list(line.get_ydata()) == [1.0, 1.0] for line in ax.lines)  # one token per word


def test_fertility_plot_refuses_mismatched_series():
    with pytest.raises(ValueError) as error:
        plots.fertility_plot({"ours": ([500, 1000], [1.5])})
    assert str(error.value) == (
        "expected as many fertilities as vocabulary sizes (at least one) for 'ours', got 1 and 2"
    )
    with pytest.raises(ValueError, match="got none"):
        plots.fertility_plot({})


# --- head_scores_heatmap -------------------------------------------------------------------


def test_head_scores_heatmap_has_one_annotated_cell_per_layer_and_head():
    scores = np.array([[0.1, 0.9, 0.5], [0.0, 1.0, 0.25]])
    fig = plots.head_scores_heatmap(scores, title="Weight on [CLS]", label="weight")
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), scores)
    assert ax.images[0].get_clim() == (0.0, 1.0)
    assert [text.get_text() for text in ax.texts] == ["0.10", "0.90", "0.50", "0.00", "1.00", "0.25"]
    assert ax.get_xlabel() == "head" and ax.get_ylabel() == "layer"
    assert ax.get_title() == "Weight on [CLS]"


def test_head_scores_heatmap_refuses_one_layer_as_a_vector():
    with pytest.raises(ValueError) as error:
        plots.head_scores_heatmap(np.zeros(12))
    assert str(error.value) == "expected scores of shape (layers, heads), got (12,)"


# --- layer_similarity_plot -----------------------------------------------------------------


def test_layer_similarity_plot_one_line_per_series_from_the_embeddings_up():
    series = {"'cat' vs its embedding": [1.0, 0.8, 0.5], "'it' vs 'cat'": [0.0, 0.2, 0.6]}
    fig = plots.layer_similarity_plot(series, title="Across layers")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == list(series)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [0.0, 0.2, 0.6])
    assert tick_labels(ax.xaxis) == ["embeddings", "1", "2"]
    assert ax.get_title() == "Across layers"


def test_layer_similarity_plot_refuses_series_of_different_lengths():
    with pytest.raises(ValueError) as error:
        plots.layer_similarity_plot({"a": [1.0, 0.5], "b": [1.0]})
    assert str(error.value) == (
        "expected one or more named series of the same non-zero length, got lengths [2, 1]"
    )
    with pytest.raises(ValueError, match="got lengths"):
        plots.layer_similarity_plot({})


# --- bertviz_attention ---------------------------------------------------------------------


def test_bertviz_attention_gives_rounded_torch_tensors_that_bertviz_accepts():
    import torch
    from bertviz import head_view

    rng = np.random.default_rng(0)
    attentions = [rng.dirichlet(np.ones(6), size=(1, 2, 6)).astype("float32") for _ in range(3)]
    converted = plots.bertviz_attention(attentions)
    assert isinstance(converted, tuple) and len(converted) == 3
    assert all(isinstance(layer, torch.Tensor) and layer.shape == (1, 2, 6, 6) for layer in converted)
    np.testing.assert_allclose(converted[2].numpy(), attentions[2], atol=5e-3)
    assert converted[0].numpy().round(2).tolist() == converted[0].tolist()  # short numbers in the notebook
    html = head_view(converted, TOKENS, html_action="return")  # renders without a browser or network
    assert '"cat"' in html.data


def test_bertviz_attention_refuses_one_layer_without_the_batch_axis():
    with pytest.raises(ValueError) as error:
        plots.bertviz_attention([np.zeros((2, 6, 6))])
    assert str(error.value) == (
        "expected one (batch, heads, tokens, tokens) tensor per layer, got shapes [(2, 6, 6)]"
    )


# --- similarity_heatmap --------------------------------------------------------------------


def test_similarity_heatmap_labels_rows_and_columns_with_shortened_texts():
    texts = ["The room was quiet.", "A very long sentence about a hotel that never seems to end at all.", "Rude staff."]
    similarities = np.array([[1.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 1.0]])
    fig = plots.similarity_heatmap(similarities, texts, title="Reviews", max_chars=20)
    ax = fig.axes[0]
    assert tick_labels(ax.yaxis) == ["The room was quiet.", "A very long sentenc…", "Rude staff."]
    assert tick_labels(ax.xaxis) == tick_labels(ax.yaxis)
    np.testing.assert_array_equal(ax.images[0].get_array(), similarities)
    assert ax.images[0].get_clim() == (0.0, 1.0)
    assert [text.get_text() for text in ax.texts].count("1.00") == 3
    assert ax.get_title() == "Reviews"


def test_similarity_heatmap_queries_against_documents_on_a_signed_scale():
    fig = plots.similarity_heatmap(np.array([[0.3, -0.2, -0.001]]), ["doc 1", "doc 2", "doc 3"],
                                   texts_y=["query"])
    ax = fig.axes[0]
    assert [text.get_text() for text in ax.texts] == ["0.30", "-0.20", "0.00"]
    assert tick_labels(ax.yaxis) == ["query"] and tick_labels(ax.xaxis) == ["doc 1", "doc 2", "doc 3"]
    assert ax.images[0].get_clim() == (-1.0, 1.0)  # a negative similarity needs the full range


def test_similarity_heatmap_refuses_a_matrix_that_does_not_match_the_texts():
    with pytest.raises(ValueError) as error:
        plots.similarity_heatmap(np.eye(3), ["a", "b"])
    assert str(error.value) == "expected similarities of shape (2, 2) for 2 x 2 texts, got (3, 3)"


# --- training_curves -----------------------------------------------------------------------


def test_training_curves_put_losses_left_and_scores_right_with_matching_colours():
    history = {"loss": [0.6, 0.3, 0.2], "accuracy": [0.7, 0.9, 0.95], "val_loss": [0.5, 0.35, 0.36],
               "val_accuracy": [0.75, 0.86, 0.87], "val_f1": [0.8, 0.86, 0.88]}
    fig = plots.training_curves(history, title="Fine-tuning")
    left, right = fig.axes
    assert [line.get_label() for line in left.lines] == ["loss", "val_loss"]
    assert [line.get_label() for line in right.lines] == ["accuracy", "val_accuracy", "val_f1"]
    np.testing.assert_array_equal(left.lines[1].get_ydata(), history["val_loss"])
    np.testing.assert_array_equal(left.lines[0].get_xdata(), [1, 2, 3])  # epochs count from 1
    assert left.lines[0].get_color() == left.lines[1].get_color()  # loss and val_loss pair up
    assert left.lines[1].get_linestyle() == "--" and left.lines[0].get_linestyle() == "-"
    assert right.lines[2].get_color() != right.lines[0].get_color()
    assert fig._suptitle.get_text() == "Fine-tuning"


def test_training_curves_refuse_series_of_different_lengths():
    with pytest.raises(ValueError, match="one value per epoch"):
        plots.training_curves({"loss": [0.5, 0.4], "val_loss": [0.6]})
    with pytest.raises(ValueError, match="one value per epoch"):
        plots.training_curves({})


# --- reliability_diagram -------------------------------------------------------------------


def bars(ax) -> list[tuple[float, float, str]]:
    """Each bar's left edge, height and the count written above it, left to right."""
    counts = [text.get_text() for text in ax.texts]
    return [(round(bar.get_x(), 6), round(bar.get_height(), 6), count) for bar, count in zip(ax.patches, counts,
                                                                                             strict=True)]


def test_reliability_diagram_bars_are_the_accuracy_of_each_confidence_bin_like_pandas_cut():
    import pandas as pd

    rng = np.random.default_rng(0)
    confidences = np.concatenate([[0.5, 0.6, 1.0], rng.uniform(0.5, 1.0, 200)])  # edges and the extremes too
    correct = rng.random(confidences.size) < confidences
    fig = plots.reliability_diagram(confidences, correct, bins=5, title="Test split")
    ax = fig.axes[0]
    table = pd.Series(correct).groupby(pd.cut(confidences, np.linspace(0.5, 1, 6), include_lowest=True),
                                       observed=True).agg(["mean", "size"])
    expected = [(round(interval.left if i else 0.5, 6), round(mean, 6), str(int(size)))
                for i, (interval, (mean, size)) in enumerate(table.iterrows())]
    assert bars(ax) == expected
    assert sum(int(count) for _, _, count in bars(ax)) == confidences.size
    (diagonal,) = ax.lines
    assert list(diagonal.get_xdata()) == list(diagonal.get_ydata()) == [0.5, 1]
    assert ax.get_title().startswith("Test split")


def test_reliability_diagram_marks_each_bars_mean_confidence_across_its_width():
    confidences = [0.55, 0.58, 0.91, 0.999, 0.999, 0.998]  # the top bin's confidences crowd near 1
    fig = plots.reliability_diagram(confidences, [1, 0, 1, 1, 0, 1], bins=5)
    ax = fig.axes[0]
    (marks,) = ax.collections
    segments = [[tuple(np.round(point, 6)) for point in segment] for segment in marks.get_segments()]
    assert segments == [[(0.5, 0.565), (0.6, 0.565)], [(0.9, 0.9765), (1.0, 0.9765)]]
    assert [bar.get_height() for bar in ax.patches] == [0.5, 0.75]  # the top bar ends below its mark
    assert [text.get_position()[1] > 0.9765 for text in ax.texts] == [False, True]  # its count stands above it
    assert "mean confidence in the bin" in [text.get_text() for text in ax.get_legend().get_texts()]


def test_reliability_diagram_leaves_empty_bins_out_and_takes_ones_and_zeros():
    fig = plots.reliability_diagram([0.55, 0.58, 0.97], [1, 0, 1], bins=5)
    assert bars(fig.axes[0]) == [(0.5, 0.5, "2"), (0.9, 1.0, "1")]


@pytest.mark.parametrize("confidences, correct, message", [
    ([0.9, 0.8], [True], "one confidence and one right-or-wrong value per prediction"),
    ([], [], "one confidence and one right-or-wrong value per prediction"),
    ([0.9, 0.8], ["POSITIVE", "NEGATIVE"], "True/False"),
    ([0.9, 0.3], [True, False], "between 0.5 and 1, got 0.3 to 0.9; pass low="),
])
def test_reliability_diagram_refuses_what_it_cannot_draw(confidences, correct, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        plots.reliability_diagram(confidences, correct)


# --- diagrams ------------------------------------------------------------------------------


def labels(fig) -> list:
    """A diagram's texts: its title, then every label of its one axes (not the arrows, empty annotations)."""
    return [fig._suptitle, *(text for text in fig.axes[0].texts if text.get_text())]


def label_texts(fig) -> list[str]:
    return [text.get_text() for text in labels(fig)]


def where(fig, text: str) -> tuple[float, float]:
    """The position of the one label that reads ``text`` exactly."""
    (position,) = [label.get_position() for label in labels(fig) if label.get_text() == text]
    return position


def height_of(fig, prefix: str) -> float:
    """How high the one label that starts with ``prefix`` stands."""
    (label,) = [label for label in labels(fig) if label.get_text().startswith(prefix)]
    return label.get_position()[1]


def row(fig, y: float) -> list[str]:
    """The labels centred at height ``y``, from left to right."""
    return [label.get_text() for label in sorted(labels(fig), key=lambda label: label.get_position()[0])
            if label.get_position()[1] == y]


def assert_readable(fig) -> None:
    """8 to 10 inches wide, labels of 9 pt or more inside the figure, none over another or out of its box."""
    assert 8 <= fig.get_figwidth() <= 10
    renderer = fig.canvas.get_renderer()
    extents = [(label, label.get_window_extent(renderer)) for label in labels(fig)]
    for label, extent in extents:
        assert label.get_fontsize() >= 9, label.get_text()
        assert fig.bbox.x0 <= extent.x0 and extent.x1 <= fig.bbox.x1, f"{label.get_text()!r} is cut off"
        assert fig.bbox.y0 <= extent.y0 and extent.y1 <= fig.bbox.y1, f"{label.get_text()!r} is cut off"
    for (first, one), (second, other) in combinations(extents, 2):
        assert not one.overlaps(other), f"{first.get_text()!r} overlaps {second.get_text()!r}"
    ax = fig.axes[0]
    for patch in ax.patches:
        box = patch.get_window_extent(renderer)
        for label, extent in extents[1:]:
            if box.contains(*ax.transData.transform(label.get_position())):
                assert box.x0 < extent.x0 and extent.x1 < box.x1, f"{label.get_text()!r} sticks out of its box"
                assert box.y0 < extent.y0 and extent.y1 < box.y1, f"{label.get_text()!r} sticks out of its box"


def png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()


DIAGRAMS = ["self_attention_diagram", "multi_head_attention_diagram", "encoder_block_diagram",
            "encoder_decoder_diagram", "data_parallel_diagram"]


@pytest.mark.parametrize("name", DIAGRAMS)
def test_diagrams_are_readable_figures_drawn_the_same_every_time(name):
    fig = getattr(plots, name)()
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == [fig.number]  # plt.show() displays it once
    assert_readable(fig)
    assert png(fig) == png(getattr(plots, name)())


def test_multi_head_attention_diagram_names_the_axes_even_when_two_shapes_are_equal():
    fig = plots.multi_head_attention_diagram(batch=2, n_tokens=4, d_model=16, num_heads=4)  # tokens = heads
    captions = row(fig, where(fig, "x\n(2, 4, 16)")[1] - 0.5)
    assert captions == ["(batch, tokens, d_model)", "(batch, tokens, d_model)", "(batch, tokens, heads, depth)",
                        "(batch, heads, tokens, depth)"]


@pytest.mark.parametrize("name, sizes, shown", [  # BERT-base, T5-base, four GPUs
    ("multi_head_attention_diagram", {"batch": 32, "n_tokens": 512, "d_model": 768, "num_heads": 12},
     "q\n(32, 12, 512, 64)"),
    ("encoder_block_diagram", {"d_model": 768, "num_heads": 12, "d_ff": 3072, "batch": 32, "n_tokens": 512},
     'ffn_expand: Dense(3072, activation="gelu")\n(32, 512, 768) → (32, 512, 3072)'),
    ("encoder_decoder_diagram", {"vocabulary_size": 32128, "source_length": 512, "target_length": 128,
                                 "d_model": 768, "num_heads": 12, "d_ff": 3072, "batch": 128},
     "to_logits: Dense(32128)\nlogits (128, 127, 32128)"),
    ("data_parallel_diagram", {"devices": [f"/device:GPU:{i}" for i in range(4)]},
     "replica 3: 8 reviews\non device:GPU:3"),
])
def test_diagrams_stay_readable_with_the_sizes_of_real_models(name, sizes, shown):
    fig = getattr(plots, name)(**sizes)
    assert shown in label_texts(fig)
    assert_readable(fig)


@pytest.mark.parametrize("name", ["multi_head_attention_diagram", "encoder_block_diagram", "encoder_decoder_diagram"])
def test_diagrams_refuse_heads_that_do_not_divide_d_model(name):
    with pytest.raises(ValueError) as error:
        getattr(plots, name)(d_model=12, num_heads=5)
    assert str(error.value) == "expected d_model to be a multiple of num_heads, got d_model=12 and num_heads=5"


def test_the_readability_check_catches_overlapping_labels_and_text_out_of_its_box():
    fig = plots.self_attention_diagram()
    fig.axes[0].text(0.8, 1.95, "a label over X")
    with pytest.raises(AssertionError, match="overlaps 'a label over X'"):
        assert_readable(fig)
    fig = plots.self_attention_diagram()
    next(label for label in labels(fig) if label.get_text().startswith("Q ")).set_text("Q: one row per token, too long")
    with pytest.raises(AssertionError, match="sticks out of its box"):
        assert_readable(fig)


def test_self_attention_diagram_shows_the_notebooks_names_with_shapes_from_the_sizes():
    fig = plots.self_attention_diagram(n_tokens=5, d_model=8, d_k=2)
    texts = label_texts(fig)
    assert "X\n(5, 8)\ntokens × d_model" in texts
    assert [text for text in texts if text.startswith("@ W_")] == ["@ W_Q (8, 2)", "@ W_K (8, 2)", "@ W_V (8, 2)"]
    assert {"Q (queries)\n(5, 2)", "K (keys)\n(5, 2)", "V (values)\n(5, 2)"} <= set(texts)
    assert "scores\n= Q @ K.T\n(5, 5)" in texts and "scaled_scores\n(5, 5)" in texts
    assert "/ sqrt(d_k)\nd_k = 2" in texts and "softmax" in texts
    assert "weights\n(5, 5)\nrows sum to 1" in texts and "output\n= weights @ V\n(5, 2)" in texts
    x_of = {name: where(fig, text)[0] for name, text in [("X", "X\n(5, 8)\ntokens × d_model"),
            ("scores", "scores\n= Q @ K.T\n(5, 5)"), ("weights", "weights\n(5, 5)\nrows sum to 1")]}
    assert x_of["X"] < x_of["scores"] < x_of["weights"]  # read from left to right, as the notebook computes
    assert_readable(fig)


@pytest.mark.parametrize("sizes, message", [
    ({"d_k": 0}, "expected d_k to be a whole number of at least 1, got 0"),
    ({"n_tokens": 2.5}, "expected n_tokens to be a whole number of at least 1, got 2.5"),
    ({"d_model": True}, "expected d_model to be a whole number of at least 1, got True"),
])
def test_self_attention_diagram_refuses_sizes_a_matrix_cannot_have(sizes, message):
    with pytest.raises(ValueError) as error:
        plots.self_attention_diagram(**sizes)
    assert str(error.value) == message


def test_multi_head_attention_diagram_splits_d_model_into_heads_of_depth_d_model_over_heads():
    fig = plots.multi_head_attention_diagram(batch=1, n_tokens=5, d_model=12, num_heads=3)
    texts = label_texts(fig)
    split = row(fig, where(fig, "x\n(1, 5, 12)")[1])
    assert split == ["x\n(1, 5, 12)", "self.wq(x)\n(1, 5, 12)", "(1, 5, 3, 4)", "q\n(1, 3, 5, 4)"]
    merged = row(fig, where(fig, "heads\n(1, 3, 5, 4)")[1])  # read from right to left
    assert merged == ["output\n(1, 5, 12)", "concatenated\n(1, 5, 12)", "(1, 5, 3, 4)", "heads\n(1, 3, 5, 4)"]
    assert {"split_heads", "tf.reshape", "tf.transpose\n[0, 2, 1, 3]", "wo (W_O)"} <= set(texts)
    assert "(batch, heads, tokens, depth)" in texts and "(batch, tokens, heads, depth)" in texts
    assert any("weights (1, 3, 5, 5)" in text for text in texts)
    assert ["head 0", "head 1", "head 2"] == [text for text in texts if text.startswith("head ")]
    assert "one token's d_model = 12 numbers:\nnum_heads = 3 heads × depth 4" in texts
    assert_readable(fig)


def test_encoder_block_diagram_is_post_norm_in_the_order_of_the_code():
    fig = plots.encoder_block_diagram(d_model=12, num_heads=3, d_ff=48, batch=1, n_tokens=5)
    texts = label_texts(fig)
    assert "x  (1, 5, 12)\n(batch, tokens, d_model)" in texts
    assert "attention: MultiHeadAttention(x, x)\nnum_heads=3, key_dim=4 → attended (1, 5, 12)" in texts
    assert "attention_norm: LayerNormalization\nx = attention_norm(x + dropout(attended))" in texts
    assert 'ffn_expand: Dense(48, activation="gelu")\n(1, 5, 12) → (1, 5, 48)' in texts
    assert "ffn_contract: Dense(12)\n(1, 5, 48) → transformed (1, 5, 12)" in texts
    assert "output_norm: LayerNormalization\noutput_norm(x + dropout(transformed))" in texts
    assert "EncoderBlock(\nd_model=12,\nnum_heads=3,\nd_ff=48)" in texts
    order = ["x  ", "attention:", "attention_norm:", "ffn_expand:", "ffn_contract:", "output_norm:", "output  "]
    heights = [height_of(fig, prefix) for prefix in order]
    assert heights == sorted(heights)  # from the bottom up, as EncoderBlock.call computes
    assert {"sub-layer 1:\nself-attention", "sub-layer 2:\nfeed-forward"} <= set(texts)
    assert_readable(fig)


def test_encoder_decoder_diagram_trains_on_the_target_shifted_by_one():
    fig = plots.encoder_decoder_diagram(vocabulary_size=20, source_length=10, target_length=6, d_model=8,
                                        num_heads=2, d_ff=16, batch=3)
    texts = label_texts(fig)
    assert "target[:, :-1]  (3, 5)\n<s>, then the ISO date: shifted right" in texts
    assert "labels = target[:, 1:]  (3, 5)\nmasked_loss(labels, logits)" in texts
    assert "to_logits: Dense(20)\nlogits (3, 5, 20)" in texts
    assert "source_ids  (3, 10)\nthe date as written, then <pad>" in texts
    assert "context  (3, 10, 8)\none vector per input token" in texts
    assert any("source_mask (3, 1, 10)" in text for text in texts)
    assert "cross-attention weights\n(3, 2, 5, 10): output × input tokens" in texts
    assert 'ffn_expand: Dense(16, activation="gelu")\nffn_contract: Dense(8) → transformed' in texts
    assert "decoder_block: DecoderBlock" in texts and any("use_causal_mask=True" in text for text in texts)
    order = ["target[", "embed: token_embedding", "self_attention:", "self_attention_norm:", "cross_attention:",
             "cross_attention_norm:", "ffn_expand:", "output_norm:", "to_logits:"]
    heights = [height_of(fig, prefix) for prefix in order]
    assert heights == sorted(heights)  # from the bottom up, as DecoderBlock.call computes
    assert height_of(fig, "context") == height_of(fig, "cross_attention:")  # the encoder feeds cross-attention
    assert ["sub-layer 1", "sub-layer 2", "sub-layer 3"] == [text for text in texts if text.startswith("sub-layer")]
    assert_readable(fig)


@pytest.mark.parametrize("sizes, message", [
    ({"target_length": 1}, "expected a target_length of at least 2 (<s> and </s>), got 1"),
    ({"vocabulary_size": 0}, "expected vocabulary_size to be a whole number of at least 1, got 0"),
])
def test_encoder_decoder_diagram_refuses_sizes_the_model_cannot_have(sizes, message):
    with pytest.raises(ValueError) as error:
        plots.encoder_decoder_diagram(**sizes)
    assert str(error.value) == message


def test_data_parallel_diagram_splits_the_global_batch_and_all_reduces_one_gradient_per_replica():
    devices = ["/device:GPU:0", "/device:GPU:1", "/device:GPU:2"]
    fig = plots.data_parallel_diagram(48, devices)
    texts = label_texts(fig)
    assert "global batch: GLOBAL_BATCH_SIZE = 48 reviews\nmodel.fit splits it: 3 replicas × 16 reviews" in texts
    replicas = row(fig, height_of(fig, "replica 0"))
    assert replicas == [f"replica {i}: 16 reviews\non device:GPU:{i}" for i in range(3)]
    backward = [f"backward pass → its\nown gradients g{i}" for i in range(3)]
    assert row(fig, where(fig, backward[0])[1]) == backward
    (all_reduce,) = [text for text in texts if text.startswith("all-reduce")]
    assert 'all-reduce ("sum"): g0 + g1 + g2, the same total on every replica; ÷ 3' in all_reduce
    assert "over all 48 reviews" in all_reduce
    update = "optimizer: same update\n→ copies stay identical"
    assert texts.count(update) == 3
    (update_height,) = {label.get_position()[1] for label in labels(fig) if label.get_text() == update}
    assert where(fig, backward[0])[1] > height_of(fig, "all-reduce") > update_height  # one step, top to bottom
    assert_readable(fig)


def test_data_parallel_diagram_with_eight_gpus_draws_the_first_three_replicas_and_the_last():
    fig = plots.data_parallel_diagram(64, [f"/device:GPU:{i}" for i in range(8)])
    texts = label_texts(fig)
    replicas = row(fig, height_of(fig, "replica 0"))
    columns = [f"replica {i}: 8 reviews\non device:GPU:{i}" for i in (0, 1, 2, 7)]
    assert replicas == [*columns[:3], "⋯", columns[3]]
    assert texts.count("⋯") == 4  # one per row, in the gap halfway between replica 2 and replica 7
    (dots_x,) = {label.get_position()[0] for label in labels(fig) if label.get_text() == "⋯"}
    assert dots_x == pytest.approx((where(fig, columns[2])[0] + where(fig, columns[3])[0]) / 2)
    assert any('all-reduce ("sum"): g0 + g1 + … + g7' in text for text in texts)
    assert "global batch: GLOBAL_BATCH_SIZE = 64 reviews\nmodel.fit splits it: 8 replicas × 8 reviews" in texts
    assert_readable(fig)


@pytest.mark.parametrize("global_batch_size, devices, message", [
    (30, ["CPU:0", "CPU:1", "CPU:2", "CPU:3"],
     "expected global_batch_size to be a multiple of the number of replicas, got 30 for 4 replicas"),
    (32, [], "expected at least one device, got none"),
    (0, ["CPU:0"], "expected global_batch_size to be a whole number of at least 1, got 0"),
])
def test_data_parallel_diagram_refuses_a_batch_it_cannot_split(global_batch_size, devices, message):
    with pytest.raises(ValueError) as error:
        plots.data_parallel_diagram(global_batch_size, devices)
    assert str(error.value) == message
