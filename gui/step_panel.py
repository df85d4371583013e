"""Step mode in the Run tab: the switch, a button per worker with its next operation, schedules.

With the switch on, Start begins a controlled run (core.schedule.StepControl,
interactive) through the window's RunController like any other run. While it
goes, each worker's button shows the operation it waits to run
(`W2 ▸ q.get()`), and so does its lane (gui/step_lanes.py); its button, its
number key (1–9) or a click on its lane advances it by one operation. Step
the producer, Run freely, Back (a new run that replays all but the last
step), Save schedule… and Load schedule… (a new run that replays the file,
then waits for the user). The log lists the steps taken.

"Feeder flushes are steps" (mp and joinable queues): each process's feeder
thread writes to the pipe only when its button (F1..Fn, FP) is pressed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core import ParamError, RunParams
from core.schedule import (
    PRODUCER,
    ScheduleError,
    Step,
    StepControl,
    dump,
    feeder_of,
    load,
)
from core.stepper import FEEDER_QUEUES, refuse_unsteppable, schedule_of, schedule_params
from core.strategies import STRATEGIES
from gui.bridge import RunController, refusal_text
from gui.lanes import WorkerLanes
from gui.panels import LogPanel
from gui.params_panel import ParamsPanel
from gui.qtutil import named
from gui.step_lanes import StepLanes, offer_label

NUMBER_KEYS = 9  # workers 1..9 have a key each; the others a button only


class _Relay(QObject):
    """Carries StepControl.on_change from the run's controller thread to the GUI thread."""

    changed = Signal()


class StepPanel(QGroupBox):
    """The Run tab's step mode; start_run is the window's Start."""

    def __init__(
        self,
        params_panel: ParamsPanel,
        controller: RunController,
        log: LogPanel,
        start_run: Callable[[], None],
        shortcut_host: QWidget,
        lanes: WorkerLanes,
    ) -> None:
        super().__init__()
        self.setTitle(self.tr("Step mode"))
        self.setObjectName("stepPanel")
        self.params_panel = params_panel
        self.controller = controller
        self.log = log
        self._start_run = start_run
        self.stepping: StepControl | None = None  # the last controlled run's
        self.params: RunParams | None = None  # and its parameters
        self._replay: tuple[Step, ...] = ()  # what the next controlled run replays first
        self._restart_pending = False
        self._logged = 0
        self._relay = _Relay(self)
        self._relay.changed.connect(self._refresh, Qt.ConnectionType.QueuedConnection)
        self.lane_labels = StepLanes(lanes)
        self.lane_labels.advanceRequested.connect(self.advance)

        self.switch = named(QCheckBox(self.tr("Step mode")), "stepModeSwitch")
        self.feeder_switch = named(
            QCheckBox(self.tr("Feeder flushes are steps")), "feederStepsSwitch"
        )
        self.feeder_switch.setToolTip(
            self.tr(
                "An mp queue's put returns before its feeder thread writes the item to the "
                "pipe: make each write a step of its own (F1…Fn, FP), to show what is lost "
                "meanwhile"
            )
        )
        self.worker_buttons: list[QPushButton] = []
        self.feeder_buttons: list[QPushButton] = []
        self.workers_box = QWidget()
        self.workers_layout = QVBoxLayout(self.workers_box)
        self.workers_layout.setContentsMargins(0, 0, 0, 0)
        self.producer_button = self._button(self.tr("Step the producer"), "stepProducerButton")
        self.free_button = self._button(self.tr("Run freely"), "runFreelyButton")
        self.back_button = self._button(self.tr("Back"), "stepBackButton")
        self.save_button = self._button(self.tr("Save schedule…"), "saveScheduleButton")
        self.load_button = self._button(self.tr("Load schedule…"), "loadScheduleButton")
        self.status = named(QLabel(), "stepStatus")
        self.status.setWordWrap(True)
        self.producer_button.setToolTip(self.tr("Let the concurrent producer run its next put"))
        self.free_button.setToolTip(self.tr("Open the gate: the run goes on to its end unstepped"))
        self.back_button.setToolTip(self.tr("Start again and replay all but the last step"))

        self.producer_button.clicked.connect(lambda: self.advance(PRODUCER))
        self.free_button.clicked.connect(self.run_freely)
        self.back_button.clicked.connect(self.back)
        self.save_button.clicked.connect(self._ask_save)
        self.load_button.clicked.connect(self._ask_load)

        buttons = QGridLayout()
        for index, button in enumerate(
            (self.producer_button, self.free_button, self.back_button),
        ):
            buttons.addWidget(button, 0, index)
        buttons.addWidget(self.save_button, 1, 0, 1, 2)
        buttons.addWidget(self.load_button, 1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.switch)
        layout.addWidget(self.feeder_switch)
        layout.addWidget(self.workers_box)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

        self.shortcuts = []
        for number in range(1, NUMBER_KEYS + 1):
            shortcut = QShortcut(QKeySequence(str(number)), shortcut_host)
            shortcut.activated.connect(lambda who=f"W{number}": self.advance(who))
            self.shortcuts.append(shortcut)
        controller.started.connect(self._refresh)
        self.switch.toggled.connect(self._refresh)
        controller.errored.connect(self.on_run_ended)
        self.update_availability()

    def _button(self, text: str, name: str) -> QPushButton:
        return named(QPushButton(text), name)

    # --- the window's side ------------------------------------------------------

    def update_availability(self) -> None:
        """The switch only for strategies step mode can control; it says why not."""
        try:
            refuse_unsteppable(self.params_panel.strategy(), None)
        except ParamError as error:
            self.switch.setChecked(False)
            self.switch.setToolTip(refusal_text(error))
        else:
            self.switch.setToolTip(
                self.tr(
                    "Start moves the workers one queue operation at a time, as you say: "
                    "a worker's button or number key (1–9)"
                )
            )
        self._refresh()

    def stepping_for(self, params: RunParams) -> StepControl | None:
        """The StepControl the run about to start is driven by; None with the switch off."""
        replay, self._replay = self._replay, ()
        if not (self.switch.isChecked() and self.switch.isEnabled()):
            return None
        self.stepping = StepControl(
            replay=replay,
            interactive=True,
            on_change=self._relay.changed.emit,
            feeder_steps=self.feeder_steps(),
        )
        self.params = params
        self._logged = 0
        self.status.clear()
        self._make_worker_buttons(params.workers)
        self._refresh()
        return self.stepping

    @Slot()
    def on_run_ended(self) -> None:
        """The log (replaced by the verdict's) lists the steps again; Back or Load go on."""
        if self.stepping is not None and self.stepping.steps():
            self.log.appendPlainText(self.tr("Steps taken:"))
            self._logged = 0
            self._log_new_steps()
        self._refresh()
        if self._restart_pending:
            self._restart_pending = False
            QTimer.singleShot(0, self._start_run)

    # --- what the user asks -----------------------------------------------------

    def advance(self, who: str) -> None:
        if self._live():
            assert self.stepping is not None
            self.stepping.advance(who)

    def run_freely(self) -> None:
        if self._live():
            assert self.stepping is not None
            self.stepping.run_freely()

    def back(self) -> None:
        if self.stepping is not None and self.stepping.steps():
            self._restart(tuple(self.stepping.steps()[:-1]))

    def save_schedule(self, path: str) -> bool:
        """Write the last controlled run's steps as a schedule; a message box if it cannot."""
        if self.stepping is None or self.params is None:
            return False
        params = self.params
        feeder = "steps" if self.stepping.feeder_steps else "settled"
        schedule = schedule_of(params, self.stepping.steps(), feeder)
        try:
            dump(schedule, path)
        except OSError as error:
            self._complain(self.tr("Save schedule"), str(error))
            return False
        self.status.setText(self.tr("Schedule saved: {path}").format(path=Path(path).name))
        return True

    def load_schedule(self, path: str) -> bool:
        """Replay the file in a new controlled run; one message box and no change if unusable."""
        title = self.tr("Load schedule")
        try:
            schedule = load(path)
            strategy = STRATEGIES.get(schedule.strategy)
            if strategy is None:
                raise ScheduleError(
                    self.tr("{path}: no strategy is called {strategy}").format(
                        path=path, strategy=schedule.strategy
                    )
                )
            refuse_unsteppable(strategy, None)
        except ScheduleError as error:
            self._complain(title, str(error))
            return False
        except ParamError as error:
            self._complain(title, refusal_text(error))
            return False
        panel = self.params_panel
        before = panel.params()
        panel.set_params(schedule_params(schedule, before))
        if panel.validated() is None:
            message = panel.error()
            panel.set_params(before)
            self._complain(title, message or "")
            return False
        self.switch.setChecked(True)
        self.feeder_switch.setChecked(schedule.feeder == "steps")
        self._restart(schedule.steps)
        return True

    # --- internals ----------------------------------------------------------------

    def _restart(self, replay: tuple[Step, ...]) -> None:
        """A new controlled run that replays replay first: once the one going has ended."""
        self._replay = replay
        if self.controller.is_running():
            self._restart_pending = True
            self.controller.cancel()
        else:
            self._start_run()

    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save schedule"), "schedule.json", self.tr("Schedules (*.json)")
        )
        if path:
            self.save_schedule(path)

    def _ask_load(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Load schedule"), "", self.tr("Schedules (*.json)")
        )
        if path:
            self.load_schedule(path)

    def _complain(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    def can_load(self) -> bool:
        """A schedule may be loaded now: nothing runs, or a controlled run waits for the user."""
        return self._live() or not self.controller.is_running()

    def _live(self) -> bool:
        return (
            self.stepping is not None
            and not self.stepping.stepping_over
            and self.controller.is_running()
        )

    def feeder_steps(self) -> bool:
        """The next controlled run (and an exploration) makes each feeder write a step."""
        shown = self.switch.isChecked() and self.switch.isEnabled()
        return shown and self.feeder_switch.isChecked() and self.feeder_switch.isEnabled()

    def _make_worker_buttons(self, workers: int) -> None:
        for button in [*self.worker_buttons, *self.feeder_buttons]:
            button.deleteLater()
        self.worker_buttons, self.feeder_buttons = [], []
        owners = [f"W{index + 1}" for index in range(workers)]
        feeders = [feeder_of(who) for who in [*owners, PRODUCER]] if self.feeder_steps() else []
        for who in [*owners, *feeders]:
            name = f"stepWorker{who[1:]}" if who in owners else f"stepFeeder{who[1:]}"
            button = self._button(who, name)
            button.setProperty("who", who)
            button.clicked.connect(lambda _=False, who=who: self.advance(who))
            self.workers_layout.addWidget(button)
            (self.feeder_buttons if who in feeders else self.worker_buttons).append(button)

    @Slot()
    def _refresh(self) -> None:
        live = self._live()
        stepping = self.stepping
        offers = {o.who: o for o in stepping.offers()} if stepping is not None and live else {}
        steps = stepping.steps() if stepping is not None else []
        self.lane_labels.show_offers(tuple(offers.values()), steps)
        for index, button in enumerate(self.worker_buttons):
            who = f"W{index + 1}"
            offer = offers.get(who)
            text = offer_label(offer, steps) if offer is not None else f"{who} \u25b8 \u2026"
            if index < NUMBER_KEYS:
                text = f"{text}    [{index + 1}]"
            button.setText(text)
            button.setEnabled(offer is not None)
        for button in self.feeder_buttons:
            who = str(button.property("who"))
            offer = offers.get(who)
            button.setText(str(offer) if offer is not None else f"{who} \u25b8 \u2026")
            button.setEnabled(offer is not None)
        self.workers_box.setVisible(bool(self.worker_buttons) and self.switch.isChecked())
        self.producer_button.setEnabled(PRODUCER in offers)
        self.free_button.setEnabled(live)
        self.back_button.setEnabled(bool(steps) and not self._restart_pending)
        self.save_button.setEnabled(bool(steps))
        running = self.controller.is_running()
        self.load_button.setEnabled(self.can_load())
        for shortcut in self.shortcuts:
            shortcut.setEnabled(live)
        self.switch.setEnabled(not running and self._steppable())
        self.feeder_switch.setEnabled(not running and self._has_feeders())
        self.feeder_switch.setVisible(self.switch.isChecked())
        if stepping is not None and stepping.divergence is not None:
            self.status.setText(
                self.tr("The schedule could not be followed: {divergence}").format(
                    divergence=str(stepping.divergence)
                )
            )
        if live:
            self._log_new_steps()

    def _steppable(self) -> bool:
        try:
            refuse_unsteppable(self.params_panel.strategy(), None)
        except ParamError:
            return False
        return True

    def _has_feeders(self) -> bool:
        """The queue chosen has feeder threads (mp, joinable), so feeder steps can be taken."""
        queue_kind = self.params_panel.params().queue_kind
        return (queue_kind or self.params_panel.strategy().default_backend) in FEEDER_QUEUES

    def _log_new_steps(self) -> None:
        if self.stepping is None:
            return
        steps = self.stepping.steps()
        for number, step in enumerate(steps[self._logged :], self._logged + 1):
            self.log.appendPlainText(
                self.tr("Step {number}: {step}").format(number=number, step=str(step))
            )
        self._logged = len(steps)
