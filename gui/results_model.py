"""The results table: one row per item, stored as numpy columns.

A million rows as Python tuples cost ~140 MB and sort through Python
comparisons (QSortFilterProxyModel: 35 s for 100k rows). Here every column is
a numpy array, and sorting and filtering build one index array (argsort,
boolean masks) that maps view rows to stored rows.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from core.result import (
    STATUS_DROPPED,
    STATUS_DUPLICATED,
    STATUS_IN_FLIGHT,
    STATUS_LABELS,
    STATUS_LEFT,
    ItemRecords,
)
from gui.i18n import core_text
from gui.qtutil import AnyIndex, HeaderedTableModel

COL_ITEM = 0
COL_WORKER = 1
COL_PID = 2
COL_TAKEN_AT = 3
COL_PROCESSING_MS = 4
COL_TIMES_PROCESSED = 5
COL_STATUS = 6
# Header labels and filter names: English sources, translated where shown.
# str(): the stubs type QT_TRANSLATE_NOOP as returning object.
CONTEXT = "ItemTableModel"
HEADERS = (
    str(QT_TRANSLATE_NOOP("ItemTableModel", "Item")),
    str(QT_TRANSLATE_NOOP("ItemTableModel", "Worker")),
    str(QT_TRANSLATE_NOOP("ItemTableModel", "PID")),
    str(QT_TRANSLATE_NOOP("ItemTableModel", "Taken at (s)")),
    str(QT_TRANSLATE_NOOP("ItemTableModel", "Processing (ms)")),
    str(QT_TRANSLATE_NOOP("ItemTableModel", "Times processed")),
    str(QT_TRANSLATE_NOOP("ItemTableModel", "Status")),
)

# Native (unformatted) value of a cell: what sorting uses, and what tests read.
SortRole = Qt.ItemDataRole.UserRole + 1
# The status code (core.result.STATUS_*) of the row, whatever the column.
StatusRole = Qt.ItemDataRole.UserRole + 2

FILTER_ALL = "all"
FILTER_LOST = "lost"  # dropped after take, or left in the queue
FILTER_DUPLICATED = "duplicated"
FILTER_LOST_OR_DUPLICATED = "lost-or-duplicated"
FILTERS = {
    FILTER_ALL: str(QT_TRANSLATE_NOOP("ItemTableModel", "All items")),
    FILTER_LOST: str(QT_TRANSLATE_NOOP("ItemTableModel", "Lost (dropped or left in queue)")),
    FILTER_DUPLICATED: str(QT_TRANSLATE_NOOP("ItemTableModel", "Duplicated")),
    FILTER_LOST_OR_DUPLICATED: str(QT_TRANSLATE_NOOP("ItemTableModel", "Lost or duplicated")),
}


def filter_label(mode: str) -> str:
    """A FILTERS entry in the current language, for the filter combos."""
    return QCoreApplication.translate(CONTEXT, FILTERS[mode])


# Status codes each filter shows; None shows everything.
_FILTER_STATUSES: dict[str, list[int] | None] = {
    FILTER_ALL: None,
    FILTER_LOST: [STATUS_DROPPED, STATUS_LEFT],
    FILTER_DUPLICATED: [STATUS_DUPLICATED],
    FILTER_LOST_OR_DUPLICATED: [STATUS_DROPPED, STATUS_LEFT, STATUS_DUPLICATED],
}

_SERVED_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        SortRole,
        StatusRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
    )
)
_NUMBER_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_TEXT_ALIGNMENT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_STATUS_COLORS = {
    STATUS_DROPPED: QColor("#ffe0b2"),
    STATUS_LEFT: QColor("#ffecb3"),
    STATUS_DUPLICATED: QColor("#e1bee7"),
    STATUS_IN_FLIGHT: QColor("#e3f2fd"),
}
_DASH = "—"


class ItemColumns:
    """Growable numpy columns, one entry per stored row.

    Capacity doubles, so streaming a million rows in small batches costs
    O(n) copies, not O(n²). A run reserves its item count first: at a million
    rows each doubling copied ~17 MB in the window's thread while the run went.
    """

    DTYPES: ClassVar[dict[str, Any]] = {
        "item": np.int32,
        "worker": np.int32,
        "pid": np.int32,
        "t_take": np.float64,
        "processing_ms": np.float64,
        "times_processed": np.int32,
        "status": np.int8,
    }

    def __init__(self, capacity: int = 0) -> None:
        self.size = 0
        # np.empty maps pages only as rows are written into them.
        self._data = {name: np.empty(capacity, dtype) for name, dtype in self.DTYPES.items()}

    def __len__(self) -> int:
        return self.size

    def column(self, name: str) -> np.ndarray:
        return self._data[name][: self.size]

    def append(self, columns: dict[str, np.ndarray]) -> None:
        count = len(columns["item"])
        needed = self.size + count
        capacity = len(self._data["item"])
        if needed > capacity:
            new_capacity = max(needed, capacity * 2, 1024)
            for name, dtype in self.DTYPES.items():
                grown = np.empty(new_capacity, dtype)
                grown[: self.size] = self._data[name][: self.size]
                self._data[name] = grown
        for name in self.DTYPES:
            self._data[name][self.size : needed] = columns[name]
        self.size = needed

    def replace(self, columns: dict[str, np.ndarray]) -> None:
        self._data = {name: np.asarray(columns[name], dtype) for name, dtype in self.DTYPES.items()}
        self.size = len(self._data["item"])


def columns_from_records(records: ItemRecords) -> dict[str, np.ndarray]:
    """numpy views of an ItemRecords' array.array columns (no per-item Python work)."""

    def view(values: Any, dtype: Any) -> np.ndarray:
        if len(values) == 0:
            return np.empty(0, dtype)
        return np.frombuffer(values, dtype=np.dtype(values.typecode)).astype(dtype, copy=False)

    t_start = view(records.t_start, np.float64)
    t_done = view(records.t_done, np.float64)
    return {
        "item": view(records.item, np.int32),
        "worker": view(records.worker, np.int32),
        "pid": view(records.pid, np.int32),
        "t_take": view(records.t_take, np.float64),
        "processing_ms": (t_done - t_start) * 1000.0,
        "times_processed": view(records.times_processed, np.int32),
        "status": view(records.status, np.int8),
    }


def concat_records(batches: list[ItemRecords]) -> ItemRecords:
    """One ItemRecords holding the batches in order (array copies, no per-item Python)."""
    if len(batches) == 1:
        return batches[0]
    merged = ItemRecords()
    for field in dataclasses.fields(ItemRecords):
        column = getattr(merged, field.name)
        for batch in batches:
            column.extend(getattr(batch, field.name))
    return merged


class ItemTableModel(HeaderedTableModel):
    """Per-item records of a run, sortable and filterable in numpy.

    While a run goes, batches are appended (one beginInsertRows each) at the
    end of the view, whatever the sort; set_records() at the end replaces
    everything with the final records and re-applies sort and filter.
    """

    HEADERS = HEADERS
    HEADER_CONTEXT = CONTEXT

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = ItemColumns()
        # View row -> stored row; None means identity (no sort, no filter).
        self._rows: np.ndarray | None = None
        self._filter = FILTER_ALL
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        # Translated once: the language only changes with a restart, and data() is hot.
        self._status_labels = tuple(core_text(label) for label in STATUS_LABELS)

    # --- Qt model interface ------------------------------------------------------

    def row_total(self) -> int:
        return self._columns.size if self._rows is None else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks ~7 roles per visible cell on every repaint, each a call into
        # Python that needs the GIL: answer the roles we do not serve first.
        if role not in _SERVED_ROLES or (cell := self.cell(index)) is None:
            return None
        row, column = cell
        stored = row if self._rows is None else int(self._rows[row])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(stored, column)
        if role == SortRole:
            return self._native(stored, column)
        if role == StatusRole:
            return int(self._columns.column("status")[stored])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _TEXT_ALIGNMENT if column == COL_STATUS else _NUMBER_ALIGNMENT
        if role == Qt.ItemDataRole.BackgroundRole:
            return _STATUS_COLORS.get(int(self._columns.column("status")[stored]))
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column >= len(HEADERS):
            return
        self._sort_column = max(column, -1)  # -1: back to the stored order
        self._sort_order = order
        self.beginResetModel()
        self._rebuild_rows()
        self.endResetModel()

    # --- filling -----------------------------------------------------------------

    def clear(self, expected_rows: int = 0) -> None:
        """No rows; room for expected_rows appended rows without a copy (a run's items)."""
        self.beginResetModel()
        self._columns = ItemColumns(expected_rows)
        self._rebuild_rows()
        self.endResetModel()

    def append_records(self, records: ItemRecords) -> None:
        """Add one progress batch: a single beginInsertRows for the whole batch."""
        if len(records) == 0:
            return
        columns = columns_from_records(records)
        first_new = self._columns.size
        if self._rows is None:
            self.beginInsertRows(QModelIndex(), first_new, first_new + len(records) - 1)
            self._columns.append(columns)
            self.endInsertRows()
            return
        keep = self._filter_mask(columns["status"])
        new_rows = np.flatnonzero(keep) + first_new
        self._columns.append(columns)
        if len(new_rows) == 0:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(new_rows) - 1)
        self._rows = np.concatenate([self._rows, new_rows])
        self.endInsertRows()

    def set_records(self, records: ItemRecords) -> None:
        """Take the final records of a run (every item, final status)."""
        self.set_columns(columns_from_records(records))

    def set_columns(self, columns: dict[str, np.ndarray]) -> None:
        self.beginResetModel()
        self._columns.replace(columns)
        self._rebuild_rows()
        self.endResetModel()

    # --- filter ------------------------------------------------------------------

    def set_filter(self, mode: str) -> None:
        if mode not in FILTERS:
            raise ValueError(f"unknown filter {mode!r}")
        if mode == self._filter:
            return
        self._filter = mode
        self.beginResetModel()
        self._rebuild_rows()
        self.endResetModel()

    def filter_mode(self) -> str:
        return self._filter

    # --- reading -----------------------------------------------------------------

    def stored_row(self, view_row: int) -> int:
        return view_row if self._rows is None else int(self._rows[view_row])

    def total_count(self) -> int:
        """Stored rows, whatever the filter."""
        return self._columns.size

    def column_values(self, name: str) -> np.ndarray:
        """A column in view order (after sort and filter)."""
        values = self._columns.column(name)
        return values if self._rows is None else values[self._rows]

    # --- internals ---------------------------------------------------------------

    def _filter_mask(self, status: np.ndarray) -> np.ndarray:
        shown = _FILTER_STATUSES[self._filter]
        if shown is None:
            return np.ones(len(status), dtype=bool)
        return np.isin(status, shown)

    def _rebuild_rows(self) -> None:
        size = self._columns.size
        if self._filter == FILTER_ALL and self._sort_column < 0:
            self._rows = None
            return
        if self._filter == FILTER_ALL:
            rows = np.arange(size, dtype=np.int64)
        else:
            rows = np.flatnonzero(self._filter_mask(self._columns.column("status")))
        if self._sort_column >= 0 and len(rows):
            keys = self._sort_keys(self._sort_column)[rows]
            if self._sort_order == Qt.SortOrder.DescendingOrder:
                # Negate instead of reversing: stays stable and keeps NaN ("—") last.
                keys = -keys
            rows = rows[np.argsort(keys, kind="stable")]
        self._rows = rows

    def _sort_keys(self, column: int) -> np.ndarray:
        name = _COLUMN_FIELDS[column]
        values = self._columns.column(name)
        if values.dtype.kind == "f":
            return values
        # Widen so that negation cannot overflow (int8 status, int32 pid).
        return values.astype(np.int64)

    def _native(self, stored: int, column: int) -> Any:
        value = self._columns.column(_COLUMN_FIELDS[column])[stored]
        return value.item()

    def _display(self, stored: int, column: int) -> str:
        columns = self._columns
        if column == COL_ITEM:
            return str(int(columns.column("item")[stored]))
        if column == COL_WORKER:
            worker = int(columns.column("worker")[stored])
            return str(worker) if worker else _DASH
        if column == COL_PID:
            pid = int(columns.column("pid")[stored])
            return str(pid) if pid else _DASH
        if column == COL_TAKEN_AT:
            return _seconds(float(columns.column("t_take")[stored]), "{:.4f}")
        if column == COL_PROCESSING_MS:
            return _seconds(float(columns.column("processing_ms")[stored]), "{:.2f}")
        if column == COL_TIMES_PROCESSED:
            return str(int(columns.column("times_processed")[stored]))
        code = int(columns.column("status")[stored])
        if 0 <= code < len(self._status_labels):
            return self._status_labels[code]
        return self.tr("status {code}").format(code=code)


_COLUMN_FIELDS = (
    "item",
    "worker",
    "pid",
    "t_take",
    "processing_ms",
    "times_processed",
    "status",
)


def _seconds(value: float, template: str) -> str:
    return _DASH if np.isnan(value) else template.format(value)
