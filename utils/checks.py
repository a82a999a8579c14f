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
        want is None or want == got for want, got in zip(expected, shape, strict=True)
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


def check_cross_attention_weights(fn: Callable, layer) -> None:
    """Check ``fn(decoder_states, encoder_states, encoder_mask)`` -> the cross-attention weights of the
    Keras ``MultiHeadAttention`` ``layer``, shape (batch, heads, output tokens, input tokens), computed
    by hand from its query and key weights (notebook 04). The reference is the layer's own answer."""
    name = _name(fn, "cross_attention_weights")
    rng = np.random.default_rng(0)
    d_model = layer.weights[0].shape[0]
    decoder_states = rng.normal(size=(2, 5, d_model)).astype("float32")
    encoder_states = rng.normal(size=(2, 9, d_model)).astype("float32")
    encoder_mask = np.ones((2, 9), dtype=bool)
    encoder_mask[1, 6:] = False  # the second input is 6 tokens long, then padding
    _, expected = layer(decoder_states, encoder_states, attention_mask=encoder_mask[:, np.newaxis, :],
                        return_attention_scores=True)
    call = f"{name}(<decoder states {decoder_states.shape}>, <encoder states {encoder_states.shape}>, <mask (2, 9)>)"
    got = _answer(fn, (decoder_states, encoder_states, encoder_mask), call, _not_done(name))
    if got is _MISSING:
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


def check_prediction(predicted: dict, measured: dict) -> None:
    """Compare what the learner predicted before running with what the run measured (any notebook):
    ``predicted`` and ``measured`` map the same names to numbers."""
    if any(value is None or value is ... for value in predicted.values()):
        print("⏳ write down a number for each prediction above, then run this cell again.")
        return
    for quantity, value in measured.items():
        guess = predicted.get(quantity)
        mark = "✅" if guess == value else "❌"
        print(f"{mark} {quantity}: you predicted {guess}, the run measured {value}")


def check_peeking_model(fn: Callable, teacher_forced_accuracy: Callable, exact_match: Callable) -> None:
    """Check ``fn()`` -> a date translator trained without the causal mask (notebook 04): it must score
    high when shown the right answer (teacher forcing) and fail when it has to write on its own."""
    name = _name(fn, "train_peeking_model")
    model = _answer(fn, (), f"{name}()", _not_done(name) + " (It must return the trained model.)")
    if model is _MISSING:
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


def check_mean_pooling(fn: Callable) -> None:
    """Check ``mean_pooling(last_hidden_state, attention_mask)``: the average of each text's
    token vectors, (batch, tokens, hidden) -> (batch, hidden), over real tokens only (notebook 07)."""
    rng = np.random.default_rng(0)
    states = rng.normal(size=(2, 5, 4)).astype("float32")
    no_padding = np.ones((2, 5), dtype="int32")
    padded = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype="int32")  # like a padded batch
    cases = [((states, mask), _mean_pooling(states, mask)) for mask in (no_padding, padded)]

    def hint(args, got):
        states, mask = args
        got = np.asarray(got)
        if got.shape == (states.shape[0], states.shape[2]) and np.allclose(got, states.mean(axis=1), atol=1e-5):
            return ("padding tokens are averaged in: multiply by the mask (with an axis added, "
                    "mask[:, :, None]) and divide by the number of real tokens, mask.sum(axis=1).")
        if got.shape == (states.shape[0], states.shape[1]):
            return "average over the tokens (axis 1), not over the hidden features."
        return None

    check_function(fn, cases, name=_name(fn, "mean_pooling"), hint=hint)


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

    check_function(fn, cases, name=_name(fn, "offset_attention"), hint=hint)


def check_classifier_head(fn: Callable, labels: Sequence[str]) -> None:
    """Check that ``fn()`` returns a sequence classifier with one output per label in ``labels``,
    and those label names in its config (notebook 07). It calls the model on its dummy inputs."""
    name = _name(fn, "your function")
    model = _answer(fn, (), call=name, not_done=_not_done(name))
    if model is _MISSING:
        return
    expected = dict(enumerate(labels))
    config = getattr(model, "config", None)
    if config is None or not callable(model):
        print(f"❌ {name}: expected a model from TFAutoModelForSequenceClassification.from_pretrained, "
              f"got {type(model).__name__}")
        return
    outputs = model(model.dummy_inputs)
    logits = np.asarray(getattr(outputs, "logits", np.zeros((0, 0))))
    if logits.shape[-1:] != (len(labels),):
        print(f"❌ {name}: expected {len(labels)} logits per text (one per label), got shape {logits.shape}.\n"
              f"   Hint: pass num_labels={len(labels)} to from_pretrained.")
        return
    if dict(config.id2label) != expected or dict(config.label2id) != {v: k for k, v in expected.items()}:
        print(f"❌ {name}: expected id2label {expected}, got {dict(config.id2label)}.\n"
              "   Hint: pass id2label={0: ..., 1: ...} and label2id={...: 0, ...} to from_pretrained.")
        return
    print(f"✅ {name} gives {len(labels)} logits per text, named {', '.join(labels)}.")


def check_wordpiece(fn: Callable) -> None:
    """Check ``wordpiece(word, vocab)``: BERT's greedy longest-match-first split of one word
    into pieces of ``vocab``, continuation pieces prefixed with ``##``; ``["[UNK]"]`` when
    some part of the word matches no piece (notebook 05)."""
    vocab = {"to", "token", "##s", "##ize", "##izer", "##ization", "un", "##believ", "##able",
             "play", "##ing", "##ed", "a", "##b", "##c"}
    words = ["token", "tokens", "tokenization", "tokenizer", "unbelievable", "playing", "abc", "abz", "xyz"]
    cases = [((word, vocab), _wordpiece(word, vocab)) for word in words]

    def hint(args, got):
        word, vocab = args
        if got and got[0].startswith("##"):
            return "only the pieces after the first one get the ## prefix."
        if "[UNK]" in got and got != ["[UNK]"]:
            return "if some part matches nothing, the whole word becomes ['[UNK]'], as in BERT."
        if len(got) > 1 and not all(piece.startswith("##") for piece in got[1:]):
            return "look the later pieces up with a ## prefix: '##' + word[start:end]."
        if got == ["[UNK]"]:
            return ("this word can be split: at each position try the longest piece first (end from "
                    "len(word) down to start + 1), and give up only when no length matches.")
        return None

    print(_list_verdict(fn, cases, _name(fn, "wordpiece"), hint, shown=lambda args: f"{args[0]!r}, vocab"))


def check_pad_and_truncate(fn: Callable) -> None:
    """Check ``pad_and_truncate(sequences, max_length)`` -> ``(input_ids, attention_mask)``, both
    (batch, max_length): what ``tokenizer(..., padding="max_length", truncation=True)`` does to
    token ids without special tokens, with BERT's [CLS] = 101, [SEP] = 102, [PAD] = 0 (notebook 05)."""
    sequences = [[7592, 2088], [2023, 2003, 1037, 2936, 6251], [2204]]
    cases = [((sequences, n), _pad_and_truncate(sequences, n)) for n in (6, 8, 4)]

    def hint(args, got):
        sequences, max_length = args
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "return both: `return input_ids, attention_mask`."
        ids, mask = (np.asarray(part) for part in got)
        if ids.ndim == 2 and ids.shape[1] != max_length:
            return f"pad every row to max_length ({max_length}), not to the longest sequence."
        if ids.ndim == 2 and len(ids) == len(sequences) and not np.all((ids == 102).sum(axis=1) == 1):
            return ("every row needs exactly one [SEP]: keep the first max_length - 2 tokens, "
                    "then add [CLS] in front and [SEP] after them.")
        if mask.shape == ids.shape and np.array_equal(mask.astype(bool), ids == 0):
            return "the mask is inverted: 1 on real tokens (including [CLS] and [SEP]), 0 on padding."
        return None

    check_function(fn, cases, name=_name(fn, "pad_and_truncate"), hint=hint)


def check_original_pieces(fn: Callable, tokenizer) -> None:
    """Check ``original_pieces(text, tokenizer)``: the piece of the original ``text`` that each
    token (special tokens left out) comes from, found with a fast tokenizer's offsets (notebook 05)."""
    texts = ["Hugging Face DEMOCRATIZES AI.", "Café Zürich, naïve?", "unbelievably good"]

    def pieces(text):
        offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        return [text[start:end] for start, end in offsets]

    def hint(args, got):
        text = args[0]
        if got == tokenizer.tokenize(text):
            return "those are the tokens; slice the original text with each token's (start, end) offsets."
        if got and (got[0] == "" or got[-1] == ""):
            return ("special tokens have empty (0, 0) spans: leave them out "
                    "(add_special_tokens=False, or skip start == end).")
        return None

    cases = [((text, tokenizer), pieces(text)) for text in texts]
    print(_list_verdict(fn, cases, _name(fn, "original_pieces"), hint, shown=lambda args: f"{args[0]!r}, tokenizer"))


def check_softmax_with_temperature(fn: Callable) -> None:
    """Check ``softmax_with_temperature(logits, temperature)``: softmax(logits / temperature)
    along the last axis, as ``do_sample=True, temperature=...`` does before sampling (notebook 06)."""
    logits = np.array([2.0, 1.0, 0.0, -1.0])
    cases = [((logits, t), _softmax(logits / t)) for t in (1.0, 0.5, 2.0)]
    cases.append(((np.array([[3.0, 1.0], [0.0, 0.0]]), 0.25), _softmax(np.array([[12.0, 4.0], [0.0, 0.0]]))))

    def hint(args, got):
        logits, temperature = args
        got = np.asarray(got, dtype=float)
        if got.shape == logits.shape and np.allclose(got, _softmax(logits * temperature), atol=1e-6):
            return "divide the logits by the temperature, don't multiply them."
        if got.shape == logits.shape and np.allclose(got, _softmax(logits) / temperature, atol=1e-6):
            return "the temperature goes inside the softmax: softmax(logits / temperature)."
        return None

    check_function(fn, cases, name=_name(fn, "softmax_with_temperature"), atol=1e-6, hint=hint)


def check_top_p_filter(fn: Callable) -> None:
    """Check ``top_p_filter(probs, p)`` on a 1-D distribution (nucleus sampling, notebook 06): keep
    the most likely tokens until their probabilities add up to at least ``p`` (the token that
    crosses ``p`` stays), set the others to 0, and renormalise so the result sums to 1."""
    probs = np.array([0.1, 0.5, 0.05, 0.2, 0.15])  # not sorted: the answer keeps this order
    cases = [((probs, p), _top_p_filter(probs, p)) for p in (0.8, 0.6, 0.3, 1.0)]

    def hint(args, got):
        probs, p = args
        got = np.asarray(got, dtype=float)
        if got.shape != probs.shape:
            return "return one probability per token, in the original order (zeros for the dropped ones)."
        if np.allclose(got, np.sort(_top_p_filter(probs, p))[::-1], atol=1e-6):
            return "keep the tokens in their original order: sort only to decide which ones to keep."
        if not np.isclose(got.sum(), 1.0, atol=1e-6):
            return "renormalise: divide the kept probabilities by their sum."
        if np.count_nonzero(got) < np.count_nonzero(_top_p_filter(probs, p)):
            return "keep the token that takes the running total past p, so the kept ones add up to at least p."
        return None

    check_function(fn, cases, name=_name(fn, "top_p_filter"), atol=1e-6, hint=hint)


def check_top_k_similar(fn: Callable) -> None:
    """Check ``top_k_similar(query, corpus, k)``: the indices of the ``k`` rows of ``corpus``
    (texts, hidden) with the highest cosine similarity to ``query`` (hidden,), most similar
    first (semantic search, notebook 06). The vectors here are not normalised."""
    query = np.array([1.0, 0.0, 1.0])
    corpus = np.array([
        [10.0, 10.0, 0.0],  # long, so it wins on dot product, not on cosine
        [1.0, 0.1, 0.9],  # nearly the query's direction
        [-1.0, 0.0, -1.0],  # the opposite direction
        [0.5, 0.0, 0.7],  # short but close in direction
        [0.0, 1.0, 0.0],
    ])
    cases = [((query, corpus, k), _top_k_similar(query, corpus, k)) for k in (1, 3, 5)]

    def hint(args, got):
        query, corpus, k = args
        got = np.asarray(got)
        if got.shape != (k,):
            return f"return k = {k} row indices, an array of shape ({k},)."
        if np.array_equal(got, np.argsort(-(corpus @ query))[:k]):
            return ("that ranks by dot product, which favours long vectors: divide by the norms "
                    "(np.linalg.norm(..., axis=-1)) to get the cosine similarity.")
        if np.array_equal(got, _top_k_similar(query, corpus, k)[::-1]) or np.array_equal(
            got, np.argsort(corpus @ query / np.linalg.norm(corpus, axis=-1))[:k]
        ):
            return "most similar first: sort by decreasing similarity (np.argsort(-similarities))."
        return None

    check_function(fn, cases, name=_name(fn, "top_k_similar"), hint=hint)


def check_short_reviews(fn: Callable) -> None:
    """Check ``short_reviews(dataset, max_words)``: a ``datasets.Dataset`` with a new column
    ``num_words`` (``len(text.split())``) that keeps, in order, only the rows of at most
    ``max_words`` words (``map`` then ``filter``, notebook 09)."""
    from datasets import Dataset

    texts = ["Great.", "Not bad at all, really.", "Small room, but clean and quiet.", "Awful service", "Loved it!"]
    dataset = Dataset.from_dict({"text": texts, "label": [1, 1, 1, 0, 1]})
    name = _name(fn, "short_reviews")
    for max_words in (2, 5):
        call = f"{name}(dataset, {max_words})"
        got = _answer(fn, (dataset, max_words), call=call, not_done=_not_done(name))
        if got is _MISSING:
            return
        expected = [text for text in texts if len(text.split()) <= max_words]
        if not hasattr(got, "column_names"):
            print(f"❌ {call}: expected a datasets.Dataset, got a {type(got).__name__}.\n"
                  "   Hint: dataset.map(...) and .filter(...) each return a new Dataset: return that.")
            return
        if "num_words" not in got.column_names:
            print(f"❌ {call}: expected a column 'num_words', got columns {got.column_names}.\n"
                  "   Hint: map a function that returns {'num_words': len(row['text'].split())}.")
            return
        got_texts, got_counts = list(got["text"]), list(got["num_words"])  # columns as plain lists
        if got_texts != expected:
            fewer = [text for text in texts if len(text.split()) < max_words]
            advice = ("\n   Hint: at most max_words: keep num_words <= max_words." if got_texts == fewer
                      else "")
            print(f"❌ {call}: expected the reviews {expected}, got {got_texts}{advice}")
            return
        if got_counts != [len(text.split()) for text in expected]:
            print(f"❌ {call}: expected num_words {[len(t.split()) for t in expected]}, got {got_counts}")
            return
    print(f"✅ {name} passed all 2 checks.")


def check_dataset_card(fn: Callable) -> None:
    """Check ``make_dataset_card()``: a ``huggingface_hub.DatasetCard`` for the bundled reviews
    whose metadata gives language ``en``, licence ``cc-by-4.0``, task ``text-classification`` and
    size ``1K<n<10K``, and whose text has a section on limitations (notebook 09)."""
    name = _name(fn, "make_dataset_card")
    card = _answer(fn, (), call=f"{name}()", not_done=_not_done(name))
    if card is _MISSING:
        return
    if type(card).__name__ != "DatasetCard":
        print(f"❌ {name}(): expected a DatasetCard, got a {type(card).__name__}.\n"
              "   Hint: a dataset's card is huggingface_hub.DatasetCard, with DatasetCardData for its metadata.")
        return
    metadata = card.data.to_dict()
    wanted = {"language": "en", "license": "cc-by-4.0", "task_categories": "text-classification",
              "size_categories": "1K<n<10K"}
    for key, want in wanted.items():
        value = metadata.get(key)
        if want not in (value if isinstance(value, list) else [value]):
            advice = ("\n   Hint: the corpus has 1,889 reviews; the Hub's size buckets are "
                      "'n<1K', '1K<n<10K', '10K<n<100K', ..." if key == "size_categories" else "")
            print(f"❌ {name}(): expected metadata {key} = {want!r}, got {value!r}{advice}")
            return
    if not any(line.lstrip().startswith("#") and "limitation" in line.lower() for line in card.text.splitlines()):
        print(f"❌ {name}(): expected a heading about limitations in the card's text (such as "
              "'## Limitations'), found none.")
        return
    print(f"✅ {name} has the metadata the Hub indexes and a section on limitations.")


def check_count_domain(fn: Callable) -> None:
    """Check ``count_domain(csv_file, domain)``: how many reviews of that domain a review CSV file
    holds, for three cases on the bundled files (notebook 09 asks for one streamed pass)."""
    import csv
    from pathlib import Path

    from utils.data import review_files

    def count(path: str, domain: str) -> int:
        with open(path, newline="", encoding="utf-8") as file:
            return sum(row["domain"] == domain for row in csv.DictReader(file))

    files = review_files()
    cases = [((files[split], domain), count(files[split], domain))
             for split, domain in [("train", "hotels"), ("test", "films"), ("validation", "spaceships")]]
    shown = lambda args: f"{Path(args[0]).name!r}, {args[1]!r}"  # noqa: E731  (no machine-specific path)
    print(_list_verdict(fn, cases, _name(fn, "count_domain"), None, shown))


def check_f1_from_confusion(fn: Callable) -> None:
    """Check ``f1_from_confusion(matrix)``: the F1 score of the positive class (label 1) from a 2×2
    confusion matrix with one row per true label and one column per predicted label, as
    ``sklearn.metrics.confusion_matrix`` returns it (notebook 08)."""
    matrices = [np.array(m) for m in ([[50, 10], [5, 35]], [[3, 7], [1, 9]], [[100, 0], [0, 100]],
                                      [[40, 20], [10, 30]])]
    cases = [((m,), _f1(m)) for m in matrices]

    def hint(args, got):
        (m,) = args
        got = float(np.asarray(got, dtype=float).ravel()[0]) if np.size(got) == 1 else None
        if got is None:
            return "return one number: the F1 score of the positive class."
        if np.isclose(got, _f1(m[::-1, ::-1]), atol=1e-6):
            return "that is the F1 of the negative class: the positive class is label 1, so TP = matrix[1, 1]."
        if np.isclose(got, np.trace(m) / m.sum(), atol=1e-6):
            return "that is the accuracy: F1 = 2 * precision * recall / (precision + recall)."
        tp, fp, fn_ = m[1, 1], m[0, 1], m[1, 0]
        if any(np.isclose(got, tp / max(1, tp + x), atol=1e-6) for x in (fp, fn_)):
            return ("that is the precision or the recall alone; F1 is their harmonic mean, "
                    "2 * precision * recall / (precision + recall).")
        return None

    check_function(fn, cases, name=_name(fn, "f1_from_confusion"), atol=1e-6, hint=hint)


def check_frozen_encoder(fn: Callable, model) -> None:
    """Check that ``fn(model)`` returns the classifier with its encoder frozen: only the weights of
    the classification head (names containing ``classifier``) left trainable (notebook 08)."""
    name = _name(fn, "your function")
    model = _answer(fn, (model,), call=name, not_done=_not_done(name) + " (It must return the model.)")
    if model is _MISSING:
        return
    if not hasattr(model, "trainable_weights"):
        print(f"❌ {name}: expected the Keras model back, got {type(model).__name__}")
        return

    def size(weights) -> int:
        return sum(int(np.prod(tuple(weight.shape))) for weight in weights)

    trainable, frozen = model.trainable_weights, model.non_trainable_weights
    still_training = [weight.name for weight in trainable if "classifier" not in weight.name]
    if not trainable:
        print(f"❌ {name}: nothing is trainable any more, so fit() cannot learn anything.\n"
              "   Hint: freeze only the encoder (model.bert.trainable = False), not the whole model.")
    elif still_training:
        print(f"❌ {name}: {len(still_training)} weights of the encoder are still trainable, "
              f"such as {still_training[0]}.\n"
              "   Hint: set model.bert.trainable = False (the encoder is the model's first layer), then compile.")
    else:
        print(f"✅ {name}: only the classification head is trainable ({size(trainable):,} parameters); "
              f"{size(frozen):,} parameters of the encoder are frozen.")


def check_batch_plan(fn: Callable) -> None:
    """Check ``batch_plan(per_replica_batch, replicas_per_worker, workers, examples)`` ->
    ``(global_batch, steps_per_epoch)``, counting a last partial batch as a step (notebook 10)."""
    settings = [(16, 2, 1, 256), (16, 1, 1, 1367), (16, 8, 1, 1367), (32, 8, 4, 1_000_000)]
    cases = [(args, (args[0] * args[1] * args[2], -(-args[3] // (args[0] * args[1] * args[2]))))
             for args in settings]

    def hint(args, got):
        per_replica, replicas, workers, examples = args
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return None
        global_batch = per_replica * replicas * workers
        if int(got[0]) == per_replica * replicas and workers > 1:
            return "every worker has its replicas: multiply by the number of workers too."
        if int(got[0]) == global_batch and int(got[1]) == examples // global_batch:
            return "the last, smaller batch is a step too: round up (math.ceil, or -(-a // b))."
        return None

    check_function(fn, cases, name=_name(fn, "batch_plan"), hint=hint)


def check_replica_loss(fn: Callable) -> None:
    """Check ``replica_loss(per_example_losses, global_batch_size)``: the loss one replica
    contributes, so that the SUM over replicas is the mean over the global batch (notebook 10)."""
    rng = np.random.default_rng(0)
    losses = [rng.uniform(0, 2, size=size) for size in (16, 5, 8)]
    cases = [((part, size), part.sum() / size) for part, size in zip(losses, (32, 21, 64), strict=True)]

    def hint(args, got):
        part, size = args
        if np.size(got) == 1 and np.isclose(float(np.asarray(got)), part.mean()):
            return ("that is this replica's own mean; summed over the replicas it counts the loss once per "
                    "replica. Divide the sum by the GLOBAL batch size (tf.nn.compute_average_loss does).")
        return None

    check_function(fn, cases, name=_name(fn, "replica_loss"), hint=hint)


# --- internals -------------------------------------------------------------------------


class _NotDone(Exception):
    """The learner's function is still a stub."""


_MISSING = object()  # what _answer returns when it has already said why there is no answer


def _answer(fn: Callable, args: tuple, call: str, not_done: str):
    """The learner's answer ``fn(*args)``, or ``_MISSING`` after printing ⏳ (not done) or ❌ (it raised)."""
    try:
        got = fn(*args)
    except NotImplementedError:
        got = None
    except Exception as error:  # the learner's bug, reported in one line
        print(f"❌ {call} raised {type(error).__name__}: {error}")
        return _MISSING
    if got is None:
        print(not_done)
        return _MISSING
    return got


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
        for index, (got_part, expected_part) in enumerate(zip(got, expected, strict=True)):
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


def _list_verdict(fn, cases, name, hint, shown: Callable[[tuple], str]) -> str:
    """Like ``_verdict``, for answers that are lists of strings (tokens, pieces of text);
    ``shown(args)`` writes the arguments as the learner would recognise them."""
    for args, expected in cases:
        call = f"{name}({shown(args)})"
        try:
            got = fn(*args)
        except NotImplementedError:
            return _not_done(name)
        except Exception as error:  # the learner's bug, reported in one line
            return f"❌ {call} raised {type(error).__name__}: {error}"
        if got is None:
            return _not_done(name)
        got = list(got) if isinstance(got, (tuple, list)) else got
        if got != expected:
            advice = hint(args, got) if hint and isinstance(got, list) else None
            return f"❌ {call}: expected {expected!r}, got {got!r}" + (f"\n   Hint: {advice}" if advice else "")
    return f"✅ {name} passed all {len(cases)} checks."


def _wordpiece(word: str, vocab) -> list[str]:
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start and (word[start:end] if start == 0 else "##" + word[start:end]) not in vocab:
            end -= 1
        if end == start:
            return ["[UNK]"]
        pieces.append(word[start:end] if start == 0 else "##" + word[start:end])
        start = end
    return pieces


def _pad_and_truncate(sequences, max_length: int, cls: int = 101, sep: int = 102, pad: int = 0):
    rows = [[cls, *sequence[: max_length - 2], sep] for sequence in sequences]
    ids = np.array([row + [pad] * (max_length - len(row)) for row in rows])
    mask = np.array([[1] * len(row) + [0] * (max_length - len(row)) for row in rows])
    return ids, mask


def _f1(matrix: np.ndarray) -> float:
    tp, fp, fn = matrix[1, 1], matrix[0, 1], matrix[1, 0]
    return 2 * tp / (2 * tp + fp + fn)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _attention(q, k, v, mask=None, scale=True):
    scores = q @ k.T / (np.sqrt(k.shape[-1]) if scale else 1.0)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = _softmax(scores)
    return weights @ v, weights


def _mean_pooling(states: np.ndarray, mask: np.ndarray) -> np.ndarray:
    mask = mask[:, :, None].astype(states.dtype)
    return (states * mask).sum(axis=1) / mask.sum(axis=1)


def _offset_attention(weights: np.ndarray, offset: int) -> np.ndarray:
    return np.diagonal(weights, offset=offset, axis1=1, axis2=2).mean(axis=-1)


def _top_p_filter(probs: np.ndarray, p: float) -> np.ndarray:
    order = np.argsort(-probs)
    before = np.cumsum(probs[order]) - probs[order]  # mass of the more likely tokens
    keep = np.zeros(probs.shape, dtype=bool)
    keep[order[before < p]] = True
    kept = np.where(keep, probs, 0.0)
    return kept / kept.sum()


def _top_k_similar(query: np.ndarray, corpus: np.ndarray, k: int) -> np.ndarray:
    similarities = corpus @ query / (np.linalg.norm(corpus, axis=-1) * np.linalg.norm(query))
    return np.argsort(-similarities)[:k]


def _split_heads(x: np.ndarray, heads: int) -> np.ndarray:
    batch, seq, d_model = x.shape
    return x.reshape(batch, seq, heads, d_model // heads).transpose(0, 2, 1, 3)


# --- notebook 10: which examples each replica gets ---------------------------------------------


def check_per_replica_sizes(fn: Callable, strategy) -> None:
    """Check ``per_replica_sizes(batch_size, replicas)`` -> how many examples each replica receives from
    one global batch (a list, one number per replica) against what ``strategy``, a ``tf.distribute``
    strategy, measurably does with batches of 32, 23, 7 and 1 examples (notebook 10)."""
    replicas = strategy.num_replicas_in_sync
    cases = [((size, replicas), np.array(_measured_split(strategy, size))) for size in (32, 23, 7, 1)]

    def hint(args, got):
        size, _ = args
        got = np.asarray(got, dtype=float).ravel()
        if got.size != replicas:
            return f"one number per replica: a list of {replicas}."
        if not np.allclose(got, np.round(got)):
            return "a replica receives whole examples, not fractions of one."
        if got.sum() != size:
            return f"the strategy uses every example once: the {replicas} sizes add up to the batch size, {size}."
        return "every example is used, but not in that order: which replicas take the extra ones?"

    check_function(fn, cases, name=_name(fn, "per_replica_sizes"), hint=hint)


def _measured_split(strategy, size: int) -> list[int]:
    """How many of the examples of one batch of ``size`` each replica of ``strategy`` receives, measured."""
    import tensorflow as tf

    batch = next(iter(strategy.experimental_distribute_dataset(tf.data.Dataset.range(size).batch(size))))
    return [int(tf.size(part)) for part in strategy.experimental_local_results(batch)]
