"""Core-side measurements, each in a fresh process that bench/run.py starts.

``python -m bench.probe MODE ...`` prints one JSON object:

- ``overhead``: one QueueScope run (core.run, no progress callback, as the
  headless CLI runs it; ``--progress`` adds a callback that reads every
  snapshot's records, as the window does); ``elapsed_s`` covers the call.
- ``throughput``: one run of a strategy; items/s over the whole call and in
  steady state (first item taken to last item done, from the ledger's times).
- ``raw``: the lower bound of moving items between processes: pickled lists
  of ints written to an ``os.pipe`` in batches, read by one forked child that
  unpickles them and calls a trivial function per item.
- ``serial``: the same trivial function called in a loop, in this process.
- ``bare-pool``: ``Pool.imap_unordered`` or ``ProcessPoolExecutor.map`` of the
  trivial function with no QueueScope at all, timed from the first submission
  (pool already started) to the last result: what the pool machinery alone allows.
- ``deadlock``: the post's third loop, which deadlocks in every run with more
  workers than its one marker releases: the time from the last worker
  blocking (its ``W_T_CHANGE``, as the timeline reports it) to the verdict,
  and from the verdict to the last child process reaped.

This module is the main module of spawned workers too: it imports nothing
heavy at the top and does its work under ``if __name__ == "__main__"``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import struct
import time
from typing import Any

BLOCKED_LABEL = "blocked in get()"


def process(item: Any) -> None:
    """The trivial per-item work of the raw and serial baselines."""


def overhead(
    queue: str, items: int, workers: int, start_method: str, progress: bool
) -> dict[str, Any]:
    from core import RunParams, run
    from core.result import Progress

    rows = 0

    def consume(snapshot: Progress) -> None:
        nonlocal rows
        rows += len(snapshot.new_records)

    params = RunParams("sentinel-per-worker", items, workers, queue, start_method)
    started = time.perf_counter()
    result = run(params, on_progress=consume if progress else None)
    elapsed = time.perf_counter() - started
    return {"elapsed_s": elapsed, "outcome": result.outcome, "progress_rows": rows}


def throughput(
    strategy: str, queue: str | None, items: int, workers: int, chunksize: int, start_method: str
) -> dict[str, Any]:
    from core import RunParams, run

    params = RunParams(strategy, items, workers, queue, start_method, chunksize=chunksize)
    started = time.perf_counter()
    result = run(params)
    wall = time.perf_counter() - started
    takes = [t for t in result.records.t_take if not math.isnan(t)]
    dones = [t for t in result.records.t_done if not math.isnan(t)]
    steady = 0.0
    if result.outcome == "ok" and takes and dones and max(dones) > min(takes):
        steady = result.processed / (max(dones) - min(takes))
    return {
        "outcome": result.outcome,
        "processed": result.processed,
        "wall_s": wall,
        "items_per_s_wall": result.processed / wall if result.outcome == "ok" else 0.0,
        "items_per_s": steady,
        "error": (result.error or "").strip().splitlines()[-1:] or None,
    }


def raw(items: int, batch: int) -> dict[str, Any]:
    """Batches of pickled ints through os.pipe to one forked reader (no multiprocessing)."""
    data_r, data_w = os.pipe()
    done_r, done_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the reader: no return from here
        try:
            os.close(data_w)
            os.close(done_r)
            with os.fdopen(data_r, "rb", buffering=1 << 16) as source:
                while True:
                    (size,) = struct.unpack("<I", source.read(4))
                    if size == 0:
                        break
                    for item in pickle.loads(source.read(size)):
                        process(item)
            os.write(done_w, b"x")
        finally:
            os._exit(0)
    os.close(data_r)
    os.close(done_w)
    started = time.perf_counter()
    with os.fdopen(data_w, "wb", buffering=1 << 16) as sink:
        for first in range(0, items, batch):
            payload = pickle.dumps(list(range(first, min(items, first + batch))), protocol=5)
            sink.write(struct.pack("<I", len(payload)))
            sink.write(payload)
        sink.write(struct.pack("<I", 0))
    os.read(done_r, 1)
    elapsed = time.perf_counter() - started
    os.close(done_r)
    os.waitpid(pid, 0)
    return {"items_per_s": items / elapsed, "elapsed_s": elapsed, "batch": batch}


def serial(items: int) -> dict[str, Any]:
    started = time.perf_counter()
    for item in range(items):
        process(item)
    elapsed = time.perf_counter() - started
    return {"items_per_s": items / elapsed, "elapsed_s": elapsed}


def bare_pool(
    kind: str, items: int, workers: int, chunksize: int, start_method: str
) -> dict[str, Any]:
    import multiprocessing

    from bench.bare_pool import drain

    ctx = multiprocessing.get_context(start_method)
    pool = "imap" if kind == "pool-imap-unordered" else "executor"
    elapsed = drain(pool, items, workers, chunksize, ctx, warm=True)  # every process is up
    return {"items_per_s": items / elapsed, "elapsed_s": elapsed}


def deadlock(queue: str, items: int, workers: int, start_method: str, tries: int) -> dict[str, Any]:
    from core import RunParams, run
    from core.procs import worker_children

    params = RunParams("seed-single-sentinel", items, workers, queue, start_method, watchdog_s=30.0)
    outcomes: list[list[str]] = []
    for _ in range(tries):
        before = time.monotonic()
        result = run(params)
        returned = time.monotonic()
        while worker_children() and time.monotonic() < returned + 10.0:
            time.sleep(0.001)
        reaped = time.monotonic()
        outcomes.append(result.outcomes)
        if "deadlock" not in result.outcomes:
            continue  # an mp queue's early empty() can let every worker out: not this figure
        blocked = {w.index for w in result.workers if w.state == BLOCKED_LABEL}
        last_block = {
            event.worker: event.t
            for event in result.timeline
            if event.kind == "waiting" and event.worker in blocked
        }
        provable_at = max(last_block.values())
        # The run's time zero is after `before`, so this is an upper bound (by
        # the few ms between calling run() and its ledger's creation).
        verdict = before + result.elapsed_s
        return {
            "outcome": result.outcome,
            "proof_s": result.elapsed_s - provable_at,
            "cleanup_s": reaped - verdict,
            "return_after_verdict_s": returned - verdict,
            "stack_dumps": len(result.stack_dumps),
            "tries": len(outcomes),
        }
    raise SystemExit(f"no deadlock in {tries} runs: {outcomes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "mode", choices=("overhead", "throughput", "raw", "serial", "bare-pool", "deadlock")
    )
    parser.add_argument("--strategy", default="sentinel-per-worker")
    parser.add_argument("--queue", default=None)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--chunksize", type=int, default=1)
    parser.add_argument("--start-method", default="spawn")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--tries", type=int, default=3)
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any]
    if args.mode == "overhead":
        report = overhead(
            args.queue or "mp", args.items, args.workers, args.start_method, args.progress
        )
    elif args.mode == "throughput":
        report = throughput(
            args.strategy, args.queue, args.items, args.workers, args.chunksize, args.start_method
        )
    elif args.mode == "raw":
        report = raw(args.items, args.batch)
    elif args.mode == "serial":
        report = serial(args.items)
    elif args.mode == "bare-pool":
        report = bare_pool(
            args.strategy, args.items, args.workers, args.chunksize, args.start_method
        )
    else:
        report = deadlock(
            args.queue or "manager", args.items, args.workers, args.start_method, args.tries
        )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
