"""The baseline of overhead_ratio: the post's pattern with the docs' loop, written plainly.

No ledger, no monitor, no records: the items go in, one "STOP" per worker
follows them, the workers run ``for data in iter(q.get, "STOP")`` and the main
process waits for them. Two shapes, as QueueScope runs them:

- ``--queue manager``: ``Manager().Queue()`` + ``Pool(W).apply_async`` (the post);
- ``--queue mp``: ``multiprocessing.Queue`` + ``W`` ``Process`` objects.

``--batch-size N`` (N > 1) is the docs' recipe in batches, the baseline of
``sentinel-per-worker-batched``: lists of N items are put (the last one
shorter), one "STOP" per worker follows them, and the workers run
``for batch in iter(q.get, "STOP"): for data in batch: ...``.

Run alone: ``python bench/bare_sentinel.py --queue mp --items 100000``. It prints
one JSON object; ``elapsed_s`` is the same span core.run() covers for QueueScope
(from creating the queue to the last worker joined), interpreter start excluded.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from typing import Any


def process(data: Any) -> None:
    """The trivial per-item work (QueueScope's work_ms=0 does no more)."""


def read(q: Any) -> None:
    for data in iter(q.get, "STOP"):
        process(data)


def read_batches(q: Any) -> None:
    for batch in iter(q.get, "STOP"):
        for data in batch:
            process(data)


def put_items(queue: Any, items: int, batch_size: int) -> None:
    """The items one put each, or (batch_size > 1) in lists of batch_size."""
    if batch_size <= 1:
        for i in range(items):
            queue.put(i)
        return
    for first in range(0, items, batch_size):
        queue.put(list(range(first, min(items, first + batch_size))))


def run_manager(items: int, workers: int, start_method: str, batch_size: int) -> None:
    ctx = multiprocessing.get_context(start_method)
    manager = ctx.Manager()
    queue = manager.Queue()
    po = ctx.Pool(processes=workers)
    put_items(queue, items, batch_size)
    for _ in range(workers):
        queue.put("STOP")
    reader = read_batches if batch_size > 1 else read
    results = [po.apply_async(reader, args=(queue,)) for _ in range(workers)]
    po.close()
    po.join()
    for result in results:
        result.get()
    manager.shutdown()


def run_mp(items: int, workers: int, start_method: str, batch_size: int) -> None:
    ctx = multiprocessing.get_context(start_method)
    queue = ctx.Queue()
    put_items(queue, items, batch_size)
    for _ in range(workers):
        queue.put("STOP")
    reader = read_batches if batch_size > 1 else read
    processes = [ctx.Process(target=reader, args=(queue,)) for _ in range(workers)]  # type: ignore[attr-defined]
    for p in processes:
        p.start()
    for p in processes:
        p.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queue", choices=("manager", "mp"), default="mp")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--start-method", default="spawn")
    parser.add_argument("--batch-size", type=int, default=1, help="items per put (1: no lists)")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.queue == "manager":
        run_manager(args.items, args.workers, args.start_method, args.batch_size)
    else:
        run_mp(args.items, args.workers, args.start_method, args.batch_size)
    elapsed = time.perf_counter() - started
    print(json.dumps({"elapsed_s": elapsed, "items": args.items}))


if __name__ == "__main__":
    main()
