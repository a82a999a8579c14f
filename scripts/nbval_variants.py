"""`make variants`: re-run every notebook under nbval as other machines would run it.

The committed outputs are made on one CPU with two cores. A learner's laptop has another CPU (its
float32 kernels round differently) and another number of cores (TensorFlow splits its sums by thread),
and it may be busy with other work. Each variant imitates one of these on this machine; a committed
output that changes under any of them depends on the machine and must be printed differently.

    python scripts/nbval_variants.py                     # every variant, in order
    python scripts/nbval_variants.py one-core onednn-off # some of them (what .ci/run does)

Exit status 0 only when every variant passed. Extra pytest arguments go after `--`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name -> (what it imitates, environment variables it sets, CPUs the run may use or None for all, busy cores?)
VARIANTS: dict[str, tuple[str, dict[str, str], set[int] | None, bool]] = {
    "default": ("this machine as it is", {}, None, False),
    "one-core": ("a laptop with one core: TensorFlow runs one thread", {}, {0}, False),
    "onednn-off": ("TensorFlow's Eigen kernels, as on Apple silicon", {"TF_ENABLE_ONEDNN_OPTS": "0"}, None, False),
    "avx2": ("an older x86 CPU: oneDNN limited to AVX2", {"ONEDNN_MAX_CPU_ISA": "AVX2"}, None, False),
    "under-load": ("a busy laptop: one spinning process per core beside the run", {}, None, True),
}


@contextmanager
def busy_cores(enabled: bool):
    """Keep every core busy with a spinning process while the block runs (bounded: stopped on exit)."""
    spinners = []
    if enabled:
        for _ in range(os.cpu_count() or 1):
            spinners.append(subprocess.Popen([sys.executable, "-c", "while True: pass"]))
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def run_variant(name: str, pytest_args: list[str], paths: tuple[str, ...] = ("notebooks",)) -> tuple[bool, float]:
    _, extra_env, cpus, busy = VARIANTS[name]
    env = {**os.environ, **extra_env, "HF_HUB_OFFLINE": "1"}
    env.pop("TUTORIAL_USE_HUB", None)  # the committed outputs are the offline ones
    command = [sys.executable, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider", *pytest_args]
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None  # the kernels inherit the affinity
    started = time.perf_counter()
    with busy_cores(busy):
        result = subprocess.run(command, cwd=ROOT, env=env, preexec_fn=pin)
    return result.returncode == 0, time.perf_counter() - started


def main(argv: list[str]) -> int:
    split = argv.index("--") if "--" in argv else len(argv)
    names, pytest_args = argv[:split] or list(VARIANTS), argv[split + 1 :]
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        print(f"Unknown variant(s): {', '.join(unknown)}. Choose from: {', '.join(VARIANTS)}.", file=sys.stderr)
        return 2
    results = {}
    for name in names:
        print(f"\n=== nbval variant '{name}': {VARIANTS[name][0]}", flush=True)
        results[name] = run_variant(name, pytest_args)
    print("\nnbval variants:")
    for name, (passed, seconds) in results.items():
        print(f"  {name:11} {'passed' if passed else 'FAILED'} in {seconds:.0f} s")
    return 0 if all(passed for passed, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
