"""The queue a worker loop sees: the backend's queue, with the ledger's evidence.

Strategies only ever call put/get/get_nowait/empty/qsize/task_done on the
object they are given, so any backend's queue (core.backends) that offers
those can be instrumented. In a controlled run (step mode) the worker gets a
GatedQueue instead, whose every operation waits at core.gate first; with
feeder steps, FeederAtGate makes its process's feeder thread a participant.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.cpython import hook_feeder_writes, settle_puts
from core.faults import BigItem
from core.gate import (
    EMPTY,
    FLUSH,
    GET,
    GET_NOWAIT,
    GET_TIMEOUT,
    IS_SET,
    PUT,
    QSIZE,
    TASK_DONE,
    Gate,
)
from core.ledger import (
    SENTINEL_ITEM,
    W_EMPTY_CALLS,
    W_FIELDS,
    W_ITEM,
    W_ITEM_AT_EMPTY,
    W_LAST_EMPTY,
    W_PUTS,
    W_SENTINELS,
    W_STATE,
    W_T_CHANGE,
    W_T_LAST_EMPTY,
    W_TAKEN,
    Ledger,
)
from core.states import WorkerState

if TYPE_CHECKING:
    from core.chunks import BatchChunks

_BLOCKING = float(WorkerState.BLOCKING_GET)
_TIMED = float(WorkerState.TIMED_GET)
_PROCESSING = float(WorkerState.PROCESSING)
_AT_GATE = float(WorkerState.AT_GATE)
_monotonic = time.monotonic


class InstrumentedQueue:
    """The queue a worker loop sees: the real queue plus ledger writes.

    Write order matters for the deadlock proof: the state leaves BLOCKING_GET
    before the taken counter grows, and the monitor reads counters first.

    get() runs once per item: its views and cell indices are bound once.
    """

    def __init__(
        self, raw: Any, ledger: Ledger, worker: int, fault_item: int = -1, fault_signal: int = 0
    ) -> None:
        self._raw = raw
        self._ledger = ledger
        self._row = row = worker * W_FIELDS
        self._worker = worker
        self._fault_item = fault_item if fault_signal else -1
        self._fault_signal = fault_signal
        self._raw_get = raw.get
        self._table = ledger.table
        self._take_count = ledger.take_count
        self._taker = ledger.taker
        self._t_take = ledger.t_take
        self._t0 = ledger.t0
        self._taker_id = worker + 1
        self._state_at = row + W_STATE
        self._change_at = row + W_T_CHANGE
        self._item_at = row + W_ITEM
        self._taken_at = row + W_TAKEN
        self._sentinels_at = row + W_SENTINELS

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        table = self._table
        table[self._state_at] = _BLOCKING if block and timeout is None else _TIMED
        table[self._change_at] = _monotonic()
        data = self._raw_get(block, timeout)
        now = _monotonic()
        table[self._state_at] = _PROCESSING
        table[self._change_at] = now
        if data.__class__ is int or data.__class__ is BigItem:
            self._take_count[data] += 1
            self._taker[data] = self._taker_id
            self._t_take[data] = now - self._t0
            table[self._item_at] = data
        elif data.__class__ is list:  # a batch (sentinel-per-worker-batched): one object
            self._take_batch(data, now)
        else:
            table[self._sentinels_at] += 1
            table[self._item_at] = SENTINEL_ITEM
        table[self._taken_at] += 1
        if data == self._fault_item and self._take_count[data] == 1:
            # An injected kill or stop, on the item's first take (a reaper may requeue it).
            os.kill(os.getpid(), self._fault_signal)
        return data

    def _take_batch(self, batch: list[Any], now: float) -> None:
        """Every item of a batch taken at once by this worker; a kill fault hits the batch
        that holds its item, after the batch's items are recorded as taken."""
        take_count, taker, t_take = self._take_count, self._taker, self._t_take
        taken_at = now - self._t0
        for data in batch:
            take_count[data] += 1
            taker[data] = self._taker_id
            t_take[data] = taken_at
        self._table[self._item_at] = batch[0] if batch else SENTINEL_ITEM
        if self._fault_item in batch:
            os.kill(os.getpid(), self._fault_signal)

    def get_nowait(self) -> Any:
        return self.get(False)

    def put(self, obj: Any) -> None:
        self._ledger.table[self._row + W_PUTS] += 1
        self._raw.put(obj)

    def empty(self) -> bool:
        result = bool(self._raw.empty())
        table = self._ledger.table
        row = self._row
        table[row + W_EMPTY_CALLS] += 1
        table[row + W_LAST_EMPTY] = 1.0 if result else 0.0
        table[row + W_ITEM_AT_EMPTY] = table[row + W_ITEM]
        table[row + W_T_LAST_EMPTY] = _monotonic()
        return result

    def qsize(self) -> int:
        return int(self._raw.qsize())

    def task_done(self) -> None:
        self._raw.task_done()


class ChunkedQueue(InstrumentedQueue):
    """An InstrumentedQueue whose batches are recorded as chunks (core.chunks.BatchChunks).

    A worker's batch is done when the worker asks for its next object; a
    subclass, so the other strategies' get() stays exactly as above.
    """

    def __init__(
        self,
        raw: Any,
        ledger: Ledger,
        worker: int,
        batches: BatchChunks,
        fault_item: int = -1,
        fault_signal: int = 0,
    ) -> None:
        super().__init__(raw, ledger, worker, fault_item, fault_signal)
        self._batches = batches

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        self._batches.close()
        return super().get(block, timeout)

    def _take_batch(self, batch: list[Any], now: float) -> None:
        if self._batches.take(batch, now):
            self._table[self._item_at] = batch[0]
        else:
            super()._take_batch(batch, now)


class GatedQueue(InstrumentedQueue):
    """An InstrumentedQueue of a controlled run: each operation waits at the gate first.

    While it waits, the ledger says so (AT_GATE), so the lanes show a worker
    waiting for its turn, not processing or starting; an operation that
    writes no state of its own (all but a get) puts the earlier one back.
    A subclass, so an ungated run's per-item path stays exactly as above.
    A put returns only once the item is readable by other processes (see
    core.cpython.settle_puts), so what the next step sees never depends on
    when a feeder thread got round to writing.
    """

    def __init__(self, raw: Any, ledger: Ledger, worker: int, gate: Gate) -> None:
        super().__init__(raw, ledger, worker)
        self._gate = gate
        self._settled = _nothing_to_wait_for
        if gate.feeders:  # a put fills the buffer; the feeder's write is a step of its own
            self._feeder: FeederAtGate | None = FeederAtGate(raw, gate, gate.feeder(worker))
        else:
            self._feeder = None
            self._settled = settle_puts(raw)

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        op = GET if block and timeout is None else GET_NOWAIT if not block else GET_TIMEOUT
        take = super().get

        def call(known_empty: bool) -> Any:
            return take(False) if known_empty and op == GET_TIMEOUT else take(block, timeout)

        return self.step(op, None, call, writes_state=True)

    def put(self, obj: Any) -> None:
        put = super().put
        feeder = self._feeder

        def call(_: bool) -> None:
            if feeder is not None:
                feeder.put(put, obj)
                return
            put(obj)
            self._settled()

        self.step(PUT, obj, call)

    def empty(self) -> bool:
        empty = super().empty
        return bool(self.step(EMPTY, None, lambda _: empty()))

    def qsize(self) -> int:
        qsize = super().qsize
        return int(self.step(QSIZE, None, lambda _: qsize()))

    def task_done(self) -> None:
        task_done = super().task_done
        self.step(TASK_DONE, None, lambda _: task_done())

    def step(
        self, op: int, arg: Any, call: Callable[[bool], Any], writes_state: bool = False
    ) -> Any:
        """call at the gate (core.gate.Gate.step), the wait shown in the ledger."""
        if self._gate.is_open:
            return self._gate.step(self._worker, op, arg, call)
        table = self._table
        before = table[self._state_at]
        table[self._state_at] = _AT_GATE
        table[self._change_at] = _monotonic()
        try:
            return self._gate.step(self._worker, op, arg, call)
        finally:
            if not writes_state or table[self._state_at] == _AT_GATE:
                table[self._state_at] = before
                table[self._change_at] = _monotonic()


class GatedEvent:
    """A stop event whose is_set() waits at the gate (as its worker's queue's step); the
    rest passes through."""

    def __init__(self, raw: Any, queue: GatedQueue) -> None:
        self._raw = raw
        self._queue = queue

    def is_set(self) -> bool:
        return bool(self._queue.step(IS_SET, None, lambda _: self._raw.is_set()))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class FeederAtGate:
    """This process's feeder thread of an mp queue as a participant of a controlled run.

    Each write to the pipe waits at the gate first (a FLUSH of the oldest
    item this process put and has not written) and reports once written
    (core.cpython.hook_feeder_writes); a put returns once its item is in the
    feeder's buffer, as in an uncontrolled run. Install it before the
    queue's first put in this process.
    """

    def __init__(self, queue: Any, gate: Gate, slot: int) -> None:
        self._gate = gate
        self._slot = slot
        self._unwritten: deque[Any] = deque()  # what this process put, oldest first
        self._in_step = False
        hook_feeder_writes(queue, self._before_write, self._after_write)

    def put(self, put: Callable[[Any], None], obj: Any) -> None:
        self._unwritten.append(obj)  # before the feeder can see it
        put(obj)

    def _before_write(self) -> None:
        self._in_step = self._gate.enter(self._slot, FLUSH, self._unwritten.popleft())

    def _after_write(self) -> None:
        if self._in_step:
            self._in_step = False
            self._gate.leave(self._slot)


def _nothing_to_wait_for() -> None:
    pass
