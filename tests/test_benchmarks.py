"""The benchmark scripts in --quick mode (a tiny random BERT): they run and print what their README quotes."""

import re
import subprocess
import sys

from utils import REPO_ROOT


def run_quick(script: str) -> str:
    done = subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / script), "--quick"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "model: tiny random BERT (--quick)" in done.stdout
    return done.stdout


def test_throughput_prints_one_ratio_per_setup():
    out = run_quick("finetune_throughput.py")
    assert "vs plain Keras" in out
    assert re.search(r"^matrix product 2048x384 by 384x1536, GFLOP/s: TensorFlow float32 \d+, PyTorch float32 \d+, "
                     r"TensorFlow bfloat16 \d+, PyTorch bfloat16 \d+$", out, re.MULTILINE), out[:600]
    rows = [line for line in out.splitlines() if line.startswith(("Keras", "PyTorch"))]
    assert [row.split("  ")[0] for row in rows] == [
        "Keras, plain", "Keras, XLA (jit_compile=True)", "Keras, mixed_bfloat16", "Keras, XLA + mixed_bfloat16",
        "PyTorch, plain loop (eager)", "PyTorch, bf16 autocast", "PyTorch, torch.compile",
        "PyTorch, torch.compile + bf16"]
    assert rows[0].split()[-2] == "1.00x"  # every figure is a ratio to the first row
    for row in rows:  # a figure for every set-up; torch.compile may instead say why it cannot run here
        figure = re.search(r"\d+\.\d+x +\d+\.\d{3}$", row)
        assert figure or ("compile" in row and "not available here: " in row), row


def test_epoch_stall_times_each_epoch_and_the_wait_after_it():
    out = run_quick("epoch_stall.py")
    rows = [line for line in out.splitlines() if line.startswith("autotuning")]
    assert [row.split("  ")[0] for row in rows] == [
        "autotuning on (TensorFlow's default)", "autotuning off (this project's setup())"]
    for row in rows:
        epochs, idle, fit = re.search(r"epochs (.+) s;  idle after each (.+) s;  fit (.+) s", row).groups()
        assert len(epochs.split()) == len(idle.split()) == 2  # --quick trains 2 epochs
        # fit spans its epochs and the waits; each of the three printed figures is rounded to 0.1 s (±0.05)
        assert float(fit) >= sum(map(float, epochs.split())) - 3 * 0.05 - 1e-9
