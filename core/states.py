"""Worker states: as recorded in the shared state table, and as a run reports them.

WorkerState is what a worker writes into the ledger (a number). WorkerStatus
is what crosses into results, progress and the window: the table states
plus what only the engine can tell (never started, stopped by SIGSTOP, and
blocked: a worker inside q.get() is only waiting until the monitor proves
that nothing can ever reach it).
EventKind names the timeline's events. Both are str enums whose values are
the English words of the exports, so the window keys colours by the enum
and a reworded label cannot silently lose them.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from core.text import translatable


class WorkerStatus(StrEnum):
    STARTING = translatable("core", "starting")
    WAITING_GET = translatable("core", "waiting in get()")
    BLOCKED = translatable("core", "blocked in get()")  # only once a deadlock is proven
    TIMED_GET = translatable("core", "get with timeout")
    PROCESSING = translatable("core", "processing")
    IDLE = translatable("core", "idle in pool")
    EXITED = translatable("core", "exited")
    CRASHED = translatable("core", "crashed")
    NEVER_STARTED = translatable("core", "never started")
    STOPPED = translatable("core", "stopped")  # SIGSTOP: alive, but cannot run
    AT_GATE = translatable("core", "waiting for its turn")  # step mode: paused at the gate
    VANISHED = translatable("core", "vanished")  # a remote worker whose heartbeat expired

    @property
    def label(self) -> str:
        """The English label (marked for translation)."""
        return self.value


class WorkerState(IntEnum):
    STARTING = 0
    BLOCKING_GET = 1  # inside q.get() with no timeout: can wait forever
    TIMED_GET = 2  # inside q.get(timeout=...) or get_nowait(): always returns
    PROCESSING = 3
    IDLE = 4  # a pool process waiting for its next task (the pool feeds it)
    EXITED = 5
    CRASHED = 6
    AT_GATE = 7  # step mode: before a queue operation, until the controller lets it go
    VANISHED = 8  # written by the monitor: a remote worker's heartbeat expired

    @property
    def status(self) -> WorkerStatus:
        if self == WorkerState.BLOCKING_GET:
            return WorkerStatus.WAITING_GET  # blocked only by the proof
        return WorkerStatus[self.name]

    @property
    def label(self) -> str:
        return self.status.value


class EventKind(StrEnum):
    """What a timeline event records."""

    STARTED = "started"
    WAITING = "waiting"  # entered q.get() with no timeout
    BLOCKED = "blocked"  # the deadlock proof: will wait forever
    TIMED_GET = "timed-get"
    TOOK = "took"
    IDLE = "idle"
    EXITED = "exited"
    CRASHED = "crashed"
    STOPPED = "stopped"  # seen stopped by SIGSTOP: alive, but cannot run
    AT_GATE = "at-gate"  # step mode: waits for its turn before a queue operation
    SAW_EMPTY = "saw-empty"
    VANISHED = "vanished"  # a remote worker's heartbeat expired: it died or lost the network

    @property
    def status(self) -> WorkerStatus | None:
        """The state a worker is in from this event on (None: an instant, not a change)."""
        return _EVENT_STATUS.get(self)


_EVENT_STATUS = {
    EventKind.STARTED: WorkerStatus.STARTING,
    EventKind.WAITING: WorkerStatus.WAITING_GET,
    EventKind.BLOCKED: WorkerStatus.BLOCKED,
    EventKind.TIMED_GET: WorkerStatus.TIMED_GET,
    EventKind.TOOK: WorkerStatus.PROCESSING,
    EventKind.IDLE: WorkerStatus.IDLE,
    EventKind.EXITED: WorkerStatus.EXITED,
    EventKind.CRASHED: WorkerStatus.CRASHED,
    EventKind.STOPPED: WorkerStatus.STOPPED,
    EventKind.AT_GATE: WorkerStatus.AT_GATE,
    EventKind.VANISHED: WorkerStatus.VANISHED,
}
STATE_EVENTS = {
    WorkerState.STARTING: EventKind.STARTED,
    WorkerState.BLOCKING_GET: EventKind.WAITING,
    WorkerState.TIMED_GET: EventKind.TIMED_GET,
    WorkerState.PROCESSING: EventKind.TOOK,
    WorkerState.IDLE: EventKind.IDLE,
    WorkerState.EXITED: EventKind.EXITED,
    WorkerState.CRASHED: EventKind.CRASHED,
    WorkerState.AT_GATE: EventKind.AT_GATE,
    WorkerState.VANISHED: EventKind.VANISHED,
}
"""The event a worker's change into each table state makes."""

FINAL_STATES = frozenset({WorkerState.EXITED, WorkerState.CRASHED, WorkerState.VANISHED})
