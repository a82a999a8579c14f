"""`make check` tells a participant, quickly and plainly, whether their machine is ready."""

import subprocess
import sys

import pytest

from utils import REPO_ROOT

PREFLIGHT = str(REPO_ROOT / "scripts" / "preflight.py")


def run(python: str) -> subprocess.CompletedProcess:
    return subprocess.run([python, PREFLIGHT], capture_output=True, text=True, timeout=180)


def test_this_machine_is_ready():
    result = run(sys.executable)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "❌" not in result.stdout and "Ready" in result.stdout


def test_a_python_outside_the_project_is_told_to_set_up(tmp_path):
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True)
    result = run(str(tmp_path / "bare" / "bin" / "python"))
    assert result.returncode == 1
    assert "❌ project environment" in result.stdout and "make lab" in result.stdout
    assert "pinned packages: skipped" in result.stdout and "Not ready" in result.stdout


def test_an_unsupported_python_is_told_which_ones_work():
    from test_environment_files import unsupported_pythons

    pythons = unsupported_pythons()
    if not pythons:
        pytest.skip("no Python outside 3.10-3.13 on this machine to try")
    result = run(pythons[0])
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("❌ Python version") and "need 3.10-3.13" in first and "make PYTHON=" in first, first
