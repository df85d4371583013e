"""The Experiment tab: a grid of strategies run many times, with outcome rates and intervals.

The spec panel builds a core.experiment.ExperimentSpec and plans it
(plan_experiment: validation, skipped combinations, oversubscription notes)
on every edit; Start hands the plan to the ExperimentController (the bridge),
and every finished trial updates its cell's row and the charts.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.experiment import (
    DEFAULT_QUEUE,
    MAX_PARALLEL,
    MAX_SEED,
    MAX_TRIALS,
    MAX_WORK_MS,
    NO_FAULT,
    ExperimentPlan,
    ExperimentProgress,
    ExperimentResult,
    ExperimentSpec,
    ExperimentSpecError,
    dump_spec,
    parse_spec,
    plan_experiment,
)
from core.faults import FAULT_KINDS
from core.params import QUEUE_KINDS
from core.strategies import GROUPS, POST, STRATEGIES
from gui.bridge import ExperimentController
from gui.experiment_chart import OutcomeChart, TimingChart
from gui.experiment_model import (
    COL_FIRST_OUTCOME,
    COL_MEDIAN_ELAPSED,
    CellTableModel,
    coordinate_texts,
    fault_kind_label,
    queue_label,
)
from gui.i18n import core_text
from gui.params_panel import (
    GUI_START_METHODS,
    QUEUE_KIND_LABELS,
    START_METHOD_LABELS,
    choice_label,
)
from gui.qtutil import named, run_controls, side_panel
from gui.trial_dialogs import TrialListDialog

SPEC_SETTINGS_KEY = "experiment/spec"
QUEUE_CHOICES = (DEFAULT_QUEUE, *QUEUE_KINDS)
DEFAULT_SPEC = ExperimentSpec(
    strategies=tuple(s.id for s in STRATEGIES.values() if s.group == POST),
    start_methods=("spawn",),
)
# Bytes a kept trial costs per item (ItemRecords: 5 ints, 3 doubles, 1 byte).
RECORD_BYTES = 5 * 4 + 3 * 8 + 1
KEPT_RECORDS_NOTE_BYTES = 200 << 20
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
_COLUMN_WIDTHS = (170, 70, 80, 62, 62, 70, 60)


def _int_list(text: str, what: str) -> tuple[int, ...]:
    """'1, 2, 4' -> (1, 2, 4); ExperimentSpecError naming the field otherwise.

    what: the field as the message names it (translated: "workers", "fault kill").
    """
    tokens = [t.strip().replace("_", "") for t in text.replace(";", ",").split(",")]
    tokens = [t for t in tokens if t]
    if not tokens:
        raise ExperimentSpecError(
            QCoreApplication.translate(
                "SpecPanel", "{field}: give at least one number, e.g. 2, 4"
            ).format(field=what)
        )
    values = []
    for token in tokens:
        try:
            values.append(int(token))
        except ValueError:
            raise ExperimentSpecError(
                QCoreApplication.translate(
                    "SpecPanel",
                    "{field}: {value} is not a whole number (write numbers separated by commas)",
                ).format(field=what, value=repr(token))
            ) from None
    return tuple(values)


def _format_clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _error_text(error: ExperimentSpecError) -> str:
    """The error's message in the window's language (the window's own are translated already)."""
    return error.sentence.render(core_text)


class SpecPanel(QGroupBox):
    """The experiment grid as widgets; plans it on every edit and shows what plan says.

    Fields the panel has no widget for (producer, rate, jitter, work kind,
    get() timeout, chunksize) come from the last spec set with set_spec()
    (an opened spec file) and are kept as they are.

    Signals:
        changed(): the spec changed (validity and plan may have changed too).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Experiment"))
        self.setObjectName("specPanel")
        self._base = DEFAULT_SPEC
        self._plan: ExperimentPlan | None = None
        self._error: str | None = None

        self.strategy_tree = named(QTreeWidget(), "experimentStrategies")
        self.strategy_tree.setHeaderHidden(True)
        self.strategy_tree.setRootIsDecorated(False)
        self.strategy_tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self._strategy_items: dict[str, QTreeWidgetItem] = {}
        for group in GROUPS:
            heading = QTreeWidgetItem(self.strategy_tree, [core_text(group)])
            heading.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsAutoTristate
            )
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            for strategy in STRATEGIES.values():
                if strategy.group != group:
                    continue
                item = QTreeWidgetItem(heading, [core_text(strategy.title)])
                item.setData(0, Qt.ItemDataRole.UserRole, strategy.id)
                item.setToolTip(0, f"{strategy.id}: {core_text(strategy.expected)}")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Unchecked)
                self._strategy_items[strategy.id] = item
        self.strategy_tree.expandAll()
        rows = len(GROUPS) + len(STRATEGIES)
        self.strategy_tree.setMinimumHeight(
            min(rows, 12) * (self.strategy_tree.fontMetrics().height() + 6)
        )

        self.workers_edit = named(QLineEdit(), "experimentWorkers")
        self.workers_edit.setToolTip(self.tr("Worker counts to try, separated by commas: 2, 4, 8"))
        self.items_edit = named(QLineEdit(), "experimentItems")
        self.items_edit.setToolTip(self.tr("Item counts to try, separated by commas: 100, 10000"))
        # Short labels (the panel is narrow); the long ones are the tooltips.
        self.start_method_boxes = {
            method: named(QCheckBox(method), f"experimentStart_{method}")
            for method in GUI_START_METHODS
        }
        for method, box in self.start_method_boxes.items():
            box.setToolTip(choice_label(START_METHOD_LABELS, method))
        self.queue_boxes = {
            kind: named(QCheckBox(queue_label(kind)), f"experimentQueue_{kind}")
            for kind in QUEUE_CHOICES
        }
        for queue_kind, box in self.queue_boxes.items():
            if queue_kind == DEFAULT_QUEUE:
                box.setToolTip(self.tr("each strategy's default"))
            else:
                box.setToolTip(QUEUE_KIND_LABELS[queue_kind])  # code: Manager().Queue(), ...
        self.no_fault_box = named(QCheckBox(fault_kind_label(NO_FAULT)), "experimentFault_none")
        self.fault_boxes: dict[str, QCheckBox] = {}
        self.fault_args: dict[str, QLineEdit] = {}
        arg_validator = QRegularExpressionValidator(r"[0-9, ]*")
        for fault_kind in FAULT_KINDS.values():
            box = named(
                QCheckBox(fault_kind_label(fault_kind.name)), f"experimentFault_{fault_kind.name}"
            )
            box.setToolTip(
                self.tr("{effect}; expected outcome: {expected}").format(
                    effect=core_text(fault_kind.help), expected=core_text(fault_kind.expected)
                )
            )
            arg = named(QLineEdit(), f"experimentFaultArg_{fault_kind.name}")
            meaning = core_text(fault_kind.arg_name)
            arg.setPlaceholderText(self.tr("{meaning}: default").format(meaning=meaning))
            arg.setToolTip(
                self.tr(
                    "ARG ({meaning}); several separated by commas; empty: the core's default"
                ).format(meaning=meaning)
            )
            arg.setValidator(arg_validator)
            self.fault_boxes[fault_kind.name] = box
            self.fault_args[fault_kind.name] = arg

        self.trials_spin = named(QSpinBox(), "experimentTrials")
        self.trials_spin.setRange(1, MAX_TRIALS)
        self.work_ms_spin = named(QDoubleSpinBox(), "experimentWorkMs")
        self.work_ms_spin.setRange(0.0, MAX_WORK_MS)
        self.work_ms_spin.setDecimals(1)
        self.work_ms_spin.setSuffix(" ms")
        self.watchdog_spin = named(QDoubleSpinBox(), "experimentWatchdog")
        self.watchdog_spin.setRange(0.1, 3600.0)
        self.watchdog_spin.setDecimals(1)
        self.watchdog_spin.setSuffix(" s")
        self.watchdog_spin.setToolTip(
            self.tr("A trial with no progress for this long is '{stalled}'").format(
                stalled=core_text("stalled")
            )
        )
        self.seed_edit = named(QLineEdit(), "experimentSeed")
        self.seed_edit.setValidator(QRegularExpressionValidator(r"[0-9]{0,19}"))
        self.seed_edit.setToolTip(
            self.tr("Base seed: each trial's seed derives from it (jitter only)")
        )
        self.parallel_spin = named(QSpinBox(), "experimentParallel")
        self.parallel_spin.setRange(1, MAX_PARALLEL)
        self.parallel_spin.setToolTip(
            self.tr("Trials at once (threads, each running its own processes)")
        )

        self.plan_label = named(QLabel(wordWrap=True), "experimentPlan")
        self.notes_label = named(QLabel(wordWrap=True), "experimentNotes")
        self.notes_label.setStyleSheet("color: #8a5a00;")
        self.error_label = named(QLabel(wordWrap=True), "experimentError")
        self.error_label.setStyleSheet("color: #c62828;")

        starts = QHBoxLayout()
        for box in self.start_method_boxes.values():
            starts.addWidget(box)
        starts.addStretch(1)
        queues = QHBoxLayout()
        for box in self.queue_boxes.values():
            queues.addWidget(box)
        queues.addStretch(1)
        faults = QGridLayout()
        faults.addWidget(self.no_fault_box, 0, 0)
        for i, name in enumerate(FAULT_KINDS, start=1):
            faults.addWidget(self.fault_boxes[name], i, 0)
            faults.addWidget(self.fault_args[name], i, 1)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(QLabel(self.tr("Strategies")))
        form.addRow(self.strategy_tree)
        form.addRow(self.tr("Workers"), self.workers_edit)
        form.addRow(self.tr("Items"), self.items_edit)
        form.addRow(self.tr("Start methods"), starts)
        form.addRow(self.tr("Queues"), queues)
        form.addRow(self.tr("Faults"), faults)
        form.addRow(self.tr("Trials per cell"), self.trials_spin)
        form.addRow(self.tr("Work per item"), self.work_ms_spin)
        form.addRow(self.tr("Watchdog"), self.watchdog_spin)
        form.addRow(self.tr("Base seed"), self.seed_edit)
        form.addRow(self.tr("Parallel trials"), self.parallel_spin)
        form.addRow(self.plan_label)
        form.addRow(self.notes_label)
        form.addRow(self.error_label)

        self.set_spec(DEFAULT_SPEC)
        self.strategy_tree.itemChanged.connect(self._on_edited)
        for edit in (self.workers_edit, self.items_edit, self.seed_edit, *self.fault_args.values()):
            edit.textChanged.connect(self._on_edited)
        for box in (
            *self.start_method_boxes.values(),
            *self.queue_boxes.values(),
            self.no_fault_box,
            *self.fault_boxes.values(),
        ):
            box.toggled.connect(self._on_edited)
        for spin in (self.trials_spin, self.parallel_spin):
            spin.valueChanged.connect(self._on_edited)
        for double_spin in (self.work_ms_spin, self.watchdog_spin):
            double_spin.valueChanged.connect(self._on_edited)

    # --- reading and writing -----------------------------------------------------

    def spec(self) -> ExperimentSpec:
        """The spec the widgets describe (not yet validated: plan() does that).

        Raises ExperimentSpecError for what the widgets alone can tell is wrong.
        """
        strategies = tuple(
            strategy_id
            for strategy_id, item in self._strategy_items.items()
            if item.checkState(0) == Qt.CheckState.Checked
        )
        if not strategies:
            raise ExperimentSpecError(self.tr("choose at least one strategy"))
        start_methods = tuple(m for m, box in self.start_method_boxes.items() if box.isChecked())
        if not start_methods:
            raise ExperimentSpecError(self.tr("choose at least one start method"))
        queue_kinds = tuple(k for k, box in self.queue_boxes.items() if box.isChecked())
        if not queue_kinds:
            raise ExperimentSpecError(
                self.tr("choose at least one queue kind (or each strategy's default)")
            )
        faults: list[str] = [NO_FAULT] if self.no_fault_box.isChecked() else []
        for kind, box in self.fault_boxes.items():
            if not box.isChecked():
                continue
            text = self.fault_args[kind].text()
            if text.strip(" ,"):
                field = self.tr("fault {kind}").format(kind=fault_kind_label(kind))
                args = _int_list(text, field)
                faults.extend(f"{kind}:{arg}" for arg in args)
            else:
                faults.append(kind)
        if not faults:
            raise ExperimentSpecError(self.tr("choose at least one fault (or none)"))
        seed_text = self.seed_edit.text().strip() or "0"
        seed = int(seed_text)
        if seed > MAX_SEED:
            raise ExperimentSpecError(
                self.tr("seed must be <= {max}, got {seed}").format(max=f"{MAX_SEED:,}", seed=seed)
            )
        return self._base.replace(
            strategies=strategies,
            workers=_int_list(self.workers_edit.text(), self.tr("workers")),
            items=_int_list(self.items_edit.text(), self.tr("items")),
            start_methods=start_methods,
            queue_kinds=queue_kinds,
            faults=tuple(faults),
            trials=self.trials_spin.value(),
            work_ms=self.work_ms_spin.value(),
            watchdog_s=self.watchdog_spin.value(),
            seed=seed,
            parallel=self.parallel_spin.value(),
        )

    def set_spec(self, spec: ExperimentSpec) -> list[str]:
        """Show spec; returns what the window could not take over as it is (said to the user).

        fork is never run from the window (a GUI process has threads): it is
        dropped, and a spec with fork only gets spawn.
        """
        notes: list[str] = []
        start_methods = [m for m in spec.start_methods if m in GUI_START_METHODS]
        if len(start_methods) < len(spec.start_methods):
            notes.append(
                self.tr(
                    "start method fork is not run from the window (it has threads); it was dropped"
                )
                if start_methods
                else self.tr(
                    "start method fork is not run from the window (it has threads); "
                    "spawn is used instead"
                )
            )
            start_methods = start_methods or ["spawn"]
        queue_kinds = [k for k in spec.queue_kinds if k in QUEUE_CHOICES]
        if len(queue_kinds) < len(spec.queue_kinds):
            queue_kinds = queue_kinds or [DEFAULT_QUEUE]
            if DEFAULT_QUEUE not in queue_kinds:
                queue_kinds.append(DEFAULT_QUEUE)
            notes.append(
                self.tr(
                    "queue kind 'pool' is each pool strategy's default: shown as {default}"
                ).format(default=queue_label(DEFAULT_QUEUE))
            )
        widgets = self.findChildren(QWidget)
        blocked = [w.blockSignals(True) for w in widgets]
        self.strategy_tree.blockSignals(True)
        try:
            self._base = spec
            for strategy_id, item in self._strategy_items.items():
                checked = strategy_id in spec.strategies
                item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.workers_edit.setText(", ".join(str(w) for w in spec.workers))
            self.items_edit.setText(", ".join(str(i) for i in spec.items))
            for method, box in self.start_method_boxes.items():
                box.setChecked(method in start_methods)
            for kind, box in self.queue_boxes.items():
                box.setChecked(kind in queue_kinds)
            args: dict[str, list[str]] = {}
            self.no_fault_box.setChecked(NO_FAULT in spec.faults)
            for fault in spec.faults:
                kind, _, arg = fault.partition(":")
                if kind in FAULT_KINDS:
                    args.setdefault(kind, [])
                    if arg:
                        args[kind].append(arg)
            for kind, box in self.fault_boxes.items():
                box.setChecked(kind in args)
                self.fault_args[kind].setText(", ".join(args.get(kind, [])))
            self.trials_spin.setValue(spec.trials)
            self.work_ms_spin.setValue(spec.work_ms)
            self.watchdog_spin.setValue(spec.watchdog_s)
            self.seed_edit.setText(str(spec.seed))
            self.parallel_spin.setValue(spec.parallel)
        finally:
            for widget, was_blocked in zip(widgets, blocked, strict=True):
                widget.blockSignals(was_blocked)
            self.strategy_tree.blockSignals(False)
        self._on_edited()
        return notes

    def plan(self) -> ExperimentPlan:
        """Plan the current spec; raises ExperimentSpecError (the message shown inline)."""
        return plan_experiment(self.spec())

    def current_plan(self) -> ExperimentPlan | None:
        return self._plan

    def error(self) -> str | None:
        return self._error

    def is_valid(self) -> bool:
        return self._error is None

    # --- persistence -------------------------------------------------------------

    def save(self, settings: QSettings) -> None:
        if self._plan is not None:
            settings.setValue(SPEC_SETTINGS_KEY, dump_spec(self._plan.spec))

    def load(self, settings: QSettings) -> list[str]:
        """Restore the saved spec; a corrupted one is dropped and reported."""
        raw = settings.value(SPEC_SETTINGS_KEY)
        if raw is None:
            return []
        try:
            spec = parse_spec(str(raw), "json")
        except ExperimentSpecError as error:
            return [f"{SPEC_SETTINGS_KEY} ({_error_text(error)})"]
        return [f"{SPEC_SETTINGS_KEY} ({note})" for note in self.set_spec(spec)]

    # --- internals ---------------------------------------------------------------

    @Slot()
    def _on_edited(self, *_: Any) -> None:
        for kind, box in self.fault_boxes.items():
            self.fault_args[kind].setEnabled(box.isChecked())
        try:
            plan = self.plan()
        except ExperimentSpecError as error:
            self._plan, self._error = None, _error_text(error)
        else:
            self._plan, self._error = plan, None
        self.error_label.setText(self._error or "")
        self.error_label.setVisible(self._error is not None)
        self._show_plan()
        self.changed.emit()

    def _show_plan(self) -> None:
        plan = self._plan
        if plan is None:
            self.plan_label.setText("")
            self.notes_label.setText("")
            self.notes_label.setVisible(False)
            return
        self.plan_label.setText(
            self.tr("%n cells × {trials} trials = {runs} runs", "", len(plan.cells)).format(
                trials=plan.spec.trials, runs=f"{plan.total_trials:,}"
            )
        )
        notes = [f"⚠ {note.render(core_text)}" for note in plan.note_sentences]
        kept = sum(cell.coordinates.items for cell in plan.cells) * plan.spec.trials * RECORD_BYTES
        if kept > KEPT_RECORDS_NOTE_BYTES:
            notes.append(
                "⚠ "
                + self.tr("every trial's records are kept for its views: about {size} MB").format(
                    size=f"{kept >> 20:,}"
                )
            )
        notes.extend(
            self.tr("Skipped: {reason}").format(reason=s.sentence.render(core_text))
            for s in plan.skipped
        )
        self.notes_label.setText("\n".join(notes))
        self.notes_label.setVisible(bool(notes))


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
        self._cancelling = False
        self.trial_list_dialog: TrialListDialog | None = None

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
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        for column, width in enumerate(_COLUMN_WIDTHS):
            header.resizeSection(column, width)
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
        left = side_panel("experimentLeftPanel", 400, self.spec_panel, run_box, last_fills=False)

        timing_box = QWidget()
        timing_layout = QVBoxLayout(timing_box)
        timing_layout.setContentsMargins(0, 0, 0, 0)
        timing_layout.setSpacing(2)
        # Not inside f-strings: pyside6-lupdate would not find the texts there.
        heading = html.escape(self.tr("Latency and throughput per cell"))
        note = html.escape(self.tr("(medians)"))
        timing_layout.addWidget(QLabel(f"<b>{heading}</b> {note}", wordWrap=True))
        timing_layout.addWidget(self.timing_chart, 1)
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
            self.spec_panel.error_label.setText(_error_text(error))
            self.spec_panel.error_label.setVisible(True)
            return
        self._previous_result, self.result = self.result, None
        self._cancelling = False
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
        if not self.controller.is_running():
            return
        self._cancelling = True
        self.controller.cancel()
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
        if not self._cancelling:
            self.stats_label.setText(
                self.tr("{elapsed} elapsed  ·  ETA {eta}  ·  {running} running").format(
                    elapsed=_format_clock(progress.elapsed_s),
                    eta=_format_clock(progress.eta_s),
                    running=progress.running,
                )
            )

    @Slot(object)
    def _on_finished(self, result: ExperimentResult) -> None:
        self.result = result
        self._previous_result = None
        self.model.set_result(result)
        self._fit_columns()
        self._chart_timer.stop()
        self._redraw_charts()
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
        self._cancelling = False
        self._refresh_buttons()
        self.message.emit(text)
        self.runningChanged.emit(False)

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
        self._cancelling = False
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
        self.cancel_button.setEnabled(running and not self._cancelling)

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
        sample = f"{self.model.trials_target()}  ·  100 % [100–100]"
        width = self.table.fontMetrics().horizontalAdvance(sample) + 16
        for column in range(COL_FIRST_OUTCOME, COL_MEDIAN_ELAPSED):
            self.table.horizontalHeader().resizeSection(column, width)

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
