"""utils.plots: each helper takes the shapes it documents, refuses others, returns a Figure."""

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
