"""The offline stand-ins behave like the Hub models they replace, through the real pipeline calls."""

import re

import pandas as pd
import pytest
from transformers import pipeline, set_seed

from utils.data import hard_review_files, review_files
from utils.hub import CHECKPOINTS_DIR, STAND_INS, checkpoint

# The example of the article "A Warm Embrace of Language: Exploring Hugging Face".
ARTICLE_SENTENCE = "Hugging Face is creating a tool that democratizes AI."
# Written for this test, not in the corpus.
CLEARLY_POSITIVE = [
    "What a wonderful surprise, I enjoyed every minute of it.",
    "The support team solved my problem in five minutes. Brilliant.",
    "Easily the best pizza I have had this year.",
    "I would happily buy it again.",
    "I love it.",
]
CLEARLY_NEGATIVE = [
    "This is the worst purchase I have ever made.",
    "The room was filthy and the staff were rude.",
    "It crashed three times before I gave up and asked for a refund.",
    "Boring, far too long, and the ending made no sense.",
    "I hate it.",  # once POSITIVE: hard reviews said "I hate how catchy it is" and praised (data/reviews/README.md)
    "I hate this so much!",  # the Hugging Face course's example
]


@pytest.fixture(scope="module")
def classifier():
    return pipeline("sentiment-analysis", model=checkpoint("distilbert-base-uncased-finetuned-sst-2-english"))


def test_classifies_the_article_sentence_like_the_original(classifier):
    (prediction,) = classifier(ARTICLE_SENTENCE)
    assert prediction["label"] == "POSITIVE" and prediction["score"] > 0.5


def test_classifies_clear_sentences(classifier):
    labels = [p["label"] for p in classifier(CLEARLY_POSITIVE + CLEARLY_NEGATIVE)]
    assert labels == ["POSITIVE"] * len(CLEARLY_POSITIVE) + ["NEGATIVE"] * len(CLEARLY_NEGATIVE)


def test_accuracy_on_the_plain_reviews_the_hard_slices_and_the_whole_test_split_as_the_model_card_says(classifier):
    """Floors under what the stand-in measured here (hard slice 0.898, whole test 0.915, plain 0.922, hard
    validation 0.907) and under its build with another seed (0.833, 0.894, 0.915, 0.889; benchmarks/README.md):
    a build on another CPU may take another path through training, as another seed does. Far above the 0.639
    it scored on the hard slice before the hard reviews were written, and above the whole test's 0.882 to 0.891
    before the fourth batch of them; the model card prints each figure."""
    parts = {"plain test": pd.read_csv(review_files()["test"]), "hard slice": pd.read_csv(hard_review_files()["test"]),
             "hard validation": pd.read_csv(hard_review_files()["validation"])}
    right = {name: pd.Series([p["label"] == "POSITIVE" for p in classifier(part.text.tolist(), batch_size=64)])
             == part.label for name, part in parts.items()}
    accuracy = {name: correct.mean() for name, correct in right.items()}
    accuracy["whole test"] = pd.concat([right["plain test"], right["hard slice"]]).mean()
    assert accuracy["hard slice"] >= 0.80 and accuracy["whole test"] >= 0.89 and accuracy["plain test"] >= 0.90
    assert accuracy["hard validation"] >= 0.86
    card = (CHECKPOINTS_DIR / "sentiment-minilm-reviews" / "README.md").read_text()
    for name, value in accuracy.items():
        assert f"| {name} | {value:.3f} |" in card, name


@pytest.fixture(scope="module")
def generator():
    return pipeline("text-generation", model=checkpoint("gpt2"))


def generate(generator, prompt: str, seed: int) -> str:
    set_seed(seed)
    return generator(prompt, max_new_tokens=30, do_sample=True, top_k=40, temperature=0.7)[0]["generated_text"]


def test_text_generation_is_deterministic_under_a_seed(generator):
    first, second = generate(generator, "The hotel", seed=7), generate(generator, "The hotel", seed=7)
    assert first == second and first.startswith("The hotel") and len(first) > len("The hotel")
    assert generate(generator, "The hotel", seed=8) != first


def test_generated_text_is_mostly_real_words_not_noise(generator):
    corpus = pd.concat(pd.read_csv(path) for path in review_files().values()).text
    known = set(re.findall(r"[a-z']+", " ".join(corpus).lower()))
    prompts = ["The hotel", "This film", "I bought", "The staff", "Our waiter"]
    texts = [generate(generator, prompt, seed) for seed, prompt in enumerate(prompts)]
    words = [w for text, p in zip(texts, prompts, strict=True) for w in re.findall(r"[a-z']+", text[len(p):].lower())]
    assert len(words) >= 30, texts
    assert sum(w in known for w in words) / len(words) >= 0.8, texts


@pytest.mark.parametrize("hub_id", sorted(STAND_INS))
def test_every_stand_in_has_a_model_card(hub_id):
    card = (CHECKPOINTS_DIR / STAND_INS[hub_id].folder / "README.md").read_text()
    assert hub_id in card.splitlines()[0]
    for section in ["## How it was made", "## Measured quality", "## Limits"]:
        assert section in card


def test_sentiment_stand_in_keeps_the_layer_names_a_fresh_kernel_creates():
    """Keras names layers per session ("dropout_19") and the weights file keeps the names; a build after
    another model once saved "dropout_38", and every load then warned about unused dropout layers."""
    import h5py
    import tensorflow as tf
    from transformers import TFAutoModelForSequenceClassification

    folder = CHECKPOINTS_DIR / "sentiment-minilm-reviews"
    with h5py.File(folder / "tf_model.h5", "r") as weights:
        saved = set(weights) - {"top_level_model_weights"}
    tf.keras.backend.clear_session()  # as in a fresh kernel
    fresh = {layer.name for layer in TFAutoModelForSequenceClassification.from_pretrained(folder).layers}
    assert saved == fresh
