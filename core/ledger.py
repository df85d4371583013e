"""Evidence in shared memory: a per-item ledger, a per-worker state table, a chunk table.

Workers write plain numbers into shared arrays, so recording costs no IPC
message and the evidence stays readable when a worker hangs. The arrays are
views into one SharedBlock (core.shm): every page is reserved before the run
starts, so a full /dev/shm is a refusal at start and never a SIGBUS, and its
backing file is unlinked at once, so nothing can leak into /dev/shm.

Where items move in chunks (a pool's chunksize, a batched queue's batches) a
worker may record a whole chunk in the chunk table instead of each item:
one record when taken, one write when done. core.chunks expands those
records into the per-item arrays in the reading process, before any read.
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


# Fields of a chunk record (one row of doubles per chunk of chunk_size items).
C_STATE = 0  # CHUNK_FREE, CHUNK_TAKEN, CHUNK_DONE or CHUNK_ITEMS; written last by a worker
C_EXPANDED = 1  # the state the reading process last expanded into the per-item arrays
C_FIRST = 2
C_COUNT = 3
C_TAKER = 4  # 1-based worker
C_T_TAKE = 5
C_T_DONE = 6  # NaN until done
C_FIELDS = 7
CHUNK_FREE = 0.0  # not recorded as a chunk: its items are recorded one by one, if at all
CHUNK_TAKEN = 1.0
CHUNK_DONE = 2.0  # every item of it processed once
CHUNK_ITEMS = 3.0  # taken as a chunk; its processing was then recorded item by item


def chunk_count(items: int, chunk_size: int) -> int:
    """Rows of the chunk table: ceil(items / chunk_size); 0 when nothing is recorded per chunk."""
    return -(-items // chunk_size) if chunk_size > 0 else 0


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


def _layout(
    items: int, workers: int, chunk_size: int
) -> tuple[list[tuple[str, str, int, int]], int]:
    """(name, format, offset, length) of every array, and the bytes they take in all."""
    size = max(items, 1)
    arrays = [
        ("table", "d", workers * W_FIELDS),
        ("chunks", "d", chunk_count(items, chunk_size) * C_FIELDS),
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
    chunk_size: int = 0  # items per chunk record; 0: every item is recorded on its own


class Ledger:
    """Views over the shared arrays; create() in the parent, attach() in a worker."""

    take_count: Any  # Any: memoryview's stubs know neither the format nor float items.
    process_count: Any
    taker: Any
    t_take: Any
    t_start: Any
    t_done: Any
    table: Any
    chunks: Any
    tracebacks: Any
    pool_slots: Any

    def __init__(self, handles: LedgerHandles) -> None:
        self.handles = handles
        self.t0 = handles.t0
        self.items = handles.items
        self.workers = handles.workers
        self.chunk_size = handles.chunk_size
        memory = handles.memory
        whole: Any = memoryview(memory.buffer if isinstance(memory, SharedBlock) else memory)
        for name, fmt, offset, length in _layout(self.items, self.workers, self.chunk_size)[0]:
            size = _ITEM_SIZE[fmt] * length
            setattr(self, name, whole[offset : offset + size].cast(fmt))

    @classmethod
    def create(
        cls, items: int, workers: int, lock: LockType | None = None, chunk_size: int = 0
    ) -> Ledger:
        """Raises core.shm.SharedMemoryError (a ParamError) when there is no room for it.

        chunk_size > 0 adds a chunk table (core.chunks) of ceil(items / chunk_size) rows.
        """
        size = max(items, 1)
        handles = LedgerHandles(
            items=items,
            workers=workers,
            t0=time.monotonic(),
            memory=allocate(_layout(items, workers, chunk_size)[1]),
            pool_lock=lock,
            chunk_size=chunk_size,
        )
        ledger = cls(handles)
        nan = _filled("d", size, float("nan"))
        ledger.t_take[:] = nan
        ledger.t_start[:] = nan
        ledger.t_done[:] = nan
        rows = chunk_count(items, chunk_size)
        if rows:
            ledger.chunks[C_T_DONE::C_FIELDS] = _filled("d", rows, float("nan"))
        now = time.monotonic()
        for worker in range(workers):
            row = worker * W_FIELDS
            ledger.table[row + W_ITEM] = NO_ITEM
            ledger.table[row + W_LAST_EMPTY] = -1
            ledger.table[row + W_ITEM_AT_EMPTY] = NO_ITEM
            ledger.table[row + W_EXIT_CODE] = float("nan")
            ledger.table[row + W_T_CHANGE] = now
        return ledger

    def frozen(self, writers_left: bool = True) -> Ledger:
        """Everything recorded so far, as workers can no longer change it.

        writers_left=False: the caller knows no process or thread can write any
        more, so the shared memory itself is final (a copy is ~25 ms at 1M items).
        """
        memory = self.handles.memory
        if writers_left:
            memory = bytearray(memory.buffer if isinstance(memory, SharedBlock) else memory)
        return Ledger(dataclasses.replace(self.handles, memory=memory, pool_lock=None))

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
