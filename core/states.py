"""Worker states as recorded in the shared state table."""

from __future__ import annotations

from enum import IntEnum

from core.text import translatable


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
    WorkerState.STARTING: translatable("core", "starting"),
    WorkerState.BLOCKING_GET: translatable("core", "blocked in get()"),
    WorkerState.TIMED_GET: translatable("core", "get with timeout"),
    WorkerState.PROCESSING: translatable("core", "processing"),
    WorkerState.IDLE: translatable("core", "idle in pool"),
    WorkerState.EXITED: translatable("core", "exited"),
    WorkerState.CRASHED: translatable("core", "crashed"),
}

# Labels the engine gives a worker beyond its table state (WorkerSummary.state).
NEVER_STARTED = translatable("core", "never started")
STOPPED = translatable("core", "stopped")  # SIGSTOP: alive, but cannot run

FINAL_STATES = frozenset({WorkerState.EXITED, WorkerState.CRASHED})
