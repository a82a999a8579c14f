"""utils.processes: processes that never outlive the call, result lines, hidden native stderr."""

import os
import subprocess
import sys
import time

import pytest

from utils.processes import is_running, native_stderr_hidden, result_line, run_processes

PYTHON = sys.executable


def test_run_processes_returns_each_output_in_order():
    commands = [[PYTHON, "-c", f"import os, sys; print(os.environ['WHO']); print('err {i}', file=sys.stderr)"]
                for i in range(2)]
    envs = [{**os.environ, "WHO": name} for name in ("chief", "worker")]
    done = run_processes(commands, envs, timeout=60)
    assert [(p.returncode, p.stdout, p.stderr) for p in done] == [(0, "chief\n", "err 0\n"), (0, "worker\n", "err 1\n")]


def test_is_running_sees_this_process_and_not_a_reaped_one():
    assert is_running(os.getpid())
    finished = subprocess.run([PYTHON, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert not is_running(int(finished.stdout))


def test_a_failing_process_is_reported_not_raised():
    (done,) = run_processes([[PYTHON, "-c", "raise SystemExit(3)"]], timeout=60)
    assert done.returncode == 3


def test_a_process_that_prints_a_lot_does_not_block():
    # 1 MB on stdout, far beyond a pipe's buffer: with pipes read one after the other this would hang.
    done = run_processes([[PYTHON, "-c", "print('x' * 1_000_000)"], [PYTHON, "-c", "print('ok')"]], timeout=60)
    assert len(done[0].stdout) == 1_000_001 and done[1].stdout == "ok\n"


def test_processes_past_the_timeout_are_killed_and_reaped(tmp_path):
    pid_file = tmp_path / "pids"
    sleeper = [PYTHON, "-c", f"import os, time; open({str(pid_file)!r}, 'a').write(f'{{os.getpid()}}\\n'); "
                             "time.sleep(60)"]
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        run_processes([sleeper, sleeper], timeout=3)
    assert time.monotonic() - started < 30  # one timeout for the group, not one per process
    pids = [int(line) for line in pid_file.read_text().split()]
    assert len(pids) == 2 and not any(is_running(pid) for pid in pids)


@pytest.mark.parametrize("commands, envs, timeout, message", [
    ([], None, 10, "non-empty"),
    (["python -c 1"], None, 10, "list of arguments"),
    ([[PYTHON, "-c", "1"]], [{}, {}], 10, "one environment per command"),
    ([[PYTHON, "-c", "1"]], None, 0, "positive number of seconds"),
])
def test_bad_arguments_are_refused_before_anything_starts(commands, envs, timeout, message):
    with pytest.raises(ValueError, match=message):
        run_processes(commands, envs, timeout=timeout)


def test_result_line_reads_the_last_marked_line():
    output = 'loading...\nRESULT {"loss": 1}\nmore\nRESULT {"loss": 0.5}\n'
    assert result_line(output) == {"loss": 0.5}
    with pytest.raises(ValueError, match="no line starting with 'RESULT '"):
        result_line("Traceback ...\nKeyError: 'x'\n")


def test_native_stderr_hidden_hides_descriptor_2_and_puts_it_back():
    code = ("import os\nfrom utils.processes import native_stderr_hidden\n"
            "with native_stderr_hidden():\n    os.write(2, b'hidden\\n')\nos.write(2, b'shown\\n')\n")
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert done.returncode == 0 and done.stderr == "shown\n"


def test_native_stderr_hidden_restores_stderr_after_an_error():
    before = os.fstat(2)
    with pytest.raises(RuntimeError), native_stderr_hidden():
        raise RuntimeError("inside")
    after = os.fstat(2)
    assert (before.st_dev, before.st_ino) == (after.st_dev, after.st_ino)
