"""Notebook 10 · Scaling up: its exercises' checks, hints and reference answers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks.engine import check_function, name_of


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


# How MirroredStrategy cuts one batch over 3 and 4 replicas, {(batch size, replicas): examples per replica}.
# A notebook keeps the devices it started with, so these were measured with 4 logical CPUs in another
# process; tests/test_checks.py measures them again on every run. They tell the true rule from the most
# even split, which 2 replicas cannot: slices of batch/replicas rounded up, in order, the last ones shorter.
OTHER_REPLICA_COUNTS = {(7, 3): [3, 3, 1], (10, 3): [4, 4, 2], (6, 4): [2, 2, 2, 0], (23, 4): [6, 6, 6, 5]}


def check_per_replica_sizes(fn: Callable, strategy) -> None:
    """Check ``per_replica_sizes(batch_size, replicas)`` -> how many examples each replica receives from
    one global batch (a list, one number per replica) against what ``strategy``, a ``tf.distribute``
    strategy, measurably does with batches of 32, 23, 7 and 1 examples, and against OTHER_REPLICA_COUNTS
    (notebook 10)."""
    replicas = strategy.num_replicas_in_sync
    measured = {(size, replicas): _measured_split(strategy, size) for size in (32, 23, 7, 1)}
    cases = [(args, np.array(split)) for args, split in {**measured, **OTHER_REPLICA_COUNTS}.items()]

    def hint(args, got):
        size, replicas = args
        got = np.asarray(got, dtype=float).ravel()
        if got.size != replicas:
            return f"one number per replica: a list of {replicas}."
        if not np.allclose(got, np.round(got)):
            return "a replica receives whole examples, not fractions of one."
        if got.sum() != size:
            return f"the strategy uses every example once: the {replicas} sizes add up to the batch size, {size}."
        if list(got) == [len(part) for part in np.array_split(np.arange(size), replicas)]:
            return ("that is the most even split, but not TensorFlow's: it cuts the batch into slices of "
                    "batch_size / replicas, rounded up, so the last replicas get what is left (maybe nothing).")
        return "every example is used, but not in that order: which replicas take the extra ones?"

    check_function(fn, cases, name=name_of(fn, "per_replica_sizes"), hint=hint)


def _measured_split(strategy, size: int) -> list[int]:
    """How many of the examples of one batch of ``size`` each replica of ``strategy`` receives, measured."""
    import tensorflow as tf

    batch = next(iter(strategy.experimental_distribute_dataset(tf.data.Dataset.range(size).batch(size))))
    return [int(tf.size(part)) for part in strategy.experimental_local_results(batch)]
