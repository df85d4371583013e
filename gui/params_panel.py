"""Run parameters: widgets that only offer what fits, inline validation, persistence."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSettings, Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from core.backends import Need, get_backend
from core.backends.redis_backend import RedisBackend
from core.errors import ParamError
from core.faults import FAULT_KINDS, Fault, arg_range, default_arg
from core.params import PARAMS, POOL_QUEUE, PRODUCERS, WORK_KINDS, RunParams
from core.strategies import GROUPS, STRATEGIES, Strategy
from core.validation import validate
from gui.bridge import SharedRedis
from gui.i18n import core_text
from gui.param_widgets import double_spin, int_spin, select_data
from gui.params_settings import DEFAULTS as DEFAULTS
from gui.params_settings import GUI_START_METHODS as GUI_START_METHODS
from gui.params_settings import param_error_text, read_settings
from gui.qtutil import named, signals_blocked
from gui.redis_panel import RedisServerRows
from gui.wrapping_combo import WrappingComboBox

# Labels of the choices, as English sources; choice_label() translates them where shown
# (QCoreApplication.translate(LABELS_CONTEXT, value) does the same).
# str(): the stubs type QT_TRANSLATE_NOOP as returning object.
LABELS_CONTEXT = "ParamsPanel"
POOL_QUEUE_LABEL = str(QT_TRANSLATE_NOOP("ParamsPanel", "none: the pool feeds the items"))
START_METHOD_LABELS = {
    "spawn": str(QT_TRANSLATE_NOOP("ParamsPanel", "spawn (fresh interpreter)")),
    "forkserver": str(QT_TRANSLATE_NOOP("ParamsPanel", "forkserver (forks a clean server)")),
}
PRODUCER_LABELS = {
    "prefill": str(QT_TRANSLATE_NOOP("ParamsPanel", "prefill: all items, then start workers")),
    "concurrent": str(QT_TRANSLATE_NOOP("ParamsPanel", "concurrent: start workers, then put")),
}
WORK_KIND_LABELS = {
    "sleep": str(QT_TRANSLATE_NOOP("ParamsPanel", "sleep")),
    "cpu": str(QT_TRANSLATE_NOOP("ParamsPanel", "busy CPU")),
}
# Fault kinds are ids (--fault kill:10, spec files); these name them in the window.
FAULT_KIND_LABELS = {
    "kill": str(QT_TRANSLATE_NOOP("ParamsPanel", "kill")),
    "raise": str(QT_TRANSLATE_NOOP("ParamsPanel", "raise")),
    "stop": str(QT_TRANSLATE_NOOP("ParamsPanel", "stop")),
    "unpicklable": str(QT_TRANSLATE_NOOP("ParamsPanel", "unpicklable")),
    "big-payload": str(QT_TRANSLATE_NOOP("ParamsPanel", "big-payload")),
    "slow": str(QT_TRANSLATE_NOOP("ParamsPanel", "slow")),
}
SETTINGS_GROUP = "params"
# The strategy list's entries that do something (open a loop file...) rather than choose.
ACTION_PREFIX = "action:"
NO_FAULT_LABEL = str(QT_TRANSLATE_NOOP("ParamsPanel", "none"))


def queue_kind_label(queue_kind: str) -> str:
    """A backend as Python code names it; the pool strategies' "none" in words."""
    if queue_kind == POOL_QUEUE:
        return QCoreApplication.translate(LABELS_CONTEXT, POOL_QUEUE_LABEL)
    return get_backend(queue_kind).label


def choice_label(labels: dict[str, str], key: str) -> str:
    """labels[key] in the current language; key itself if the table lacks it."""
    text = labels.get(key)
    return QCoreApplication.translate(LABELS_CONTEXT, text) if text else key


def fault_arg_range(kind: str, items: int, workers: int) -> tuple[int, int]:
    """The ARG values core.faults accepts for kind, given the run's items and workers."""
    low, high = arg_range(kind, items, workers)
    return low, max(low, high)


def fault_arg_default(kind: str, items: int, workers: int) -> int:
    """core.faults' default ARG (item: the middle item, bytes: 1 MiB, worker: 1)."""
    return default_arg(kind, max(items, 1))


def uses_get_timeout(strategy: Strategy) -> bool:
    """Whether the loop calls get(timeout) (the get-timeout parameter matters)."""
    return Need.GET_TIMEOUT in strategy.needs


class ParamsPanel(QGroupBox):
    """Every RunParams field as a widget.

    Signals:
        changed(): any parameter changed (validity may have changed too).
        actionChosen(str): an action entry of the strategy list was chosen (its data);
            the strategy chosen before stays selected.
    """

    changed = Signal()
    actionChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Parameters"), parent)
        self.setObjectName("paramsPanel")

        # Its title wraps onto more lines rather than being cut with "…".
        self.strategy_combo = named(WrappingComboBox(), "strategyCombo")
        self.strategy_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.strategy_combo.setMinimumContentsLength(24)
        self._fill_strategies()

        self.items_spin = int_spin("itemCountSpin", "items")
        self.items_spin.setSingleStep(100)
        self.workers_spin = int_spin("workerCountSpin", "workers")

        self.queue_kind_combo = named(QComboBox(), "queueKindCombo")
        self.start_method_combo = named(QComboBox(), "startMethodCombo")
        for method in GUI_START_METHODS:
            self.start_method_combo.addItem(choice_label(START_METHOD_LABELS, method), method)
        self.start_method_combo.setToolTip(
            self.tr(
                "fork is not offered: a window has threads, and forking a threaded process "
                "can copy held locks into the child"
            )
        )

        self.producer_combo = named(QComboBox(), "producerCombo")
        for producer in PRODUCERS:
            self.producer_combo.addItem(choice_label(PRODUCER_LABELS, producer), producer)
        self.rate_spin = double_spin("rateSpin", "rate", 0, 10.0)
        self.rate_spin.setSpecialValueText(self.tr("as fast as possible"))
        self.rate_spin.setSuffix(self.tr(" items/s"))

        self.work_ms_spin = double_spin("workMsSpin", "work_ms", 1, 1.0, " ms")
        self.work_kind_combo = named(QComboBox(), "workKindCombo")
        for kind in WORK_KINDS:
            self.work_kind_combo.addItem(choice_label(WORK_KIND_LABELS, kind), kind)
        self.jitter_spin = double_spin("jitterMsSpin", "jitter_ms", 1, 1.0, " ms")
        # Down to 10 ms: a tiny watchdog fires while the workers start (a lifecycle check).
        self.watchdog_spin = double_spin("watchdogSpin", "watchdog_s", 2, 1.0, " s")
        self.watchdog_spin.setToolTip(
            self.tr("A run with no progress for this long, and no proof of deadlock, is 'stalled'")
        )
        self.get_timeout_spin = double_spin("getTimeoutSpin", "get_timeout_s", 2, 0.1, " s")
        self.chunksize_spin = int_spin("chunksizeSpin", "chunksize")
        self.batch_size_spin = int_spin("batchSizeSpin", "batch_size")
        self.fault_combo = named(QComboBox(), "faultCombo")
        self.fault_combo.addItem(QCoreApplication.translate(LABELS_CONTEXT, NO_FAULT_LABEL), None)
        self.fault_combo.setItemData(0, self.tr("No injected fault"), Qt.ItemDataRole.ToolTipRole)
        for fault_kind in FAULT_KINDS.values():
            kind = choice_label(FAULT_KIND_LABELS, fault_kind.name)
            arg = core_text(fault_kind.arg_name)
            self.fault_combo.addItem(f"{kind} ({arg})", fault_kind.name)
            self.fault_combo.setItemData(
                self.fault_combo.count() - 1,
                self.tr("{help}; expected outcome: {outcome}").format(
                    help=core_text(fault_kind.help), outcome=core_text(fault_kind.expected)
                ),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.fault_combo.setToolTip(self.tr("Inject a fault on purpose (core.faults)"))
        self.fault_arg_spin = named(QSpinBox(), "faultArgSpin")
        self.fault_arg_spin.setGroupSeparatorShown(True)
        self.fault_arg_spin.setToolTip(
            self.tr("ARG of the fault: the item, the bytes or the worker")
        )

        self.error_label = named(QLabel(wordWrap=True), "paramError")
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setVisible(False)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Strategy"), self.strategy_combo)
        form.addRow(self.tr("Items"), self.items_spin)
        form.addRow(self.tr("Workers"), self.workers_spin)
        form.addRow(self.tr("Queue"), self.queue_kind_combo)
        form.addRow(self.tr("Start method"), self.start_method_combo)
        form.addRow(self.tr("Producer"), self.producer_combo)
        form.addRow(self.tr("Rate"), self.rate_spin)
        form.addRow(self.tr("Work per item"), self.work_ms_spin)
        form.addRow(self.tr("Work kind"), self.work_kind_combo)
        form.addRow(self.tr("Jitter"), self.jitter_spin)
        form.addRow(self.tr("Watchdog"), self.watchdog_spin)
        form.addRow(self.tr("get() timeout"), self.get_timeout_spin)
        form.addRow(self.tr("Chunksize"), self.chunksize_spin)
        form.addRow(self.tr("Batch size"), self.batch_size_spin)
        # A shared server and remote workers (shown while the queue is redis).
        self.redis_rows = RedisServerRows(self)
        self.redis_rows.add_rows(form)
        fault_row = QHBoxLayout()
        fault_row.addWidget(self.fault_combo, 2)
        fault_row.addWidget(self.fault_arg_spin, 1)
        form.addRow(self.tr("Fault"), fault_row)
        form.addRow(self.error_label)
        self._set_tooltips(form, fault_row)

        self._error: str | None = None
        self._validated: RunParams | None = None
        # What else must hold for the strategy to run (a loop file's editor): None, or why not.
        self.strategy_check: Callable[[Strategy], str | None] | None = None
        self._strategy_index = 0
        self.set_params(DEFAULTS)
        self.strategy_combo.currentIndexChanged.connect(self._on_strategy_changed)
        self.fault_combo.currentIndexChanged.connect(self._on_fault_kind_changed)
        self.fault_arg_spin.valueChanged.connect(self._on_edited)
        self.redis_rows.changed.connect(self._on_edited)
        for combo in (
            self.queue_kind_combo,
            self.start_method_combo,
            self.producer_combo,
            self.work_kind_combo,
        ):
            combo.currentIndexChanged.connect(self._on_edited)
        for spin in (
            self.items_spin,
            self.workers_spin,
            self.rate_spin,
            self.work_ms_spin,
            self.jitter_spin,
            self.watchdog_spin,
            self.get_timeout_spin,
            self.chunksize_spin,
            self.batch_size_spin,
        ):
            spin.valueChanged.connect(self._on_edited)

    # --- reading and writing -----------------------------------------------------

    def strategy(self) -> Strategy:
        return STRATEGIES.get(self.strategy_combo.currentData(), STRATEGIES[DEFAULTS.strategy])

    def params(self) -> RunParams:
        queue_kind = self.queue_kind_combo.currentData()
        rate = self.rate_spin.value()
        return RunParams(
            strategy=self.strategy().id,
            items=self.items_spin.value(),
            workers=self.workers_spin.value(),
            queue_kind=None if queue_kind == POOL_QUEUE else queue_kind,
            start_method=self.start_method_combo.currentData(),
            producer=self.producer_combo.currentData(),
            rate=rate if rate > 0 else None,
            work_ms=self.work_ms_spin.value(),
            work_kind=self.work_kind_combo.currentData(),
            jitter_ms=self.jitter_spin.value(),
            watchdog_s=self.watchdog_spin.value(),
            get_timeout_s=self.get_timeout_spin.value(),
            chunksize=self.chunksize_spin.value(),
            batch_size=self.batch_size_spin.value(),
            fault=self.fault(),
        )

    def shared_redis(self) -> SharedRedis | None:
        """The shared Redis server a run uses (the queue is redis and a URL is given), or None."""
        if self.queue_kind_combo.currentData() != RedisBackend.name:
            return None
        return self.redis_rows.choice()

    def fault(self) -> Fault | None:
        """The chosen fault with its ARG, or None."""
        kind = self.fault_combo.currentData()
        if kind is None:
            return None
        return Fault(kind, self.fault_arg_spin.value())

    def set_params(self, params: RunParams) -> None:
        """Show params; anything a widget cannot show falls back to its default."""
        widgets = self.findChildren(QWidget)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            select_data(self.strategy_combo, params.strategy, DEFAULTS.strategy)
            self._fill_queue_kinds()
            select_data(self.queue_kind_combo, params.queue_kind, None)
            self.items_spin.setValue(params.items)
            self.workers_spin.setValue(params.workers)
            select_data(self.start_method_combo, params.start_method, DEFAULTS.start_method)
            select_data(self.producer_combo, params.producer, DEFAULTS.producer)
            self.rate_spin.setValue(params.rate or 0.0)
            self.work_ms_spin.setValue(params.work_ms)
            select_data(self.work_kind_combo, params.work_kind, DEFAULTS.work_kind)
            self.jitter_spin.setValue(params.jitter_ms)
            self.watchdog_spin.setValue(params.watchdog_s)
            self.get_timeout_spin.setValue(params.get_timeout_s)
            self.chunksize_spin.setValue(params.chunksize)
            self.batch_size_spin.setValue(params.batch_size)
            self._show_fault(params.fault, params.items, params.workers)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._on_edited()

    def select_strategy(self, strategy_id: str) -> None:
        index = self.strategy_combo.findData(strategy_id)
        if index < 0:
            raise KeyError(strategy_id)
        self.strategy_combo.setCurrentIndex(index)

    # --- validation --------------------------------------------------------------

    def error(self) -> str | None:
        """core.validate's message (translated) for the current parameters, or None if valid."""
        return self._error

    def is_valid(self) -> bool:
        return self._error is None

    def validated(self) -> RunParams | None:
        """The parameters as core.validate resolved them at the last edit; None if invalid."""
        return self._validated

    # --- persistence -------------------------------------------------------------

    def save(self, settings: QSettings) -> None:
        params = self.params()
        settings.beginGroup(SETTINGS_GROUP)
        try:
            for key, value in params.to_dict().items():
                settings.setValue(key, "" if value is None else value)
        finally:
            settings.endGroup()
        self.redis_rows.save(settings)

    def load(self, settings: QSettings) -> list[str]:
        """Restore saved parameters; each missing, corrupted or out-of-range one is the default.

        Returns what was reset, one "key (stored value)" per setting, for the
        window to tell the user; a missing key (a first start) is not reported.
        """
        settings.beginGroup(SETTINGS_GROUP)
        try:
            stored = {key: settings.value(key) for key in settings.childKeys()}
        finally:
            settings.endGroup()
        params, reset = read_settings(stored)
        reset += self.redis_rows.load(settings)
        self.set_params(params)
        return reset

    # --- internals ---------------------------------------------------------------

    def _set_tooltips(self, form: QFormLayout, fault_row: QHBoxLayout) -> None:
        """Every parameter says what it is, on its field and on its label (core.params' help)."""
        self.strategy_combo.setToolTip(
            self.tr(
                "The worker loop and how the main process ends the run; "
                "hover a choice for its id and what it does"
            )
        )
        self.queue_kind_combo.setToolTip(
            self.tr(
                "The queue the items go through (only those the strategy can use); "
                "a pool strategy has no queue of its own"
            )
        )
        from_schema = {
            "items": self.items_spin,
            "workers": self.workers_spin,
            "producer": self.producer_combo,
            "rate": self.rate_spin,
            "work_ms": self.work_ms_spin,
            "work_kind": self.work_kind_combo,
            "jitter_ms": self.jitter_spin,
            "get_timeout_s": self.get_timeout_spin,
            "chunksize": self.chunksize_spin,
            "batch_size": self.batch_size_spin,
        }
        for name, widget in from_schema.items():
            help_text = core_text(PARAMS[name].help)
            widget.setToolTip(help_text[:1].upper() + help_text[1:])
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label_widget = label.widget() if label is not None else None
            if label_widget is None or field is None:
                continue
            shown = field.widget() or (self.fault_combo if field.layout() is fault_row else None)
            if shown is not None:
                label_widget.setToolTip(shown.toolTip())

    def _fill_strategies(self) -> None:
        combo = self.strategy_combo
        model = combo.model()
        assert isinstance(model, QStandardItemModel)
        for group in GROUPS:
            combo.addItem(self.tr("— {group} —").format(group=core_text(group)))
            header = model.item(combo.count() - 1)
            header.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading, not a choice
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            for strategy in STRATEGIES.values():
                if strategy.group == group:
                    combo.addItem(core_text(strategy.title), strategy.id)
                    combo.setItemData(
                        combo.count() - 1,
                        f"{strategy.id}: {core_text(strategy.expected)}",
                        Qt.ItemDataRole.ToolTipRole,
                    )
        # The popup may be wider than the field, so long titles are not cut.
        combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)

    def _fill_queue_kinds(self) -> None:
        """Offer only the queue kinds the strategy supports (pools: none of your own).

        The strategy's own default comes first and is selected: each loop is
        shown in its natural setting (the post's loops on a Manager queue).
        """
        strategy = self.strategy()
        combo = self.queue_kind_combo
        combo.blockSignals(True)
        try:
            combo.clear()
            for kind in strategy.queue_kinds:
                combo.addItem(queue_kind_label(kind), kind)
            combo.setCurrentIndex(0)
        finally:
            combo.blockSignals(False)
        combo.setEnabled(len(strategy.queue_kinds) > 1)

    def _on_strategy_changed(self) -> None:
        data = self.strategy_combo.currentData()
        if isinstance(data, str) and data.startswith(ACTION_PREFIX):
            with signals_blocked(self.strategy_combo):
                self.strategy_combo.setCurrentIndex(self._strategy_index)
            self.actionChosen.emit(data)
            return
        self._fill_queue_kinds()
        self._on_edited()

    def recheck(self) -> None:
        """Validate again (what strategy_check says may have changed)."""
        self._on_edited()

    def _show_fault(self, fault: Fault | None, items: int, workers: int) -> None:
        """Select fault's kind and ARG (signals are blocked by the caller)."""
        select_data(self.fault_combo, fault.kind if fault else None, None)
        if fault is not None:
            self._fit_fault_arg()
            default = fault_arg_default(fault.kind, items, workers)
            self.fault_arg_spin.setValue(default if fault.arg is None else fault.arg)

    def _fit_fault_arg(self) -> None:
        """Limit the ARG spin to what the fault accepts with these items and workers."""
        kind = self.fault_combo.currentData()
        spin = self.fault_arg_spin
        was_blocked = spin.blockSignals(True)  # setRange clamps, which would re-enter here
        try:
            spin.setEnabled(kind is not None)
            if kind is None:
                spin.setRange(0, 0)
                spin.setSpecialValueText("—")
                return
            spin.setSpecialValueText("")
            low, high = fault_arg_range(kind, self.items_spin.value(), self.workers_spin.value())
            spin.setRange(low, high)
            spin.setPrefix(f"{core_text(FAULT_KINDS[kind].arg_name)} ")
        finally:
            spin.blockSignals(was_blocked)

    def _on_fault_kind_changed(self) -> None:
        kind = self.fault_combo.currentData()
        self._fit_fault_arg()
        if kind is not None:  # a new kind starts from core's default ARG
            spin = self.fault_arg_spin
            was_blocked = spin.blockSignals(True)
            try:
                spin.setValue(
                    fault_arg_default(kind, self.items_spin.value(), self.workers_spin.value())
                )
            finally:
                spin.blockSignals(was_blocked)
        self._on_edited()

    def _on_edited(self) -> None:
        self._strategy_index = self.strategy_combo.currentIndex()
        strategy = self.strategy()
        self.rate_spin.setEnabled(self.producer_combo.currentData() == "concurrent")
        self.chunksize_spin.setEnabled(strategy.is_pool)
        self.batch_size_spin.setEnabled(strategy.batches)
        self.get_timeout_spin.setEnabled(uses_get_timeout(strategy))
        self._fit_fault_arg()
        redis = self.queue_kind_combo.currentData() == RedisBackend.name
        self.redis_rows.set_shown(redis)
        self.redis_rows.set_workers(self.workers_spin.value())
        try:
            self._validated = validate(self.params())
        except ParamError as error:
            self._validated = None
            self._error = param_error_text(error)
        else:
            self._error = self.redis_rows.error() if redis else None
            if self._error is None and self.strategy_check:
                self._error = self.strategy_check(strategy)
            if self._error is not None:
                self._validated = None
        self.error_label.setText(self._error or "")
        self.error_label.setVisible(self._error is not None)
        self.changed.emit()
