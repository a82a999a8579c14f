"""Train the review classifier with MultiWorkerMirroredStrategy: one process per worker (notebook 10).

Every worker runs this same file. What tells them apart is the environment variable TF_CONFIG:
the addresses of all the workers (the "cluster") and this process's own place in it (the "task").
Worker 0 is the chief: it would save checkpoints and logs; the others only help compute.

    python scripts/multi_worker_train.py --workers 2     # start 2 workers on 127.0.0.1 and print their results

With --workers, this process is only the launcher: it picks free ports, starts the workers with
their TF_CONFIG, waits for them, and always stops and reaps them (notebook 10 does the same inline).
Without it, the process is one worker and reads TF_CONFIG; on several machines you would start it
once per machine with that machine's TF_CONFIG.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "RESULT "  # marks the one line of stdout the launcher parses


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Ports the operating system has just seen free (bound to port 0, then released)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((host, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tf_config(addresses: list[str], index: int) -> dict:
    """The TF_CONFIG of worker ``index`` in a cluster of workers at ``addresses`` ("host:port")."""
    return {"cluster": {"worker": list(addresses)}, "task": {"type": "worker", "index": index}}


def launch(workers: int, worker_args: list[str], timeout: float = 300) -> list[dict]:
    """Start ``workers`` local worker processes, wait for them, and return their results, chief first.

    Whatever happens (an error, a timeout, Ctrl-C), every process is killed if still running
    and reaped, so no process or port is left behind.
    """
    addresses = [f"127.0.0.1:{port}" for port in free_ports(workers)]
    processes = []
    try:
        for index in range(workers):
            env = {**os.environ, "TF_CONFIG": json.dumps(tf_config(addresses, index))}
            processes.append(subprocess.Popen(
                [sys.executable, __file__, *worker_args], env=env, cwd=REPO_ROOT,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        outputs = [process.communicate(timeout=timeout) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait()
    results = []
    for index, (process, (stdout, stderr)) in enumerate(zip(processes, outputs, strict=True)):
        lines = [line for line in stdout.splitlines() if line.startswith(RESULT_PREFIX)]
        if process.returncode != 0 or not lines:
            raise RuntimeError(f"worker {index} failed (exit code {process.returncode}):\n{stderr[-3000:]}")
        results.append(json.loads(lines[-1][len(RESULT_PREFIX):]))
    return results


def train(args: argparse.Namespace) -> dict:
    """One worker's part of the training; every worker runs exactly this."""
    sys.path.insert(0, str(REPO_ROOT))
    from utils.environment import quiet_start, seed_everything

    quiet_start()  # Keras 2 for transformers, offline, quiet
    import tensorflow as tf

    # Create the strategy first: it reads TF_CONFIG and connects to the other workers
    # before TensorFlow builds anything else.
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    seed_everything()  # same seed on every worker, so they start from the same classifier weights
    task = strategy.cluster_resolver.task_id
    address = json.loads(os.environ["TF_CONFIG"])["cluster"]["worker"][task]

    from datasets import load_dataset
    from transformers import AutoTokenizer, TFAutoModelForSequenceClassification

    from utils.data import review_files
    from utils.hub import checkpoint

    tokenizer = AutoTokenizer.from_pretrained(checkpoint("bert-base-uncased", quiet=True))
    reviews = load_dataset("csv", data_files=review_files())["train"].shuffle(seed=42).select(range(args.examples))
    reviews = reviews.map(lambda batch: tokenizer(batch["text"], truncation=True, max_length=args.max_length),
                          batched=True)
    with strategy.scope():  # variables created here are mirrored on every worker
        model = TFAutoModelForSequenceClassification.from_pretrained(
            checkpoint("bert-base-uncased", quiet=True), num_labels=2, num_hidden_layers=args.layers)
        model.compile(optimizer=tf.keras.optimizers.Adam(args.learning_rate), metrics=["accuracy"])
    # The global batch: each step, every worker takes its share of it.
    train_set = model.prepare_tf_dataset(reviews, batch_size=args.batch_size, shuffle=True, tokenizer=tokenizer,
                                         drop_remainder=True)
    options = tf.data.Options()  # shard by element: the data is in memory, not in one file per worker
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    history = model.fit(train_set.with_options(options), epochs=args.epochs, verbose=0)
    return {
        "worker": task,
        "role": "chief" if task == 0 else "worker",
        "address": address,
        "pid": os.getpid(),
        "replicas": strategy.num_replicas_in_sync,
        "steps": int(model.optimizer.iterations.numpy()),
        "loss": round(history.history["loss"][-1], 4),
        "weights_checksum": round(float(tf.add_n([tf.reduce_sum(w) for w in model.trainable_weights])), 3),
    }


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=0, help="launch this many local workers (launcher mode)")
    parser.add_argument("--examples", type=int, default=128, help="training reviews (a subset of the train split)")
    parser.add_argument("--max-length", type=int, default=64, help="truncate reviews to this many tokens")
    parser.add_argument("--batch-size", type=int, default=32, help="GLOBAL batch size, split among the workers")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--layers", type=int, default=6, help="keep the first N of the checkpoint's 6 layers")
    parser.add_argument("--learning-rate", type=float, default=5e-5)
    parser.add_argument("--timeout", type=float, default=300, help="seconds before the launcher stops the workers")
    args = parser.parse_args(argv)
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
