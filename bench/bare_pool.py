"""The baseline of the pool strategies: the docs' pool loops, written plainly.

No ledger, no monitor, no records: a trivial function over ``range(items)``
through one of the two pools QueueScope drives, as its strategies drive them:

- ``--pool imap``: ``with Pool(W) as pool: for _ in pool.imap_unordered(f, items, chunksize)``
  (``pool-imap-unordered``);
- ``--pool executor``: ``with ProcessPoolExecutor(W) as ex: for _ in ex.map(f, items,
  chunksize=chunksize)`` (``process-pool-executor``).

Run alone: ``python bench/bare_pool.py --pool imap --items 1000000 --chunksize 1000``.
It prints one JSON object; ``elapsed_s`` is the span core.run() covers for
QueueScope's pool strategies (from creating the pool to leaving its ``with``
block, after the last result), interpreter start excluded.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

POOLS = ("imap", "executor")


def process(item: int) -> int:
    """The trivial per-item work (QueueScope's work_ms=0 does no more)."""
    return item


def drain(pool: str, items: int, workers: int, chunksize: int, ctx: Any, warm: bool) -> float:
    """Every item through the pool; the seconds from the first item submitted to the last
    result. warm: every worker has run a task before that span starts."""
    if pool == "imap":
        with ctx.Pool(workers) as runner:
            if warm:
                runner.map(process, range(workers))
            started = time.perf_counter()
            for _ in runner.imap_unordered(process, range(items), chunksize):
                pass
            return time.perf_counter() - started
    with ProcessPoolExecutor(workers, ctx) as executor:
        if warm:
            list(executor.map(process, range(workers)))
        started = time.perf_counter()
        for _ in executor.map(process, range(items), chunksize=chunksize):
            pass
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", choices=POOLS, default="imap")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--chunksize", type=int, default=1000)
    parser.add_argument("--start-method", default="spawn")
    args = parser.parse_args()
    ctx = multiprocessing.get_context(args.start_method)
    started = time.perf_counter()
    drain(args.pool, args.items, args.workers, args.chunksize, ctx, warm=False)
    elapsed = time.perf_counter() - started
    print(json.dumps({"elapsed_s": elapsed, "items": args.items}))


if __name__ == "__main__":
    main()
