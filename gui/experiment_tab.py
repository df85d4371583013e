"""The Experiment tab: a grid of strategies run many times, with outcome rates and intervals.

The spec panel (gui.spec_panel) plans the spec on every edit; Start hands the
plan to the ExperimentController (the bridge), and every finished trial
updates its cell's row and the charts.
"""

from __future__ import annotations

import html

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.experiment import (
    NO_FAULT,
    ExperimentProgress,
    ExperimentResult,
    ExperimentSpecError,
)
from gui.bar_rows import scrolling
from gui.bridge import ExperimentController
from gui.experiment_chart import OutcomeChart, TimingChart
from gui.experiment_model import (
    COL_EXPLORER,
    COL_FIRST_OUTCOME,
    COL_MEDIAN_ELAPSED,
    CellTableModel,
    coordinate_texts,
    fault_kind_label,
)
from gui.qtutil import WrappingItemDelegate, named, run_controls, side_panel, with_footer
from gui.spec_panel import SpecPanel, spec_error_text
from gui.trial_dialogs import TrialListDialog

CHART_REDRAW_MS = 150


# How "Same in every cell" names a value that is the same in every cell, for the
# cells table's coordinate columns after the strategy (str(): the stubs type the
# marker as object).
_SAME_IN_EVERY_CELL = (
    str(QT_TRANSLATE_NOOP("ExperimentTab", "queue {value}")),
    str(QT_TRANSLATE_NOOP("ExperimentTab", "start method {value}")),
    str(QT_TRANSLATE_NOOP("ExperimentTab", "{value} workers")),
    str(QT_TRANSLATE_NOOP("ExperimentTab", "{value} items")),
    str(QT_TRANSLATE_NOOP("ExperimentTab", "fault {value}")),
)
_COLUMN_WIDTHS = (240, 70, 80, 62, 62, 70, 60)  # the strategy's title first


def _format_clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ExperimentTab(QWidget):
    """Spec, Start/Cancel, progress with ETA, the cells table and the charts.

    Signals:
        message(str): a line for the window's status bar.
        showInRunTab(RunResult): a trial's result to load into the Run tab.
        runningChanged(bool): an experiment started (True) or ended, its thread stopped (False).
    """

    message = Signal(str)
    showInRunTab = Signal(object)
    runningChanged = Signal(bool)

    def __init__(self, controller: ExperimentController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experimentTab")
        self.controller = controller
        self.result: ExperimentResult | None = None
        self._previous_result: ExperimentResult | None = None
        self._blocked_reason: str | None = None
        self.trial_list_dialog: TrialListDialog | None = None
        self._parallel = 1  # trials at once in the experiment that goes

        self.spec_panel = SpecPanel()
        self.start_button = named(QPushButton(self.tr("Start experiment")), "experimentStartButton")
        self.cancel_button = named(QPushButton(self.tr("Cancel")), "experimentCancelButton")
        self.cancel_button.setToolTip(
            self.tr("Stop the trials in flight; every worker process is reaped")
        )
        self.progress_bar = named(QProgressBar(), "experimentProgress")
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat(self.tr("No experiment yet"))
        self.progress_bar.setValue(0)
        self.stats_label = named(QLabel(self.tr("Not started")), "experimentStats")
        self.run_error_label = named(QLabel(wordWrap=True), "experimentRunError")
        self.run_error_label.setStyleSheet("color: #c62828;")
        self.run_error_label.setVisible(False)

        self.model = CellTableModel(self)
        self.table = named(QTableView(), "experimentCells")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        # Long strategy titles wrap onto more lines rather than end in "…".
        self.table.setItemDelegateForColumn(0, WrappingItemDelegate(self.table))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        for column, width in enumerate(_COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.sectionResized.connect(self._on_column_resized)
        self.model.rowsInserted.connect(self._on_column_resized)
        self.model.modelReset.connect(self._on_column_resized)
        for column in range(len(_COLUMN_WIDTHS), self.model.columnCount()):
            header.resizeSection(column, 132)
        self.table.setToolTip(self.tr("Double-click a cell's row for its trials"))
        self.same_label = named(QLabel(wordWrap=True), "experimentSameInEveryCell")
        self.table.doubleClicked.connect(self._on_cell_double_clicked)
        self.outcome_chart = OutcomeChart()
        self.timing_chart = TimingChart()
        self._chart_timer = QTimer(self)
        self._chart_timer.setSingleShot(True)
        self._chart_timer.setInterval(CHART_REDRAW_MS)
        self._chart_timer.timeout.connect(self._redraw_charts)

        self._build_layout()
        self.start_button.clicked.connect(self.start_experiment)
        self.cancel_button.clicked.connect(self.cancel_experiment)
        self.spec_panel.changed.connect(self._refresh_buttons)
        controller.progress.connect(self._on_progress)
        controller.finished.connect(self._on_finished)
        controller.errored.connect(self._on_errored)
        self._refresh_buttons()

    def _build_layout(self) -> None:
        run_box = run_controls(
            self.start_button,
            self.cancel_button,
            self.progress_bar,
            self.stats_label,
            self.run_error_label,
        )
        # Start, Cancel, the progress and its ETA stay in view under the spec, which scrolls.
        spec_scroll = side_panel("experimentLeftPanel", 400, self.spec_panel, last_fills=False)
        left = with_footer(spec_scroll, run_box)

        timing_box = QWidget()
        timing_layout = QVBoxLayout(timing_box)
        timing_layout.setContentsMargins(0, 0, 0, 0)
        timing_layout.setSpacing(2)
        # Not inside f-strings: pyside6-lupdate would not find the texts there.
        heading = html.escape(self.tr("Latency and throughput per cell"))
        note = html.escape(self.tr("(medians)"))
        timing_layout.addWidget(QLabel(f"<b>{heading}</b> {note}", wordWrap=True))
        timing_layout.addWidget(scrolling(self.timing_chart), 1)
        self.charts_splitter = named(QSplitter(Qt.Orientation.Horizontal), "experimentCharts")
        self.charts_splitter.addWidget(self.outcome_chart)
        self.charts_splitter.addWidget(timing_box)
        self.charts_splitter.setStretchFactor(0, 1)
        self.charts_splitter.setStretchFactor(1, 1)

        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.setSpacing(2)
        table_layout.addWidget(
            QLabel(
                self.tr(
                    "Cells: count · rate [95 % Wilson interval] per outcome, per flag "
                    "(a deadlock + lost trial counts for both). Double-click a row for its trials."
                ),
                wordWrap=True,
            )
        )
        table_layout.addWidget(self.same_label)
        table_layout.addWidget(self.table, 1)
        self.right_splitter = named(QSplitter(Qt.Orientation.Vertical), "experimentSplitter")
        self.right_splitter.addWidget(table_box)
        self.right_splitter.addWidget(self.charts_splitter)
        self.right_splitter.setStretchFactor(0, 1)
        self.right_splitter.setStretchFactor(1, 2)
        self.right_splitter.setSizes([260, 560])

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.right_splitter)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([410, 990])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # --- running -----------------------------------------------------------------

    @Slot()
    def start_experiment(self) -> None:
        if self.controller.is_running() or not self.start_button.isEnabled():
            return
        try:
            plan = self.spec_panel.plan()
        except ExperimentSpecError as error:  # Start is disabled then, but never crash on it
            self.spec_panel.error_label.setText(spec_error_text(error))
            self.spec_panel.error_label.setVisible(True)
            return
        self._previous_result, self.result = self.result, None
        self._parallel = plan.spec.parallel
        self.run_error_label.setVisible(False)
        self.model.set_plan(plan)
        self._fit_columns()
        self._redraw_charts()
        self.progress_bar.setRange(0, max(1, plan.total_trials))
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(self._progress_format(0, plan.total_trials))
        self.stats_label.setText(self.tr("Starting…"))
        self.controller.start(plan)
        self._refresh_buttons()
        self.runningChanged.emit(True)
        self.message.emit(
            self.tr("Experiment: %n cells × {trials} trials…", "", len(plan.cells)).format(
                trials=plan.spec.trials
            )
        )

    @Slot()
    def cancel_experiment(self) -> None:
        if not self.controller.cancel():
            return
        self._refresh_buttons()
        self.stats_label.setText(self.tr("Cancelling: stopping the trials in flight…"))
        self.message.emit(self.tr("Cancelling the experiment: stopping and reaping the workers…"))

    def set_blocked(self, reason: str | None) -> None:
        """Disable Start while something else (a single run) holds the one-run lock."""
        self._blocked_reason = reason
        self._refresh_buttons()

    def open_cell(self, row: int) -> TrialListDialog:
        if self.trial_list_dialog is not None:
            self.trial_list_dialog.close()
            self.trial_list_dialog.deleteLater()
        dialog = TrialListDialog(self.model.cell_result(row), self)
        dialog.showInRunTab.connect(self.showInRunTab)
        dialog.show()
        self.trial_list_dialog = dialog
        return dialog

    # --- slots for the controller (GUI thread) -----------------------------------

    @Slot(object)
    def _on_progress(self, progress: ExperimentProgress) -> None:
        if progress.cell is not None:
            self.model.update_cell(progress.cell)
            if not self._chart_timer.isActive():
                self._chart_timer.start()
        self.progress_bar.setValue(min(progress.done, self.progress_bar.maximum()))
        self.progress_bar.setFormat(self._progress_format(progress.done, progress.total))
        if not self.controller.is_cancelling():
            self.stats_label.setText(
                self.tr("{elapsed} elapsed  ·  ETA {eta}  ·  {running} running").format(
                    elapsed=_format_clock(progress.elapsed_s),
                    eta=_format_clock(progress.eta_s),
                    running=self._in_flight(progress),
                )
            )

    @Slot(object)
    def _on_finished(self, result: ExperimentResult) -> None:
        text = self.show_result(result)
        self._refresh_buttons()
        self.message.emit(text)
        self.runningChanged.emit(False)

    def show_result(self, result: ExperimentResult) -> str:
        """A finished experiment (this one's, or an opened file's) on screen; its summary line."""
        self.result = result
        self._previous_result = None
        self.model.set_result(result)
        self._fit_columns()
        self._chart_timer.stop()
        self._redraw_charts()
        self.run_error_label.setVisible(False)
        self.progress_bar.setRange(0, max(1, result.trials_total))
        self.progress_bar.setValue(min(result.trials_done, self.progress_bar.maximum()))
        self.progress_bar.setFormat(self._progress_format(result.trials_done, result.trials_total))
        took = _format_clock(result.elapsed_s)
        if result.cancelled:
            text = self.tr(
                "Cancelled after {done} of %n trials ({took}); trials cut short are not counted",
                "",
                result.trials_total,
            ).format(done=f"{result.trials_done:,}", took=took)
        else:
            text = self.tr("Done: %n trials in {took}", "", result.trials_done).format(took=took)
        self.stats_label.setText(text)
        return text

    @Slot(str)
    def _on_errored(self, reason: str) -> None:
        """reason: one line, translated by the controller."""
        # Nothing is lost: the previous experiment's result comes back on screen.
        self.result, self._previous_result = self._previous_result, None
        if self.result is not None:
            self.model.set_result(self.result)
        else:
            self.model.clear()
        self._fit_columns()
        self._redraw_charts()
        self.run_error_label.setText(self.tr("Could not run: {reason}").format(reason=reason))
        self.run_error_label.setVisible(True)
        self.stats_label.setText(self.tr("Not run"))
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(self.tr("Not run"))
        self._refresh_buttons()
        self.message.emit(self.tr("The experiment could not start: {reason}").format(reason=reason))
        self.runningChanged.emit(False)

    # --- internals ---------------------------------------------------------------

    @Slot()
    def _refresh_buttons(self) -> None:
        running = self.controller.is_running()
        self.spec_panel.setEnabled(not running)
        can_start = not running and self._blocked_reason is None and self.spec_panel.is_valid()
        self.start_button.setEnabled(can_start)
        self.start_button.setToolTip(
            self._blocked_reason
            or self.tr("Run every trial of every cell (one experiment at a time)")
        )
        self.cancel_button.setEnabled(running and not self.controller.is_cancelling())

    @Slot()
    def _on_column_resized(self) -> None:
        self.table.resizeRowsToContents()  # a wrapped title needs more or fewer lines now

    def _fit_columns(self) -> None:
        """Hide the parameter columns that are the same in every cell (said above the table),
        and make the outcome columns wide enough for "20  ·  100 % [84–100]"."""
        none = fault_kind_label(NO_FAULT)
        texts = [coordinate_texts(c.cell.coordinates, none) for c in self.model.cells()]
        same: list[str] = []
        for column, template in enumerate(_SAME_IN_EVERY_CELL, start=1):
            values = {t[column] for t in texts}
            constant = len(values) == 1
            self.table.setColumnHidden(column, constant)
            if constant:
                same.append(
                    QCoreApplication.translate("ExperimentTab", template).format(value=values.pop())
                )
        self.same_label.setText(
            self.tr("Same in every cell: {parameters}").format(parameters=self.tr(", ").join(same))
            if same
            else ""
        )
        self.same_label.setVisible(bool(same))
        explored = any(c.explorer is not None for c in self.model.cells())
        self.table.setColumnHidden(COL_EXPLORER, not explored)
        sample = f"{self.model.trials_target()}  ·  100 % [100–100]"
        width = self.table.fontMetrics().horizontalAdvance(sample) + 16
        for column in range(COL_FIRST_OUTCOME, COL_MEDIAN_ELAPSED):
            self.table.horizontalHeader().resizeSection(column, width)
        # Rows added during a run were measured before the columns settled.
        self.table.resizeRowsToContents()

    def _in_flight(self, progress: ExperimentProgress) -> int:
        """Trials running now. A report comes as a trial ends, when the core counts it
        as no longer running; its thread starts the next one at once while any remain."""
        return max(progress.running, min(self._parallel, progress.total - progress.done))

    def _progress_format(self, done: int, total: int) -> str:
        # A QProgressBar format: a literal % must be doubled; these numbers have none.
        return self.tr("{done} / %n trials", "", total).format(done=f"{done:,}")

    @Slot()
    def _redraw_charts(self) -> None:
        cells = self.model.cells()
        self.outcome_chart.set_cells(cells)
        self.timing_chart.set_cells(cells)

    @Slot(QModelIndex)
    def _on_cell_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_cell(index.row())
