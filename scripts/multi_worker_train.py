"""Train the review classifier with MultiWorkerMirroredStrategy: one process per worker (notebook 10).

Every worker runs this same file. What tells them apart is the environment variable TF_CONFIG:
the addresses of all the workers (the "cluster") and this process's own place in it (the "task").
Worker 0 is the chief: it would save checkpoints and logs; the others only help compute.

    python scripts/multi_worker_train.py --workers 2     # start 2 workers on 127.0.0.1 and print their results

With --workers, this process is only the launcher: it picks free ports, starts the workers with
their TF_CONFIG, waits for them, and always stops and reaps them (as notebook 10 does, with the same
helpers from utils/processes.py).
Without it, the process is one worker and reads TF_CONFIG; on several machines you would start it
once per machine with that machine's TF_CONFIG.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # utils/, when run as `python scripts/multi_worker_train.py`

from utils.loopback import free_ports  # noqa: E402
from utils.processes import result_line, run_processes  # noqa: E402

RESULT_PREFIX = "RESULT "  # marks the one line of stdout the launcher parses


def tf_config(addresses: list[str], index: int) -> dict:
    """The TF_CONFIG of worker ``index`` in a cluster of workers at ``addresses`` ("host:port")."""
    return {"cluster": {"worker": list(addresses)}, "task": {"type": "worker", "index": index}}


def local_worker_env(addresses: list[str], index: int) -> dict:
    """The environment of local worker ``index``: this one's, its TF_CONFIG, and no GPU. Workers on one machine
    would all open the same GPUs (on a Colab GPU runtime, two processes on one GPU), so they train on the CPU."""
    return {**os.environ, "TF_CONFIG": json.dumps(tf_config(addresses, index)), "CUDA_VISIBLE_DEVICES": ""}


def launch(workers: int, worker_args: list[str], timeout: float = 300) -> list[dict]:
    """Start ``workers`` local worker processes, wait for them, and return their results, chief first.

    Whatever happens (an error, a timeout, Ctrl-C), every process is killed if still running
    and reaped, so no process or port is left behind (``utils.processes.run_processes``).
    """
    addresses = [f"127.0.0.1:{port}" for port in free_ports(workers)]
    envs = [local_worker_env(addresses, index) for index in range(workers)]
    finished = run_processes([[sys.executable, __file__, *worker_args]] * workers, envs, timeout=timeout,
                             cwd=REPO_ROOT)
    results = []
    for index, process in enumerate(finished):
        if process.returncode != 0 or RESULT_PREFIX not in process.stdout:
            raise RuntimeError(f"worker {index} failed (exit code {process.returncode}):\n{process.stderr[-3000:]}")
        results.append(result_line(process.stdout, RESULT_PREFIX))
    return results


def build_classifier(checkpoint: str, layers: int, frozen_layers: int):
    """The classifier every worker trains, as in notebook 10: the first ``layers`` layers of the encoder, the
    mean of the real tokens' vectors, a dense layer with one output per label; the word embeddings and the
    lowest ``frozen_layers`` layers stay as pretrained."""
    import tensorflow as tf
    from transformers import TFAutoModel

    encoder = TFAutoModel.from_pretrained(checkpoint, num_hidden_layers=layers)
    encoder.bert.embeddings.trainable = False
    for layer in encoder.bert.encoder.layer[:frozen_layers]:
        layer.trainable = False
    encoder.bert.pooler.trainable = False  # not used: the head reads the mean of the tokens
    input_ids = tf.keras.Input(shape=(None,), dtype=tf.int32, name="input_ids")
    attention_mask = tf.keras.Input(shape=(None,), dtype=tf.int32, name="attention_mask")
    tokens = encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    mask = tf.cast(attention_mask, tokens.dtype)[:, :, tf.newaxis]
    review = tf.reduce_sum(tokens * mask, axis=1) / tf.reduce_sum(mask, axis=1)
    logits = tf.keras.layers.Dense(2, name="classifier")(review)
    return tf.keras.Model({"input_ids": input_ids, "attention_mask": attention_mask}, logits)


def train(args: argparse.Namespace) -> dict:
    """One worker's part of the training; every worker runs exactly this."""
    from utils.environment import SEED, quiet_start, seed_everything

    quiet_start()  # Keras 2 for transformers, offline, quiet
    import tensorflow as tf

    if args.threads:  # e.g. one core per worker, as if each had a machine of its own
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    # Create the strategy first: it reads TF_CONFIG and connects to the other workers
    # before TensorFlow builds anything else.
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    seed_everything()  # same seed on every worker, so they start from the same classifier weights
    task = strategy.cluster_resolver.task_id
    address = json.loads(os.environ["TF_CONFIG"])["cluster"]["worker"][task]

    from datasets import load_dataset
    from transformers import AutoTokenizer, DataCollatorWithPadding

    from utils.data import review_files
    from utils.hub import checkpoint

    tokenizer = AutoTokenizer.from_pretrained(checkpoint("bert-base-uncased", quiet=True))
    reviews = load_dataset("csv", data_files=review_files())
    if args.examples:
        reviews["train"] = reviews["train"].shuffle(seed=SEED).select(range(args.examples))
    reviews = reviews.map(lambda batch: tokenizer(batch["text"], truncation=True, max_length=args.max_length),
                          batched=True)
    options = tf.data.Options()  # shard by element: the data is in memory, not in one file per worker
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    options.autotune.enabled = False  # nothing to tune in memory (see utils.environment)

    def batches(split: str, shuffle: bool):
        # The global batch: each step, every worker takes its share of it.
        return reviews[split].to_tf_dataset(
            columns=["input_ids", "attention_mask"], label_cols="label", batch_size=args.batch_size,
            shuffle=shuffle, collate_fn=DataCollatorWithPadding(tokenizer, return_tensors="np"),
        ).with_options(options)

    with strategy.scope():  # variables created here are mirrored on every worker
        model = build_classifier(checkpoint("bert-base-uncased", quiet=True), args.layers, args.frozen_layers)
        model.compile(optimizer=tf.keras.optimizers.Adam(args.learning_rate),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(batches("train", shuffle=True), epochs=args.epochs, verbose=0)
    _, test_accuracy = model.evaluate(batches("test", shuffle=False), verbose=0)
    return {
        "worker": task,
        "role": "chief" if task == 0 else "worker",
        "address": address,
        "pid": os.getpid(),
        "replicas": strategy.num_replicas_in_sync,
        "steps": int(model.optimizer.iterations.numpy()),
        "loss": round(history.history["loss"][-1], 4),
        "test_accuracy": round(test_accuracy, 4),
        "weights_checksum": round(float(tf.add_n([tf.reduce_sum(w) for w in model.trainable_weights])), 3),
    }


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=0, help="launch this many local workers (launcher mode)")
    parser.add_argument("--examples", type=int, default=0, help="training reviews (a subset; 0: all 1,367)")
    parser.add_argument("--max-length", type=int, default=48, help="truncate reviews to this many tokens")
    parser.add_argument("--batch-size", type=int, default=32, help="GLOBAL batch size, split among the workers")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--layers", type=int, default=4, help="keep the first N of the checkpoint's 6 layers")
    parser.add_argument("--frozen-layers", type=int, default=3, help="of those, the lowest N stay as pretrained")
    parser.add_argument("--learning-rate", type=float, default=4e-4)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads per worker (0: TensorFlow's choice)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before the launcher stops the workers")
    args = parser.parse_args(argv)
    if args.workers < 0 or args.examples < 0 or args.batch_size < 1 or args.layers < 1 or args.threads < 0:
        parser.error("--workers, --examples and --threads take 0 or more; --batch-size and --layers 1 or more")
    if not 0 <= args.frozen_layers < args.layers:
        parser.error(f"--frozen-layers={args.frozen_layers}: it takes 0 to {args.layers - 1} with --layers="
                     f"{args.layers} (at least one layer must train)")
    # The workers get the same training options, without the launcher's own.
    worker_args = [f"--{name.replace('_', '-')}={value}" for name, value in vars(args).items()
                   if name not in ("workers", "timeout")]
    return args, worker_args


def main(argv: list[str] | None = None) -> None:
    args, worker_args = parse_args(argv)
    if args.workers:
        for result in launch(args.workers, worker_args, timeout=args.timeout):
            print(json.dumps(result))
    else:
        print(RESULT_PREFIX + json.dumps(train(args)), flush=True)


if __name__ == "__main__":
    main()
