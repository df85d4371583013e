"""Worker states as recorded in the shared state table."""

from __future__ import annotations

from enum import IntEnum


class WorkerState(IntEnum):
    STARTING = 0
    BLOCKING_GET = 1  # inside q.get() with no timeout: can wait forever
    TIMED_GET = 2  # inside q.get(timeout=...) or get_nowait(): always returns
    PROCESSING = 3
    IDLE = 4  # a pool process waiting for its next task (the pool feeds it)
    EXITED = 5
    CRASHED = 6

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    WorkerState.STARTING: "starting",
    WorkerState.BLOCKING_GET: "blocked in get()",
    WorkerState.TIMED_GET: "get with timeout",
    WorkerState.PROCESSING: "processing",
    WorkerState.IDLE: "idle in pool",
    WorkerState.EXITED: "exited",
    WorkerState.CRASHED: "crashed",
}

FINAL_STATES = frozenset({WorkerState.EXITED, WorkerState.CRASHED})
