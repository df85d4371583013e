"""QueueScope's main window: parameters, strategy, run controls, verdict, lanes, table, log."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.experiment import ExperimentResult
from core.result import ItemRecords, Progress, RunResult, TimelineEvent
from gui import kept_results
from gui.about import app_icon
from gui.bridge import DEFAULT_SHUTDOWN_TIMEOUT_S, ExperimentController, RunController
from gui.experiment_tab import ExperimentTab
from gui.explore_panel import ExplorePanel
from gui.file_menu import FileMenu
from gui.force_race import ForceRace
from gui.help_menu import HelpMenu
from gui.history import HistoryMenu, RunHistory
from gui.i18n import core_text, effective_language
from gui.lanes import WorkerLanes
from gui.language_menu import LanguageMenu
from gui.loop_files import LoopFiles
from gui.memory import release_free_memory
from gui.open_menu import OpenActions
from gui.panels import LogPanel, StrategyPanel
from gui.params_panel import ParamsPanel
from gui.previous_run import PreviousRunMark
from gui.qtutil import FittedScrollArea, named, run_controls, side_panel
from gui.remote_wait import RemoteWaitBox
from gui.result_files import RecentFiles
from gui.results_model import ItemTableModel, concat_records
from gui.run_text import (
    PHASE_DONE,
    average_rate,
    outcomes_text,
    phase_label,
    rate_text,
    shortcut_text,
)
from gui.run_views import FilteredItemTable, lanes_with_legend
from gui.settings_store import check_saved, restore_geometry
from gui.step_panel import StepPanel
from gui.switch_interval import RunSwitchInterval
from gui.verdict import VerdictBanner

DEFAULT_SIZE = (1400, 900)
GEOMETRY_KEY = "window/geometry"
SPLITTER_KEY = "window/splitters"
COLUMN_WIDTHS = (56, 56, 60, 88, 108, 108, 140)
# While a run goes, the table, log, banner and counters take its snapshots (~30 a
# second) at most this often; the lanes see every snapshot and redraw on their own timer.
PROGRESS_APPLY_S = 0.1
START_SHORTCUT = "Ctrl+Return"
CANCEL_SHORTCUT = "Escape"
# Keyboard focus must be seen: a clear ring on the focused button (Start is the default).
FOCUS_STYLE = (
    "QPushButton:focus { border: 2px solid #1e88e5; border-radius: 4px; padding: 3px 12px; }"
)


class MainWindow(QMainWindow):
    """The lab's window. Owns one RunController, the only way to run the core.

    language is the language the window is shown in (its translators are installed by
    the caller); View → Language saves another one for the next start.

    Signals:
        runEnded(RunResult): a run's verdict is on screen and its thread has stopped.
    """

    runEnded = Signal(object)

    def __init__(
        self,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        language: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("QueueScope: how multiprocessing work queues end"))
        self.setObjectName("mainWindow")
        self.setStyleSheet(FOCUS_STYLE)
        self.settings = settings if settings is not None else QSettings()
        self.language = language if language is not None else effective_language(self.settings)
        # Set by View → Language → Restart now; the app starts again after the window closes.
        self.restart_requested = False
        self.controller = RunController(self)
        # Experiments have their own bridge; core lets one run or experiment go at a time.
        self.experiment_controller = ExperimentController(self)
        self.last_result: RunResult | None = None
        self._close_when_stopped = False
        self._switch_interval = RunSwitchInterval()
        # How long closing the window may wait for a run to stop.
        self.shutdown_timeout_s = DEFAULT_SHUTDOWN_TIMEOUT_S

        self.params_panel = ParamsPanel()
        self.strategy_panel = StrategyPanel()
        self.banner = VerdictBanner()
        self.remote_wait = RemoteWaitBox(self.controller, self.cancel_run)
        self.lanes = WorkerLanes()
        self.model = ItemTableModel(self)
        self.log_panel = LogPanel()
        self.step_panel = StepPanel(
            self.params_panel, self.controller, self.log_panel, self.start_run, self, self.lanes
        )
        busy = (self.controller, self.experiment_controller)
        self.explore_panel = ExplorePanel(self.params_panel, self.step_panel, busy, self)
        self._pending_records: list[ItemRecords] = []
        self._pending_events: list[TimelineEvent] = []
        self._last_apply = 0.0  # time.monotonic() of the last snapshot applied
        self._build_run_controls()
        self._build_results_view()
        self._build_layout()

        self.params_panel.changed.connect(self._on_params_changed)
        self.controller.started.connect(self._on_run_started)
        self.controller.progress.connect(self._on_progress)
        self.controller.finished.connect(self._on_finished)
        self.controller.errored.connect(self._on_errored)
        self.explore_panel.runningChanged.connect(self._set_running)
        self.cancel_button.clicked.connect(self.explore_panel.cancel)
        self.experiment_tab.runningChanged.connect(self._on_experiment_running_changed)
        self.experiment_tab.message.connect(self.statusBar().showMessage)
        self.experiment_tab.showInRunTab.connect(self.show_trial_result)
        self.file_menu = FileMenu(self, self)
        self.runEnded.connect(self.file_menu.refresh)
        self.runEnded.connect(self.step_panel.on_run_ended)
        self.open_actions = OpenActions(self.file_menu, self, RecentFiles(self.settings))
        self.language_menu = LanguageMenu(
            self, self.settings, self.language, self.is_busy, self._has_results
        )
        self.language_menu.restartRequested.connect(self._restart)
        self.history = RunHistory(self)
        self.history_menu = HistoryMenu(
            self.language_menu.view_menu,
            self.history,
            lambda result: self.show_run_result(
                result, self.tr("A run of the history: {outcomes}")
            ),
        )
        self.help_menu = HelpMenu(self, self.params_panel, self.tabs)
        self.force_race = ForceRace(self.help_menu, self.step_panel, self.strategy_panel)
        self.loop_files = LoopFiles(self, self.params_panel, self.strategy_panel, self.settings)
        self.setWindowIcon(app_icon())
        QShortcut(QKeySequence(START_SHORTCUT), self, self.start_run)
        QShortcut(QKeySequence(CANCEL_SHORTCUT), self, self.cancel_run)

        reset = self.params_panel.load(self.settings)
        reset += self.experiment_tab.spec_panel.load(self.settings)
        reset += self._restore_geometry()
        self._on_params_changed()
        self._set_running(False)
        self._report_reset_settings(reset)
        self._restore_kept()

    # --- building ----------------------------------------------------------------

    def _build_run_controls(self) -> None:
        self.start_button = named(QPushButton(self.tr("Start")), "startButton")
        self.start_button.setToolTip(self._start_tooltip())
        self.start_button.setDefault(True)
        self.cancel_button = named(QPushButton(self.tr("Cancel")), "cancelButton")
        self.cancel_button.setToolTip(
            self.tr("Stop the run; every worker process is reaped ({shortcut})").format(
                shortcut=shortcut_text(CANCEL_SHORTCUT)
            )
        )
        self.start_button.clicked.connect(self.start_run)
        self.cancel_button.clicked.connect(self.cancel_run)
        self.progress_bar = named(QProgressBar(), "progressBar")
        self.progress_bar.setTextVisible(True)
        self.stats_label = named(QLabel(), "runStats")
        self.stats_label.setText(self.tr("Not started"))

    def _build_results_view(self) -> None:
        self.table = named(QTableView(), "resultsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        # Sorting happens in the model (numpy argsort), never in a proxy.
        self.table.setSortingEnabled(True)

        self.row_count_label = named(QLabel(), "rowCountLabel")
        self.items_box = FilteredItemTable(
            self.model, self.table, "filterCombo", counter=self.row_count_label
        )
        self.filter_combo = self.items_box.filter_combo

    def _build_layout(self) -> None:
        explore = self.explore_panel
        below = (self.progress_bar, self.stats_label, explore.row, explore.progress_label)
        run_box = run_controls(self.start_button, self.cancel_button, *below, beside=explore.button)
        widgets = (self.params_panel, run_box, self.step_panel, self.strategy_panel)
        left = side_panel("leftPanel", 380, *widgets, last_fills=True)

        self.lanes_box = lanes_with_legend(self.lanes)
        self.banner.itemsRequested.connect(self.items_box.show_filter)

        # Side by side: the table and the log tell one story.
        self.bottom_splitter = named(QSplitter(Qt.Orientation.Horizontal), "bottomSplitter")
        self.bottom_splitter.addWidget(self.items_box)
        self.bottom_splitter.addWidget(self.log_panel)
        self.bottom_splitter.setStretchFactor(0, 3)
        self.bottom_splitter.setStretchFactor(1, 2)
        self.bottom_splitter.setSizes([640, 360])

        self.right_splitter = named(QSplitter(Qt.Orientation.Vertical), "rightSplitter")
        self.right_splitter.addWidget(self.explore_panel.view)
        self.right_splitter.addWidget(self.lanes_box)
        self.right_splitter.addWidget(self.bottom_splitter)
        self.right_splitter.setStretchFactor(0, 1)
        self.right_splitter.setStretchFactor(1, 1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        dimmed = [self.banner, self.lanes_box, self.bottom_splitter]
        self.previous_run_mark = PreviousRunMark(dimmed)
        right_layout.addWidget(self.previous_run_mark)
        right_layout.addWidget(self.remote_wait)
        # A long verdict scrolls inside its area rather than growing the window.
        banner_lines = 5
        banner_area = named(
            FittedScrollArea(self.banner, self.fontMetrics().height() * banner_lines),
            "outcomeBannerArea",
        )
        right_layout.addWidget(banner_area)
        right_layout.addWidget(self.right_splitter, 1)

        self.main_splitter = named(QSplitter(Qt.Orientation.Horizontal), "mainSplitter")
        self.main_splitter.addWidget(left)
        self.main_splitter.addWidget(right)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([400, DEFAULT_SIZE[0] - 400])
        # The single-run view is the Run tab; experiments have a tab of their own.
        self.run_tab = self.main_splitter
        self.experiment_tab = ExperimentTab(self.experiment_controller)
        self.tabs = named(QTabWidget(), "mainTabs")
        self.tabs.addTab(self.run_tab, self.tr("Run"))
        self.tabs.addTab(self.experiment_tab, self.tr("Experiment"))
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage(self.tr("Ready"))

    # --- running -----------------------------------------------------------------

    @Slot()
    def start_run(self) -> None:
        if (
            self.controller.is_running()
            or self.experiment_controller.is_running()
            or not self.start_button.isEnabled()
        ):
            return
        params = self.params_panel.validated()
        if params is None:  # the panel disables Start and shows why; never crash on it
            return
        self._save_settings()
        self.last_result = None
        self.previous_run_mark.mark(False)
        self._drop_pending_progress()
        self._last_apply = 0.0
        self.model.clear(params.items)
        self.lanes.reset(params.workers, params.items)
        self.lanes_box.explain(None)
        self.log_panel.clear()
        self.banner.show_running(core_text(self.params_panel.strategy().title))
        self.progress_bar.setRange(0, max(1, params.items))
        self._show_progress(0, params.items, 0.0, 0.0, "starting")
        self._set_running(True)
        self._switch_interval.use(True)
        stepping = self.step_panel.stepping_for(params)
        # The new layout and the lanes' new axes now, before the run's threads share the GIL
        # (then each Qt call costs a wait for it): ~100-200 ms of stall at a big run's start.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.lanes.repaint()
        self.controller.start(params, stepping, self.params_panel.shared_redis())
        self.statusBar().showMessage(
            self.tr("Running {strategy}…").format(
                strategy=core_text(self.params_panel.strategy().title)
            )
        )

    @Slot()
    def cancel_run(self) -> None:
        if not self.controller.cancel():
            return
        self.cancel_button.setEnabled(False)
        self.banner.show_cancelling()
        self.statusBar().showMessage(self.tr("Cancelling: stopping and reaping the workers…"))

    def is_running(self) -> bool:
        return self.controller.is_running()

    @Slot(bool)
    def _restart(self, keep: bool) -> None:
        """View → Language → Restart now: the app starts again after the window closes.

        keep: the results on screen are written to temporary files the next start shows.
        """
        if keep:
            try:
                kept_results.keep_for_restart(
                    self.settings, self.last_result, self.experiment_tab.result
                )
            except OSError as error:
                self.file_menu.report_error(
                    self.tr("Could not keep the results for the restart"), str(error)
                )
                return
        self.restart_requested = True
        # The normal close: cancels a run, reaps its workers, saves the settings.
        self.close()

    def shutdown(self, timeout_s: float | None = None) -> bool:
        """Stop any run or experiment and wait for its thread (bounded); True once nothing runs."""
        timeout = self.shutdown_timeout_s if timeout_s is None else timeout_s
        controllers = (
            self.controller,
            self.experiment_controller,
            self.explore_panel.controller,
            self.loop_files.controller,  # a loop file's check: a probe process
        )
        for controller in controllers:
            controller.cancel()
        stopped = all([controller.shutdown(timeout) for controller in controllers])
        if stopped:
            self._set_running(False)
            self._switch_interval.use(False)
        return stopped

    # --- slots for the controller (GUI thread) -----------------------------------

    @Slot(object)
    def _on_run_started(self, _params: object) -> None:
        self.stats_label.setText(self.tr("Starting workers…"))

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        # The lanes keep every snapshot (cheap; they redraw on their own timer).
        # The rest is throttled: a snapshot is applied, with the records and events
        # of those skipped since, once PROGRESS_APPLY_S has passed (the core sends
        # snapshots at a steady rate, so nothing waits long; the verdict replaces all).
        self.lanes.update_progress(progress)
        if len(progress.new_records):
            self._pending_records.append(progress.new_records)
        self._pending_events.extend(progress.new_events)
        now = time.monotonic()
        if now - self._last_apply < PROGRESS_APPLY_S:
            return
        self._last_apply = now
        records, events = self._pending_records, self._pending_events
        self._drop_pending_progress()
        if records:
            self.model.append_records(concat_records(records))
        self.log_panel.append_events(events, progress.processed)
        if not self.controller.is_cancelling():
            self.banner.show_running(
                core_text(self.params_panel.strategy().title), progress.workers
            )
        self._show_progress(
            progress.processed,
            progress.items,
            progress.items_per_s,
            progress.elapsed_s,
            progress.phase,
        )

    def _drop_pending_progress(self) -> None:
        self._pending_records = []
        self._pending_events = []

    @Slot(object)
    def _on_finished(self, result: RunResult) -> None:
        self.last_result = result
        self._drop_pending_progress()  # the final records and timeline replace them
        self._switch_interval.use(False)
        self.history.add(result)
        self.lanes.finish(result)
        self._show_verdict(result)
        self._set_running(False)
        self.statusBar().showMessage(
            self.tr("Finished: {outcomes}").format(outcomes=outcomes_text(result))
        )
        self.runEnded.emit(result)
        # The run's transient buffers (snapshots, streamed columns) are freed by
        # now; give the pages back, or a 1M-item run keeps ~70 MB of free heap.
        QTimer.singleShot(0, release_free_memory)
        self._close_if_pending()

    @Slot(str)
    def _on_errored(self, message: str) -> None:
        self._drop_pending_progress()
        self._switch_interval.use(False)
        self.banner.show_error(message)
        self.stats_label.setText(self.tr("Not run"))
        self._set_running(False)
        self.statusBar().showMessage(self.tr("The run could not start"))
        self._close_if_pending()

    # --- internals ---------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        experimenting = self.experiment_controller.is_running()
        self.params_panel.setEnabled(not running)
        self.start_button.setEnabled(
            not running and not experimenting and self.params_panel.is_valid()
        )
        self.start_button.setToolTip(
            self.tr("An experiment is going: one run or experiment at a time")
            if experimenting
            else self._start_tooltip()
        )
        self.cancel_button.setEnabled(running and not self.controller.is_cancelling())
        self.experiment_tab.set_blocked(
            self.tr("A single run is going: one run or experiment at a time") if running else None
        )

    def _start_tooltip(self) -> str:
        return self.tr("Start the run ({shortcut})").format(shortcut=shortcut_text(START_SHORTCUT))

    @Slot()
    def _on_params_changed(self) -> None:
        self.strategy_panel.show_strategy(self.params_panel.strategy())
        self.step_panel.update_availability()
        running = self.controller.is_running() or self.experiment_controller.is_running()
        self.start_button.setEnabled(not running and self.params_panel.is_valid())
        self._mark_previous_run()

    def _mark_previous_run(self) -> None:
        """Dim the run on screen, and say so, once the parameters no longer match it."""
        shown = self.last_result
        self.previous_run_mark.mark(
            shown is not None and self.params_panel.validated() != shown.params
        )

    def _show_progress(
        self, processed: int, items: int, rate: float, elapsed: float, phase: str
    ) -> None:
        # QProgressBar.setValue repaints at once (~3 ms, far more while a run's threads
        # hold the GIL); with updates off it is one update() in the next paint instead.
        self.progress_bar.setUpdatesEnabled(False)
        self.progress_bar.setValue(min(processed, self.progress_bar.maximum()))
        self.progress_bar.setFormat(
            self.tr("{processed} / {items} processed").format(
                processed=f"{processed:,}", items=f"{items:,}"
            )
        )
        self.progress_bar.setUpdatesEnabled(True)
        self.stats_label.setText(
            self.tr("{rate}  ·  {elapsed} s elapsed  ·  {phase}").format(
                rate=rate_text(rate), elapsed=f"{elapsed:.2f}", phase=phase_label(phase)
            )
        )

    def _save_settings(self) -> None:
        self.params_panel.save(self.settings)
        self.experiment_tab.spec_panel.save(self.settings)
        self.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.settings.setValue(
            SPLITTER_KEY,
            [self.main_splitter.saveState(), self.right_splitter.saveState()],
        )
        self.settings.sync()
        check_saved(self, self.settings)

    def _restore_geometry(self) -> list[str]:
        """Restore size and splitters; returns the settings that were corrupted (reset)."""
        splitters = (self.main_splitter, self.right_splitter)
        keys = (GEOMETRY_KEY, SPLITTER_KEY)
        return restore_geometry(self, self.settings, keys, splitters, DEFAULT_SIZE)

    def _report_reset_settings(self, reset: list[str]) -> None:
        """Say which saved settings were unusable and fell back to their defaults."""
        self.reset_settings = list(reset)
        if not reset:
            return
        message = self.tr(
            "Settings reset to defaults (corrupted or out of range): {settings}"
        ).format(settings="; ".join(reset))
        self.statusBar().showMessage(message)
        self.log_panel.appendPlainText(message)

    # --- experiments and trials ------------------------------------------------

    @Slot(bool)
    def _on_experiment_running_changed(self, running: bool) -> None:
        self._set_running(self.controller.is_running())
        if not running:
            self._close_if_pending()

    def is_busy(self) -> bool:
        """A single run, an experiment or an exploration is going."""
        controllers = (self.controller, self.experiment_controller, self.explore_panel.controller)
        return any(controller.is_running() for controller in controllers)

    @Slot(object)
    def show_trial_result(self, result: RunResult) -> None:
        """Load a finished run (an experiment's trial) into the Run tab: views and exports."""
        self.show_run_result(
            result,
            self.tr("Showing a trial of the experiment (seed {seed}): {outcomes}").format(
                seed=result.params.seed, outcomes="{outcomes}"
            ),
        )

    def show_run_result(self, result: RunResult, message: str) -> None:
        """A finished run (a trial, an opened file, one of the history) in the Run tab.

        message: the status bar's line, translated, with an {outcomes} placeholder.
        """
        if self.controller.is_running():
            self.statusBar().showMessage(
                self.tr("A run is going: the trial is not loaded into the Run tab")
            )
            return
        self.last_result = result
        self.params_panel.set_params(result.params)
        self.lanes.show_result(result)
        self._show_verdict(result)
        self.tabs.setCurrentWidget(self.run_tab)
        self.file_menu.refresh()
        self.statusBar().showMessage(message.replace("{outcomes}", outcomes_text(result)))

    def _show_verdict(self, result: RunResult) -> None:
        """A finished run's table, log, banner and counters (the caller draws the lanes)."""
        self.model.set_records(result.records)
        self.lanes_box.explain(result)
        self.log_panel.show_run(result)
        self.banner.show_result(result)
        self.progress_bar.setRange(0, max(1, result.items))
        self._show_progress(
            result.processed, result.items, average_rate(result), result.elapsed_s, PHASE_DONE
        )
        self._mark_previous_run()

    def show_experiment_result(self, result: ExperimentResult, message: str) -> None:
        """A finished experiment (an opened file) in the Experiment tab, its spec in the panel."""
        if self.experiment_controller.is_running():
            return
        tab = self.experiment_tab
        tab.spec_panel.set_spec(result.spec)
        tab.show_result(result)
        self.tabs.setCurrentWidget(tab)
        self.file_menu.refresh()
        self.statusBar().showMessage(message)

    def _has_results(self) -> bool:
        return self.last_result is not None or self.experiment_tab.result is not None

    def _restore_kept(self) -> None:
        """After a language restart: show what was on screen before it."""
        if kept_results.restore_kept(self.settings, self):
            self.tabs.setCurrentWidget(self.run_tab if self.last_result else self.experiment_tab)
            self.statusBar().showMessage(self.tr("The results on screen before the restart"))

    def _close_if_pending(self) -> None:
        if self._close_when_stopped:
            self._close_when_stopped = False
            QTimer.singleShot(0, self.close)

    def closeEvent(self, event: QCloseEvent) -> None:
        # A QThread destroyed while running aborts the process: never let that happen.
        if not self.shutdown():
            event.ignore()
            self._close_when_stopped = True
            self.statusBar().showMessage(
                self.tr("Still stopping the run; the window closes when it ends")
            )
            return
        self._save_settings()
        super().closeEvent(event)
