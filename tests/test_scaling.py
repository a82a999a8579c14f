"""Notebook 10's helper outside the notebook: the multi-worker training script.

It starts real processes (TensorFlow workers on 127.0.0.1), with tiny settings so they stay quick,
and check that nothing is left behind: no worker process, no listening port.
"""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from utils import REPO_ROOT, processes
from utils.loopback import port_is_free

SCRIPT = REPO_ROOT / "scripts" / "multi_worker_train.py"
TINY = ["--examples=16", "--max-length=16", "--batch-size=8", "--layers=1", "--frozen-layers=0"]


@pytest.fixture(scope="module")
def workers_module():
    spec = importlib.util.spec_from_file_location("multi_worker_train", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    return False


def test_tf_config_names_the_cluster_and_the_task(workers_module):
    config = workers_module.tf_config(["127.0.0.1:1", "127.0.0.1:2"], 1)
    assert config == {"cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}, "task": {"type": "worker", "index": 1}}
    ports = workers_module.free_ports(3)
    assert len(set(ports)) == 3 and all(port_is_free(port) for port in ports)


def test_local_workers_get_their_tf_config_and_no_gpu(workers_module, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")  # a machine with a GPU, say Colab's
    envs = [workers_module.local_worker_env(["127.0.0.1:1", "127.0.0.1:2"], index) for index in range(2)]
    assert [json.loads(env["TF_CONFIG"])["task"]["index"] for env in envs] == [0, 1]
    assert all(env["CUDA_VISIBLE_DEVICES"] == "" for env in envs)
    assert all(env["PATH"] == os.environ["PATH"] for env in envs)


def test_a_training_must_leave_a_layer_to_train(workers_module, capsys):
    with pytest.raises(SystemExit):
        workers_module.parse_args(["--layers=2", "--frozen-layers=2"])
    assert "--frozen-layers=2: it takes 0 to 1 with --layers=2" in capsys.readouterr().err
    args, worker_args = workers_module.parse_args(["--layers=2", "--frozen-layers=1", "--workers=2"])
    assert args.frozen_layers == 1 and "--frozen-layers=1" in worker_args and "--workers=2" not in worker_args


def test_two_workers_train_in_sync_and_leave_nothing_behind():
    done = subprocess.run([sys.executable, str(SCRIPT), "--workers=2", *TINY], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    results = [json.loads(line) for line in done.stdout.splitlines()]  # one line per worker, chief first
    assert [(r["worker"], r["role"], r["replicas"]) for r in results] == [(0, "chief", 2), (1, "worker", 2)]
    assert {r["steps"] for r in results} == {2}  # 16 examples / global batch 8
    assert len({r["weights_checksum"] for r in results}) == 1  # the all-reduce kept the weights equal
    assert len({r["loss"] for r in results}) == 1
    for result in results:
        assert gone(result["pid"]), f"worker {result['worker']} is still running"
        assert port_is_free(int(result["address"].rsplit(":", 1)[1])), f"{result['address']} is still taken"


def test_the_launcher_stops_workers_that_run_too_long(workers_module, monkeypatch):
    started = []

    class RecordingPopen(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(processes.subprocess, "Popen", RecordingPopen)  # where the launcher starts them
    with pytest.raises(subprocess.TimeoutExpired):
        workers_module.launch(2, TINY, timeout=1)  # importing TensorFlow alone takes longer
    assert len(started) == 2
    assert all(process.returncode is not None and gone(process.pid) for process in started)
