"""Processes, ports and streams: the plumbing around a lesson that starts other programs.

Notebook 10 starts two TensorFlow workers that talk over loopback ports (picked with
`utils.loopback.free_ports`), and so does `scripts/multi_worker_train.py`; these helpers run the
processes, make sure none outlives the call, read their one-line results, and hide what native code
prints on stderr.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence


def is_running(pid: int) -> bool:
    """True while a process with this id exists (a finished process that was reaped no longer does)."""
    try:
        os.kill(pid, 0)  # signal 0 delivers nothing: it only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, but belongs to another user
        return True
    return True


def run_processes(commands: Sequence[Sequence[str]], envs: Sequence[Mapping[str, str]] | None = None,
                  timeout: float = 300, cwd: str | os.PathLike | None = None) -> list[subprocess.CompletedProcess]:
    """Start every command at once, wait until all have finished, and return them in order
    (``returncode``, ``stdout``, ``stderr`` as text).

    Whatever happens (a timeout, an error, Ctrl-C), every process still running is killed and every
    process is reaped before this returns or raises, so none is left behind. ``timeout`` is in
    seconds for the whole group; past it, ``subprocess.TimeoutExpired`` is raised. The outputs go
    to temporary files, not pipes, so a process that prints a lot never blocks waiting for a reader.
    """
    if not commands or any(isinstance(command, str) or not command for command in commands):
        raise ValueError("commands must be a non-empty list of commands, each a list of arguments")
    if envs is not None and len(envs) != len(commands):
        raise ValueError(f"one environment per command: {len(commands)} commands, {len(envs)} environments")
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}")
    envs = envs if envs is not None else [os.environ] * len(commands)
    processes, files = [], []
    deadline = time.monotonic() + timeout
    try:
        for command, env in zip(commands, envs, strict=True):
            stdout, stderr = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
            files += [stdout, stderr]
            processes.append(subprocess.Popen(list(command), env=dict(env), cwd=cwd, stdout=stdout, stderr=stderr,
                                              text=True))
        for process in processes:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        finished = []
        for process, stdout, stderr in zip(processes, files[::2], files[1::2], strict=True):
            stdout.seek(0)
            stderr.seek(0)
            finished.append(subprocess.CompletedProcess(process.args, process.returncode, stdout.read(),
                                                        stderr.read()))
        return finished
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait()
        for file in files:
            file.close()


def result_line(output: str, prefix: str = "RESULT ") -> dict:
    """The JSON object on the last line of ``output`` that starts with ``prefix``."""
    lines = [line for line in output.splitlines() if line.startswith(prefix)]
    if not lines:
        raise ValueError(f"no line starting with {prefix!r} in the output (last lines: {output[-300:]!r})")
    return json.loads(lines[-1][len(prefix):])


@contextlib.contextmanager
def native_stderr_hidden() -> Iterator[None]:
    """Hide what native (C++) code writes to this process's stderr while the block runs.

    TensorFlow 2.20 prints "Compiled cluster using XLA!" from C++ whatever its log level, straight to
    file descriptor 2, which Python's ``sys.stderr`` cannot filter: point that descriptor at
    /dev/null for the block, then put it back. (In Jupyter, Python's ``sys.stderr`` is another stream
    and still shows; in a plain script it writes to descriptor 2 and is hidden too.)
    """
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
