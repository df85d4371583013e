"""Batched loops and a pool task that misbehave around a chunk, importable by spawned workers."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import Any

from core import worker
from core.hosts import PoolHost
from core.worker import LoopOptions, process_chunk, process_item

DIES_AT = 150  # the batched loop dies after processing this item (its batch: 100-199)
HELD_CHUNK = 200  # the pool task dies holding the chunk that starts here


def dies_mid_batch(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    """The batched STOP recipe whose worker is killed (not by a fault) inside a batch."""
    for batch in iter(q.get, "STOP"):
        for data in batch:
            process(data)
            if data == DIES_AT:
                os.kill(os.getpid(), signal.SIGKILL)


def processes_batches_backwards(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    for batch in iter(q.get, "STOP"):
        for data in reversed(batch):
            process(data)


def processes_first_of_batch_twice(
    q: Any, process: Callable[[Any], None], opts: LoopOptions
) -> None:
    for batch in iter(q.get, "STOP"):
        for data in batch:
            process(data)
            if data == batch[0]:
                process(data)


def _dies_holding_chunk(chunk: list[int]) -> list[int]:
    """process_chunk, except that the worker is killed while it holds the chunk HELD_CHUNK.

    Recorded per chunk, it dies between the chunk's take and done (with no
    per-item work that window is microseconds long, so the test makes it);
    recorded per item, halfway through the chunk.
    """
    if chunk[0] != HELD_CHUNK:
        return process_chunk(chunk)
    pool = worker._POOL
    if pool is None or worker._take_chunk(pool, chunk) < 0:
        for item in chunk[: len(chunk) // 2]:
            process_item(item)
    os.kill(os.getpid(), signal.SIGKILL)
    return chunk


def pool_dies_holding_chunk(run: PoolHost) -> None:
    """The pool-imap-unordered driver with _dies_holding_chunk as the task."""
    from core.chunks import chunked
    from core.cpython import iterate_with_timeout

    with run.ctx.Pool(run.workers, run.initializer, run.initargs) as pool:
        run.attach(pool)
        results = pool.imap_unordered(_dies_holding_chunk, chunked(run.items, run.chunksize))
        for _ in iterate_with_timeout(results, run.cancelled):
            pass
