"""An experiment cell's trials, and one trial's single-run views.

TrialDialog composes the window's own single-run widgets (VerdictBanner,
WorkerLanes, ItemTableModel in a table, LogPanel) around a trial's RunResult,
which run_experiment keeps with keep_runs=True.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.experiment.plan import Cell
from core.experiment.results import CellResult, TrialSummary
from core.experiment.spec import NO_FAULT
from core.text import LIST_SEPARATOR
from gui.experiment_model import (
    TrialTableModel,
    coordinate_fields,
    format_rate,
    strategy_label,
)
from gui.i18n import core_text
from gui.lanes import WorkerLanes
from gui.panels import LogPanel
from gui.qtutil import named
from gui.results_model import ItemTableModel
from gui.run_views import FilteredItemTable, lanes_with_legend
from gui.verdict import VerdictBanner


def cell_description(cell: Cell) -> str:
    """The cell's coordinates in words (core's Cell.label, in the current language)."""
    # A plain name as n: lupdate skips a translate() whose n is an expression.
    workers = cell.coordinates.workers
    if cell.coordinates.fault == NO_FAULT:
        template = QCoreApplication.translate(
            "TrialListDialog",
            "{strategy} ({queue}, {start_method}, %n worker(s), {items} items)",
            "",
            workers,
        )
    else:
        template = QCoreApplication.translate(
            "TrialListDialog",
            "{strategy} ({queue}, {start_method}, %n worker(s), {items} items, fault {fault})",
            "",
            workers,
        )
    return template.format(**coordinate_fields(cell.coordinates))


def _table(name: str, model: Any) -> QTableView:
    table = named(QTableView(), name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class TrialListDialog(QDialog):
    """The trials of one cell; double-click (or Open trial) shows a trial's views.

    Signals:
        showInRunTab(RunResult): the user asked to load a trial into the Run tab.
    """

    showInRunTab = Signal(object)

    def __init__(self, cell_result: CellResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trialListDialog")
        self.cell_result = cell_result
        cell = cell_result.cell
        self.setWindowTitle(
            self.tr("Trials of cell {index}: {strategy}").format(
                index=cell.index, strategy=strategy_label(cell.coordinates.strategy)
            )
        )
        self.resize(820, 480)
        self.trial_dialog: TrialDialog | None = None

        rates = cell_result.rates()
        seen = [f"{core_text(o)} {format_rate(r)}" for o, r in rates.items() if r.count]
        if seen:
            trials = self.tr("%n trial(s): {rates}", "", cell_result.n).format(
                rates=core_text(LIST_SEPARATOR).join(seen)
            )
        else:
            trials = self.tr("%n trial(s)", "", cell_result.n)
        summary = named(
            QLabel(f"<b>{cell_description(cell)}</b><br>{trials}", wordWrap=True),
            "trialListSummary",
        )
        summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = TrialTableModel(cell_result.trials, self)
        self.table = _table("trialTable", self.model)
        for column, width in enumerate((56, 130, 180, 80, 56, 80, 90)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.open_button = named(QPushButton(self.tr("Open trial")), "openTrialButton")
        self.open_button.setToolTip(self.tr("The trial's verdict, worker lanes, items and log"))
        self.open_button.clicked.connect(self._open_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(QLabel(self.tr("Double-click a trial to open its single-run views.")))
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        if self.model.rowCount():
            self.table.selectRow(0)

    def open_trial(self, row: int) -> TrialDialog:
        trial = self.model.trial(row)
        if self.trial_dialog is not None:
            self.trial_dialog.close()
            self.trial_dialog.deleteLater()
        self.trial_dialog = TrialDialog(trial, cell_description(self.cell_result.cell), self)
        self.trial_dialog.showInRunTab.connect(self.showInRunTab)
        self.trial_dialog.show()
        return self.trial_dialog

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_trial(index.row())

    @Slot()
    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_trial(rows[0].row())


class TrialDialog(QDialog):
    """One trial with the single-run views: verdict banner, worker lanes, items, log.

    Signals:
        showInRunTab(RunResult): load this trial into the window's Run tab (for exports).
    """

    showInRunTab = Signal(object)

    def __init__(self, trial: TrialSummary, cell_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trialDialog")
        self.trial = trial
        self.setWindowTitle(
            self.tr("Trial {trial} (seed {seed}) of {cell}").format(
                trial=trial.trial, seed=trial.seed, cell=cell_label
            )
        )
        self.resize(1100, 780)
        self.banner = VerdictBanner()
        self.lanes = WorkerLanes()
        self.model = ItemTableModel(self)
        self.table = _table("trialItemsTable", self.model)
        self.items_box = FilteredItemTable(self.model, self.table, "trialFilterCombo")
        self.filter_combo = self.items_box.filter_combo
        self.log_panel = LogPanel()
        self.run_tab_button = named(QPushButton(self.tr("Show in Run tab")), "showInRunTabButton")
        self.run_tab_button.setToolTip(
            self.tr(
                "Load this trial into the Run tab: its views there, and File > Export for one run"
            )
        )
        self.run_tab_button.clicked.connect(self._on_show_in_run_tab)

        run = trial.run
        if run is None:
            self.banner.show_error(
                self.tr("This trial's full result was not kept (keep_runs was off).")
            )
            self.run_tab_button.setEnabled(False)
        else:
            self.banner.show_result(run)
            self.lanes.show_result(run)
            self.banner.itemsRequested.connect(self.items_box.show_filter)
            self.model.set_records(run.records)
            self.log_panel.show_run(run)

        lanes_box = lanes_with_legend(self.lanes)
        lanes_box.explain(run)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.items_box)
        bottom.addWidget(self.log_panel)
        bottom.setSizes([600, 400])
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(lanes_box)
        splitter.addWidget(bottom)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.run_tab_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

    @Slot()
    def _on_show_in_run_tab(self) -> None:
        if self.trial.run is not None:
            self.showInRunTab.emit(self.trial.run)
