"""The record reader: bulk copies must equal the item-by-item path."""

from __future__ import annotations

import random
from array import array

import pytest

from core.ledger import W_FIELDS, W_PID, Ledger
from core.records import DIFF_BLOCK, FINAL_SLICE, RecordReader, extend_pids, final_records
from core.result import ItemRecords

FIELDS = ("item", "worker", "pid", "t_take", "t_start", "t_done", "times_processed", "status")
WORKERS = 3


def _ledger(items: int) -> Ledger:
    # Only what the record builders read: no processes, no queue.
    ledger = Ledger.create(items, WORKERS)
    for w in range(WORKERS):
        ledger.table[w * W_FIELDS + W_PID] = 1000 + w
    return ledger


def _record(ledger: Ledger, i: int, rng: random.Random, times: int, taken: int) -> None:
    ledger.taker[i] = rng.randint(1, WORKERS) if taken else 0
    ledger.take_count[i] = taken
    if taken:
        ledger.t_take[i] = rng.random()
    if times:
        ledger.t_start[i] = rng.random()
        ledger.t_done[i] = ledger.t_start[i] + rng.random()
    ledger.process_count[i] = times


def _same(a: ItemRecords, b: ItemRecords) -> None:
    for name in FIELDS:
        # bytes, not ==: NaN times must compare equal too
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name


def _per_item_diff(reader: RecordReader, ledger: Ledger, previous: bytes) -> ItemRecords:
    """The records as the engine built them before block copies: item by item."""
    n = reader.items
    changed = [i for i in range(n) if ledger.process_count[i] != previous[i * 4]]
    return reader.records_for(ledger, changed)


@pytest.mark.parametrize("items", [1, 1000, DIFF_BLOCK * 5 + 17])
def test_new_records_equal_the_per_item_diff(items: int) -> None:
    rng = random.Random(items)
    ledger = _ledger(items)
    reader = RecordReader(items, WORKERS)
    order = list(range(items))
    done = 0
    while done < items:
        previous = bytes(ledger.process_count)  # as of the reader's last read
        step = rng.randint(1, max(1, items // 3))
        for i in order[done : done + step]:
            # Mostly processed once; some duplicated, taken twice, or still in flight.
            kind = rng.random()
            if kind < 0.9:
                _record(ledger, i, rng, 1, 1)
            elif kind < 0.95:
                _record(ledger, i, rng, 2, 2)
            elif kind < 0.98:
                _record(ledger, i, rng, 1, 2)
            else:
                _record(ledger, i, rng, 0, 1)
        done += step
        expected = _per_item_diff(reader, ledger, previous)
        _same(reader.new_records(ledger), expected)
    assert len(reader.new_records(ledger)) == 0  # nothing changed since the last call


def test_new_records_copy_whole_blocks_as_processed() -> None:
    items = DIFF_BLOCK * 3
    ledger = _ledger(items)
    rng = random.Random(1)
    for i in range(items):
        _record(ledger, i, rng, 1, 1)
    records = RecordReader(items, WORKERS).new_records(ledger)
    assert list(records.item) == list(range(items))
    assert set(records.status) == {0}
    assert list(records.pid) == [1000 + w - 1 for w in records.worker]


def test_final_records_equal_the_per_item_records() -> None:
    items = FINAL_SLICE * 2 + 123
    ledger = _ledger(items)
    rng = random.Random(7)
    for i in range(0, items, 3):
        _record(ledger, i, rng, 1, 1)
    dropped = [1, 4]
    _record(ledger, 1, rng, 0, 1)
    _record(ledger, 4, rng, 0, 1)
    left = [i for i in range(items) if ledger.take_count[i] == 0]
    duplicates = [3]
    _record(ledger, 3, rng, 2, 1)
    final = final_records(ledger, items, WORKERS, dropped, left, duplicates)
    expected = RecordReader(items, WORKERS).records_for(ledger, list(range(items)))
    # Progress says "in flight" for a taken item; at the end it was dropped.
    for i in dropped:
        expected.status[i] = final.status[i]
    _same(final, expected)


@pytest.mark.parametrize("workers", [1, 3, 255, 256])
def test_pids_by_byte_tables_equal_a_lookup_per_item(workers: int) -> None:
    rng = random.Random(workers)
    pids = [0] + [rng.randint(1, 4_194_304) for _ in range(workers)]
    takers = array("i", [rng.randint(0, workers) for _ in range(5000)])
    records = ItemRecords()
    extend_pids(records, memoryview(takers).cast("B"), pids)
    assert list(records.pid) == [pids[t] for t in takers]
