"""Item records read from the ledger: the progress diff and the final copy.

Both are bulk copies of the ledger's columns (C loops over slices), never a
Python step per item where it can be avoided: a run may have a million items
and the window's thread must not miss its frames meanwhile. Both expand the
chunk records first (core.chunks), so they read the same per-item columns
as with per-item recording.
"""

from __future__ import annotations

import sys
from array import array
from typing import Any

from core.chunks import expand_chunks
from core.ledger import W_FIELDS, W_PID, Ledger
from core.result import (
    STATUS_DROPPED,
    STATUS_DUPLICATED,
    STATUS_IN_FLIGHT,
    STATUS_LEFT,
    STATUS_PROCESSED,
    ItemRecords,
)

DIFF_BLOCK = 1024  # items per compared block of the progress diff
FINAL_SLICE = 65_536  # items per C loop when building the final records


class RecordReader:
    """Reads the records of items processed since its last read (progress)."""

    def __init__(self, items: int, workers: int) -> None:
        self.items = items
        self.workers = workers
        self._seen = bytes(max(items, 1) * 4)  # process_count as of the last read

    def new_records(self, ledger: Ledger) -> ItemRecords:
        """Records of the items processed since the last call (a diff, no IPC).

        A block whose items all went from 0 to 1 (the usual case) is copied as
        slices; a partly changed one goes item by item.
        """
        n = self.items
        expand_chunks(ledger)
        current = bytes(ledger.process_count)
        previous = self._seen
        records = ItemRecords()
        if not n or current == previous:
            return records
        pids = worker_pids(ledger, self.workers)
        take_count = ledger.take_count
        view = memoryview(current).cast("i")
        old = memoryview(previous).cast("i")
        for start in range(0, n, DIFF_BLOCK):
            stop = min(n, start + DIFF_BLOCK)
            now_block = current[start * 4 : stop * 4]
            old_block = previous[start * 4 : stop * 4]
            if now_block == old_block:
                continue
            ones = _ones(stop - start)
            if (
                now_block == ones
                and old_block == _zeros(stop - start)
                and take_count[start:stop].tobytes() == ones
            ):
                _copy_records(ledger, records, start, stop, pids)
            else:
                changed = [i for i in range(start, stop) if view[i] != old[i]]
                _append_records(ledger, records, changed, pids)
        self._seen = current
        return records

    def records_for(self, ledger: Ledger, items: list[int]) -> ItemRecords:
        """Records of a few items (progress); statuses as of now."""
        records = ItemRecords()
        expand_chunks(ledger)
        _append_records(ledger, records, items, worker_pids(ledger, self.workers))
        return records


def final_records(
    ledger: Ledger,
    items: int,
    workers: int,
    dropped: list[int],
    left: list[int],
    duplicates: list[int],
) -> ItemRecords:
    """Every item's record, copied in bulk from the ledger (fast at 1M items)."""
    n = items
    expand_chunks(ledger)
    records = ItemRecords()
    records.worker.frombytes(ledger.taker[:n].cast("B"))
    pids = worker_pids(ledger, workers)
    # In slices: one C loop over a million items would hold the GIL for
    # tens of ms, and the window's thread would miss its frames meanwhile.
    records.item.frombytes(ascending_int32(n))
    for start in range(0, n, FINAL_SLICE):
        stop = min(n, start + FINAL_SLICE)
        extend_pids(records, ledger.taker[start:stop].cast("B"), pids)
    records.t_take.frombytes(ledger.t_take[:n].cast("B"))
    records.t_start.frombytes(ledger.t_start[:n].cast("B"))
    records.t_done.frombytes(ledger.t_done[:n].cast("B"))
    records.times_processed.frombytes(ledger.process_count[:n].cast("B"))
    records.status.frombytes(bytes(n))  # STATUS_PROCESSED is 0
    for status, listed in (
        (STATUS_DROPPED, dropped),
        (STATUS_LEFT, left),
        (STATUS_DUPLICATED, duplicates),
    ):
        for i in listed:
            records.status[i] = status
    return records


def all_once(counts: Any, n: int) -> bool:
    """True if an int32 count column (process_count, take_count) holds n ones."""
    return bytes(counts) == _ones(n)


def ascending_int32(n: int) -> bytearray:
    """0, 1, ..., n-1 as native int32s, built a byte plane at a time.

    array("i", range(n)) makes a Python int per item (40 ms at 1M items);
    byte k of i is i >> 8k repeated in runs of 256**k, so each plane is a
    few bytes repeated, written with one strided slice assignment.
    """
    column = bytearray(4 * n)
    for k in range(4):
        run = 1 << (8 * k)  # how many consecutive items share byte k
        if n <= run:
            break  # byte k and those above it are 0 for every item
        runs = -(-n // run)
        if runs <= 256:
            plane = b"".join(bytes([value]) * run for value in range(runs))
        else:
            cycle = b"".join(bytes([value]) * run for value in range(256))
            plane = cycle * -(-n // len(cycle))
        at = k if sys.byteorder == "little" else 3 - k
        column[at::4] = plane[:n]
    return column


def worker_pids(ledger: Ledger, workers: int) -> list[int]:
    """pid by 1-based worker number; index 0 (nobody) maps to 0."""
    table = ledger.table
    return [0] + [int(table[w * W_FIELDS + W_PID]) for w in range(workers)]


def extend_pids(records: ItemRecords, takers: memoryview, pids: list[int]) -> None:
    """Append the pid of each taker (native int32s) to records.pid.

    With fewer than 256 workers a taker is its low byte: each byte of the
    pid column is one bytes.translate of those, 10x faster than a lookup
    per item (3 ms per 100k items) after every run.
    """
    if len(pids) > 256:
        records.pid.extend(map(pids.__getitem__, takers.cast("i")))
        return
    low = bytes(takers[0 if sys.byteorder == "little" else 3 :: 4])
    column = bytearray(len(takers))
    for k in range(4):
        shift = 8 * k if sys.byteorder == "little" else 8 * (3 - k)
        table = bytes((pid >> shift) & 0xFF for pid in pids) + bytes(256 - len(pids))
        column[k::4] = low.translate(table)
    records.pid.frombytes(column)


def _copy_records(
    ledger: Ledger, records: ItemRecords, start: int, stop: int, pids: list[int]
) -> None:
    """Append items start..stop-1, each taken and processed once, as slices."""
    count = stop - start
    records.item.extend(range(start, stop))
    records.worker.frombytes(ledger.taker[start:stop].cast("B"))
    extend_pids(records, ledger.taker[start:stop].cast("B"), pids)
    records.t_take.frombytes(ledger.t_take[start:stop].cast("B"))
    records.t_start.frombytes(ledger.t_start[start:stop].cast("B"))
    records.t_done.frombytes(ledger.t_done[start:stop].cast("B"))
    records.times_processed.frombytes(_ones(count))
    records.status.frombytes(bytes(count))  # STATUS_PROCESSED is 0


def _append_records(
    ledger: Ledger, records: ItemRecords, items: list[int], pids: list[int]
) -> None:
    for i in items:
        taker = ledger.taker[i]
        times = ledger.process_count[i]
        taken = ledger.take_count[i]
        records.item.append(i)
        records.worker.append(taker)
        records.pid.append(pids[taker])
        records.t_take.append(ledger.t_take[i])
        records.t_start.append(ledger.t_start[i])
        records.t_done.append(ledger.t_done[i])
        records.times_processed.append(times)
        if times > 1 or taken > 1:
            records.status.append(STATUS_DUPLICATED)
        elif times == 1:
            records.status.append(STATUS_PROCESSED)
        else:
            records.status.append(STATUS_IN_FLIGHT if taken else STATUS_LEFT)


_ONES: dict[int, bytes] = {}


def _ones(n: int) -> bytes:
    """n int32 ones: what process_count (or take_count) holds when all went once."""
    if n not in _ONES:
        if len(_ONES) > 4:  # the run's size and a few diff block sizes
            _ONES.clear()
        _ONES[n] = array("i", [1]).tobytes() * n
    return _ONES[n]


def _zeros(n: int) -> bytes:
    return bytes(n * 4)
