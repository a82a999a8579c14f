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
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Variant:
    imitates: str
    env: dict[str, str] = field(default_factory=dict)
    cpus: set[int] | None = None  # the CPUs the run may use (None: all)
    busy: bool = False  # one spinning process per core beside the run
    # Cells whose source matches are left out, for the reason given: what the imitation cannot do.
    leaves_out: tuple[str, str] | None = None


# TensorFlow hands bfloat16 work to oneDNN when the CPU has AVX-512 (IsBF16SupportedByOneDNNOnThisCPU reads
# the CPU, not the cap), and oneDNN capped at AVX2 has no bfloat16 kernels: the kernel dies (segfault). A real
# AVX2 CPU has no AVX-512, so TensorFlow runs its own bfloat16 kernels there. The cap cannot imitate that.
BF16_UNDER_AVX2 = (r'set_global_policy\("mixed_bfloat16"\)',
                   "a bfloat16 model: TensorFlow picks its bfloat16 kernels from the real CPU, which the AVX2 cap "
                   "cannot hide (it crashes here, not on a real AVX2 CPU)")

VARIANTS = {
    "default": Variant("this machine as it is"),
    "one-core": Variant("a laptop with one core: TensorFlow runs one thread", cpus={0}),
    "onednn-off": Variant("TensorFlow's Eigen kernels, as on Apple silicon", {"TF_ENABLE_ONEDNN_OPTS": "0"}),
    "avx2": Variant("an older x86 CPU: oneDNN limited to AVX2", {"ONEDNN_MAX_CPU_ISA": "AVX2"},
                    leaves_out=BF16_UNDER_AVX2),
    "under-load": Variant("a busy laptop: one spinning process per core beside the run", busy=True),
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


def pytest_collection_modifyitems(config, items):
    """As a pytest plugin (run_variant passes `-p nbval_variants`): leave out the cells the variant cannot run."""
    variant = VARIANTS.get(os.environ.get("NBVAL_VARIANT", ""))
    if not (variant and variant.leaves_out):
        return
    pattern, reason = variant.leaves_out
    left_out = [item for item in items if re.search(pattern, getattr(getattr(item, "cell", None), "source", ""))]
    for item in left_out:
        print(f"\nleft out: {item.nodeid}, {reason}")
    config.hook.pytest_deselected(items=left_out)
    items[:] = [item for item in items if item not in left_out]


def run_variant(name: str, pytest_args: list[str], paths: tuple[str, ...] = ("notebooks",)) -> tuple[bool, float]:
    variant = VARIANTS[name]
    scripts = str(ROOT / "scripts")  # so that pytest finds this module as a plugin
    env = {**os.environ, **variant.env, "HF_HUB_OFFLINE": "1", "NBVAL_VARIANT": name,
           "PYTHONPATH": os.pathsep.join(filter(None, [scripts, os.environ.get("PYTHONPATH")]))}
    env.pop("TUTORIAL_USE_HUB", None)  # the committed outputs are the offline ones
    command = [sys.executable, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider", "-p", "nbval_variants",
               *pytest_args]
    pin = (lambda: os.sched_setaffinity(0, variant.cpus)) if variant.cpus else None  # the kernels inherit it
    started = time.perf_counter()
    with busy_cores(variant.busy):
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
        print(f"\n=== nbval variant '{name}': {VARIANTS[name].imitates}", flush=True)
        results[name] = run_variant(name, pytest_args)
    print("\nnbval variants:")
    for name, (passed, seconds) in results.items():
        print(f"  {name:11} {'passed' if passed else 'FAILED'} in {seconds:.0f} s")
    return 0 if all(passed for passed, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
