"""Pieces of the single-run view that the Run tab and a trial's dialog both show."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.result import RunResult
from gui.lanes import WorkerLanes, legend_html
from gui.qtutil import named
from gui.results_model import FILTERS, ItemTableModel, filter_label


def no_worker_ran(result: RunResult) -> bool:
    """No worker process ever ran (a Pool task that never reached one): nothing to plot."""
    return result.processed == 0 and all(w.pid is None for w in result.workers)


class LanesBox(QWidget):
    """The worker lanes under their colour legend, or a short note when no worker ran."""

    def __init__(self, lanes: WorkerLanes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lanes = lanes
        self.legend = named(QLabel(legend_html(), wordWrap=True), "laneLegend")
        self.note = named(
            QLabel(
                self.tr(
                    "No worker ever ran, so there are no lanes or plots to draw: "
                    "the verdict above says why."
                ),
                wordWrap=True,
            ),
            "lanesNote",
        )
        self.note.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)
        layout.addWidget(lanes, 1)

    def explain(self, result: RunResult | None) -> None:
        """The note instead of empty plots for a result where no worker ran; None: the lanes."""
        empty = result is not None and no_worker_ran(result)
        self.note.setVisible(empty)
        self.legend.setVisible(not empty)
        self.lanes.setVisible(not empty)


def lanes_with_legend(lanes: WorkerLanes) -> LanesBox:
    """The worker lanes under their colour legend."""
    return LanesBox(lanes)


class FilteredItemTable(QWidget):
    """The item table under a "Show: [filter]" row; the filter drives the model.

    counter, when given, says how many items are shown (of how many).
    """

    def __init__(
        self,
        model: ItemTableModel,
        table: QTableView,
        combo_name: str,
        counter: QLabel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.filter_combo = named(QComboBox(), combo_name)
        for mode in FILTERS:
            self.filter_combo.addItem(filter_label(mode), mode)
        self.filter_combo.currentIndexChanged.connect(self._on_filter_changed)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel(self.tr("Show")))
        filter_row.addWidget(self.filter_combo)
        filter_row.addStretch(1)
        self.counter = counter
        if counter is not None:
            filter_row.addWidget(counter)
            model.rowsInserted.connect(self._count)
            model.modelReset.connect(self._count)
            self._count()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filter_row)
        layout.addWidget(table, 1)

    @Slot(str)
    def show_filter(self, mode: str) -> None:
        """Show the items of one filter (a results_model FILTER_*), as if chosen in the combo."""
        index = self.filter_combo.findData(mode)
        if index >= 0:
            self.filter_combo.setCurrentIndex(index)

    @Slot()
    def _count(self) -> None:
        if self.counter is None:
            return
        shown, total = self.model.rowCount(), self.model.total_count()
        if shown == total:
            text = self.tr("%n item(s)", "", total)
        else:
            text = self.tr("{shown} of %n item(s)", "", total).format(shown=shown)
        self.counter.setText(text)

    @Slot()
    def _on_filter_changed(self) -> None:
        self.model.set_filter(self.filter_combo.currentData())
