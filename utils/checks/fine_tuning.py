"""Notebook 08 · Fine-tuning with Keras: its exercises' checks, hints and reference answers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks.engine import MISSING, check_function, learner_answer, name_of, not_done


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

    check_function(fn, cases, name=name_of(fn, "f1_from_confusion"), atol=1e-6, hint=hint)

def check_frozen_encoder(fn: Callable, model) -> None:
    """Check that ``fn(model)`` returns the classifier with its encoder frozen: only the weights of
    the classification head (names containing ``classifier``) left trainable (notebook 08)."""
    name = name_of(fn, "your function")
    model = learner_answer(fn, (model,), call=name, not_done=not_done(name) + " (It must return the model.)")
    if model is MISSING:
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

def _f1(matrix: np.ndarray) -> float:
    tp, fp, fn = matrix[1, 1], matrix[0, 1], matrix[1, 0]
    return 2 * tp / (2 * tp + fp + fn)
