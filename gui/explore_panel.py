"""The Run tab's explorer: Explore beside Start, its progress, and what it found.

Explore searches the interleavings of the strategy at the parameters panel's
workers × items, producer and queue (core.explorer) through the window's
ExploreController, off the GUI thread; a progress line shows schedules,
states and schedules per second, and the window's Cancel (or Stop here)
ends it. The answer is shown above the lanes (ExploreView): for no failing
schedule, how much was covered; for a find, the shrunk schedule on worker
lanes (gui.schedule_lanes), the diagnosis in words, whether the real-process
replay agreed, and "Replay on real processes", which loads the schedule into
step mode (gui.step_panel) and runs it there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTemporaryDir, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.explorer import story
from core.explorer.session import Exploration, ExploreProgress, ExploreRequest, refusal
from core.params import RunParams
from core.schedule import dump
from core.states import WorkerStatus
from core.stepper import feeder_queue
from core.strategies import Strategy
from core.text import Sentence
from gui.bridge import CoreController, ExploreController
from gui.i18n import core_text
from gui.params_panel import ParamsPanel
from gui.qtutil import named
from gui.schedule_lanes import ScheduleLanes, legend_html
from gui.step_panel import StepPanel

SCHEDULE_FILE = "explored-schedule.json"


def rendered(sentences: tuple[Sentence, ...], separator: str = "\n") -> str:
    return separator.join(sentence.render(core_text) for sentence in sentences)


class ExploreView(QWidget):
    """An exploration's answer: its headline, the schedule on lanes, the diagnosis, Replay."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exploreView")
        self.headline = named(QLabel(), "exploreHeadline")
        self.lanes = ScheduleLanes()
        self.legend = named(QLabel(), "exploreLegend")
        self.legend.setText(
            legend_html(
                {
                    WorkerStatus.PROCESSING: self.tr("took an item or sentinel"),
                    WorkerStatus.IDLE: self.tr("looked at the queue"),
                    WorkerStatus.TIMED_GET: self.tr("got Empty"),
                    WorkerStatus.STARTING: self.tr("put"),
                    WorkerStatus.BLOCKED: self.tr("blocked in get()"),
                }
            )
        )
        self.diagnosis = named(QLabel(), "exploreDiagnosis")
        self.confirmation = named(QLabel(), "exploreConfirmation")
        self.replay_button = named(QPushButton(self.tr("Replay on real processes")), "replayButton")
        self.replay_button.setToolTip(
            self.tr("Run this schedule in step mode on real processes, step by step as found")
        )
        self.hide_button = named(QPushButton(self.tr("Hide")), "hideExploreButton")
        self.hide_button.clicked.connect(self.hide)
        for label in (self.headline, self.legend, self.diagnosis, self.confirmation):
            label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.replay_button)
        buttons.addStretch(1)
        buttons.addWidget(self.hide_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.lanes, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.diagnosis)
        layout.addWidget(self.confirmation)
        layout.addLayout(buttons)
        self.setVisible(False)

    def show_exploration(self, exploration: Exploration) -> None:
        self.headline.setText(rendered(exploration.headline()))
        found = exploration.schedule is not None
        if exploration.schedule is not None:
            self.lanes.draw_schedule(exploration.schedule, exploration.blocked)
            self.diagnosis.setText(
                self.tr("Why it fails: {diagnosis}").format(
                    diagnosis=rendered(exploration.diagnosis, core_text(", "))
                )
            )
            real = exploration.confirmation
            self.confirmation.setText(
                story.confirmation(real).render(core_text)
                if real is not None
                else self.tr("Not confirmed on real processes: cancelled first")
            )
        else:
            self.lanes.clear_schedule()
        shown = (self.lanes, self.legend, self.diagnosis, self.confirmation, self.replay_button)
        for widget in shown:
            widget.setVisible(found)
        # A loop file's search runs in a child, which sends no diagnosis back.
        self.diagnosis.setVisible(found and bool(exploration.diagnosis))
        self.setVisible(True)


class ExplorePanel(QObject):
    """Explore (a button for beside Start), its options and progress row, and the answer view.

    Signals:
        runningChanged(bool): an exploration started or ended (the window locks its controls).
    """

    runningChanged = Signal(bool)

    def __init__(
        self,
        params_panel: ParamsPanel,
        step_panel: StepPanel,
        busy: tuple[CoreController, ...],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.params_panel = params_panel
        self.step_panel = step_panel
        self.others = busy  # the run's and the experiment's controllers: one job at a time
        self.controller = ExploreController(self)
        self.exploration: Exploration | None = None
        self._files = QTemporaryDir()

        self.button = named(QPushButton(self.tr("Explore")), "exploreButton")
        self.mode_combo = named(QComboBox(), "exploreMode")
        self.mode_combo.addItem(self.tr("every schedule"), "exhaustive")
        self.mode_combo.addItem(self.tr("random (PCT)"), "random")
        self.mode_combo.setToolTip(
            self.tr(
                "Every schedule: a depth-first search over all interleavings (visited states "
                "once); random: PCT sampling, for sizes too large to enumerate"
            )
        )
        self.stop_button = named(QPushButton(self.tr("Stop")), "stopExploreButton")
        self.stop_button.setToolTip(self.tr("Stop the search; nothing is left running"))
        self.progress_label = named(QLabel(), "exploreProgress")
        self.progress_label.setWordWrap(True)
        self.row = QWidget()
        row = QHBoxLayout(self.row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Explore:")))
        row.addWidget(self.mode_combo, 1)
        row.addWidget(self.stop_button)
        self.view = ExploreView()

        self.button.clicked.connect(self.explore)
        self.stop_button.clicked.connect(self.cancel)
        self.view.replay_button.clicked.connect(self.replay)
        self.controller.progress.connect(self._on_progress)
        self.controller.finished.connect(self._on_finished)
        self.controller.errored.connect(self._on_errored)
        params_panel.changed.connect(self.update_availability)
        step_panel.feeder_switch.toggled.connect(self.update_availability)
        step_panel.switch.toggled.connect(self.update_availability)
        for other in busy:
            other.started.connect(self.update_availability)
            other.finished.connect(self.update_availability)
            other.errored.connect(self.update_availability)
        self.update_availability()

    # --- the window's side ------------------------------------------------------

    def is_running(self) -> bool:
        return self.controller.is_running()

    @Slot()
    def update_availability(self) -> None:
        """Explore only for what the explorer can explore; its tooltip says why not."""
        params = self.params_panel.validated()
        strategy = self.params_panel.strategy()
        names = (self.tr("Workers"), self.tr("Items"))
        feeder_kind = self._feeder_queue(strategy, params)
        reason = (
            refusal(strategy, params.workers, params.items, names, feeder_kind)
            if params is not None
            else refusal(strategy, 1, 1, names)
        )
        busy = self.is_running() or any(other.is_running() for other in self.others)
        self.button.setEnabled(reason is None and params is not None and not busy)
        self.button.setToolTip(
            reason.render(core_text)
            if reason is not None
            else self.tr(
                "Search the interleavings of these workers and items for one that fails, "
                "or show there is none"
            )
        )
        self.stop_button.setEnabled(self.is_running() and not self.controller.is_cancelling())
        self.mode_combo.setEnabled(not self.is_running())

    @Slot()
    def explore(self) -> None:
        params = self.params_panel.validated()
        if params is None or not self.button.isEnabled():
            return
        if self.is_running() or any(other.is_running() for other in self.others):
            return
        request = ExploreRequest(
            params.strategy,
            params.workers,
            params.items,
            params.producer,
            params.queue_kind,
            mode=str(self.mode_combo.currentData()),
            seed=params.seed,
            feeder="steps" if self.step_panel.feeder_steps() else "settled",
            batch_size=params.batch_size,
        )
        self.exploration = None
        self.view.setVisible(False)
        self.progress_label.setText(self.tr("Exploring…"))
        self.controller.start(request)
        self.runningChanged.emit(True)
        self.update_availability()

    def _feeder_queue(self, strategy: Strategy, params: RunParams | None) -> str | None:
        """With the step panel's feeder steps: the queue they are taken on."""
        if not self.step_panel.feeder_steps():
            return None
        return feeder_queue(strategy, params.queue_kind if params is not None else None)

    @Slot()
    def cancel(self) -> None:
        if self.controller.cancel():
            self.progress_label.setText(self.tr("Stopping the search…"))
            self.update_availability()

    @Slot()
    def replay(self) -> bool:
        """Run the found schedule in step mode on real processes (a new controlled run)."""
        exploration = self.exploration
        if exploration is None or exploration.schedule is None or not self._files.isValid():
            return False
        path = str(Path(self._files.path()) / SCHEDULE_FILE)
        try:
            dump(exploration.schedule, path)
        except OSError as error:
            self.progress_label.setText(str(error))
            return False
        return self.step_panel.load_schedule(path)

    # --- slots for the controller (GUI thread) -----------------------------------

    @Slot(object)
    def _on_progress(self, progress: ExploreProgress) -> None:
        self.progress_label.setText(
            self.tr("{schedules} schedules · {states} states · {rate} schedules/s").format(
                schedules=f"{progress.schedules:,}",
                states=f"{progress.states:,}",
                rate=f"{progress.schedules_per_s:,.0f}",
            )
        )

    @Slot(object)
    def _on_finished(self, exploration: Exploration) -> None:
        self.exploration = exploration
        search = exploration.search
        self.progress_label.setText(
            self.tr("{schedules} schedules · {states} states in {elapsed} s").format(
                schedules=f"{search.runs:,}",
                states=f"{search.states:,}",
                elapsed=f"{search.elapsed_s:.2f}",
            )
        )
        self.view.show_exploration(exploration)
        self._ended()

    @Slot(str)
    def _on_errored(self, message: str) -> None:
        self.progress_label.setText(message)
        self._ended()

    def _ended(self) -> None:
        self.runningChanged.emit(False)
        self.update_availability()
