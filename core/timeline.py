"""Timeline events: what a worker's row in the state table says it just did.

The monitor makes them on its polls (every POLL_S), so a fast run's takes
are sampled; evidence_events() adds, from the records, the takes the
diagnosis rests on, final_events() the exits no poll saw (a pool driver
marks its processes exited as the run ends), and sampling_note() says how
much a log shows.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.ledger import (
    SENTINEL_ITEM,
    W_FIELDS,
    W_ITEM,
    W_ITEM_AT_EMPTY,
    W_PID,
    W_STATE,
    W_T_CHANGE,
    W_T_LAST_EMPTY,
)
from core.result import STATUS_DROPPED, RunResult, TimelineEvent
from core.states import STATE_EVENTS, EventKind, WorkerState, WorkerStatus
from core.text import Sentence, translatable

MAX_TIMELINE = 100_000
POLL_S = 0.02  # how often the monitor looks at the state table

# Timeline event text. Fixed sentences are built once: the monitor makes an
# event on every state change it sees.
TOOK_ITEM = translatable("core", "took item {item}")
STARTED_PID = translatable("core", "started (pid {pid})")
TOOK_SENTINEL = Sentence(translatable("core", "took a sentinel"))
WAITING_IN_GET = Sentence(translatable("core", "waiting in q.get()"))
BLOCKED_FOREVER = Sentence(translatable("core", "blocked in q.get() forever: deadlock proven"))
RAISED = translatable("core", "crashed: raised {error}")
DIED_WITH_CODE = translatable(
    "core", "crashed: the process ended with exit code {code} without reporting it"
)
DIED = Sentence(translatable("core", "crashed: the process ended without reporting it"))
TASK_FAILED = translatable("core", "crashed: its pool task failed: {error}")
SAW_EMPTY = Sentence(translatable("core", "saw q.empty() == True"))
VANISHED = Sentence(
    translatable("core", "vanished: its heartbeat expired (it died or lost the network)")
)
STOPPED_BY_SIGSTOP = Sentence(translatable("core", "stopped (SIGSTOP): alive, but cannot run"))
SAMPLED = translatable(
    "core",
    "log: the monitor looks at the workers every {ms} ms, so it shows {shown} of {takes} "
    "takes (the others happened between two looks); every item is in the table",
)
_STATE_SENTENCES = {state: Sentence(state.label) for state in WorkerState}


def item_or_none(value: float) -> int | None:
    """A table's item cell as an item number; None for no item or a sentinel."""
    return int(value) if value >= 0 else None


def state_event(w: int, table: list[float], t0: float) -> TimelineEvent:
    """The event for worker w's current state (0-based w, times relative to t0)."""
    row = w * W_FIELDS
    state = WorkerState(int(table[row + W_STATE]))
    item = item_or_none(table[row + W_ITEM])
    if state == WorkerState.PROCESSING and table[row + W_ITEM] == SENTINEL_ITEM:
        sentence = TOOK_SENTINEL
    elif state == WorkerState.PROCESSING and item is not None:
        sentence = Sentence(TOOK_ITEM, (("item", item),))
    elif state == WorkerState.BLOCKING_GET:
        sentence = WAITING_IN_GET
    elif state == WorkerState.VANISHED:
        sentence = VANISHED
    elif state == WorkerState.STARTING and table[row + W_PID] > 0:
        sentence = Sentence(STARTED_PID, (("pid", int(table[row + W_PID])),))
    else:
        # also PROCESSING with no item yet: a pool process marks the state first
        sentence = _STATE_SENTENCES[state]
    return TimelineEvent(
        since(table[row + W_T_CHANGE], t0),
        w + 1,
        STATE_EVENTS[state],
        item,
        sentence.render(),
        sentence,
    )


def blocked_event(w: int, t: float) -> TimelineEvent:
    """Worker w (0-based) is proven stuck in q.get() at t (seconds into the run)."""
    return TimelineEvent(
        t, w + 1, EventKind.BLOCKED, None, BLOCKED_FOREVER.template, BLOCKED_FOREVER
    )


def crash_event(w: int, t: float, sentence: Sentence, item: int | None = None) -> TimelineEvent:
    """Worker w (0-based) crashed at t; the sentence says how."""
    return TimelineEvent(t, w + 1, EventKind.CRASHED, item, sentence.render(), sentence)


def stopped_event(w: int, t: float, item: int | None) -> TimelineEvent:
    """Worker w (0-based) was first seen stopped (SIGSTOP) at t, holding item."""
    sentence = STOPPED_BY_SIGSTOP
    return TimelineEvent(t, w + 1, EventKind.STOPPED, item, sentence.template, sentence)


def raised(error: str) -> Sentence:
    """'crashed: raised ValueError: ...' from a traceback (its last line)."""
    lines = error.strip().splitlines()
    return Sentence.of(RAISED, error=lines[-1] if lines else "?")


def died(exit_code: int | None) -> Sentence:
    """A worker process that ended without recording it (killed, os._exit)."""
    return DIED if exit_code is None else Sentence.of(DIED_WITH_CODE, code=exit_code)


def task_failed(error: str) -> Sentence:
    lines = error.strip().splitlines()
    return Sentence.of(TASK_FAILED, error=lines[-1] if lines else "?")


def saw_empty_event(w: int, table: list[float], t0: float) -> TimelineEvent:
    """The event for worker w's q.empty() having answered True."""
    row = w * W_FIELDS
    return TimelineEvent(
        since(table[row + W_T_LAST_EMPTY], t0),
        w + 1,
        EventKind.SAW_EMPTY,
        item_or_none(table[row + W_ITEM_AT_EMPTY]),
        SAW_EMPTY.template,
        SAW_EMPTY,
    )


def since(t: float, t0: float) -> float:
    """A monotonic time as seconds into the run (never negative)."""
    return max(0.0, t - t0)


def evidence_events(result: RunResult) -> list[TimelineEvent]:
    """Takes of dropped items missing from the timeline, from their records.

    The diagnosis names them ("worker 1 took item 99, saw q.empty() ==
    True and exited"); a worker that took, looked and left between two polls
    never showed its take to the monitor.
    """
    logged = {(e.worker, e.item) for e in result.timeline if e.kind == EventKind.TOOK}
    records, events = result.records, []
    status = bytes(result.records.status)
    i = status.find(STATUS_DROPPED)
    while i >= 0:
        worker, item = records.worker[i], records.item[i]
        if worker > 0 and (worker, item) not in logged and records.t_take[i] == records.t_take[i]:
            sentence = Sentence(TOOK_ITEM, (("item", item),))
            events.append(
                TimelineEvent(
                    records.t_take[i], worker, EventKind.TOOK, item, sentence.render(), sentence
                )
            )
        i = status.find(STATUS_DROPPED, i + 1)
    return events


def final_events(
    timeline: Sequence[TimelineEvent],
    table: list[float],
    statuses: Sequence[WorkerStatus],
    t0: float,
) -> list[TimelineEvent]:
    """An exit event for each worker reported exited whose exit no poll saw.

    statuses are the run's final worker statuses, in worker order. A pool
    driver marks its processes exited just before it says the run is over,
    so the monitor's last poll may read the table a moment too early. The
    time is the table's: when the driver marked the process, or when the
    worker's loop returned (then the change time is its exit time).
    """
    logged = {e.worker for e in timeline if e.kind == EventKind.EXITED}
    return [
        state_event(w, table, t0)
        for w, status in enumerate(statuses)
        if status == WorkerStatus.EXITED
        and w + 1 not in logged
        and int(table[w * W_FIELDS + W_STATE]) == WorkerState.EXITED
    ]


def sampling_note(result: RunResult, events: list[TimelineEvent]) -> Sentence | None:
    """What a log of these events leaves out of the takes, if anything."""
    shown = sum(1 for e in events if e.kind == EventKind.TOOK and e.item is not None)
    takes = result.processed + len(result.dropped)
    if shown >= takes:
        return None
    return Sentence.of(SAMPLED, ms=round(POLL_S * 1000), shown=f"{shown:,}", takes=f"{takes:,}")
