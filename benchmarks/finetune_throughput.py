"""Fine-tuning throughput on this machine: Keras and PyTorch, each plain and at its best settings.

Notebook 10 measures the Keras figures live; this script measures them outside the notebook, in
one process, one after the other, on the same data, model and batch size: Keras plain, with XLA and
with mixed_bfloat16; PyTorch eager, with bfloat16 autocast and with torch.compile. Every figure is
examples per second of training (forward, backward and optimizer step), after one untimed step that
builds or compiles the graph, and is printed as a ratio to the plain Keras loop of the same run.
A set-up this machine cannot run (torch.compile needs a C++ compiler) prints why instead of a figure.
Results: benchmarks/README.md.

    python benchmarks/finetune_throughput.py            # the full model (minutes: torch.compile compiles first)
    python benchmarks/finetune_throughput.py --quick    # a tiny random BERT: checks the code
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from utils.environment import SEED, hide_head_notices, quiet_start, seed_everything  # noqa: E402

quiet_start()  # before TensorFlow is imported: Keras 2, offline, quiet

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

TF_CONFIGS = {  # name -> (jit_compile, Keras mixed-precision policy)
    "Keras, plain": (False, "float32"),
    "Keras, XLA (jit_compile=True)": (True, "float32"),
    "Keras, mixed_bfloat16": (False, "mixed_bfloat16"),
    "Keras, XLA + mixed_bfloat16": (True, "mixed_bfloat16"),
}
TORCH_CONFIGS = {  # name -> (bfloat16 autocast, torch.compile)
    "PyTorch, plain loop (eager)": (False, False),
    "PyTorch, bf16 autocast": (True, False),
    "PyTorch, torch.compile": (False, True),
    "PyTorch, torch.compile + bf16": (True, True),
}
TINY = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64}


def reviews(tokenizer, examples: int, max_length: int):
    """The first ``examples`` shuffled training reviews, padded to ``max_length`` (one shape: no retracing)."""
    from datasets import load_dataset

    from utils.data import review_files

    data = load_dataset("csv", data_files=review_files())["train"].shuffle(seed=SEED).select(range(examples))
    return data.map(lambda batch: tokenizer(batch["text"], truncation=True, max_length=max_length,
                                            padding="max_length"), batched=True)


def keras_throughput(data, args, jit_compile: bool, policy: str) -> tuple[float, float, float]:
    """(seconds for the first step, examples per second after it, final loss) for one Keras set-up."""
    from transformers import BertConfig, TFAutoModelForSequenceClassification, TFBertForSequenceClassification

    from utils.hub import checkpoint

    tf.keras.backend.clear_session()
    tf.keras.mixed_precision.set_global_policy(policy)
    seed_everything()
    try:
        if args.quick:
            model = TFBertForSequenceClassification(BertConfig(num_labels=2, **TINY))
        else:
            model = TFAutoModelForSequenceClassification.from_pretrained(
                checkpoint("bert-base-uncased", quiet=True), num_labels=2)
        model.compile(optimizer=tf.keras.optimizers.Adam(args.learning_rate), jit_compile=jit_compile)
        batches = model.prepare_tf_dataset(data, batch_size=args.batch_size, shuffle=False, drop_remainder=True)
        batches = batches.cache().repeat()
        started = time.perf_counter()
        model.fit(batches, steps_per_epoch=1, verbose=0)  # builds (and with XLA compiles) the train step
        first_step = time.perf_counter() - started
        started = time.perf_counter()
        history = model.fit(batches, steps_per_epoch=args.steps, verbose=0)
        seconds = time.perf_counter() - started
    finally:
        tf.keras.mixed_precision.set_global_policy("float32")
    return first_step, args.steps * args.batch_size / seconds, history.history["loss"][-1]


def torch_throughput(data, args, bf16: bool, compiled: bool) -> tuple[float, float, float]:
    """The same for a PyTorch loop on the checkpoint's original PyTorch weights: eager or ``torch.compile``d,
    in float32 or under bfloat16 autocast (the weights and optimizer stay float32, as with mixed_bfloat16)."""
    import torch
    from transformers import AutoModelForSequenceClassification, BertConfig, BertForSequenceClassification

    from zoo.minilm import source_dir

    torch.manual_seed(SEED)
    torch.set_num_threads(os.cpu_count() or 1)  # TensorFlow uses every core too
    if args.quick:
        model = BertForSequenceClassification(BertConfig(num_labels=2, **TINY))
    else:  # the weights tf_model.h5 was converted from (the TF checkpoint folder has no PyTorch file)
        model = AutoModelForSequenceClassification.from_pretrained(source_dir(), num_labels=2)
    model.train()
    forward = torch.compile(model) if compiled else model
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    columns = ["input_ids", "token_type_ids", "attention_mask", "label"]
    loader = torch.utils.data.DataLoader(data.with_format("torch", columns=columns), batch_size=args.batch_size,
                                         drop_last=True)
    batches = [{("labels" if key == "label" else key): value for key, value in batch.items()} for batch in loader]

    def step(batch) -> float:
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = forward(**batch).loss
        loss.backward()
        optimizer.step()
        return loss.item()

    started = time.perf_counter()
    step(batches[0])  # with torch.compile: traces and compiles the forward and backward passes
    first_step = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(args.steps):
        loss = step(batches[i % len(batches)])
    seconds = time.perf_counter() - started
    return first_step, args.steps * args.batch_size / seconds, loss


def matmul_speeds(rows: int = 2048, inner: int = 384, columns: int = 1536, repeats: int = 30) -> str:
    """GFLOP/s of one matrix product the size of a feed-forward layer's (tokens x hidden x 4 hidden), in float32
    and bfloat16, in TensorFlow and in PyTorch: whether this CPU multiplies bfloat16 faster, all else aside."""
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    products = {}
    for name in ("float32", "bfloat16"):
        a, b = tf.random.normal((rows, inner), dtype=name), tf.random.normal((inner, columns), dtype=name)
        products[f"TensorFlow {name}"] = lambda a=a, b=b: tf.matmul(a, b)  # eager on a CPU: returns when done
        dtype = getattr(torch, name)
        a, b = torch.randn(rows, inner, dtype=dtype), torch.randn(inner, columns, dtype=dtype)
        products[f"PyTorch {name}"] = lambda a=a, b=b: a @ b
    speeds = []
    for name, multiply in products.items():
        multiply()
        started = time.perf_counter()
        for _ in range(repeats):
            multiply()
        speeds.append(f"{name} {2 * rows * inner * columns * repeats / (time.perf_counter() - started) / 1e9:.0f}")
    return f"matrix product {rows}x{inner} by {inner}x{columns}, GFLOP/s: " + ", ".join(speeds)


def machine() -> str:
    """The CPU by name (the ratios differ between CPUs), its bfloat16 instructions, and the versions."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    fields = dict(line.split(":", 1) for line in cpuinfo.splitlines()[:30] if ":" in line)  # the first core's
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    cpu = (f"{fields['model name']} (family {fields.get('cpu family')}, model {fields.get('model')})"
           if "model name" in fields else platform.machine())
    bf16 = [flag for flag in ("avx512_bf16", "amx_bf16") if flag in cpuinfo.split()] or ["none seen"]
    return (f"{cpu}, {os.cpu_count()} cores, bfloat16 instructions: "
            f"{', '.join(bf16)}; Python {platform.python_version()}, tensorflow {version('tensorflow')}, "
            f"transformers {version('transformers')}, torch {version('torch')}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tiny random BERT and 2 timed steps")
    parser.add_argument("--examples", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--steps", type=int, default=8, help="timed training steps per set-up")
    parser.add_argument("--learning-rate", type=float, default=5e-5)
    parser.add_argument("--only", nargs="*", help="run only the set-ups whose name contains one of these words")
    args = parser.parse_args(argv)
    if args.quick:
        args.examples, args.batch_size, args.max_length, args.steps = 32, 8, 32, 2

    from transformers import AutoTokenizer

    from utils.hub import checkpoint

    hide_head_notices()  # every load says the classifier head is new: we know

    tokenizer = AutoTokenizer.from_pretrained(checkpoint("bert-base-uncased", quiet=True))
    data = reviews(tokenizer, args.examples, args.max_length)
    model = "tiny random BERT (--quick)" if args.quick else "all-MiniLM-L6-v2 + classifier (6 layers, 22.7M)"
    print(f"{machine()}\n{matmul_speeds()}\nmodel: {model}; batch {args.batch_size} x {args.max_length} tokens, "
          f"{args.steps} timed steps after 1 untimed\n", flush=True)

    runs = {name: (lambda c=config: keras_throughput(data, args, *c)) for name, config in TF_CONFIGS.items()}
    runs.update({name: (lambda c=config: torch_throughput(data, args, *c)) for name, config in TORCH_CONFIGS.items()})
    if args.only:
        runs = {name: run for name, run in runs.items()
                if name == "Keras, plain" or any(word.lower() in name.lower() for word in args.only)}
    header = f"{'set-up':32} {'first step':>10} {'examples/s':>10} {'vs plain Keras':>14} {'loss':>6}"
    print(header + "\n" + "-" * len(header), flush=True)
    baseline = None
    for name, run in runs.items():
        try:
            first_step, speed, loss = run()
        except Exception as error:  # torch.compile without a working C++ compiler, for instance: say so, go on
            if "compile" not in name:
                raise
            print(f"{name:32} not available here: {type(error).__name__}: {str(error).splitlines()[0][:80]}")
            continue
        baseline = baseline or speed
        print(f"{name:32} {first_step:>9.1f}s {speed:>10.1f} {speed / baseline:>13.2f}x {loss:>6.3f}", flush=True)
    print(f"\n(loss: the last timed step's, a sanity check that each set-up trains: {np.log(2):.3f} is chance)")


if __name__ == "__main__":
    main()
