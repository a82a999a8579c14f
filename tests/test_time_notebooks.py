"""scripts/time_notebooks.py: the memory it reports is that of the test process and its children (the kernel)."""

import importlib.util
import subprocess
import sys

import pytest

from utils import REPO_ROOT

spec = importlib.util.spec_from_file_location("time_notebooks", REPO_ROOT / "scripts" / "time_notebooks.py")
time_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(time_notebooks)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")


@linux_only
def test_descendants_include_children_and_grandchildren():
    child = subprocess.Popen([sys.executable, "-c",
                              "import subprocess, sys; subprocess.run([sys.executable, '-c', 'input()'])"],
                             stdin=subprocess.PIPE)
    try:
        for _ in range(100):  # wait until the grandchild exists
            family = time_notebooks.descendants(child.pid)
            if len(family) == 2:
                break
            subprocess.run(["sleep", "0.05"])
        assert family[0] == child.pid and len(family) == 2
        assert all(time_notebooks.resident_mb(pid) > 0 for pid in family)
    finally:
        child.communicate(b"\n", timeout=10)


@linux_only
def test_a_process_that_is_gone_has_no_memory():
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert time_notebooks.resident_mb(int(gone.stdout)) == 0


def test_a_wrong_path_is_refused_with_the_expected_form(capsys):
    assert time_notebooks.main(["notebooks/nothing_here.ipynb"]) == 2
    assert "Give paths like notebooks/08_fine_tuning_with_keras.ipynb" in capsys.readouterr().err
