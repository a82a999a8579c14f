"""Does `fit` sit idle between epochs? Notebook 08's training as it was until 2026-11-28 (random batches of 32,
3 epochs; the notebook now groups its batches by length and trains 2), timed epoch by epoch, with tf.data's
autotuning as TensorFlow ships it and as `utils.environment` sets it (off, in `prepare_tf_dataset`).

Each set-up runs in its own process, so both start equally cold. For every epoch it prints the seconds
spent in the epoch (training and validation) and the seconds `fit` then waited before the next epoch
began (or before it returned). Results: benchmarks/README.md.

    python benchmarks/epoch_stall.py            # 3 epochs, twice: about 6 minutes on 2 cores
    python benchmarks/epoch_stall.py --quick    # a tiny random BERT on a few reviews: checks the code in seconds
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from utils.environment import quiet_start  # noqa: E402

quiet_start()  # before TensorFlow is imported: Keras 2, offline, quiet

import tensorflow as tf  # noqa: E402
from finetune_throughput import TINY, machine  # noqa: E402  (the sibling benchmark, on sys.path with this one)

SETUPS = {"on": "autotuning on (TensorFlow's default)", "off": "autotuning off (this project's setup())"}


class EpochClock(tf.keras.callbacks.Callback):
    """Records when each epoch begins and ends, and when training ends."""

    def __init__(self):
        super().__init__()
        self.begins, self.ends = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self.begins.append(time.perf_counter())

    def on_epoch_end(self, epoch, logs=None):
        self.ends.append(time.perf_counter())

    def on_train_end(self, logs=None):
        self.begins.append(time.perf_counter())  # the wait after the last epoch ends here


def train(autotune: bool, quick: bool) -> str:
    """Notebook 08's fine-tuning; one line: seconds per epoch, then idle seconds after each epoch."""
    from datasets import load_dataset
    from transformers import (
        AutoTokenizer,
        BertConfig,
        TFAutoModelForSequenceClassification,
        TFBertForSequenceClassification,
        create_optimizer,
    )

    from utils.data import review_files
    from utils.environment import seed_everything
    from utils.hub import checkpoint

    seed_everything(deterministic=True)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint("bert-base-uncased", quiet=True))
    reviews = load_dataset("csv", data_files=review_files())
    for split in reviews if quick else []:
        reviews[split] = reviews[split].select(range(64))
    encoded = reviews.map(lambda batch: tokenizer(batch["text"], truncation=True), batched=True)
    if quick:
        model = TFBertForSequenceClassification(BertConfig(num_labels=2, **TINY))
    else:
        model = TFAutoModelForSequenceClassification.from_pretrained(checkpoint("bert-base-uncased", quiet=True),
                                                                     num_labels=2)
    prepare = type(model).prepare_tf_dataset
    prepare = prepare.__wrapped__ if autotune else prepare  # __wrapped__: transformers' own, untouched
    train_set = prepare(model, encoded["train"], batch_size=32, shuffle=True, tokenizer=tokenizer)
    validation_set = prepare(model, encoded["validation"], batch_size=64, shuffle=False, tokenizer=tokenizer)
    epochs = 2 if quick else 3
    steps = len(train_set) * epochs
    optimizer, _ = create_optimizer(init_lr=8e-5, num_train_steps=steps, num_warmup_steps=steps // 10)
    model.compile(optimizer=optimizer, metrics=["accuracy"])
    clock = EpochClock()
    model.fit(train_set, validation_data=validation_set, epochs=epochs, callbacks=[clock], verbose=0)
    # begins has one entry more than ends: the train end (on_train_end), which closes the last wait.
    epoch_seconds = [end - begin for begin, end in zip(clock.begins[:-1], clock.ends, strict=True)]
    idle_seconds = [begin - end for end, begin in zip(clock.ends, clock.begins[1:], strict=True)]
    return (f"epochs {' '.join(f'{s:5.1f}' for s in epoch_seconds)} s;  "
            f"idle after each {' '.join(f'{s:5.1f}' for s in idle_seconds)} s;  "
            f"fit {clock.begins[-1] - clock.begins[0]:5.1f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tiny random BERT on 64 reviews, 2 epochs")
    parser.add_argument("--autotune", choices=SETUPS, help="run one set-up in this process (used internally)")
    args = parser.parse_args(argv)
    if args.autotune:
        print(train(args.autotune == "on", args.quick), flush=True)
        return

    model = "tiny random BERT (--quick)" if args.quick else "all-MiniLM-L6-v2 + classifier, as in notebook 08"
    print(f"{machine()}\nmodel: {model}\n", flush=True)
    for setup, name in SETUPS.items():
        command = [sys.executable, __file__, f"--autotune={setup}"] + (["--quick"] if args.quick else [])
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"The run with {name} failed:\n{done.stderr[-3000:]}")
        print(f"{name:40} {done.stdout.strip().splitlines()[-1]}", flush=True)


if __name__ == "__main__":
    main()
