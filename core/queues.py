"""Queue kinds behind one small interface.

Strategies only ever call put/get/get_nowait/empty/qsize/task_done on the
object they are given, so a queue kind that is not multiprocessing's (a
networked one, say) only has to provide those.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any, Protocol

from core.faults import BigItem
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

_BLOCKING = float(WorkerState.BLOCKING_GET)
_TIMED = float(WorkerState.TIMED_GET)
_PROCESSING = float(WorkerState.PROCESSING)
_monotonic = time.monotonic


class WorkQueue(Protocol):
    def put(self, obj: Any) -> None: ...
    def get(self, block: bool = True, timeout: float | None = None) -> Any: ...
    def empty(self) -> bool: ...
    def qsize(self) -> int: ...


class QueueKind:
    """Creates the queue and the events a run needs, and owns what backs them."""

    name = ""
    uses_pool = False  # True: workers are Pool.apply_async tasks (the post's setup)

    def __init__(self, ctx: BaseContext) -> None:
        self.ctx = ctx

    def make_queue(self) -> Any:
        raise NotImplementedError

    def make_event(self) -> Any:
        return self.ctx.Event()

    def join_queue(self, q: Any, cancelled: Callable[[], bool]) -> bool:
        """Wait until every item got task_done(); False if cancelled first."""
        raise NotImplementedError(f"queue kind {self.name} has no join()")

    def discard(self, q: Any) -> None:
        """Release the queue without waiting to flush what is left in it."""

    def close(self) -> None:
        """Stop whatever backs the queues (a manager process)."""


class ManagerKind(QueueKind):
    name = "manager"
    uses_pool = True

    def __init__(self, ctx: BaseContext) -> None:
        super().__init__(ctx)
        self._manager = ctx.Manager()

    @property
    def pid(self) -> int | None:
        process = getattr(self._manager, "_process", None)
        return getattr(process, "pid", None)

    def make_queue(self) -> Any:
        return self._manager.Queue()

    def make_event(self) -> Any:
        return self._manager.Event()

    def join_queue(self, q: Any, cancelled: Callable[[], bool]) -> bool:
        # A proxy's join() is one blocking call; shutting the manager down ends it.
        try:
            q.join()
        except (EOFError, OSError, ConnectionError):
            return False
        return not cancelled()

    def close(self) -> None:
        self._manager.shutdown()


class MpKind(QueueKind):
    name = "mp"

    def make_queue(self) -> Any:
        return self.ctx.Queue()

    def discard(self, q: Any) -> None:
        # The feeder thread must end, or it blocks (and interpreter exit with it)
        # writing to a pipe nobody reads. Drop what it still buffers, tell it to
        # stop, and read the pipe until it has (it closes the pipe itself).
        with q._notempty:
            q._buffer.clear()
        try:
            # Our own descriptor of the read end: the feeder closes the queue's.
            drain = Connection(os.dup(q._reader.fileno()), writable=False)
        except OSError:
            drain = None  # already closed: the feeder is done
        q.close()
        q.cancel_join_thread()
        feeder = q._thread
        deadline = time.monotonic() + 2.0
        try:
            while feeder is not None and feeder.is_alive() and time.monotonic() < deadline:
                if drain is not None and drain.poll(0.01):
                    drain.recv_bytes()
                else:
                    feeder.join(0.01)
        except (OSError, EOFError):
            pass
        finally:
            if drain is not None:
                drain.close()


class JoinableKind(MpKind):
    name = "joinable"

    def make_queue(self) -> Any:
        return self.ctx.JoinableQueue()

    def join_queue(self, q: Any, cancelled: Callable[[], bool]) -> bool:
        # JoinableQueue.join() has no timeout; this is its loop with one, so a
        # cancelled run does not leave a thread behind.
        with q._cond:
            while not q._unfinished_tasks._semlock._is_zero():
                if cancelled():
                    return False
                q._cond.wait(0.05)
        return True


def make_queue_kind(name: str, ctx: BaseContext) -> QueueKind:
    kinds: dict[str, type[QueueKind]] = {
        "manager": ManagerKind,
        "mp": MpKind,
        "joinable": JoinableKind,
    }
    return kinds[name](ctx)


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
        else:
            table[self._sentinels_at] += 1
            table[self._item_at] = SENTINEL_ITEM
        table[self._taken_at] += 1
        if data == self._fault_item:
            os.kill(os.getpid(), self._fault_signal)  # an injected kill or stop
        return data

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
