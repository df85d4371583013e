"""The built-in strategies' worker loops: what a spawned worker runs, and nothing else.

Each loop is (q, process, opts): q is the instrumented queue, process(item) the
per-item work, opts the loop's options (core.worker.LoopOptions). The post's
loops are kept exactly as written: do not "fix" them. Their source is what the
lab shows. They live apart from the catalog (core.strategies) so that a worker
unpickling its loop imports this module only, not the catalog and its parameters.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.worker import LoopOptions


def seed_empty_after_get(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    while True:
        data = q.get()
        if q.empty():
            break
        process(data)


def seed_while_not_empty(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    while not q.empty():
        data = q.get()
        process(data)


def seed_single_sentinel(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    while True:
        data = q.get()
        if q.empty() or data == "end":
            break
        process(data)


def sentinel_per_worker(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    for data in iter(q.get, "STOP"):
        process(data)


def sentinel_per_worker_batched(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    for batch in iter(q.get, "STOP"):
        for data in batch:
            process(data)


def sentinel_reput(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    while True:
        data = q.get()
        if data == "STOP":
            q.put("STOP")  # leave it for the next worker
            break
        process(data)


def get_timeout(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    while True:
        try:
            data = q.get(timeout=opts.timeout)
        except queue.Empty:
            break
        process(data)


def get_nowait(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    while True:
        try:
            data = q.get_nowait()
        except queue.Empty:
            break
        process(data)


def joinable_task_done(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    while True:
        data = q.get()
        if data is None:
            q.task_done()
            break
        process(data)
        q.task_done()


def stop_event(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    while True:
        try:
            data = q.get(timeout=opts.timeout)
        except queue.Empty:
            if opts.stop.is_set():
                break
            continue
        process(data)
