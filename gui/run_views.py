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

from gui.lanes import WorkerLanes, legend_html
from gui.qtutil import named
from gui.results_model import FILTERS, ItemTableModel, filter_label


def lanes_with_legend(lanes: WorkerLanes) -> QWidget:
    """The worker lanes under their colour legend."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(named(QLabel(legend_html(), wordWrap=True), "laneLegend"))
    layout.addWidget(lanes, 1)
    return box


class FilteredItemTable(QWidget):
    """The item table under a "Show: [filter]" row; the filter drives the model."""

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
        if counter is not None:
            filter_row.addWidget(counter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filter_row)
        layout.addWidget(table, 1)

    @Slot()
    def _on_filter_changed(self) -> None:
        self.model.set_filter(self.filter_combo.currentData())
