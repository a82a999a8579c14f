"""Notebook 10 · Scaling up: its exercises' checks, hints and reference answers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks.engine import MISSING, check_function, learner_answer, name_of, not_done, passed


def check_batch_plan(fn: Callable) -> None:
    """Check ``batch_plan(per_replica_batch, replicas_per_worker, workers, examples)`` ->
    ``(global_batch, steps_per_epoch)``, counting a last partial batch as a step (notebook 10)."""
    settings = [(16, 2, 1, 256), (16, 1, 1, 1367), (16, 8, 1, 1367), (32, 8, 4, 1_000_000)]
    cases = [(args, (args[0] * args[1] * args[2], -(-args[3] // (args[0] * args[1] * args[2]))))
             for args in settings]

    def hint(args, got):
        per_replica, replicas, workers, examples = args
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return None
        global_batch = per_replica * replicas * workers
        if int(got[0]) == per_replica * replicas and workers > 1:
            return "every worker has its replicas: multiply by the number of workers too."
        if int(got[0]) == global_batch and int(got[1]) == examples // global_batch:
            return "the last, smaller batch is a step too: round up (math.ceil, or -(-a // b))."
        return None

    check_function(fn, cases, name=name_of(fn, "batch_plan"), hint=hint)

def check_tf_config(fn: Callable) -> None:
    """Check ``tf_config_for(hosts, port, index)``: the TF_CONFIG (a dict, or its JSON text) of worker
    ``index`` in a cluster of machines ``hosts`` that all listen on ``port`` (notebook 10)."""
    import json

    name = name_of(fn, "tf_config_for")
    clusters = [(["node-a", "node-b"], 12345, 1), (["10.0.0.1", "10.0.0.2", "10.0.0.3"], 2222, 0)]
    for hosts, port, index in clusters:
        call = f"{name}({hosts!r}, {port}, {index})"
        expected = {"cluster": {"worker": [f"{host}:{port}" for host in hosts]},
                    "task": {"type": "worker", "index": index}}
        got = learner_answer(fn, (hosts, port, index), call=call, not_done=not_done(name))
        if got is MISSING:
            return
        try:
            got = json.loads(got) if isinstance(got, str) else json.loads(json.dumps(got))
        except (TypeError, ValueError) as error:
            print(f"❌ {call}: TF_CONFIG must be JSON, but it could not be converted: {error}")
            return
        if got != expected:
            workers = got.get("cluster", {}).get("worker") if isinstance(got, dict) else None
            advice = ("\n   Hint: each address is one string 'host:port', e.g. f'{host}:{port}'."
                      if workers and workers != expected["cluster"]["worker"] else "")
            print(f"❌ {call}: expected {json.dumps(expected)}, got {json.dumps(got)}{advice}")
            return
    print(passed(name, len(clusters)))

def check_replica_loss(fn: Callable) -> None:
    """Check ``replica_loss(per_example_losses, global_batch_size)``: the loss one replica
    contributes, so that the SUM over replicas is the mean over the global batch (notebook 10)."""
    rng = np.random.default_rng(0)
    losses = [rng.uniform(0, 2, size=size) for size in (16, 5, 8)]
    cases = [((part, size), part.sum() / size) for part, size in zip(losses, (32, 21, 64), strict=True)]

    def hint(args, got):
        part, size = args
        if np.size(got) == 1 and np.isclose(float(np.asarray(got)), part.mean()):
            return ("that is this replica's own mean; summed over the replicas it counts the loss once per "
                    "replica. Divide the sum by the GLOBAL batch size (tf.nn.compute_average_loss does).")
        return None

    check_function(fn, cases, name=name_of(fn, "replica_loss"), hint=hint)
