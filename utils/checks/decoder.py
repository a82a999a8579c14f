"""Notebook 04 · The decoder and the encoder–decoder: its exercises' checks, hints and reference answers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks.engine import MISSING, learner_answer, name_of, not_done


def check_cross_attention_weights(fn: Callable, layer) -> None:
    """Check ``fn(decoder_states, encoder_states, encoder_mask)`` -> the cross-attention weights of the
    Keras ``MultiHeadAttention`` ``layer``, shape (batch, heads, output tokens, input tokens), computed
    by hand from its query and key weights (notebook 04). The reference is the layer's own answer."""
    name = name_of(fn, "cross_attention_weights")
    rng = np.random.default_rng(0)
    d_model = layer.weights[0].shape[0]
    decoder_states = rng.normal(size=(2, 5, d_model)).astype("float32")
    encoder_states = rng.normal(size=(2, 9, d_model)).astype("float32")
    encoder_mask = np.ones((2, 9), dtype=bool)
    encoder_mask[1, 6:] = False  # the second input is 6 tokens long, then padding
    _, expected = layer(decoder_states, encoder_states, attention_mask=encoder_mask[:, np.newaxis, :],
                        return_attention_scores=True)
    call = f"{name}(<decoder states {decoder_states.shape}>, <encoder states {encoder_states.shape}>, <mask (2, 9)>)"
    got = learner_answer(fn, (decoder_states, encoder_states, encoder_mask), call, not_done(name))
    if got is MISSING:
        return
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        print(f"❌ {call}: expected weights of shape {expected.shape} (batch, heads, output tokens, input "
              f"tokens), got {got.shape}")
    elif np.any(got[1, :, :, 6:] > 1e-6):
        print(f"❌ {call}: the padding of the second input gets weights up to {got[1, :, :, 6:].max():.3f}; "
              "it must get 0.\n   Hint: set the masked scores to -1e9 before the softmax.")
    elif not np.allclose(got, expected, atol=1e-4):
        error = float(np.abs(got - expected).max())
        print(f"❌ {call}: the weights differ from the layer's by up to {error:.3f}.\n   Hint: queries from the "
              "decoder, keys from the encoder, each with its kernel and bias; scores divided by "
              "sqrt(key_dim); softmax over the input tokens.")
    else:
        print(f"✅ {name} gives the layer's own weights for every head, padding included.")

def check_peeking_model(fn: Callable, teacher_forced_accuracy: Callable, exact_match: Callable) -> None:
    """Check ``fn()`` -> a date translator trained without the causal mask (notebook 04): it must score
    high when shown the right answer (teacher forcing) and fail when it has to write on its own."""
    name = name_of(fn, "train_peeking_model")
    model = learner_answer(fn, (), f"{name}()", not_done(name) + " (It must return the trained model.)")
    if model is MISSING:
        return
    try:
        accuracy, match = float(teacher_forced_accuracy(model)), float(exact_match(model))
    except Exception as error:  # a model of the wrong kind, reported in one line
        print(f"❌ the model {name}() returned could not be measured: {type(error).__name__}: {error}")
        return
    measured = (f"teacher-forced accuracy per token {'at least' if accuracy >= 0.95 else 'below'} 95%, "
                f"exact match when it writes on its own {'at most' if match <= 0.2 else 'above'} 20%")
    if accuracy >= 0.95 and match <= 0.2:
        print(f"✅ {measured}: it learned to copy the next token it was shown, which generation never shows it.")
    else:
        print(f"❌ {measured}.\n   Hint: compiled(DateTranslator(len(vocabulary), causal=False)), then fit it for "
              "one epoch on the training set, and return it.")
