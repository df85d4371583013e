"""Small Qt helpers shared by the widgets."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

QObjectT = TypeVar("QObjectT", bound=QObject)


def named(obj: QObjectT, name: str) -> QObjectT:
    """obj with its objectName set (tests and stylesheets find widgets by name)."""
    obj.setObjectName(name)
    return obj


@contextlib.contextmanager
def signals_blocked(obj: QObject) -> Iterator[None]:
    """obj's signals blocked for the block (as they were before, after it)."""
    was_blocked = obj.blockSignals(True)
    try:
        yield
    finally:
        obj.blockSignals(was_blocked)


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


def run_controls(
    start: QWidget, cancel: QWidget, *below: QWidget, beside: QWidget | None = None
) -> QWidget:
    """Start (and what goes beside it) and Cancel side by side, then the progress widgets
    under them, margin-free.

    Labels below wrap: a long status line grows the box downwards, never sideways.
    """
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    buttons = QHBoxLayout()
    buttons.addWidget(start)
    if beside is not None:
        buttons.addWidget(beside)
    buttons.addWidget(cancel)
    layout.addLayout(buttons)
    for widget in below:
        if isinstance(widget, QLabel):
            widget.setWordWrap(True)
        layout.addWidget(widget)
    return box


class SidePanel(QScrollArea):
    """A tab's left column: scrolls vertically, never horizontally.

    It is never narrower than its content needs (with room for the vertical
    scroll bar), so nothing in it is cut off whatever the language's text widths.
    """

    def __init__(self, inner: QWidget, min_width: int) -> None:
        super().__init__()
        self._floor_width = min_width
        self._inner = inner
        self.setWidgetResizable(True)
        self.setWidget(inner)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner.installEventFilter(self)
        self._fit_width()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._inner and event.type() == QEvent.Type.LayoutRequest:
            self._fit_width()
        return super().eventFilter(watched, event)

    def _fit_width(self) -> None:
        needed = (
            self._inner.minimumSizeHint().width()
            + self.verticalScrollBar().sizeHint().width()
            + 2 * self.frameWidth()
        )
        self.setMinimumWidth(max(self._floor_width, needed))


def side_panel(name: str, min_width: int, *widgets: QWidget, last_fills: bool) -> SidePanel:
    """A tab's left column (a SidePanel), scrolling vertically when the window is short.

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
    return named(SidePanel(inner, min_width), name)


def with_footer(body: QWidget, footer: QWidget) -> QWidget:
    """body taking the spare height, footer always in view under it (it never scrolls away)."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(body, 1)
    bottom = QVBoxLayout()
    margin = column.style().pixelMetric(column.style().PixelMetric.PM_LayoutLeftMargin)
    bottom.setContentsMargins(margin, 0, margin, margin)
    bottom.addWidget(footer)
    layout.addLayout(bottom)
    return column


class FittedScrollArea(QScrollArea):
    """Shows its widget at full height when there is room, and scrolls when there is not.

    Its minimum height is small (min_height), so a widget that grows taller
    (a long diagnosis) takes room from its neighbours instead of growing the window.
    """

    def __init__(self, widget: QWidget, min_height: int) -> None:
        super().__init__()
        self._min_height = min_height
        self._inner = widget
        self.setWidgetResizable(True)
        self.setWidget(widget)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        widget.installEventFilter(self)

    def sizeHint(self) -> QSize:
        inner = self._inner
        width = self.viewport().width() if self.isVisible() else inner.sizeHint().width()
        if inner.hasHeightForWidth():
            height = inner.heightForWidth(width)
        else:
            height = inner.sizeHint().height()
        return QSize(inner.minimumSizeHint().width(), height + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:
        scrollbar = self.verticalScrollBar().sizeHint().width()
        width = self._inner.minimumSizeHint().width() + scrollbar
        return QSize(width, min(self.sizeHint().height(), self._min_height))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._inner and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # wrapped text needs another height at another width


class WrappingItemDelegate(QStyledItemDelegate):
    """An item view's rows as tall as their text, word-wrapped at the width it really has.

    Qt sizes a wrapped row with a little more width than it paints it with,
    so a title that just fits on one line when measured ends in "…" when
    drawn; this measures with the room painting leaves (less a check box in
    a tree) and relays the rows out when the view is resized.
    """

    def __init__(self, view: QTreeView | QTableView, checkable: bool = False) -> None:
        super().__init__(view)
        self._view = view
        self._reserved = 16  # the item's text margins, and then some
        if checkable:
            self._reserved += view.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + 8
        view.setWordWrap(True)
        view.viewport().installEventFilter(self)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str):
            return hint
        room = self._room(index) - self._reserved
        if room <= 0:
            return hint
        needed = self._view.fontMetrics().boundingRect(
            0, 0, room, 10_000, Qt.TextFlag.TextWordWrap, text
        )
        return QSize(hint.width(), max(hint.height(), needed.height() + 6))

    def _room(self, index: QModelIndex | QPersistentModelIndex) -> int:
        # Not visualRect(): it lays the rows out, which asks for this hint again.
        view = self._view
        if isinstance(view, QTableView):
            return view.columnWidth(index.column())
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        return view.viewport().width() - view.indentation() * depth

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._view.scheduleDelayedItemsLayout()
        return False
