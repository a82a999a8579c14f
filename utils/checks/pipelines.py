"""Notebook 06 · Pipelines: its exercises' checks, hints and reference answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import numpy as np

from utils.checks.engine import MISSING, check_function, learner_answer, name_of


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

    check_function(fn, cases, name=name_of(fn, "top_p_filter"), atol=1e-6, hint=hint)

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

    check_function(fn, cases, name=name_of(fn, "top_k_similar"), hint=hint)

def check_fools_the_model(classifier: Callable, examples: dict) -> None:
    """Check that a sentiment ``classifier`` (a pipeline) gets every sentence of ``examples`` wrong
    (notebook 06): ``examples`` maps at least three sentences of the learner's own to the label a careful
    reader gives them. The check cannot know whether those labels are honest; it confirms the model's."""
    sentences = [sentence for sentence in examples if isinstance(sentence, str) and sentence.strip(" .")]
    if len(sentences) < len(examples) or not sentences:
        print("⏳ write your sentences in place of the \"...\", each with its label, then run this cell again.")
        return
    labels = set(getattr(getattr(getattr(classifier, "model", None), "config", None), "id2label", {}).values())
    problem = _examples_problem(examples, labels or {"NEGATIVE", "POSITIVE"})
    if problem:
        print(f"❌ {problem}.")
        return
    answers = learner_answer(classifier, (sentences,), call="classifier(your sentences)",
                             not_done="⏳ the classifier returned nothing: run the cell that builds it first.")
    if answers is MISSING:
        return
    right = [f"{sentence!r} → {answer['label']} {answer['score']:.3f}"
             for sentence, answer in zip(sentences, answers, strict=True) if answer["label"] == examples[sentence]]
    if right:
        print(f"❌ the model got {len(right)} of {len(sentences)} right, as you labelled them: {'; '.join(right)}. "
              "Replace them with sentences it gets wrong.")
    else:
        print(f"✅ the model got all {len(sentences)} wrong: "
              + "; ".join(f"{answer['label']} {answer['score']:.3f}" for answer in answers) + ".")


def _examples_problem(examples: dict, labels: set[str]) -> str | None:
    if len(examples) < 3:
        return f"{len(examples)} sentence{'s' if len(examples) > 1 else ''}: write at least three"
    for sentence, label in examples.items():
        if label not in labels:
            return f"the label {label!r} of {sentence!r}: expected one of {', '.join(sorted(labels))}"
        if _normalised(sentence) in _bundled_reviews():
            return f"{sentence!r} is one of the bundled reviews: write sentences of your own"
    return None


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


@cache
def _bundled_reviews() -> frozenset[str]:
    import pandas as pd

    from utils.data import hard_review_files, review_files

    files = [*review_files().values(), *hard_review_files().values()]
    return frozenset(_normalised(text) for path in files for text in pd.read_csv(path).text)


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
