"""The Experiment tab's spec panel: the experiment grid as widgets, planned on every edit.

It builds a core.experiment.ExperimentSpec from its widgets and plans it
(plan_experiment: validation, skipped combinations, oversubscription notes)
on every edit, showing the plan, its notes or what is wrong inline.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from core.backends import backend_names
from core.experiment import (
    DEFAULT_QUEUE,
    MAX_PARALLEL,
    MAX_SEED,
    MAX_TRIALS,
    MAX_WORK_MS,
    NO_FAULT,
    ExperimentPlan,
    ExperimentSpec,
    ExperimentSpecError,
    dump_spec,
    parse_spec,
    plan_experiment,
)
from core.faults import FAULT_KINDS
from core.strategies import GROUPS, POST, STRATEGIES
from gui.experiment_model import fault_kind_label, queue_label
from gui.i18n import core_text
from gui.params_panel import (
    GUI_START_METHODS,
    START_METHOD_LABELS,
    choice_label,
    queue_kind_label,
)
from gui.qtutil import WrappingItemDelegate, named

SPEC_SETTINGS_KEY = "experiment/spec"
QUEUE_COLUMNS = 2


def queue_choices() -> tuple[str, ...]:
    """ "default" and every registered queue backend, as the spec names them."""
    return (DEFAULT_QUEUE, *backend_names())


DEFAULT_SPEC = ExperimentSpec(
    strategies=tuple(s.id for s in STRATEGIES.values() if s.group == POST),
    start_methods=("spawn",),
)
# Bytes a kept trial costs per item (ItemRecords: 5 ints, 3 doubles, 1 byte).
RECORD_BYTES = 5 * 4 + 3 * 8 + 1
KEPT_RECORDS_NOTE_BYTES = 200 << 20


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


def spec_error_text(error: ExperimentSpecError) -> str:
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
        # Long titles wrap within the panel's width rather than end in "…".
        self.strategy_tree.setItemDelegate(WrappingItemDelegate(self.strategy_tree, checkable=True))
        self.strategy_tree.setUniformRowHeights(False)
        self.strategy_tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
            for kind in queue_choices()
        }
        for queue_kind, box in self.queue_boxes.items():
            if queue_kind == DEFAULT_QUEUE:
                box.setToolTip(self.tr("each strategy's default"))
            else:
                box.setToolTip(queue_kind_label(queue_kind))  # code: Manager().Queue(), ...
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

        self.explorer_box = named(QCheckBox(self.tr("Explorer column")), "experimentExplorer")
        self.explorer_box.setToolTip(
            self.tr(
                "After the trials, search each cell's interleavings: which failures are "
                "reachable at its workers × items"
            )
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
        # Two a row: every backend in one row would widen the panel past the window.
        queues = QGridLayout()
        for i, box in enumerate(self.queue_boxes.values()):
            queues.addWidget(box, i // QUEUE_COLUMNS, i % QUEUE_COLUMNS)
        queues.setColumnStretch(QUEUE_COLUMNS, 1)
        faults = QGridLayout()
        faults.addWidget(self.no_fault_box, 0, 0)
        for i, name in enumerate(FAULT_KINDS, start=1):
            faults.addWidget(self.fault_boxes[name], i, 0)
            faults.addWidget(self.fault_args[name], i, 1)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # A field goes under its label when both do not fit side by side (long labels).
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
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
        form.addRow(self.explorer_box)
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
            self.explorer_box,
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
        if not strategies and not self._base.loops:
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
            explorer=self.explorer_box.isChecked(),
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
        queue_kinds = [k for k in spec.queue_kinds if k in self.queue_boxes]
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
            self.explorer_box.setChecked(spec.explorer)
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
            return [f"{SPEC_SETTINGS_KEY} ({spec_error_text(error)})"]
        return [f"{SPEC_SETTINGS_KEY} ({note})" for note in self.set_spec(spec)]

    # --- internals ---------------------------------------------------------------

    @Slot()
    def _on_edited(self, *_: Any) -> None:
        for kind, box in self.fault_boxes.items():
            self.fault_args[kind].setEnabled(box.isChecked())
        try:
            plan = self.plan()
        except ExperimentSpecError as error:
            self._plan, self._error = None, spec_error_text(error)
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
