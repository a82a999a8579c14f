"""Tiny, loud checks: shapes in the lessons, and the learner's functions in the exercises.

``check_shape`` is an assertion for lesson code: it prints one ✅ line or raises an
AssertionError that says what was expected and what came back.

The exercise checks run a learner's function on cases with known answers and print one
line, never a traceback, so a notebook runs top to bottom whatever state its exercises are in:
✅ when every case passes, ❌ with the input, the expected and the actual answer (and a hint
for the usual mistakes), or ⏳ while the function is still a stub (it raises
NotImplementedError or returns None). Nothing here imports TensorFlow: the cases are NumPy
arrays, which TensorFlow functions accept, and whatever comes back goes through ``np.asarray``.

``engine`` calls the learner's code and prints the verdicts; each other module holds one lesson's
checks, hints and reference answers, in the order of the series (attention: 01, multi_head: 02,
encoder_block: 03, decoder: 04, tokenization: 05, pipelines: 06, loading: 07, fine_tuning: 08,
sharing: 09, scaling: 10). Notebooks import from here: ``from utils.checks import check_softmax``.
"""

from utils.checks.attention import check_attention_reading, check_scaled_dot_product_attention, check_softmax
from utils.checks.decoder import check_cross_attention_weights, check_peeking_model
from utils.checks.encoder_block import check_no_peeking
from utils.checks.engine import check_function, check_prediction, check_shape
from utils.checks.fine_tuning import check_f1_from_confusion, check_frozen_encoder
from utils.checks.loading import check_offset_attention
from utils.checks.multi_head import check_padding_mask, check_similarity_at_distance
from utils.checks.pipelines import check_fools_the_model, check_top_k_similar, check_top_p_filter
from utils.checks.scaling import check_batch_plan, check_per_replica_sizes, check_replica_loss
from utils.checks.sharing import check_dataset_card, check_lines_demo
from utils.checks.tokenization import check_lossy_texts, check_pad_and_truncate, check_wordpiece

__all__ = [  # in the order of the series
    "check_shape",
    "check_function",
    "check_prediction",
    "check_softmax",
    "check_scaled_dot_product_attention",
    "check_attention_reading",
    "check_padding_mask",
    "check_similarity_at_distance",
    "check_no_peeking",
    "check_cross_attention_weights",
    "check_peeking_model",
    "check_wordpiece",
    "check_pad_and_truncate",
    "check_lossy_texts",
    "check_top_p_filter",
    "check_top_k_similar",
    "check_fools_the_model",
    "check_offset_attention",
    "check_f1_from_confusion",
    "check_frozen_encoder",
    "check_dataset_card",
    "check_lines_demo",
    "check_batch_plan",
    "check_replica_loss",
    "check_per_replica_sizes",
]
