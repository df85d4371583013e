"""The baseline of deadlock_proof_s and cleanup_s: the post's third loop, a minimal detector.

The post's loop 3 (one 'end' marker, then ``q.empty() or data == 'end'``) with
more workers than the marker can release deadlocks in every run. Each worker
writes two numbers around its ``q.get()`` (blocked or not, and when), and the
main thread runs the smallest proof QueueScope's monitor makes: every live
worker blocked on two polls ``--confirm-s`` apart, none of them having moved.
Nothing else runs: no ledger of items, no records, no events, no result.

Then it reaps the workers the plain way (``Pool.terminate()`` and
``Manager.shutdown()``, or ``Process.terminate()`` and ``join()``). It prints
one JSON object: ``proof_s`` (last worker blocked -> proof) and ``cleanup_s``
(proof -> every worker reaped).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import multiprocessing
import time
from multiprocessing.sharedctypes import RawArray
from typing import Any

BLOCKED = 1.0
RUNNING = 2.0
EXITED = 3.0

_STATES: Any = None
LIMIT_S = 10.0  # a run that has not deadlocked by then is not going to


def _init(states: Any) -> None:
    global _STATES
    _STATES = states


def read(q: Any, slot: int, states: Any = None) -> None:
    table = states if states is not None else _STATES
    while True:
        table[2 * slot + 1] = time.monotonic()
        table[2 * slot] = BLOCKED
        data = q.get()
        table[2 * slot] = RUNNING
        table[2 * slot + 1] = time.monotonic()
        if q.empty() or data == "end":
            break
    table[2 * slot] = EXITED


def prove(
    states: Any, workers: int, poll_s: float, confirm_s: float, limit_s: float
) -> float | None:
    """Poll like QueueScope's monitor; the monotonic time of the proof, None if none came."""
    candidate: tuple[tuple[float, ...], float] | None = None
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        time.sleep(poll_s)
        now = time.monotonic()
        values = list(states)
        live = [w for w in range(workers) if values[2 * w] != EXITED]
        if live and all(values[2 * w] == BLOCKED for w in live):
            proof = tuple(values[2 * w + 1] for w in live)
            if candidate is not None and candidate[0] == proof:
                if now - candidate[1] >= confirm_s:
                    return now
            else:
                candidate = (proof, now)
        else:
            candidate = None
    return None


def last_block(states: Any, workers: int) -> float:
    values = list(states)
    return float(max(values[2 * w + 1] for w in range(workers) if values[2 * w] == BLOCKED))


def attempt(args: argparse.Namespace) -> dict[str, float] | None:
    """One run: prove the deadlock and reap; None if this run did not deadlock."""
    ctx = multiprocessing.get_context(args.start_method)
    workers = args.workers
    states = RawArray(ctypes.c_double, 2 * workers)
    result: dict[str, float] = {}
    if args.queue == "manager":
        manager = ctx.Manager()
        queue = manager.Queue()
        po = ctx.Pool(workers, initializer=_init, initargs=(states,))
        for i in range(args.items):
            queue.put(i)
        queue.put("end")
        for slot in range(workers):
            po.apply_async(read, (queue, slot))
        po.close()
        proved = prove(states, workers, args.poll_s, args.confirm_s, LIMIT_S)
        if proved is not None:
            result["proof_s"] = proved - last_block(states, workers)
        po.terminate()
        po.join()
        manager.shutdown()
    else:
        queue = ctx.Queue()
        for i in range(args.items):
            queue.put(i)
        queue.put("end")
        processes = [
            ctx.Process(target=read, args=(queue, slot, states)) for slot in range(workers)
        ]
        for p in processes:
            p.start()
        proved = prove(states, workers, args.poll_s, args.confirm_s, LIMIT_S)
        if proved is not None:
            result["proof_s"] = proved - last_block(states, workers)
        for p in processes:
            p.terminate()
        for p in processes:
            p.join()
        queue.cancel_join_thread()
    if proved is None:
        return None  # an mp queue's early empty() let every worker out: try again
    result["cleanup_s"] = time.monotonic() - proved
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queue", choices=("manager", "mp"), default="manager")
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--start-method", default="spawn")
    parser.add_argument("--poll-s", type=float, default=0.02)
    parser.add_argument("--confirm-s", type=float, default=0.04)
    parser.add_argument("--tries", type=int, default=3)
    args = parser.parse_args()
    for _ in range(args.tries):
        result = attempt(args)
        if result is not None:
            print(json.dumps(result))
            return
    raise SystemExit(f"no deadlock in {args.tries} runs")


if __name__ == "__main__":
    main()
