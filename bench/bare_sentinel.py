"""The baseline of overhead_ratio: the post's pattern with the docs' loop, written plainly.

No ledger, no monitor, no records: the items go in, one "STOP" per worker
follows them, the workers run ``for data in iter(q.get, "STOP")`` and the main
process waits for them. Two shapes, as QueueScope runs them:

- ``--queue manager``: ``Manager().Queue()`` + ``Pool(W).apply_async`` (the post);
- ``--queue mp``: ``multiprocessing.Queue`` + ``W`` ``Process`` objects.

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


def run_manager(items: int, workers: int, start_method: str) -> None:
    ctx = multiprocessing.get_context(start_method)
    manager = ctx.Manager()
    queue = manager.Queue()
    po = ctx.Pool(processes=workers)
    for i in range(items):
        queue.put(i)
    for _ in range(workers):
        queue.put("STOP")
    results = [po.apply_async(read, args=(queue,)) for _ in range(workers)]
    po.close()
    po.join()
    for result in results:
        result.get()
    manager.shutdown()


def run_mp(items: int, workers: int, start_method: str) -> None:
    ctx = multiprocessing.get_context(start_method)
    queue = ctx.Queue()
    for i in range(items):
        queue.put(i)
    for _ in range(workers):
        queue.put("STOP")
    processes = [ctx.Process(target=read, args=(queue,)) for _ in range(workers)]  # type: ignore[attr-defined]
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
    args = parser.parse_args()
    started = time.perf_counter()
    if args.queue == "manager":
        run_manager(args.items, args.workers, args.start_method)
    else:
        run_mp(args.items, args.workers, args.start_method)
    elapsed = time.perf_counter() - started
    print(json.dumps({"elapsed_s": elapsed, "items": args.items}))


if __name__ == "__main__":
    main()
