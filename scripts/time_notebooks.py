"""Time every notebook as the tests run it, and record the figures the docs quote.

    python scripts/time_notebooks.py                  # all notebooks; writes benchmarks/notebook_times.json
    python scripts/time_notebooks.py notebooks/08_*   # some of them (their entries are replaced, others kept)

Each notebook runs under nbval in a pytest process of its own (kernel start included), as a learner's
"Run All" would, while a sampler records the peak resident memory of that process and its children
(the kernel). Then `python scripts/stamp_notebooks.py` writes the table of docs/workshop.md from the
file, so the docs quote the measurement and nothing else. Run it on a quiet machine: the times are
the machine's, not the notebooks'.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "benchmarks" / "notebook_times.json"


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux's /proc; elsewhere just ``pid``)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.parent.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(found[-1], []))
    return found


def resident_mb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) // 1024 for line in status.splitlines() if line.startswith("VmRSS")), 0)


def run_timed(notebook: Path) -> tuple[bool, float, int | None]:
    """(passed, seconds, peak MB of the largest process: the kernel) for one notebook under nbval."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("TUTORIAL_USE_HUB", None)
    command = [sys.executable, "-m", "pytest", str(notebook.relative_to(ROOT)), "-q", "-p", "no:cacheprovider"]
    peak, started = 0, time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.5):
            peak = max([peak, *(resident_mb(pid) for pid in descendants(process.pid))])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    passed = process.wait() == 0
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return passed, seconds, peak if Path("/proc").is_dir() else None


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def main(argv: list[str]) -> int:
    notebooks = [ROOT / arg for arg in argv] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = [str(path) for path in notebooks if not path.is_file()]
    if missing:
        print(f"No such notebook: {', '.join(missing)}. Give paths like notebooks/08_fine_tuning_with_keras.ipynb.",
              file=sys.stderr)
        return 2
    record = json.loads(RECORD.read_text()) if RECORD.exists() else {"notebooks": {}}
    failed = []
    for notebook in notebooks:
        passed, seconds, peak_mb = run_timed(notebook)
        verdict = "passed" if passed else "FAILED"
        print(f"{notebook.stem:42} {verdict:6} {seconds:5.0f} s, peak {peak_mb} MB", flush=True)
        if not passed:
            failed.append(notebook.name)
            continue
        record["notebooks"][notebook.stem] = {"seconds": round(seconds), "peak_memory_mb": peak_mb}
    record.update(measured=date.today().isoformat(), cpu=cpu_name(), cores=os.cpu_count(),
                  python=platform.python_version())
    record["notebooks"] = dict(sorted(record["notebooks"].items()))
    RECORD.write_text(json.dumps(record, indent=2) + "\n")
    print(f"Wrote {RECORD.relative_to(ROOT)}; now run: python scripts/stamp_notebooks.py")
    if failed:
        print(f"Not recorded, their tests failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
