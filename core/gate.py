"""The step-mode gate: every queue operation of a controlled run waits here for its turn.

A Gate is made by the main process before any worker starts and reaches the
workers by inheritance (a Process argument, a Pool initializer argument).
Each participant (worker i at index i, the concurrent producer at index
`workers`) has a slot of integers in one shared array and three semaphores:

  participant                              controller (main process)
  slot.op = next operation, arrived.up -->  reads the op; decides
                              go.down  <--  go.up (exactly one participant)
  runs the operation
  slot.result = what it got,  done.up  -->  reads the result, records the step

The main process is a participant too: the concurrent producer's puts, and
a strategy's finish step (q.join(), the drain's q.empty() polls,
stop.set(), the sentinels it puts) once the workers run.

Index 0 of the array is the free flag: once the controller opens the gate
(the replay is over) every operation runs at once, as in an ungated run.
A participant whose loop ends posts EXIT instead of an operation.

With feeders (the faithful fidelity of an mp queue), every participant that
puts has a second slot, its feeder thread's (feeder(who)): it arrives with
FLUSH before it writes its oldest buffered item to the pipe (enter), and
reports once the write returned (leave). A feeder never posts EXIT: it
arrives only while its process has items it has not written.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from multiprocessing.context import BaseContext
from typing import Any

from core.ops import OPS

# Operation codes, in core.schedule.OPS order (code = index + 1).
EMPTY, QSIZE, GET, GET_TIMEOUT, GET_NOWAIT, PUT, TASK_DONE, IS_SET, JOIN, SET, FLUSH = range(1, 12)
EXIT = 12
OP_NAMES = ("", *OPS)  # a code's name: OP_NAMES[code]
_RETURNS_NOTHING = (PUT, TASK_DONE, JOIN, SET, FLUSH)
_CARRIES = (PUT, FLUSH)  # operations whose step names the item

# What an operation got (or a put put): a kind and a value.
DONE, BOOL, COUNT, ITEM, KNOWN, EMPTY_RAISED, ERROR, OTHER, BATCH = range(9)
KNOWN_OBJECTS: tuple[Any, ...] = (None, "end", "STOP")  # the strategies' sentinels

_OP, _ARG_KIND, _ARG_VALUE, _RESULT_KIND, _RESULT_VALUE, _HINT = range(6)
_FIELDS = 6
_FREE = 0
POLL_S = 0.05


def encode(value: Any, op: int) -> tuple[int, int]:
    """A value as (kind, value) integers for the shared slots."""
    if op in _RETURNS_NOTHING:
        return DONE, 0  # join_queue's bool says only whether the run was cancelled
    if value.__class__ is bool:
        return BOOL, int(value)
    if op == QSIZE and value.__class__ is int:
        return COUNT, value
    if value.__class__ is int:
        return ITEM, value
    if value.__class__ in (list, tuple) and _is_run_of_items(value):
        return BATCH, (value[0] << _BATCH_SHIFT) | len(value)  # the batched strategy's lists
    for index, known in enumerate(KNOWN_OBJECTS):
        if value.__class__ is known.__class__ and value == known:
            return KNOWN, index
    return OTHER, 0


_BATCH_SHIFT = 24  # a batch's (first item, length) in one slot: lengths below 2**24


def _is_run_of_items(value: list[Any] | tuple[Any, ...]) -> bool:
    """A non-empty run of consecutive item numbers (how the producer cuts its batches)."""
    if not value or value[0].__class__ is not int or len(value) >= 1 << _BATCH_SHIFT:
        return False
    first = value[0]
    return all(item.__class__ is int and item == first + i for i, item in enumerate(value))


def describe(kind: int, value: int) -> str:
    """How a step shows what an operation got: False, 3, item 7, items 0–9, 'end', Empty, ok."""
    if kind == DONE:
        return "ok"
    if kind == BOOL:
        return str(bool(value))
    if kind == COUNT:
        return str(value)
    if kind == ITEM:
        return f"item {value}"
    if kind == BATCH:
        first, count = value >> _BATCH_SHIFT, value & ((1 << _BATCH_SHIFT) - 1)
        return f"item {first}" if count == 1 else f"items {first}–{first + count - 1}"
    if kind == KNOWN:
        return repr(KNOWN_OBJECTS[value])
    if kind == EMPTY_RAISED:
        return "Empty"
    if kind == ERROR:
        return "error"
    return "other"


class Gate:
    """Shared slots and semaphores for `participants` participants; see the module docstring.

    feeders: each participant has a feeder slot too (feeder(who)).
    """

    def __init__(self, ctx: BaseContext, participants: int, feeders: bool = False) -> None:
        self.participants = participants
        self.feeders = feeders
        slots = participants * (2 if feeders else 1)
        self.slots = ctx.RawArray("q", 1 + slots * _FIELDS)
        self.arrived = [ctx.Semaphore(0) for _ in range(slots)]
        self.go = [ctx.Semaphore(0) for _ in range(slots)]
        self.done = [ctx.Semaphore(0) for _ in range(slots)]

    def feeder(self, who: int) -> int:
        """The slot of who's feeder thread (a gate with feeders)."""
        assert self.feeders
        return self.participants + who

    def owner(self, slot: int) -> int | None:
        """Whose feeder slot is; None for a participant's own slot."""
        return slot - self.participants if slot >= self.participants else None

    # --- the participant's side ------------------------------------------------

    def step(
        self,
        who: int,
        op: int,
        arg: Any,
        call: Callable[[bool], Any],
        stopped: Callable[[], bool] | None = None,
    ) -> Any:
        """Wait for the controller, run call(known_empty), report its result.

        known_empty: the controller knows the queue is empty, so a timed get
        can answer Empty at once. stopped (a thread of the main process)
        gives up waiting when it turns true: RuntimeError.
        """
        if not self.enter(who, op, arg, stopped):
            return call(False)
        base = 1 + who * _FIELDS
        try:
            result = call(bool(self.slots[base + _HINT]))
        except queue.Empty:
            self._report(base, who, EMPTY_RAISED, 0)
            raise
        except BaseException:
            self._report(base, who, ERROR, 0)
            raise
        self._report(base, who, *encode(result, op))
        return result

    def enter(self, who: int, op: int, arg: Any, stopped: Callable[[], bool] | None = None) -> bool:
        """Arrive with op and wait for the controller; False if the gate is open (no step)."""
        slots = self.slots
        if slots[_FREE]:
            return False
        base = 1 + who * _FIELDS
        slots[base + _ARG_KIND], slots[base + _ARG_VALUE] = (
            encode(arg, 0) if op in _CARRIES else (0, 0)
        )
        slots[base + _OP] = op
        self.arrived[who].release()
        self._wait_go(who, stopped)
        return not slots[_FREE]

    def leave(self, who: int) -> None:
        """An entered operation that returns nothing (a flush) is done."""
        self._report(1 + who * _FIELDS, who, DONE, 0)

    def exit(self, who: int) -> None:
        """The participant's loop ended: it will ask for no more turns."""
        if not self.slots[_FREE]:
            self.slots[1 + who * _FIELDS + _OP] = EXIT
            self.arrived[who].release()

    def _wait_go(self, who: int, stopped: Callable[[], bool] | None) -> None:
        if stopped is None:
            self.go[who].acquire()
            return
        while not self.go[who].acquire(timeout=POLL_S):
            if stopped():
                raise RuntimeError("the run is shutting down")

    def _report(self, base: int, who: int, kind: int, value: int) -> None:
        self.slots[base + _RESULT_KIND] = kind
        self.slots[base + _RESULT_VALUE] = value
        self.done[who].release()

    # --- the controller's side -------------------------------------------------

    def wait_arrival(self, who: int, timeout: float = POLL_S) -> bool:
        return bool(self.arrived[who].acquire(timeout=timeout))

    def next_op(self, who: int) -> tuple[int, str | None]:
        """The operation a participant waits to run, and what it would put."""
        base = 1 + who * _FIELDS
        op = int(self.slots[base + _OP])
        arg = describe(self.slots[base + _ARG_KIND], self.slots[base + _ARG_VALUE])
        return op, arg if op in _CARRIES else None

    def release(self, who: int, known_empty: bool = False) -> None:
        self.slots[1 + who * _FIELDS + _HINT] = int(known_empty)
        self.go[who].release()

    def wait_done(self, who: int, timeout: float = POLL_S) -> bool:
        return bool(self.done[who].acquire(timeout=timeout))

    def result(self, who: int) -> tuple[int, int]:
        base = 1 + who * _FIELDS
        return int(self.slots[base + _RESULT_KIND]), int(self.slots[base + _RESULT_VALUE])

    def open(self) -> None:
        """Let every operation from now on run at once, parked ones included."""
        self.slots[_FREE] = 1
        for go in self.go:
            go.release()

    @property
    def is_open(self) -> bool:
        return bool(self.slots[_FREE])
