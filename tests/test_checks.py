"""utils.checks: a pass prints ✅, a stub ⏳, a wrong answer ❌ with expected vs got."""

import contextlib
import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from utils import REPO_ROOT, checks


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.T / np.sqrt(k.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = softmax(scores)
    return weights @ v, weights


def stub(*args):
    raise NotImplementedError


def verdict(capsys, check, fn, *args) -> str:
    check(fn, *args)
    return capsys.readouterr().out


# --- check_shape ---------------------------------------------------------------------------


def test_check_shape_passes_loudly(capsys):
    checks.check_shape(np.zeros((6, 4)), (6, 4), name="X")
    assert capsys.readouterr().out == "✅ X has shape (6, 4)\n"


def test_check_shape_says_expected_and_got():
    with pytest.raises(AssertionError, match=r"expected weights of shape \(6, 6\), got \(6, 5\)"):
        checks.check_shape(np.zeros((6, 5)), (6, 6), name="weights")


def test_check_shape_none_matches_any_size_but_not_a_missing_axis(capsys):
    checks.check_shape(np.zeros((2, 6, 8)), (None, 6, 8))
    assert capsys.readouterr().out.startswith("✅")
    with pytest.raises(AssertionError, match=r"expected array of shape \(None, 6\), got \(6,\)"):
        checks.check_shape(np.zeros(6), (None, 6))


def test_check_shape_accepts_objects_with_a_shape_and_lists(capsys):
    class Tensor:  # what matters of a tf.Tensor here: a .shape with ints
        shape = (2, 3)

    checks.check_shape(Tensor(), (2, 3), name="t")
    checks.check_shape([[1, 2, 3]], (1, 3), name="nested list")
    assert capsys.readouterr().out.count("✅") == 2


# --- check_function ------------------------------------------------------------------------


def test_check_function_pass_counts_the_cases(capsys):
    cases = [((1, 2), 3), ((np.ones(2), 1), [2.0, 2.0])]
    checks.check_function(lambda a, b: a + b, cases, name="add")
    assert capsys.readouterr().out == "✅ add passed all 2 checks.\n"


def test_check_function_failure_shows_the_call_expected_and_got(capsys):
    checks.check_function(lambda a, b: a - b, [((1, 2), 3)], name="add")
    assert capsys.readouterr().out == "❌ add(1, 2): expected 3, got -1\n"


def test_check_function_stops_at_the_first_failing_case_and_adds_the_hint(capsys):
    calls = []

    def double(x):
        calls.append(x)
        return 2 * x if x < 2 else 0

    checks.check_function(double, [((1,), 2), ((2,), 4), ((3,), 6)],
                          hint=lambda args, got: f"{args[0]} went wrong")
    out = capsys.readouterr().out
    assert out == "❌ double(2): expected 4, got 0\n   Hint: 2 went wrong\n"
    assert calls == [1, 2]


@pytest.mark.parametrize("fn", [stub, lambda x: None], ids=["raises", "returns None"])
def test_check_function_stub_is_not_done_yet_not_a_traceback(capsys, fn):
    checks.check_function(fn, [((1,), 1)], name="my_function")
    assert capsys.readouterr().out == (
        "⏳ my_function is not done yet — fill in the cell above, then run this cell again.\n"
    )


def test_messages_use_the_learners_function_name_or_a_default_for_lambdas(capsys):
    def my_softmax(x):
        return x

    checks.check_softmax(my_softmax)
    checks.check_softmax(lambda x: x)
    checks.check_function(lambda x: x, [((1,), 1)])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("❌ my_softmax([1., 2., 3.])")
    assert out[1].startswith("❌ softmax([1., 2., 3.])")
    assert out[2] == "✅ your function passed 1 check."


def test_check_function_reports_a_crash_in_one_line(capsys):
    checks.check_function(lambda x: 1 / x, [((0,), 1)], name="inverse")
    assert capsys.readouterr().out == "❌ inverse(0) raised ZeroDivisionError: division by zero\n"


def test_check_function_wrong_shape(capsys):
    checks.check_function(lambda x: x.T, [((np.zeros((2, 3)),), np.zeros((2, 3)))], name="f")
    assert "expected shape (2, 3), got shape (3, 2)" in capsys.readouterr().out


def test_check_function_big_arrays_show_the_first_wrong_index(capsys):
    expected = np.zeros((4, 10))
    wrong = expected.copy()
    wrong[1, 2] = 5
    checks.check_function(lambda: wrong, [((), expected)], name="f")
    out = capsys.readouterr().out
    assert "right shape (4, 10), but at index (1, 2) expected 0., got 5." in out


def test_check_function_tolerance_and_booleans(capsys):
    checks.check_function(lambda: 1.0 + 1e-7, [((), 1.0)], name="close")
    checks.check_function(lambda: np.array([1, 0]), [((), np.array([True, False]))], name="bools")
    checks.check_function(lambda: 1.1, [((), 1.0)], name="far", atol=0.01)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("✅ close") and out[1].startswith("✅ bools")
    assert out[2] == "❌ far(): expected 1., got 1.1"


def test_check_function_compares_tuples_part_by_part(capsys):
    checks.check_function(lambda: (1, 2), [((), (1, 3))], name="pair")
    checks.check_function(lambda: 1, [((), (1, 2))], name="single")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "❌ pair(): result 2 of 2: expected 3, got 2"
    assert out[1] == "❌ single(): expected a tuple of 2 results, got 1"


# --- the exercise checks -------------------------------------------------------------------


def naive_softmax(x):
    return np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)


def column_softmax(x):  # normalises along the wrong axis
    return np.exp(x) / np.exp(x).sum(axis=0, keepdims=True)


def test_check_softmax(capsys):
    assert verdict(capsys, checks.check_softmax, softmax) == "✅ softmax passed all 4 checks.\n"
    assert verdict(capsys, checks.check_softmax, stub).startswith("⏳ stub is not done yet")
    out = verdict(capsys, checks.check_softmax, naive_softmax)
    assert out.startswith("❌ naive_softmax([1000., 1001., 1002.]): "
                          "expected [0.09 , 0.245, 0.665], got [nan, nan, nan]")
    assert "subtract each row's maximum" in out
    wrong_axis = verdict(capsys, checks.check_softmax, column_softmax)
    assert "Hint: each row must sum to 1" in wrong_axis


def test_check_scaled_dot_product_attention(capsys):
    check = checks.check_scaled_dot_product_attention
    assert verdict(capsys, check, scaled_dot_product_attention) == (
        "✅ scaled_dot_product_attention passed all 4 checks.\n"
    )
    assert verdict(capsys, check, stub).startswith("⏳")

    def unscaled(q, k, v, mask=None):
        return scaled_dot_product_attention(q * np.sqrt(k.shape[-1]), k, v, mask)

    assert "Hint: divide the scores by np.sqrt(d_k)" in verdict(capsys, check, unscaled)
    def ignores_the_mask(q, k, v, mask=None):
        return scaled_dot_product_attention(q, k, v)

    no_mask = verdict(capsys, check, ignores_the_mask)
    assert no_mask.startswith(
        "❌ ignores_the_mask(<array of shape (3, 4)>, <array of shape (3, 4)>, "
        "<array of shape (3, 2)>, <array of shape (3, 3)>)"
    )
    assert "masked positions need a weight of 0" in no_mask
    def output_only(q, k, v, mask=None):
        return scaled_dot_product_attention(q, k, v, mask)[0]

    only_output = verdict(capsys, check, output_only)
    assert "expected a tuple of 2 results" in only_output
    assert "return output, weights" in only_output


def test_check_padding_mask(capsys):
    check = checks.check_padding_mask
    good = verdict(capsys, check, lambda ids, pad_id=0: (ids != pad_id)[:, None, None, :])
    assert good == "✅ padding_mask passed all 2 checks.\n"
    as_floats = verdict(capsys, check, lambda ids, pad=0: 1.0 * (ids != pad)[:, None, None, :])
    assert as_floats.startswith("✅")
    flat = verdict(capsys, check, lambda ids, pad_id=0: ids != pad_id)
    assert "expected shape (2, 1, 1, 5), got shape (2, 5)" in flat and "add two axes" in flat
    inverted = verdict(capsys, check, lambda ids, pad_id=0: (ids == pad_id)[:, None, None, :])
    assert "the mask is inverted" in inverted
    ignores_pad_id = verdict(capsys, check, lambda ids, pad_id=0: (ids != 0)[:, None, None, :])
    assert ignores_pad_id.startswith("❌ padding_mask(<array of shape (1, 4)>, 1)")


def test_check_similarity_at_distance(capsys):
    check = checks.check_similarity_at_distance

    def similarity_at_distance(encoding, distance):
        return np.sum(encoding[: len(encoding) - distance] * encoding[distance:], axis=-1)

    assert verdict(capsys, check, similarity_at_distance).startswith("✅ similarity_at_distance passed all 4")
    wrapped = verdict(capsys, check, lambda e, d: np.sum(e * np.roll(e, -d, axis=0), axis=-1))
    assert wrapped.startswith("❌") and "only the positions i where i + distance exists" in wrapped
    assert "over the depth axis" in verdict(capsys, check, lambda e, d: e[: len(e) - d] * e[d:])
    assert verdict(capsys, check, stub).startswith("⏳")


def running_mean(x):  # causal: position i averages tokens 0..i
    return np.cumsum(x, axis=1) / np.arange(1, x.shape[1] + 1)[:, None]


def plus_full_mean(x):  # not causal: every position sees every token
    return x + x.mean(axis=1, keepdims=True)


def test_check_no_peeking(capsys):
    check = checks.check_no_peeking
    assert verdict(capsys, check, running_mean) == (
        "✅ running_mean never peeks at later tokens, and still sees earlier ones.\n"
    )
    out = verdict(capsys, check, plus_full_mean)
    assert "changing the tokens from position 1 on changed the outputs before position 1" in out
    assert "causal" in out
    assert "ignores the first token" in verdict(capsys, check, lambda x: 2 * x)
    wrong_shape = verdict(capsys, check, lambda x: x[:, :3])
    assert "expected an output of shape (1, 6, 16) (the input's), got (1, 3, 16)" in wrong_shape
    pair = verdict(capsys, check, lambda x: (x, x))
    assert pair == "❌ your function: expected one array of shape (1, 6, 16), got a tuple\n"
    assert verdict(capsys, check, stub).startswith("⏳")


# --- notebook 07: loading models -----------------------------------------------------------


def offset_attention(weights, offset):
    return np.diagonal(weights, offset=offset, axis1=1, axis2=2).mean(axis=-1)


def test_check_offset_attention(capsys):
    check = checks.check_offset_attention
    assert verdict(capsys, check, offset_attention) == "✅ offset_attention passed all 4 checks.\n"
    assert verdict(capsys, check, stub).startswith("⏳")
    flipped = verdict(capsys, check, lambda weights, offset: offset_attention(weights, -offset))
    assert flipped.startswith("❌ offset_attention(<array of shape (3, 5, 5)>, -1)")
    assert "offset -1 means weights[:, i, i - 1]" in flipped
    summed = verdict(capsys, check, lambda w, offset: np.diagonal(w, offset, 1, 2).sum(axis=-1))
    assert "don't sum them" in summed
    one_number = verdict(capsys, check, lambda weights, offset: offset_attention(weights, offset).mean())
    assert "one number per head" in one_number


# --- notebook 05: tokenizers ---------------------------------------------------------------


def wordpiece(word, vocab):
    pieces, start = [], 0
    while start < len(word):
        for end in range(len(word), start, -1):
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                break
        else:
            return ["[UNK]"]
        pieces.append(piece)
        start = end
    return pieces


def test_check_wordpiece(capsys):
    check = checks.check_wordpiece
    assert verdict(capsys, check, wordpiece) == "✅ wordpiece passed all 9 checks.\n"
    assert verdict(capsys, check, stub).startswith("⏳")

    def shortest_first(word, vocab):  # grows the piece instead of shrinking it
        pieces, start = [], 0
        while start < len(word):
            end = next((end for end in range(start + 1, len(word) + 1)
                        if (word[start:end] if start == 0 else "##" + word[start:end]) in vocab), None)
            if end is None:
                return ["[UNK]"]
            pieces.append(word[start:end] if start == 0 else "##" + word[start:end])
            start = end
        return pieces

    out = verdict(capsys, check, shortest_first)
    assert out.startswith("❌ shortest_first('token', vocab): expected ['token'], got ['[UNK]']")
    assert "try the longest piece first" in out

    def no_hashes(word, vocab):
        return [piece.removeprefix("##") for piece in wordpiece(word, vocab)]

    assert "with a ## prefix" in verdict(capsys, check, no_hashes)

    def partial_unknown(word, vocab):
        return ["a", "##b", "[UNK]"] if word == "abz" else wordpiece(word, vocab)

    assert "the whole word becomes ['[UNK]']" in verdict(capsys, check, partial_unknown)


def pad_and_truncate(sequences, max_length):
    rows = [[101, *sequence[: max_length - 2], 102] for sequence in sequences]
    ids = [row + [0] * (max_length - len(row)) for row in rows]
    return ids, [[int(i != 0) for i in row] for row in ids]


def test_check_pad_and_truncate(capsys):
    check = checks.check_pad_and_truncate
    assert verdict(capsys, check, pad_and_truncate) == "✅ pad_and_truncate passed all 3 checks.\n"
    assert verdict(capsys, check, stub).startswith("⏳")

    def cuts_off_sep(sequences, max_length):  # adds [SEP], then truncates: a long row loses it
        ids, mask = pad_and_truncate([[*s, 102] for s in sequences], max_length + 1)
        ids = [[i for i in row if i != 102][:max_length] if 102 not in row[:max_length] else row[:max_length]
               for row in ids]
        return ids, [row[:max_length] for row in mask]

    out = verdict(capsys, check, cuts_off_sep)
    assert out.startswith("❌ cuts_off_sep(a list of 3, 6): result 1 of 2: expected [[ 101, 7592, 2088,  102,")
    assert "exactly one [SEP]" in out

    def to_longest(sequences, max_length):
        longest = max(min(len(s), max_length - 2) for s in sequences) + 2
        ids, _ = pad_and_truncate(sequences, max_length)
        return [row[:longest] for row in ids], [[int(i != 0) for i in row[:longest]] for row in ids]

    assert "pad every row to max_length (8)" in verdict(capsys, check, to_longest)

    def inverted(sequences, max_length):
        ids, mask = pad_and_truncate(sequences, max_length)
        return ids, [[1 - m for m in row] for row in mask]

    assert "the mask is inverted" in verdict(capsys, check, inverted)


class RoundTripTokenizer:  # lowercases on the way in, like BERT's uncased tokenizer
    def __call__(self, texts, add_special_tokens=True):
        assert not add_special_tokens
        return {"input_ids": [text.lower().split(" ") for text in texts]}

    def decode(self, ids):
        return " ".join(ids)


class LosslessTokenizer(RoundTripTokenizer):
    def __call__(self, texts, add_special_tokens=True):
        return {"input_ids": [[text] for text in texts]}


def lossy_texts(texts, tokenizer):
    ids = tokenizer(texts, add_special_tokens=False)["input_ids"]
    return [text for text, row in zip(texts, ids, strict=True) if tokenizer.decode(row) != text]


def test_check_lossy_texts(capsys):
    def check(fn):
        checks.check_lossy_texts(fn, [RoundTripTokenizer(), LosslessTokenizer()])

    assert verdict(capsys, check, lossy_texts).startswith("✅ lossy_texts passed all 2 checks")
    everything = verdict(capsys, check, lambda texts, tokenizer: list(texts))
    assert everything.startswith("❌ lossy_texts(texts, RoundTripTokenizer): expected ['Hugging Face")
    assert "keep a text only if it changed" in everything
    assert verdict(capsys, check, lambda texts, tokenizer: 1 / 0).startswith("❌ lossy_texts(texts, ")
    assert verdict(capsys, check, stub).startswith("⏳")


def top_p_filter(probs, p):
    order = np.argsort(probs)[::-1]
    cumulative = np.cumsum(probs[order])
    kept = order[: np.searchsorted(cumulative, p) + 1]  # up to and including the token that reaches p
    filtered = np.zeros_like(probs)
    filtered[kept] = probs[kept]
    return filtered / filtered.sum()


def test_check_top_p_filter(capsys):
    check = checks.check_top_p_filter
    assert verdict(capsys, check, top_p_filter) == "✅ top_p_filter passed all 4 checks.\n"

    def not_renormalised(probs, p):
        filtered = top_p_filter(probs, p)
        return filtered * probs[filtered > 0].sum()

    unnormalised = verdict(capsys, check, not_renormalised)
    assert unnormalised.startswith("❌ not_renormalised([0.1 , 0.5 , 0.05, 0.2 , 0.15], 0.8): expected")
    assert "renormalise" in unnormalised

    def stops_short(probs, p):  # drops the token that crosses p
        order = np.argsort(probs)[::-1]
        kept = order[np.cumsum(probs[order]) < p]
        filtered = np.zeros_like(probs)
        filtered[kept] = probs[kept]
        return filtered / filtered.sum()

    assert "keep the token that takes the running total past p" in verdict(capsys, check, stops_short)
    sorted_output = verdict(capsys, check, lambda probs, p: np.sort(top_p_filter(probs, p))[::-1])
    assert "original order" in sorted_output
    assert verdict(capsys, check, stub).startswith("⏳")


def top_k_similar(query, corpus, k):
    similarities = corpus @ query / (np.linalg.norm(corpus, axis=-1) * np.linalg.norm(query))
    return np.argsort(-similarities)[:k]


def test_check_top_k_similar(capsys):
    check = checks.check_top_k_similar
    assert verdict(capsys, check, top_k_similar) == "✅ top_k_similar passed all 3 checks.\n"
    dot_product = verdict(capsys, check, lambda query, corpus, k: np.argsort(-(corpus @ query))[:k])
    assert dot_product.startswith(
        "❌ top_k_similar([1., 0., 1.], <array of shape (5, 3)>, 1): expected [1], got [0]"
    )
    assert "divide by the norms" in dot_product
    ascending = verdict(capsys, check, lambda query, corpus, k: top_k_similar(query, corpus, 5)[::-1][:k])
    assert "most similar first" in ascending
    wrong_length = verdict(capsys, check, lambda query, corpus, k: top_k_similar(query, corpus, 5))
    assert "return k = 1 row indices" in wrong_length
    assert verdict(capsys, check, stub).startswith("⏳")



def keyword_classifier(texts):
    """A sentiment classifier that reads one word: NEGATIVE when a text says "bad", else POSITIVE."""
    return [{"label": "NEGATIVE" if "bad" in text.lower() else "POSITIVE", "score": 0.9} for text in texts]


def test_check_fools_the_model(capsys):
    check = checks.check_fools_the_model
    fooled = {"Not bad at all.": "POSITIVE", "I can't say a bad word.": "POSITIVE", "Great, it broke.": "NEGATIVE"}
    assert verdict(capsys, check, keyword_classifier, fooled) == (
        "✅ the model got all 3 wrong: NEGATIVE 0.900; NEGATIVE 0.900; POSITIVE 0.900.\n")
    right = verdict(capsys, check, keyword_classifier, {**fooled, "A bad day.": "NEGATIVE"})
    assert right.startswith("❌ the model got 1 of 4 right, as you labelled them: 'A bad day.' → NEGATIVE 0.900.")
    assert verdict(capsys, check, keyword_classifier, {"Not bad.": "POSITIVE"}) == (
        "❌ 1 sentence: write at least three.\n")
    assert "the label 'positive' of 'Fine.': expected one of NEGATIVE, POSITIVE" in verdict(
        capsys, check, keyword_classifier, {**fooled, "Fine.": "positive"})
    bundled = "Terrible organisation from start to finish."  # in the training split
    assert "is one of the bundled reviews: write sentences of your own" in verdict(
        capsys, check, keyword_classifier, {**fooled, bundled.upper(): "NEGATIVE"})
    assert verdict(capsys, check, keyword_classifier, {"...": "POSITIVE"}).startswith("⏳ write your sentences")

# --- notebook 09: datasets and cards -------------------------------------------------------


def make_dataset_card(**changes):
    from huggingface_hub import DatasetCard, DatasetCardData

    metadata = dict(language="en", license="cc-by-4.0", task_categories=["text-classification"],
                    size_categories=["1K<n<10K"])
    data = DatasetCardData(**{**metadata, **changes})
    return DatasetCard(f"---\n{data.to_yaml()}\n---\n\n# Reviews\n\n## Limitations\n\nShort and clean.\n")


def test_check_dataset_card(capsys):
    from huggingface_hub import ModelCard

    check = checks.check_dataset_card
    assert verdict(capsys, check, make_dataset_card).startswith("✅ make_dataset_card has the metadata")
    small = verdict(capsys, check, lambda: make_dataset_card(size_categories=["n<1K"]))
    assert "expected metadata size_categories = '1K<n<10K', got ['n<1K']" in small and "1,889" in small
    assert "got 'mit'" in verdict(capsys, check, lambda: make_dataset_card(license="mit"))
    no_limits = verdict(capsys, check, lambda: type(make_dataset_card())(make_dataset_card().content.split("## L")[0]))
    assert "a heading about limitations" in no_limits
    assert "got a ModelCard" in verdict(capsys, check, lambda: ModelCard(make_dataset_card().content))
    assert verdict(capsys, check, stub).startswith("⏳")


def f1_from_confusion(matrix):
    tp, fp, fn = matrix[1, 1], matrix[0, 1], matrix[1, 0]
    precision, recall = tp / (tp + fp) if tp else 0.0, tp / (tp + fn) if tp else 0.0
    return 2 * precision * recall / (precision + recall) if tp else 0.0


def test_check_f1_from_confusion(capsys):
    check = checks.check_f1_from_confusion
    assert verdict(capsys, check, f1_from_confusion) == "✅ f1_from_confusion passed all 4 checks.\n"
    negative_class = verdict(capsys, check, lambda m: f1_from_confusion(m[::-1, ::-1]))
    assert negative_class.startswith("❌ f1_from_confusion(") and "TP = matrix[1, 1]" in negative_class
    assert "that is the accuracy" in verdict(capsys, check, lambda m: np.trace(m) / m.sum())
    assert "harmonic mean" in verdict(capsys, check, lambda m: m[1, 1] / (m[1, 1] + m[0, 1]))
    assert verdict(capsys, check, stub).startswith("⏳")


class FakeWeight:  # what the check reads of a tf.Variable: a name and a shape
    def __init__(self, name, shape):
        self.name, self.shape = name, shape


class FakeEncoderWithHead:  # a TFBertForSequenceClassification in miniature: encoder + head
    def __init__(self):
        self.encoder_trainable, self.head_trainable = True, True
        self.encoder = [FakeWeight("bert/embeddings/weight:0", (10, 4)), FakeWeight("bert/pooler/bias:0", (4,))]
        self.head = [FakeWeight("classifier/kernel:0", (4, 2)), FakeWeight("classifier/bias:0", (2,))]

    @property
    def trainable_weights(self):
        return self.encoder * self.encoder_trainable + self.head * self.head_trainable

    @property
    def non_trainable_weights(self):
        return self.encoder * (not self.encoder_trainable) + self.head * (not self.head_trainable)


def test_check_frozen_encoder(capsys):
    def freeze_encoder(model):
        model.encoder_trainable = False
        return model

    def freeze_everything(model):
        model.encoder_trainable = model.head_trainable = False
        return model

    def check(fn):
        checks.check_frozen_encoder(fn, FakeEncoderWithHead())

    assert verdict(capsys, check, freeze_encoder) == (
        "✅ freeze_encoder: only the classification head is trainable (10 parameters); "
        "44 parameters of the encoder are frozen.\n")
    unfrozen = verdict(capsys, check, lambda model: model)
    assert unfrozen.startswith("❌ your function: 2 weights of the encoder") and "bert/embeddings" in unfrozen
    assert "nothing is trainable" in verdict(capsys, check, freeze_everything)
    assert "expected the Keras model back" in verdict(capsys, check, lambda model: "done")
    assert verdict(capsys, check, lambda model: None).startswith("⏳")
    assert verdict(capsys, check, stub).startswith("⏳")


def batch_plan(per_replica_batch, replicas_per_worker, workers, examples):
    global_batch = per_replica_batch * replicas_per_worker * workers
    return global_batch, -(-examples // global_batch)


def test_check_batch_plan(capsys):
    check = checks.check_batch_plan
    assert verdict(capsys, check, batch_plan) == "✅ batch_plan passed all 4 checks.\n"
    floor = verdict(capsys, check, lambda b, r, w, n: (b * r * w, n // (b * r * w)))
    assert floor.startswith("❌ batch_plan(16, 1, 1, 1367)") and "round up" in floor
    no_workers = verdict(capsys, check, lambda b, r, w, n: batch_plan(b, r, 1, n))
    assert no_workers.startswith("❌ batch_plan(32, 8, 4, 1000000)") and "number of workers" in no_workers
    assert verdict(capsys, check, stub).startswith("⏳")


def test_check_replica_loss(capsys):
    check = checks.check_replica_loss
    good = verdict(capsys, check, lambda losses, global_batch: losses.sum() / global_batch)
    assert good == "✅ replica_loss passed all 3 checks.\n"
    local_mean = verdict(capsys, check, lambda losses, global_batch: losses.mean())
    assert local_mean.startswith("❌ replica_loss(<array of shape (16,)>, 32): expected") and "GLOBAL" in local_mean
    assert verdict(capsys, check, stub).startswith("⏳")


# --- notebook 04: cross-attention, predictions, the peeking decoder ---------------------------


@pytest.fixture(scope="module")
def cross_attention_layer():
    import tensorflow as tf

    layer = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    layer(np.zeros((1, 3, 8), "float32"), np.zeros((1, 5, 8), "float32"))  # build its weights
    return layer


def keras_weights_by_hand(layer, scale=True, mask_padding=True):
    query_kernel, query_bias, key_kernel, key_bias = [weight.numpy() for weight in layer.weights[:4]]

    def cross_attention_weights(decoder_states, encoder_states, encoder_mask):
        queries = np.einsum("btd,dhk->bhtk", decoder_states, query_kernel) + query_bias[:, None, :]
        keys = np.einsum("bsd,dhk->bhsk", encoder_states, key_kernel) + key_bias[:, None, :]
        scores = queries @ keys.transpose(0, 1, 3, 2) / (np.sqrt(keys.shape[-1]) if scale else 1)
        if mask_padding:
            scores = np.where(encoder_mask[:, None, None, :], scores, -1e9)
        return softmax(scores)

    return cross_attention_weights


def test_check_cross_attention_weights(capsys, cross_attention_layer):
    def check(fn):
        checks.check_cross_attention_weights(fn, cross_attention_layer)

    by_hand = keras_weights_by_hand(cross_attention_layer)
    assert verdict(capsys, check, by_hand) == (
        "✅ cross_attention_weights gives the layer's own weights for every head, padding included.\n")
    unmasked = verdict(capsys, check, keras_weights_by_hand(cross_attention_layer, mask_padding=False))
    assert "the padding of the second input gets weights up to" in unmasked and "-1e9" in unmasked
    unscaled = verdict(capsys, check, keras_weights_by_hand(cross_attention_layer, scale=False))
    assert "differ from the layer's by up to" in unscaled and "sqrt(key_dim)" in unscaled
    swapped = verdict(capsys, check, lambda d, e, m: by_hand(d, e, m).transpose(0, 1, 3, 2))
    assert "expected weights of shape (2, 2, 5, 9)" in swapped and "got (2, 2, 9, 5)" in swapped
    assert verdict(capsys, check, lambda d, e, m: 1 / 0).startswith("❌ cross_attention_weights(")
    assert verdict(capsys, check, stub).startswith("⏳")


def test_check_prediction(capsys):
    checks.check_prediction({"runs": 11, "positions": 11}, {"runs": 11, "positions": 66})
    assert capsys.readouterr().out == (
        "✅ runs: you predicted 11, the run measured 11\n❌ positions: you predicted 11, the run measured 66\n")
    checks.check_prediction({"runs": None, "positions": 3}, {"runs": 11, "positions": 66})
    assert capsys.readouterr().out.startswith("⏳")


def test_check_prediction_compares_numbers_to_within_a_tolerance_and_words_exactly(capsys):
    measured = {"top probability": 0.996, "token": " a"}
    checks.check_prediction({"top probability": 1.0, "token": " a"}, measured, tolerance=0.01)
    assert capsys.readouterr().out.count("✅") == 2
    checks.check_prediction({"top probability": 0.9, "token": "a"}, measured, tolerance=0.01)
    assert capsys.readouterr().out.count("❌") == 2


def test_check_attention_reading(capsys):
    tokens = ["the", "cat", "sat", "the"]
    weights = np.array([[1.0, 0, 0, 0], [0.651, 0.349, 0, 0], [0.284, 0.621, 0.095, 0], [0.25, 0.25, 0.25, 0.25]])
    checks.check_attention_reading({"cat": ("the", 0.65), "sat": ("cat", 0.62)}, weights, tokens)
    assert capsys.readouterr().out == ("✅ 'cat' attends most to 'the' with 0.65; you read 'the' with 0.65\n"
                                       "✅ 'sat' attends most to 'cat' with 0.62; you read 'cat' with 0.62\n")
    checks.check_attention_reading({"sat": ("the", 0.62), "cat": ("the", 0.35)}, weights, tokens)
    assert capsys.readouterr().out.count("❌") == 2
    checks.check_attention_reading({"sat": ("cat", None)}, weights, tokens)
    assert capsys.readouterr().out.startswith("⏳")
    checks.check_attention_reading({"dog": ("cat", 0.5)}, weights, tokens)
    assert capsys.readouterr().out.startswith("❌ 'dog': expected a token of the heatmap's rows")


def test_check_peeking_model(capsys):
    scores = {"peeking": (0.99, 0.01), "causal": (0.97, 0.95), "undertrained": (0.6, 0.0)}

    def check(fn):
        checks.check_peeking_model(fn, lambda model: scores[model][0], lambda model: scores[model][1])

    def train_peeking_model():
        return "peeking"

    assert verdict(capsys, check, train_peeking_model).startswith(
        "✅ teacher-forced accuracy per token at least 95%, exact match when it writes on its own at most 20%")
    causal = verdict(capsys, check, lambda: "causal")
    assert causal.startswith("❌ teacher-forced accuracy per token at least 95%, exact match when it writes on "
                             "its own above 20%") and "causal=False" in causal
    assert "below 95%" in verdict(capsys, check, lambda: "undertrained")
    assert "could not be measured: KeyError" in verdict(capsys, check, lambda: "something else")
    assert verdict(capsys, check, stub).startswith("⏳")


# --- notebook 09: a Space's endpoint (check_lines_demo launches the learner's app on loopback) ------------


def lines_demo(label_lines, **interface):
    """A build_lines_demo(classifier) whose app runs label_lines(classifier, text)."""
    import gradio as gr

    def build_lines_demo(classifier):
        settings = {"inputs": gr.Textbox(), "outputs": gr.JSON(), "api_name": "label_lines", **interface}
        return gr.Interface(fn=lambda text: label_lines(classifier, text), **settings)

    return build_lines_demo


def reviews_of(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def lines_verdict(fn) -> str:
    """What check_lines_demo prints. Not through capsys: launching an app reconfigures logging, which closes
    the handlers' streams that are not the current sys.stderr, and capsys's is not absl's."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        checks.check_lines_demo(fn)
    return printed.getvalue()


def test_check_lines_demo(monkeypatch):
    from utils import loopback
    from utils.loopback import free_port, listening

    ports = []  # every port the check launched an app on
    monkeypatch.setattr(loopback, "free_port", lambda: ports.append(free_port()) or ports[-1])
    good = lines_verdict(lines_demo(lambda c, text: [r["label"] for r in c(reviews_of(text))]))
    assert good == ("✅ build_lines_demo's /label_lines endpoint labels each review of a text, one line each, "
                    "with one call of the classifier.\n")
    every_label = lines_demo(lambda c, text: [scores[0]["label"] for scores in c(reviews_of(text), top_k=None)])
    assert lines_verdict(every_label).startswith("✅")
    one_call_a_line = lines_verdict(lines_demo(lambda c, text: [c(r)[0]["label"] for r in reviews_of(text)]))
    assert "the labels are right, but the classifier was called 3 time(s)" in one_call_a_line
    assert "once, on the list of reviews" in one_call_a_line

    def keeps_lines_of_spaces(classifier, text):
        return [result["label"] for result in classifier([line for line in text.splitlines() if line])]

    blank_lines = lines_verdict(lines_demo(keeps_lines_of_spaces))
    assert "expected ['POSITIVE', 'NEGATIVE', 'POSITIVE'], got ['POSITIVE', 'NEGATIVE', 'POSITIVE', 'POSITIVE']" in (
        blank_lines) and ".strip() is empty" in blank_lines
    unnamed = lines_verdict(lines_demo(lambda c, text: [], api_name="predict"))
    assert "the app has no endpoint /label_lines, only ['/predict']" in unnamed and "api_name='label_lines'" in unnamed
    raising = lines_verdict(lines_demo(lambda c, text: 1 / 0))
    assert raising.startswith("❌ /label_lines raised on ") and raising.endswith(": division by zero\n")
    assert len(ports) == 6 and not any(listening(port) for port in ports), "a launched app was left running"
    assert lines_verdict(lambda classifier: "a demo") == (
        "❌ build_lines_demo(classifier): expected a Gradio app (gr.Interface or gr.Blocks), got a str.\n"
        "   Hint: return gr.Interface(fn=..., inputs=..., outputs=..., api_name='label_lines').\n")
    assert lines_verdict(lambda classifier: 1 / 0) == (
        "❌ build_lines_demo(classifier) raised ZeroDivisionError: division by zero\n")
    assert lines_verdict(stub).startswith("⏳")


def test_the_lines_demo_classifier_answers_like_a_pipeline():
    classifier = checks.sharing._KeywordClassifier()
    assert classifier("Awful.") == [{"label": "NEGATIVE", "score": 0.9}]
    assert classifier(["Fine.", "Cold, rude."]) == [{"label": "POSITIVE", "score": 0.9},
                                                   {"label": "NEGATIVE", "score": 0.9}]
    assert classifier("Fine.", top_k=None) == [{"label": "POSITIVE", "score": 0.9}, {"label": "NEGATIVE", "score": 0.1}]
    assert [scores[0]["label"] for scores in classifier(["Never.", "Fine."], top_k=None)] == ["NEGATIVE", "POSITIVE"]
    assert classifier.calls == ["Awful.", ["Fine.", "Cold, rude."], "Fine.", ["Never.", "Fine."]]


# --- every check, through the engine -----------------------------------------------------------

NOT_LEARNER_CODE = {"check_shape", "check_prediction", "check_attention_reading"}  # they read values, call nothing


def every_check_called_with(fn, cross_attention_layer):
    """Each check that runs learner code, called with ``fn`` as the learner's function."""
    return {
        "check_function": lambda: checks.check_function(fn, [((1,), 1)]),
        "check_softmax": lambda: checks.check_softmax(fn),
        "check_scaled_dot_product_attention": lambda: checks.check_scaled_dot_product_attention(fn),
        "check_padding_mask": lambda: checks.check_padding_mask(fn),
        "check_similarity_at_distance": lambda: checks.check_similarity_at_distance(fn),
        "check_no_peeking": lambda: checks.check_no_peeking(fn),
        "check_cross_attention_weights": lambda: checks.check_cross_attention_weights(fn, cross_attention_layer),
        "check_peeking_model": lambda: checks.check_peeking_model(fn, lambda model: 1.0, lambda model: 0.0),
        "check_wordpiece": lambda: checks.check_wordpiece(fn),
        "check_pad_and_truncate": lambda: checks.check_pad_and_truncate(fn),
        "check_lossy_texts": lambda: checks.check_lossy_texts(fn, [RoundTripTokenizer()]),
        "check_top_p_filter": lambda: checks.check_top_p_filter(fn),
        "check_top_k_similar": lambda: checks.check_top_k_similar(fn),
        "check_fools_the_model": lambda: checks.check_fools_the_model(fn, {"One.": "POSITIVE", "Two.": "NEGATIVE",
                                                                           "Three.": "POSITIVE"}),
        "check_offset_attention": lambda: checks.check_offset_attention(fn),
        "check_f1_from_confusion": lambda: checks.check_f1_from_confusion(fn),
        "check_frozen_encoder": lambda: checks.check_frozen_encoder(fn, FakeEncoderWithHead()),
        "check_dataset_card": lambda: checks.check_dataset_card(fn),
        "check_lines_demo": lambda: checks.check_lines_demo(fn),
        "check_batch_plan": lambda: checks.check_batch_plan(fn),
        "check_per_replica_sizes": lambda: checks.check_per_replica_sizes(fn, SplittingStrategy(2)),
        "check_replica_loss": lambda: checks.check_replica_loss(fn),
    }


def test_every_check_that_runs_learner_code_is_planted_with_a_raising_function(cross_attention_layer):
    planted = every_check_called_with(stub, cross_attention_layer)
    assert set(planted) == set(checks.__all__) - NOT_LEARNER_CODE, "add the new check to every_check_called_with"


def test_a_raising_learner_function_gets_one_line_never_a_traceback(capsys, cross_attention_layer):
    def broken(*args):
        return {}["missing key"]

    for name, run in every_check_called_with(broken, cross_attention_layer).items():
        run()
        printed = capsys.readouterr().out
        assert printed.startswith("❌") and "raised KeyError: 'missing key'" in printed, (name, printed)
        assert printed.count("\n") == 1, (name, printed)


def test_a_stub_is_not_done_yet_in_every_check(capsys, cross_attention_layer):
    for name, run in every_check_called_with(stub, cross_attention_layer).items():
        run()
        printed = capsys.readouterr().out
        assert printed.startswith("⏳") and printed.count("\n") == 1, (name, printed)


def test_verdicts_count_in_the_singular_and_the_plural():
    from utils.checks.engine import passed

    assert passed("f", 1) == "✅ f passed 1 check."
    assert passed("f", 3) == "✅ f passed all 3 checks."


# --- notebook 10: check_per_replica_sizes ----------------------------------------------------------


class SplittingStrategy:
    """Stands in for a tf.distribute strategy with `replicas` replicas: each batch is cut into contiguous
    slices of len(batch) / replicas rounded up, the last ones shorter, as MirroredStrategy does (measured below)."""

    def __init__(self, replicas):
        self.num_replicas_in_sync = replicas

    def experimental_distribute_dataset(self, dataset):
        for batch in dataset:
            share = -(-len(batch) // self.num_replicas_in_sync)
            yield tuple(batch.numpy()[share * i:share * (i + 1)] for i in range(self.num_replicas_in_sync))

    def experimental_local_results(self, value):
        return value


def per_replica_sizes(batch_size, replicas):
    share = -(-batch_size // replicas)
    return [min(share, max(batch_size - replica * share, 0)) for replica in range(replicas)]


def most_even_split(batch_size, replicas):
    return [batch_size // replicas + (replica < batch_size % replicas) for replica in range(replicas)]


def test_check_per_replica_sizes(capsys):
    two = SplittingStrategy(2)
    assert verdict(capsys, lambda fn: checks.check_per_replica_sizes(fn, two), per_replica_sizes) == (
        "✅ per_replica_sizes passed all 8 checks.\n")
    # Over 2 replicas the most even split is TensorFlow's too; the measured 3 and 4 replicas tell them apart.
    even = verdict(capsys, lambda fn: checks.check_per_replica_sizes(fn, two), most_even_split)
    assert even.startswith("❌ most_even_split(7, 3): expected [3, 3, 1], got [3, 2, 2]")
    assert "most even split, but not TensorFlow's" in even
    three = lambda fn: checks.check_per_replica_sizes(fn, SplittingStrategy(3))  # noqa: E731
    assert verdict(capsys, three, per_replica_sizes).startswith("✅")
    floor = verdict(capsys, three, lambda size, replicas: [size // replicas] * replicas)
    assert floor.startswith("❌ per_replica_sizes(32, 3)")
    assert "add up to the batch size, 32" in floor
    halves = verdict(capsys, three, lambda size, replicas: [size / replicas] * replicas)
    assert "whole examples" in halves
    reversed_ = verdict(capsys, three, lambda size, replicas: per_replica_sizes(size, replicas)[::-1])
    assert reversed_.startswith("❌ per_replica_sizes(32, 3): expected [11, 11, 10], got [10, 11, 11]")
    assert "which replicas take the extra" in reversed_
    assert "a list of 3" in verdict(capsys, three, lambda size, replicas: [size])
    assert verdict(capsys, three, lambda size, replicas: 1 / 0).startswith(
        "❌ per_replica_sizes(32, 3) raised ZeroDivisionError")
    assert verdict(capsys, three, stub).startswith("⏳")


def test_check_per_replica_sizes_measures_a_real_strategy(capsys):
    import tensorflow as tf

    check = lambda fn: checks.check_per_replica_sizes(fn, tf.distribute.get_strategy())  # noqa: E731
    assert verdict(capsys, check, per_replica_sizes) == "✅ per_replica_sizes passed all 8 checks.\n"


MEASURE_OTHER_REPLICA_COUNTS = """
import json
import tensorflow as tf
from utils.checks.scaling import OTHER_REPLICA_COUNTS, _measured_split

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 4)
strategies = {n: tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(n)]) for n in (3, 4)}
print(json.dumps([_measured_split(strategies[n], size) for size, n in OTHER_REPLICA_COUNTS]))
"""


def test_the_splits_over_3_and_4_replicas_are_what_tensorflow_does():
    """The check's OTHER_REPLICA_COUNTS, measured again: 4 logical CPUs need a process of their own."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run([sys.executable, "-c", MEASURE_OTHER_REPLICA_COUNTS], capture_output=True, text=True,
                         env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout.splitlines()[-1]) == list(checks.scaling.OTHER_REPLICA_COUNTS.values())
