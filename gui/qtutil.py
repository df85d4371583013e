"""Small Qt helpers shared by the widgets."""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

QObjectT = TypeVar("QObjectT", bound=QObject)


def named(obj: QObjectT, name: str) -> QObjectT:
    """obj with its objectName set (tests and stylesheets find widgets by name)."""
    obj.setObjectName(name)
    return obj


AnyIndex = QModelIndex | QPersistentModelIndex


class HeaderedTableModel(QAbstractTableModel):
    """A flat table with fixed, translated column headers and bounds-checked indexes.

    Subclasses give HEADERS (English sources), HEADER_CONTEXT (their catalog
    context) and row_total(); data() starts with cell(index).
    """

    HEADERS: tuple[str, ...] = ()
    HEADER_CONTEXT = ""

    def row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.header_text(section)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tooltip(section)
        return None

    def header_text(self, section: int) -> str:
        return QCoreApplication.translate(self.HEADER_CONTEXT, self.HEADERS[section])

    def header_tooltip(self, section: int) -> str | None:
        return None

    def cell(self, index: AnyIndex) -> tuple[int, int] | None:
        """(row, column) of a valid index inside the table, else None."""
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if 0 <= row < self.row_total() and 0 <= column < len(self.HEADERS):
            return row, column
        return None


def run_controls(start: QWidget, cancel: QWidget, *below: QWidget) -> QWidget:
    """Start and Cancel side by side, then the progress widgets under them, margin-free."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    buttons = QHBoxLayout()
    buttons.addWidget(start)
    buttons.addWidget(cancel)
    layout.addLayout(buttons)
    for widget in below:
        layout.addWidget(widget)
    return box


def side_panel(name: str, min_width: int, *widgets: QWidget, last_fills: bool) -> QScrollArea:
    """A tab's left column, scrolling vertically when the window is short.

    The spare height goes to the last widget (last_fills) or below all of them.
    """
    inner = QWidget()
    layout = QVBoxLayout(inner)
    for widget in widgets:
        layout.addWidget(widget)
    if last_fills:
        layout.setStretchFactor(widgets[-1], 1)
    else:
        layout.addStretch(1)
    panel = named(QScrollArea(), name)
    panel.setWidgetResizable(True)
    panel.setWidget(inner)
    panel.setMinimumWidth(min_width)
    panel.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return panel
