"""Table models of an experiment: one row per cell, and one row per trial of a cell.

Both follow the shape of gui.results_model: rowCount/columnCount are 0 under
a valid parent, data() answers DisplayRole, SortRole (the native value),
TextAlignmentRole, BackgroundRole and ToolTipRole, and returns None for an
invalid index or an unknown role.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    Qt,
)
from PySide6.QtGui import QColor

from core.backends import backend_names, get_backend
from core.diagnosis import render_diagnosis
from core.experiment.plan import COORDINATE_COLUMNS, CellCoordinates, ExperimentPlan
from core.experiment.results import COUNTED_OUTCOMES, CellResult, ExperimentResult, TrialSummary
from core.experiment.spec import DEFAULT_QUEUE, NO_FAULT, POOL_QUEUE
from core.experiment.stats import Rate
from core.strategies import STRATEGIES
from gui.i18n import core_text
from gui.params_panel import FAULT_KIND_LABELS, NO_FAULT_LABEL, choice_label
from gui.qtutil import AnyIndex, HeaderedTableModel
from gui.verdict import (
    SEVERITY_FAILURE,
    SEVERITY_OK,
    SEVERITY_WARNING,
    outcome_explanation,
    severity_of,
)

# Native (unformatted) value of a cell: what tests and sorting read.
SortRole = Qt.ItemDataRole.UserRole + 1

# Each outcome's colour, in the family of the verdict banner's colour for that
# outcome (gui.verdict: green ok, amber lost/duplicated, red deadlock/stalled/crashed),
# in distinct shades so that a stacked bar can show them side by side.
OUTCOME_COLORS = {
    "ok": "#2e7d32",
    "deadlock": "#c62828",
    "stalled": "#ef5350",
    "lost": "#ff8f00",
    "duplicated": "#ffca28",
    "crashed": "#7f0000",
}
# Light tints for table backgrounds, the banner's background colours.
SEVERITY_TINTS = {
    SEVERITY_OK: QColor("#e8f5e9"),
    SEVERITY_WARNING: QColor("#fff8e1"),
    SEVERITY_FAILURE: QColor("#ffebee"),
}
DASH = "—"

_NUMBER_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_TEXT_ALIGNMENT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def percent(value: float) -> str:
    return f"{round(value * 100):d}"


def format_rate(rate: Rate) -> str:
    """'35 % [18–57]': the rate and its 95 % Wilson interval, in whole percent."""
    value = rate.rate
    if value is None:
        return DASH
    return f"{percent(value)} % [{percent(rate.low)}–{percent(rate.high)}]"


def format_seconds(value: float | None) -> str:
    return DASH if value is None else f"{value:.3f}"


def format_speed(value: float | None) -> str:
    return DASH if value is None else f"{value:,.0f}"


# Queue kinds are ids (spec files use them); these are their short names in the
# window, translated where shown (LABELS_CONTEXT); 'mp' stays as it is. Fault kinds
# are named as on the Run tab. str(): the stubs type QT_TRANSLATE_NOOP as returning object.
LABELS_CONTEXT = "ExperimentLabels"
QUEUE_SHORT_LABELS = {
    DEFAULT_QUEUE: str(QT_TRANSLATE_NOOP("ExperimentLabels", "default")),
    POOL_QUEUE: str(QT_TRANSLATE_NOOP("ExperimentLabels", "pool")),
}


def queue_label(queue_kind: str) -> str:
    """A queue kind (or 'default', 'pool') as the window names it: a backend's own short label."""
    if queue_kind in backend_names():
        return core_text(get_backend(queue_kind).short_label)
    label = QUEUE_SHORT_LABELS.get(queue_kind)
    return QCoreApplication.translate(LABELS_CONTEXT, label) if label else queue_kind


_FAULT_NAMES = {NO_FAULT: NO_FAULT_LABEL, **FAULT_KIND_LABELS}


def fault_kind_label(kind: str) -> str:
    """A fault kind (or 'none') as the window names it: as the Run tab's Fault row does."""
    return choice_label(_FAULT_NAMES, kind)


def fault_label(fault: str) -> str:
    """'' for no fault, else the fault as the window names it: 'kill:5' (kind translated)."""
    if fault == NO_FAULT:
        return ""
    kind, colon, arg = fault.partition(":")
    return f"{fault_kind_label(kind)}{colon}{arg}"


def strategy_label(strategy_id: str) -> str:
    """A strategy as a person reads it: its title (the id only for one not in the catalog)."""
    strategy = STRATEGIES.get(strategy_id)
    return core_text(strategy.title) if strategy is not None else strategy_id


def coordinate_texts(coordinates: CellCoordinates, no_fault: str = "") -> tuple[str, ...]:
    """The coordinates as the window shows them, in column order; no_fault: the text for none."""
    strategy, queue_kind, start_method, workers, items, fault = coordinates
    return (
        strategy_label(strategy),
        queue_label(queue_kind),
        start_method,
        str(workers),
        f"{items:,}",
        fault_label(fault) or no_fault,
    )


def coordinate_fields(coordinates: CellCoordinates, no_fault: str = "") -> dict[str, str]:
    """coordinate_texts by the names the window's templates give them ({queue}: the queue kind)."""
    texts = dict(zip(COORDINATE_COLUMNS, coordinate_texts(coordinates, no_fault), strict=True))
    texts["queue"] = texts.pop("queue_kind")
    return texts


def outcomes_label(outcomes: tuple[str, ...] | list[str]) -> str:
    """'deadlock + lost', each outcome name translated."""
    return " + ".join(core_text(outcome) for outcome in outcomes)


# --- cells -------------------------------------------------------------------------

# Headers in English (tests and exports read them); headerData() translates them:
# the outcome names as core text, the others in the CellTableModel context.
# The first columns are the cell's coordinates, in CellCoordinates' order.
_COORDINATE_HEADERS = {
    "strategy": str(QT_TRANSLATE_NOOP("CellTableModel", "Strategy")),
    "queue_kind": str(QT_TRANSLATE_NOOP("CellTableModel", "Queue")),
    "start_method": str(QT_TRANSLATE_NOOP("CellTableModel", "Start")),
    "workers": str(QT_TRANSLATE_NOOP("CellTableModel", "Workers")),
    "items": str(QT_TRANSLATE_NOOP("CellTableModel", "Items")),
    "fault": str(QT_TRANSLATE_NOOP("CellTableModel", "Fault")),
}
COL_WORKERS = COORDINATE_COLUMNS.index("workers")
COL_ITEMS = COORDINATE_COLUMNS.index("items")
COL_TRIALS = len(COORDINATE_COLUMNS)
CELL_PARAM_COLUMNS = (
    *(_COORDINATE_HEADERS[name] for name in COORDINATE_COLUMNS),
    str(QT_TRANSLATE_NOOP("CellTableModel", "Trials")),
)
COL_FIRST_OUTCOME = len(CELL_PARAM_COLUMNS)
CELL_HEADERS = (
    *CELL_PARAM_COLUMNS,
    *COUNTED_OUTCOMES,
    str(QT_TRANSLATE_NOOP("CellTableModel", "Median elapsed (s)")),
    str(QT_TRANSLATE_NOOP("CellTableModel", "Median items/s")),
    str(QT_TRANSLATE_NOOP("CellTableModel", "Explorer")),
)
COL_MEDIAN_ELAPSED = len(CELL_HEADERS) - 3
COL_MEDIAN_SPEED = len(CELL_HEADERS) - 2
COL_EXPLORER = len(CELL_HEADERS) - 1  # shown only when the spec asks for it


class CellTableModel(HeaderedTableModel):
    """One row per cell of an experiment: parameters, trials, rates per outcome, timing.

    set_plan() shows every cell with no trial yet; update_cell() replaces one
    row as its trials come in (ExperimentProgress.cell); set_result() takes
    the final ExperimentResult.
    """

    HEADERS = CELL_HEADERS
    HEADER_CONTEXT = "CellTableModel"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._cells: list[CellResult] = []
        self._trials_target = 0

    # --- Qt model interface ------------------------------------------------------

    def row_total(self) -> int:
        return len(self._cells)

    def header_text(self, section: int) -> str:
        outcome = self._outcome(section)
        return core_text(outcome) if outcome is not None else super().header_text(section)

    def header_tooltip(self, section: int) -> str | None:
        if section < COL_FIRST_OUTCOME:
            return None
        outcome = self._outcome(section)
        if section == COL_EXPLORER:
            return self.tr(
                "What the explorer finds reachable at the cell's workers × items: the outcomes "
                "of a failing schedule, none (every schedule covered), or why it has no answer"
            )
        if outcome is not None:
            counted = self.tr(
                "Trials with outcome {outcome} (per flag: a deadlock + lost "
                "trial counts for both), its rate and 95 % Wilson interval"
            ).format(outcome=core_text(outcome))
            return f"{core_text(outcome)}: {outcome_explanation(outcome)}\n{counted}"
        return self.tr("Median over the cell's trials")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (cell := self.cell(index)) is None:
            return None
        row, column = cell
        cell_result = self._cells[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(cell_result, column)
        if role == SortRole:
            return self._native(cell_result, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            text = column < COL_TRIALS and isinstance(cell_result.cell.coordinates[column], str)
            return _TEXT_ALIGNMENT if text else _NUMBER_ALIGNMENT
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(cell_result, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(cell_result, column)
        return None

    # --- filling -----------------------------------------------------------------

    def set_plan(self, plan: ExperimentPlan) -> None:
        self.beginResetModel()
        self._cells = [CellResult(cell) for cell in plan.cells]
        self._trials_target = plan.spec.trials
        self.endResetModel()

    def update_cell(self, cell_result: CellResult) -> None:
        """Replace one cell's row with a newer snapshot of its trials."""
        row = cell_result.cell.index
        if not 0 <= row < len(self._cells):
            return
        self._cells[row] = cell_result
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(CELL_HEADERS) - 1))

    def set_result(self, result: ExperimentResult) -> None:
        self.beginResetModel()
        self._cells = list(result.cells)
        self._trials_target = result.spec.trials
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._cells = []
        self._trials_target = 0
        self.endResetModel()

    # --- reading -----------------------------------------------------------------

    def cell_result(self, row: int) -> CellResult:
        return self._cells[row]

    def cells(self) -> list[CellResult]:
        return list(self._cells)

    def trials_target(self) -> int:
        """Trials per cell the experiment asks for."""
        return self._trials_target

    # --- internals ---------------------------------------------------------------

    def _outcome(self, column: int) -> str | None:
        if COL_FIRST_OUTCOME <= column < COL_MEDIAN_ELAPSED:
            return COUNTED_OUTCOMES[column - COL_FIRST_OUTCOME]
        return None

    def _display(self, cell_result: CellResult, column: int) -> str:
        if column < COL_TRIALS:
            return coordinate_texts(cell_result.cell.coordinates)[column]
        if column == COL_TRIALS:
            return f"{cell_result.n} / {self._trials_target}"
        outcome = self._outcome(column)
        if outcome is not None:
            if cell_result.n == 0:
                return DASH
            rate = cell_result.rates()[outcome]
            return f"{rate.count}  ·  {format_rate(rate)}"
        if column == COL_MEDIAN_ELAPSED:
            return format_seconds(cell_result.median_elapsed_s)
        if column == COL_EXPLORER:
            return DASH if cell_result.explorer is None else core_text(cell_result.explorer)
        return format_speed(cell_result.median_items_per_s)

    def _native(self, cell_result: CellResult, column: int) -> Any:
        if column < COL_TRIALS:
            return cell_result.cell.coordinates[column]
        if column == COL_TRIALS:
            return cell_result.n
        outcome = self._outcome(column)
        if outcome is not None:
            return cell_result.rates()[outcome].rate
        if column == COL_MEDIAN_ELAPSED:
            return cell_result.median_elapsed_s
        if column == COL_EXPLORER:
            return cell_result.explorer or ""
        return cell_result.median_items_per_s

    def _background(self, cell_result: CellResult, column: int) -> QColor | None:
        outcome = self._outcome(column)
        if outcome is None or cell_result.counts()[outcome] == 0:
            return None
        return SEVERITY_TINTS.get(severity_of([outcome]))

    def _tooltip(self, cell_result: CellResult, column: int) -> str | None:
        outcome = self._outcome(column)
        if outcome is None:
            return self._cell_tooltip(cell_result) if column == 0 else None
        rate = cell_result.rates()[outcome]
        if rate.n == 0:
            return self.tr("No trial yet")
        return self.tr(
            "{count} of %n trials had {outcome}: {rate} "
            "(95 % Wilson interval). Double-click the row for its trials.",
            "",
            rate.n,
        ).format(count=rate.count, outcome=core_text(outcome), rate=format_rate(rate))

    def _cell_tooltip(self, cell_result: CellResult) -> str:
        fields = coordinate_fields(cell_result.cell.coordinates, fault_kind_label(NO_FAULT))
        text = self.tr(
            "{strategy}\nqueue: {queue}, start method: {start_method}, workers: {workers}, "
            "items: {items}, fault: {fault}"
        ).format(**fields)
        # Not inside the f-string: pyside6-lupdate would not find the text there.
        id_line = self.tr("Strategy id: {id}").format(id=cell_result.cell.coordinates.strategy)
        return f"{text}\n{id_line}"


# --- trials ------------------------------------------------------------------------

TRIAL_HEADERS = (
    str(QT_TRANSLATE_NOOP("TrialTableModel", "Trial")),
    str(QT_TRANSLATE_NOOP("TrialTableModel", "Seed")),
    str(QT_TRANSLATE_NOOP("TrialTableModel", "Outcomes")),
    str(QT_TRANSLATE_NOOP("TrialTableModel", "Processed")),
    str(QT_TRANSLATE_NOOP("TrialTableModel", "Lost")),
    str(QT_TRANSLATE_NOOP("TrialTableModel", "Duplicated")),
    str(QT_TRANSLATE_NOOP("TrialTableModel", "Elapsed (s)")),
    str(QT_TRANSLATE_NOOP("TrialTableModel", "Items/s")),
)


class TrialTableModel(HeaderedTableModel):
    """The trials of one cell: seed, outcomes, processed, lost, elapsed."""

    HEADERS = TRIAL_HEADERS
    HEADER_CONTEXT = "TrialTableModel"

    def __init__(self, trials: list[TrialSummary] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._trials: list[TrialSummary] = list(trials or [])

    def row_total(self) -> int:
        return len(self._trials)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (cell := self.cell(index)) is None:
            return None
        row, column = cell
        trial = self._trials[row]
        natives: tuple[Any, ...] = (
            trial.trial,
            trial.seed,
            " + ".join(trial.outcomes),
            trial.processed,
            trial.lost,
            trial.duplicated,
            trial.elapsed_s,
            trial.items_per_s,
        )
        if role == Qt.ItemDataRole.DisplayRole:
            value = natives[column]
            if column == 2:
                return outcomes_label(trial.outcomes)
            if column == 1:  # a seed is an id, not a quantity: no separators
                return str(value)
            if column == 6:
                return f"{value:.3f}"
            if column == 7:
                return f"{value:,.0f}"
            return f"{value:,}"
        if role == SortRole:
            return natives[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _TEXT_ALIGNMENT if column == 2 else _NUMBER_ALIGNMENT
        if role == Qt.ItemDataRole.BackgroundRole:
            return SEVERITY_TINTS.get(severity_of(list(trial.outcomes)))
        if role == Qt.ItemDataRole.ToolTipRole:
            if trial.diagnosis_sentences:
                return render_diagnosis(trial.diagnosis_sentences, core_text)
            return trial.diagnosis or None  # a summary made without its sentences
        return None

    def set_trials(self, trials: list[TrialSummary]) -> None:
        self.beginResetModel()
        self._trials = list(trials)
        self.endResetModel()

    def trial(self, row: int) -> TrialSummary:
        return self._trials[row]
