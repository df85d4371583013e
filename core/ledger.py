"""Evidence in shared memory: a per-item ledger and a per-worker state table.

Workers write plain numbers into shared arrays, so recording costs no IPC
message and the evidence stays readable when a worker hangs. The arrays are
views into one SharedBlock (core.shm): every page is reserved before the run
starts, so a full /dev/shm is a refusal at start and never a SIGBUS, and its
backing file is unlinked at once, so nothing can leak into /dev/shm.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.synchronize import Lock as LockType
from typing import Any, NamedTuple

from core.shm import SharedBlock, allocate

# Column indices of the worker state table (one row of doubles per worker).
W_STATE = 0
W_ITEM = 1  # item being processed or last taken; -1 none, -2 a sentinel
W_PID = 2
W_T_CHANGE = 3
W_TAKEN = 4  # objects taken from the queue, sentinels included
W_PROCESSED = 5
W_PUTS = 6  # objects the worker put back (re-put sentinels)
W_SENTINELS = 7
W_EMPTY_CALLS = 8
W_LAST_EMPTY = 9  # result of the last q.empty(): -1 never called, 0 False, 1 True
W_T_LAST_EMPTY = 10
W_ITEM_AT_EMPTY = 11  # last item taken when q.empty() last answered
W_QT_IMPORTED = 12
W_T_STARTED = 13
W_T_EXITED = 14
W_EXIT_CODE = 15
W_FIELDS = 16


class WorkerRow(NamedTuple):
    """What the verdict reads of one worker's row of the state table."""

    state: int
    item: float
    pid: int
    processed: int
    taken: int
    qt_imported: bool


def worker_row(table: Sequence[float], worker: int) -> WorkerRow:
    row = worker * W_FIELDS
    return WorkerRow(
        state=int(table[row + W_STATE]),
        item=table[row + W_ITEM],
        pid=int(table[row + W_PID]),
        processed=int(table[row + W_PROCESSED]),
        taken=int(table[row + W_TAKEN]),
        qt_imported=table[row + W_QT_IMPORTED] == 1.0,
    )


TRACEBACK_BYTES = 8192
NO_ITEM = -1
SENTINEL_ITEM = -2

# The arrays in the block, doubles first so every array is aligned: name, format, length.
_PER_ITEM = (
    ("t_take", "d"),
    ("t_start", "d"),
    ("t_done", "d"),
    ("take_count", "i"),
    ("process_count", "i"),
    ("taker", "i"),  # 1-based worker that took the item last; 0: nobody
)
_ITEM_SIZE = {"d": 8, "i": 4, "B": 1}


def _layout(items: int, workers: int) -> tuple[list[tuple[str, str, int, int]], int]:
    """(name, format, offset, length) of every array, and the bytes they take in all."""
    size = max(items, 1)
    arrays = [
        ("table", "d", workers * W_FIELDS),
        *((name, fmt, size) for name, fmt in _PER_ITEM),
        ("pool_slots", "i", 1),
        ("tracebacks", "B", workers * TRACEBACK_BYTES),
    ]
    out = []
    offset = 0
    for name, fmt, length in arrays:
        out.append((name, fmt, offset, length))
        offset += _ITEM_SIZE[fmt] * length
    return out, offset


@dataclass
class LedgerHandles:
    """The picklable handles a worker process attaches to (the block by its descriptor)."""

    items: int
    workers: int
    t0: float  # time.monotonic() at the run's start; item times are relative to it
    memory: SharedBlock | bytearray  # bytearray: a frozen copy
    pool_lock: LockType | None


class Ledger:
    """Views over the shared arrays; create() in the parent, attach() in a worker."""

    take_count: Any  # Any: memoryview's stubs know neither the format nor float items.
    process_count: Any
    taker: Any
    t_take: Any
    t_start: Any
    t_done: Any
    table: Any
    tracebacks: Any
    pool_slots: Any

    def __init__(self, handles: LedgerHandles) -> None:
        self.handles = handles
        self.t0 = handles.t0
        self.items = handles.items
        self.workers = handles.workers
        memory = handles.memory
        whole: Any = memoryview(memory.buffer if isinstance(memory, SharedBlock) else memory)
        for name, fmt, offset, length in _layout(self.items, self.workers)[0]:
            size = _ITEM_SIZE[fmt] * length
            setattr(self, name, whole[offset : offset + size].cast(fmt))

    @classmethod
    def create(cls, items: int, workers: int, lock: LockType | None = None) -> Ledger:
        """Raises core.shm.SharedMemoryError (a ParamError) when there is no room for it."""
        size = max(items, 1)
        handles = LedgerHandles(
            items=items,
            workers=workers,
            t0=time.monotonic(),
            memory=allocate(_layout(items, workers)[1]),
            pool_lock=lock,
        )
        ledger = cls(handles)
        nan = _filled("d", size, float("nan"))
        ledger.t_take[:] = nan
        ledger.t_start[:] = nan
        ledger.t_done[:] = nan
        now = time.monotonic()
        for worker in range(workers):
            row = worker * W_FIELDS
            ledger.table[row + W_ITEM] = NO_ITEM
            ledger.table[row + W_LAST_EMPTY] = -1
            ledger.table[row + W_ITEM_AT_EMPTY] = NO_ITEM
            ledger.table[row + W_EXIT_CODE] = float("nan")
            ledger.table[row + W_T_CHANGE] = now
        return ledger

    def frozen(self) -> Ledger:
        """A private copy of everything recorded so far; workers no longer reach it."""
        memory = self.handles.memory
        copy = bytearray(memory.buffer if isinstance(memory, SharedBlock) else memory)
        return Ledger(dataclasses.replace(self.handles, memory=copy, pool_lock=None))

    def claim_pool_slot(self) -> int:
        """Give a pool process the next worker index (pool strategies only)."""
        lock = self.handles.pool_lock
        assert lock is not None
        with lock:
            slot = self.pool_slots[0]
            self.pool_slots[0] = slot + 1
        return int(slot)

    def row(self, worker: int) -> list[float]:
        start = worker * W_FIELDS
        return list(self.table[start : start + W_FIELDS])

    def write_traceback(self, worker: int, text: str) -> None:
        data = text.encode("utf-8", "replace")[-(TRACEBACK_BYTES - 1) :]
        start = worker * TRACEBACK_BYTES
        self.tracebacks[start : start + len(data)] = data
        self.tracebacks[start + len(data)] = 0

    def read_traceback(self, worker: int) -> str:
        start = worker * TRACEBACK_BYTES
        raw = bytes(self.tracebacks[start : start + TRACEBACK_BYTES])
        return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def _filled(fmt: str, size: int, value: float) -> memoryview:
    import array

    return memoryview(array.array(fmt, [value]) * size)
