"""The results model: Qt's contract, numpy sort/filter at a million rows, batched streaming."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, Qt

from core.result import (
    STATUS_DROPPED,
    STATUS_DUPLICATED,
    STATUS_IN_FLIGHT,
    STATUS_LABELS,
    STATUS_LEFT,
    STATUS_PROCESSED,
    ItemRecords,
)
from gui.results_model import (
    COL_ITEM,
    COL_PROCESSING_MS,
    COL_STATUS,
    COL_WORKER,
    FILTER_ALL,
    FILTER_DUPLICATED,
    FILTER_LOST,
    FILTER_LOST_OR_DUPLICATED,
    ItemTableModel,
    SortRole,
    StatusRole,
)
from tests.gui.helpers import NAN, make_records


def column(model: ItemTableModel, col: int) -> list[Any]:
    return [model.index(row, col).data(SortRole) for row in range(model.rowCount())]


def test_qtmodeltester_with_data_sort_and_filter(qtmodeltester: Any) -> None:
    model = ItemTableModel()
    model.set_records(make_records(500))
    qtmodeltester.check(model)
    model.sort(COL_PROCESSING_MS, Qt.SortOrder.DescendingOrder)
    model.set_filter(FILTER_LOST_OR_DUPLICATED)
    qtmodeltester.check(model)
    model.set_filter(FILTER_ALL)
    model.append_records(make_records(20, seed=2))
    qtmodeltester.check(model)


def test_display_and_roles() -> None:
    records = ItemRecords()
    for values in (
        (7, 2, 4242, 0.5, 0.5, 0.5125, 1, STATUS_PROCESSED),
        (8, 0, 0, NAN, NAN, NAN, 0, STATUS_LEFT),
    ):
        for name, value in zip(
            ("item", "worker", "pid", "t_take", "t_start", "t_done", "times_processed", "status"),
            values,
            strict=True,
        ):
            getattr(records, name).append(value)
    model = ItemTableModel()
    model.set_records(records)
    texts = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(2)]
    assert texts[0] == ["7", "2", "4242", "0.5000", "12.50", "1", STATUS_LABELS[STATUS_PROCESSED]]
    assert texts[1] == ["8", "—", "—", "—", "—", "0", STATUS_LABELS[STATUS_LEFT]]
    assert model.index(1, COL_ITEM).data(StatusRole) == STATUS_LEFT
    assert math.isnan(model.index(1, COL_PROCESSING_MS).data(SortRole))
    assert model.index(0, COL_ITEM).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(1, COL_ITEM).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert model.index(5, 0).data() is None


@pytest.mark.timeout(60)
def test_sort_and_filter_a_million_rows() -> None:
    count = 1_000_000
    model = ItemTableModel()
    records = make_records(count)
    model.set_records(records)
    status = np.frombuffer(records.status, dtype=np.int8)
    processing = (
        np.frombuffer(records.t_done, dtype=np.float64)
        - np.frombuffer(records.t_start, dtype=np.float64)
    ) * 1000.0
    assert model.rowCount() == count

    started = time.monotonic()
    model.sort(COL_PROCESSING_MS, Qt.SortOrder.DescendingOrder)
    took = time.monotonic() - started
    assert took < 5.0, f"sorting 1M rows took {took:.1f} s"
    values = model.column_values("processing_ms")
    finite = int(np.isfinite(processing).sum())
    assert np.all(np.diff(values[:finite]) <= 0)  # descending...
    assert np.isnan(values[finite:]).all()  # ...with the blanks ("—") last
    top = int(np.nanargmax(processing))
    assert model.index(0, COL_ITEM).data(SortRole) == top
    assert model.index(0, COL_PROCESSING_MS).data() == f"{processing[top]:.2f}"

    model.sort(COL_ITEM, Qt.SortOrder.AscendingOrder)
    assert np.array_equal(model.column_values("item"), np.arange(count))

    started = time.monotonic()
    model.set_filter(FILTER_LOST)
    assert time.monotonic() - started < 5.0
    lost = np.flatnonzero((status == STATUS_DROPPED) | (status == STATUS_LEFT))
    assert model.rowCount() == len(lost) > 0
    assert np.array_equal(model.column_values("item"), lost)
    assert set(np.unique(model.column_values("status"))) == {STATUS_DROPPED, STATUS_LEFT}
    assert model.index(model.rowCount() - 1, COL_ITEM).data(SortRole) == lost[-1]

    model.set_filter(FILTER_DUPLICATED)
    duplicated = np.flatnonzero(status == STATUS_DUPLICATED)
    assert np.array_equal(model.column_values("item"), duplicated)

    model.sort(COL_WORKER, Qt.SortOrder.DescendingOrder)  # sort within the filter
    workers = model.column_values("worker")
    assert len(workers) == len(duplicated)
    assert np.all(np.diff(workers) <= 0)

    model.set_filter(FILTER_ALL)
    assert model.rowCount() == count


def test_streamed_batches_are_one_insert_each(qtbot: Any) -> None:
    model = ItemTableModel()
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserts.append((first, last)))
    batches = [make_records(n, seed=n) for n in (300, 1, 0, 2500)]
    for batch in batches:
        model.append_records(batch)
    assert inserts == [(0, 299), (300, 300), (301, 2800)]  # the empty batch inserts nothing
    assert model.rowCount() == 2801

    # With a filter on, only matching rows are inserted.
    model.set_filter(FILTER_LOST)
    before = model.rowCount()
    inserts.clear()
    extra = make_records(400, seed=9)
    model.append_records(extra)
    extra_status = np.frombuffer(extra.status, dtype=np.int8)
    matching = int(np.isin(extra_status, [STATUS_DROPPED, STATUS_LEFT]).sum())
    assert inserts == [(before, before + matching - 1)]
    assert model.total_count() == 3201

    # The end of the run replaces the stream with the final records.
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_records(make_records(50, seed=3))
    assert model.total_count() == 50


def test_in_flight_rows_are_marked() -> None:
    records = make_records(10)
    records.status[3] = STATUS_IN_FLIGHT
    model = ItemTableModel()
    model.append_records(records)
    assert model.index(3, COL_STATUS).data() == STATUS_LABELS[STATUS_IN_FLIGHT]
    assert model.index(3, COL_STATUS).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert not model.index(3, COL_STATUS).parent().isValid()
    assert model.columnCount(QModelIndex()) == 7


def test_a_run_reserves_its_rows_and_the_stream_fills_them_in_place() -> None:
    model = ItemTableModel()
    model.clear(expected_rows=3000)
    buffer = model._columns._data["item"]
    batches = [make_records(n, seed=n) for n in (1200, 1, 1799)]
    for batch in batches:
        model.append_records(batch)
    assert model._columns._data["item"] is buffer  # no copy while the run's rows arrive
    assert model.rowCount() == 3000
    shown = np.concatenate([np.frombuffer(b.status, dtype=np.int8) for b in batches])
    assert np.array_equal(model.column_values("status"), shown)
    # More rows than expected (say, a retried item) still fit: the columns grow.
    model.append_records(make_records(5, seed=7))
    assert model.rowCount() == 3005
    assert column(model, COL_ITEM)[-5:] == [0, 1, 2, 3, 4]
