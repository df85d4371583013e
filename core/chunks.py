"""Evidence per chunk: a chunk of items recorded in one ledger write, expanded when read.

Where items move in chunks (a pool's chunksize, the batched strategy's
batches) recording each item costs a dozen shared-memory writes per item,
which triples the time of a fast pool. A worker instead records a chunk
once when it takes it and once when it is done (core.ledger's chunk table),
and the reading process expands those records into the per-item arrays
(expand_chunks) before any read, so every reader sees the same per-item
data as with per-item recording.

A chunk is recorded whole only when that cannot mislead (core.engine's
recording_chunk_size and the workers' own checks): with no per-item work (per-item times are what
the lanes draw, and with work the recording costs nothing next to it), not in
step mode, not for the chunk that holds an armed fault's item, not where a
queue server can move items back. A worker that dies holding a chunk leaves
it taken and never done: every item of it is named dropped by that worker.

Workers import this module: standard library and core.ledger only.
"""

from __future__ import annotations

import os
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from core.ledger import (
    C_COUNT,
    C_EXPANDED,
    C_FIELDS,
    C_FIRST,
    C_STATE,
    C_T_DONE,
    C_T_TAKE,
    C_TAKER,
    CHUNK_DONE,
    CHUNK_FREE,
    CHUNK_ITEMS,
    CHUNK_TAKEN,
    W_FIELDS,
    W_PROCESSED,
    Ledger,
    chunk_count,
)

# Set (to anything but "" or "0") to record every item on its own: tests compare the two.
PER_ITEM_ENV = "QUEUESCOPE_PER_ITEM_RECORDS"
# Smaller chunks are recorded per item: expanding a chunk costs the reader a few
# slice writes, which only pays off once a chunk spares the worker more writes than that.
MIN_CHUNK_ITEMS = 16
# Kinds of fault whose items are not plain ints (or never arrive): recorded per item.
ITEM_FAULTS = ("big-payload", "unpicklable")
_EXPAND_BLOCK = 256  # chunk rows per compared block of expand_chunks
_monotonic = time.monotonic


def per_item_forced() -> bool:
    return os.environ.get(PER_ITEM_ENV, "") not in ("", "0")


def chunked(items: Iterable[int], size: int) -> Iterator[list[int]]:
    """Lists of size items, in order, the last one shorter: the chunks Pool builds itself
    from (items, chunksize), pulled as lazily as it pulls them."""
    source = iter(items)
    while chunk := list(islice(source, size)):
        yield chunk


def plain_run(items: list[Any]) -> bool:
    """True if items look like one run of consecutive plain ints (what the lab's producers
    and chunked() make): first and last are ints, count apart."""
    if not items:
        return False
    first, last = items[0], items[-1]
    return first.__class__ is int and last.__class__ is int and last - first == len(items) - 1


class ChunkRecorder:
    """A worker's writes to the chunk table: one record when taken, one write when done."""

    def __init__(self, ledger: Ledger, worker: int) -> None:
        self.chunks = ledger.chunks
        self.size = ledger.chunk_size
        self.rows = chunk_count(ledger.items, ledger.chunk_size)
        self.t0 = ledger.t0
        self.taker = float(worker + 1)

    def take(self, first: int, count: int, now: float) -> int:
        """Items first..first+count-1 taken now: the record's offset, or -1 if they must be
        recorded one by one (not a chunk of this table, or taken once already)."""
        size = self.size
        row = first // size
        if first % size or not 0 < count <= size or row >= self.rows:
            return -1
        base = row * C_FIELDS
        chunks = self.chunks
        if chunks[base + C_STATE] != CHUNK_FREE:
            return -1
        chunks[base + C_FIRST] = first
        chunks[base + C_COUNT] = count
        chunks[base + C_TAKER] = self.taker
        chunks[base + C_T_TAKE] = now - self.t0
        chunks[base + C_STATE] = CHUNK_TAKEN  # last: a reader trusts the fields above once set
        return base

    def done(self, base: int, now: float) -> None:
        """Every item of the chunk processed once."""
        self.chunks[base + C_T_DONE] = now - self.t0
        self.chunks[base + C_STATE] = CHUNK_DONE

    def by_items(self, base: int) -> None:
        """Its processing is recorded item by item (written before this)."""
        self.chunks[base + C_STATE] = CHUNK_ITEMS


class BatchChunks:
    """The batched strategy's process(data) and its worker's open batch, as a chunk.

    A batch taken whole (take) is done when its worker asks for its next
    object or its loop ends (close). Meanwhile process(data) only checks that
    the calls go through the batch's items in order; a call off that course
    (another object, an item out of order) records what was processed so far
    item by item and hands this and every later call of the batch to the
    per-item process, so the evidence never claims an item processed that was not.
    """

    def __init__(
        self, ledger: Ledger, worker: int, per_item: Callable[[Any], None], fault_item: int
    ) -> None:
        self._recorder = ChunkRecorder(ledger, worker)
        self._per_item = per_item
        self._fault_item = fault_item
        self._ledger = ledger
        self._table = ledger.table
        self._processed_at = worker * W_FIELDS + W_PROCESSED
        self._base = -1  # the open chunk's record; -1: none open
        self._first = self._next = self._end = -1

    def take(self, batch: list[Any], now: float) -> bool:
        """Record the batch taken as one chunk; False: record it item by item instead."""
        self.close()
        if not plain_run(batch):
            return False
        first, count = batch[0], len(batch)
        if first <= self._fault_item < first + count:
            return False  # the fault's batch: exactly what per-item recording shows
        base = self._recorder.take(first, count, now)
        if base < 0:
            return False
        self._base, self._first, self._next, self._end = base, first, first, first + count
        return True

    def __call__(self, data: Any) -> None:
        if data == self._next and data.__class__ is int and data < self._end:
            self._next = data + 1
            return
        self._by_items(_monotonic())
        self._per_item(data)

    def close(self) -> None:
        """The open batch is done: whole if every item went through in order."""
        base = self._base
        if base < 0:
            return
        if self._next == self._end:
            self._base = -1
            self._recorder.done(base, _monotonic())
            self._table[self._processed_at] += self._end - self._first
        else:
            self._by_items(_monotonic())

    def _by_items(self, now: float) -> None:
        """Record the open batch's items processed so far one by one; the rest of it
        stays taken until the per-item process records it."""
        base = self._base
        if base < 0:
            return
        self._base = -1
        ledger = self._ledger
        at = now - ledger.t0
        for item in range(self._first, self._next):
            ledger.t_start[item] = at
            ledger.t_done[item] = at
            ledger.process_count[item] += 1
        self._table[self._processed_at] += self._next - self._first
        self._recorder.by_items(base)
        self._first = self._next = self._end = -1


def done_once_in_chunks(ledger: Ledger) -> bool:
    """True when the chunk records alone show every item taken and processed exactly once.

    Every row is done as a whole and none is expanded yet, the rows' counts add
    up to every item (a row never holds more than its own range), and no item
    was recorded on its own (its per-item counts are all 0: a chunk taken a
    second time is recorded item by item). Then the per-item arrays need not
    be filled to know the fates; expand_chunks() fills them for whoever reads them.
    """
    chunks = ledger.chunks
    rows = len(chunks) // C_FIELDS
    if not rows:
        return False
    if bytes(chunks[C_STATE::C_FIELDS]) != bytes(array("d", [CHUNK_DONE]) * rows):
        return False
    if bytes(chunks[C_EXPANDED::C_FIELDS]) != bytes(8 * rows):  # CHUNK_FREE is 0.0
        return False
    if sum(chunks[C_COUNT::C_FIELDS]) != ledger.items:
        return False
    zeros = bytes(4 * ledger.items)
    return bytes(ledger.take_count) == zeros and bytes(ledger.process_count) == zeros


def expand_chunks(ledger: Ledger) -> None:
    """Fill the per-item arrays from the chunk records changed since the last expansion.

    Call it before reading the per-item arrays, in the reading process only
    (it remembers what it expanded in the table itself, so a frozen copy
    carries that on). Slice writes: a Python step per changed chunk, none
    per item.
    """
    chunks = ledger.chunks
    rows = len(chunks) // C_FIELDS
    if not rows:
        return
    states = bytes(chunks[C_STATE::C_FIELDS])
    expanded = bytes(chunks[C_EXPANDED::C_FIELDS])
    if states == expanded:
        return
    step = 8 * _EXPAND_BLOCK
    for start in range(0, len(states), step):
        if states[start : start + step] == expanded[start : start + step]:
            continue
        for row in range(start // 8, min(rows, (start + step) // 8)):
            base = row * C_FIELDS
            state = chunks[base + C_STATE]
            done_before = chunks[base + C_EXPANDED]
            if state != done_before:
                _expand(ledger, base, state, done_before)
                chunks[base + C_EXPANDED] = state


def _expand(ledger: Ledger, base: int, state: float, done_before: float) -> None:
    chunks = ledger.chunks
    first = int(chunks[base + C_FIRST])
    count = int(chunks[base + C_COUNT])
    stop = first + count
    if done_before == CHUNK_FREE:
        _count_once(ledger.take_count, first, stop)
        ledger.taker[first:stop] = array("i", [int(chunks[base + C_TAKER])]) * count
        ledger.t_take[first:stop] = array("d", [chunks[base + C_T_TAKE]]) * count
    if state == CHUNK_DONE:
        _count_once(ledger.process_count, first, stop)
        done = array("d", [chunks[base + C_T_DONE]]) * count
        ledger.t_start[first:stop] = done  # no per-item work: started as done, as per item
        ledger.t_done[first:stop] = done


def _count_once(counts: Any, start: int, stop: int) -> None:
    """counts[start:stop] += 1: one slice write where they were all 0 (the usual case)."""
    count = stop - start
    if counts[start:stop].tobytes() == bytes(4 * count):
        counts[start:stop] = array("i", [1]) * count
        return
    for i in range(start, stop):
        counts[i] += 1
