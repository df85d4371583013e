"""The verdict banner (outcome, diagnosis, lost ids), the stack-dump and traceback dialogs."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.diagnosis import render_diagnosis
from core.result import RunResult, WorkerView
from core.states import WorkerStatus
from core.text import Ids
from gui.i18n import core_text
from gui.qtutil import named
from gui.results_model import FILTER_DUPLICATED, FILTER_LOST, FILTER_LOST_OR_DUPLICATED

SEVERITY_NONE = "none"
SEVERITY_RUNNING = "running"
SEVERITY_OK = "ok"
SEVERITY_WARNING = "warning"
SEVERITY_FAILURE = "failure"
SEVERITY_CANCELLED = "cancelled"

FAILURE_OUTCOMES = frozenset({"deadlock", "stalled", "crashed"})
WARNING_OUTCOMES = frozenset({"lost", "duplicated"})

# (background, border, text)
_COLORS = {
    SEVERITY_NONE: ("#f5f5f5", "#bdbdbd", "#424242"),
    SEVERITY_RUNNING: ("#e3f2fd", "#1e88e5", "#0d47a1"),
    SEVERITY_OK: ("#e8f5e9", "#2e7d32", "#1b5e20"),
    SEVERITY_WARNING: ("#fff8e1", "#ff8f00", "#6d4c00"),
    SEVERITY_FAILURE: ("#ffebee", "#c62828", "#8e0000"),
    SEVERITY_CANCELLED: ("#eceff1", "#78909c", "#37474f"),
}
# Ids listed in the banner: one line; the rest are a click away in the item table.
MAX_IDS_SHOWN = 10
OUTCOMES = ("ok", "deadlock", "stalled", "lost", "duplicated", "crashed", "cancelled")
# What each outcome means, in the window's words (str(): the stubs type the marker as object).
OUTCOMES_CONTEXT = "Outcomes"
OUTCOME_EXPLANATIONS = {
    "ok": str(
        QT_TRANSLATE_NOOP(
            "Outcomes", "every item was processed exactly once and every worker exited"
        )
    ),
    "deadlock": str(
        QT_TRANSLATE_NOOP(
            "Outcomes",
            "proven stuck: workers wait in get() on an empty queue that nothing will fill "
            "again (the producer is done); without the lab the run would hang forever",
        )
    ),
    "stalled": str(
        QT_TRANSLATE_NOOP(
            "Outcomes",
            "no progress for the watchdog's time and no proof of deadlock (a stopped worker, "
            "a slow main process)",
        )
    ),
    "lost": str(
        QT_TRANSLATE_NOOP(
            "Outcomes",
            "some items were never processed: taken and dropped by a worker, or left in the "
            "queue after every worker had gone",
        )
    ),
    "duplicated": str(QT_TRANSLATE_NOOP("Outcomes", "some items were processed more than once")),
    "crashed": str(
        QT_TRANSLATE_NOOP(
            "Outcomes",
            "a worker or the main process died or raised: an exception, a signal, or a task "
            "that never reached a process",
        )
    ),
    "cancelled": str(
        QT_TRANSLATE_NOOP(
            "Outcomes",
            "you stopped the run before it ended; the items it did not process are counted, "
            "not called lost",
        )
    ),
}


def severity_of(outcomes: list[str]) -> str:
    """Red beats amber beats green; a cancelled run is grey unless something failed."""
    if FAILURE_OUTCOMES.intersection(outcomes):
        return SEVERITY_FAILURE
    if WARNING_OUTCOMES.intersection(outcomes):
        return SEVERITY_WARNING
    if "cancelled" in outcomes:
        return SEVERITY_CANCELLED
    return SEVERITY_OK


def banner_colors(severity: str) -> tuple[str, str, str]:
    """(background, border, text) of the banner at that severity."""
    return _COLORS[severity]


def format_ids(ids: list[int], limit: int = MAX_IDS_SHOWN) -> str:
    """The first `limit` ids in the core's list wording, then "and N more"."""
    shown = Ids.of(ids[:limit], None).render(core_text)
    if len(ids) <= limit:
        return shown
    return QCoreApplication.translate("VerdictBanner", "{ids} and {count} more").format(
        ids=shown, count=f"{len(ids) - limit:,}"
    )


def outcome_explanation(outcome: str) -> str:
    """What an outcome word means, in the current language ('' for an unknown one)."""
    text = OUTCOME_EXPLANATIONS.get(outcome)
    return QCoreApplication.translate(OUTCOMES_CONTEXT, text) if text else ""


def outcomes_tooltip(outcomes: list[str]) -> str:
    """'deadlock: proven stuck: …' for each outcome, one a line."""
    return "\n".join(f"{core_text(o)}: {outcome_explanation(o)}" for o in outcomes)


def summarize_states(workers: list[WorkerView], list_limit: int = 8) -> str:
    """'processing: 1, 3 · blocked in get(): 2'; counts instead of numbers for many workers."""
    by_state: dict[str, list[int]] = {}
    for view in workers:
        by_state.setdefault(view.state, []).append(view.index)
    parts = []
    for state, indices in by_state.items():
        label = core_text(state)
        if len(workers) <= list_limit:
            parts.append(f"{label}: {', '.join(str(i) for i in indices)}")
        else:
            parts.append(f"{label}: {len(indices)}")
    return "  ·  ".join(parts)


def crash_reports(result: RunResult) -> dict[int, str]:
    """Each crashed worker's traceback (or why there is none), by 1-based worker."""
    reports: dict[int, str] = {}
    for worker in result.workers:
        if worker.state != WorkerStatus.CRASHED:
            continue
        if worker.error:
            reports[worker.index] = worker.error
        elif worker.exit_code is not None:
            reports[worker.index] = QCoreApplication.translate(
                "VerdictBanner",
                "No traceback: the process ended with exit code {code} without writing one "
                "(killed by a signal when negative).",
            ).format(code=worker.exit_code)
        else:
            reports[worker.index] = QCoreApplication.translate(
                "VerdictBanner", "No traceback: the process ended without writing one."
            )
    return reports


class VerdictBanner(QFrame):
    """Coloured summary of the last run: outcomes, diagnosis, lost ids, stack dumps.

    Signals:
        itemsRequested(str): show the item table with this filter (results_model FILTER_*).
    """

    itemsRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomeBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._severity = SEVERITY_NONE
        self._stack_dumps: dict[int, str] = {}
        self._crash_reports: dict[int, str] = {}
        self._dialog: WorkerTextsDialog | None = None

        # Every label wraps: the banner never asks for more width than the window has.
        self.outcome_label = named(QLabel(wordWrap=True), "outcomeLabel")
        font = self.outcome_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.outcome_label.setFont(font)
        self.diagnosis_label = named(QLabel(wordWrap=True), "diagnosisLabel")
        self.diagnosis_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lost_label = named(QLabel(wordWrap=True), "lostIdsLabel")
        self.lost_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.items_link = named(QLabel(), "showItemsLink")
        self.items_link.setToolTip(self.tr("Filter the item table to these items"))
        self.items_link.linkActivated.connect(self._on_items_link)
        self._items_filter = ""
        self.dumps_button = named(QPushButton(self.tr("Stack dumps…")), "stackDumpsButton")
        self.dumps_button.setToolTip(self.tr("The stuck workers' Python stacks (faulthandler)"))
        self.dumps_button.clicked.connect(self.show_stack_dumps)
        self.traceback_button = named(QPushButton(self.tr("Traceback…")), "tracebackButton")
        self.traceback_button.setToolTip(self.tr("What each crashed worker raised, or how it died"))
        self.traceback_button.clicked.connect(self.show_tracebacks)

        top = QHBoxLayout()
        top.addWidget(self.outcome_label, 1)
        top.addWidget(self.traceback_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.dumps_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.diagnosis_label)
        ids_row = QHBoxLayout()
        ids_row.addWidget(self.lost_label, 1)
        ids_row.addWidget(self.items_link, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(ids_row)
        self.show_idle()

    # --- states ------------------------------------------------------------------

    def show_idle(self) -> None:
        self._show(
            SEVERITY_NONE,
            self.tr("No run yet"),
            self.tr("Choose a strategy and press Start."),
            "",
            {},
        )

    def show_running(self, strategy_title: str, workers: list[WorkerView] | None = None) -> None:
        """Running: the strategy, and what the workers are doing right now.

        The workers' line is there from the start ("starting…"), so the banner
        keeps its height when the first snapshot arrives: a height change
        re-lays out the lanes' plots, which costs the event loop tens of ms
        while the run competes for the CPU.
        """
        if workers:
            now = self.tr("Workers now: {states}").format(states=summarize_states(workers))
        else:
            now = self.tr("Workers now: starting…")
        if self._severity == SEVERITY_RUNNING:
            # Only the texts change while a run goes: no restyle 30 times a second.
            self.diagnosis_label.setText(strategy_title)
            self.lost_label.setText(now)
            self.lost_label.setVisible(bool(now))
            self._show_items_link("")
            return
        self._show(SEVERITY_RUNNING, self.tr("Running…"), strategy_title, now, {})

    def show_cancelling(self) -> None:
        self._show(
            SEVERITY_CANCELLED,
            self.tr("Cancelling…"),
            self.tr("Stopping and reaping the workers."),
            "",
            {},
        )

    def show_error(self, message: str) -> None:
        """message is already in the user's language (or a one-line Python error)."""
        self._show(SEVERITY_FAILURE, self.tr("Could not run"), message, "", {})

    def show_result(self, result: RunResult) -> None:
        lines = []
        if "cancelled" in result.outcomes and result.lost:
            # Never taken because the user stopped the run: a count, not a list of losses.
            lines.append(
                self.tr("Not processed (cancelled): {count}").format(count=f"{len(result.lost):,}")
            )
        elif result.lost:
            lines.append(
                self.tr("Lost items ({count}): {ids}").format(
                    count=f"{len(result.lost):,}", ids=format_ids(result.lost)
                )
            )
        if result.duplicates:
            lines.append(
                self.tr("Duplicated items ({count}): {ids}").format(
                    count=f"{len(result.duplicates):,}", ids=format_ids(result.duplicates)
                )
            )
        lost_text = "\n".join(lines)
        # upper() shouts the English outcome names; it leaves Chinese as it is.
        outcomes = " + ".join(core_text(outcome).upper() for outcome in result.outcomes)
        headline = self.tr("{outcomes}  ·  {processed} of {items} processed in {seconds} s").format(
            outcomes=outcomes,
            processed=f"{result.processed:,}",
            items=f"{result.items:,}",
            seconds=f"{result.elapsed_s:.2f}",
        )
        diagnosis = result.diagnosis
        if result.diagnosis_sentences:  # a result built by hand may carry only the text
            diagnosis = render_diagnosis(result.diagnosis_sentences, core_text)
        self._show(
            severity_of(result.outcomes),
            headline,
            diagnosis,
            lost_text,
            result.stack_dumps,
        )
        self.outcome_label.setToolTip(outcomes_tooltip(result.outcomes))
        if result.lost and result.duplicates:
            self._show_items_link(FILTER_LOST_OR_DUPLICATED)
        elif result.lost or result.duplicates:
            self._show_items_link(FILTER_LOST if result.lost else FILTER_DUPLICATED)
        self._crash_reports = crash_reports(result)
        self.traceback_button.setVisible(bool(self._crash_reports))
        if self._crash_reports:
            workers = ", ".join(str(w) for w in sorted(self._crash_reports))
            self.traceback_button.setText(
                self.tr("Traceback (worker {workers})…").format(workers=workers)
            )

    def severity(self) -> str:
        return self._severity

    # --- stack dumps -------------------------------------------------------------

    def show_stack_dumps(self) -> None:
        if self._stack_dumps:
            self._open(StackDumpDialog(self._stack_dumps, self.window()))

    def show_tracebacks(self) -> None:
        if self._crash_reports:
            self._open(TracebackDialog(self._crash_reports, self.window()))

    def stack_dump_dialog(self) -> WorkerTextsDialog | None:
        """The dialog last opened from the banner (stack dumps or tracebacks)."""
        return self._dialog

    def _open(self, dialog: WorkerTextsDialog) -> None:
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
        self._dialog = dialog
        dialog.show()

    # --- internals ---------------------------------------------------------------

    def _show(
        self,
        severity: str,
        headline: str,
        diagnosis: str,
        lost_text: str,
        stack_dumps: dict[int, str],
    ) -> None:
        self._severity = severity
        self._stack_dumps = dict(stack_dumps)
        self.outcome_label.setText(headline)
        self.diagnosis_label.setText(diagnosis)
        self.lost_label.setText(lost_text)
        self.lost_label.setVisible(bool(lost_text))
        self.outcome_label.setToolTip("")
        self._show_items_link("")
        self._crash_reports = {}
        self.traceback_button.setVisible(False)
        self.dumps_button.setVisible(bool(stack_dumps))
        if stack_dumps:
            workers = ", ".join(str(w) for w in sorted(stack_dumps))
            self.dumps_button.setText(
                self.tr("Stack dumps (worker {workers})…").format(workers=workers)
            )
        background, border, text = banner_colors(severity)
        self.setStyleSheet(
            f"QFrame#outcomeBanner {{ background: {background}; border: 2px solid {border};"
            f" border-radius: 4px; }}"
            f" QFrame#outcomeBanner QLabel {{ color: {text}; background: transparent;"
            f" border: none; }}"
        )

    def _show_items_link(self, item_filter: str) -> None:
        """A link that filters the item table ('' hides it)."""
        self._items_filter = item_filter
        text = self.tr("Show in the item table") if item_filter else ""
        self.items_link.setText(f"<a href='items'>{html.escape(text)}</a>" if text else "")
        self.items_link.setVisible(bool(item_filter))

    def items_filter(self) -> str:
        """The filter the link shows ('' when there is no link)."""
        return self._items_filter

    @Slot(str)
    def _on_items_link(self, _link: str) -> None:
        if self._items_filter:
            self.itemsRequested.emit(self._items_filter)


class WorkerTextsDialog(QDialog):
    """One tab per worker with a text of it (monospace, unwrapped), under an explanation."""

    def __init__(
        self,
        texts: dict[int, str],
        title: str,
        explanation: str,
        parent: Any = None,
        current: int | None = None,
        text_name: str = "workerText",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 520)
        self.tabs = QTabWidget()
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for worker, text in sorted(texts.items()):
            view = named(QPlainTextEdit(readOnly=True), text_name)
            view.setFont(fixed)
            view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            view.setPlainText(text)
            label = QCoreApplication.translate("StackDumpDialog", "worker {number}")
            self.tabs.addTab(view, label.format(number=worker))
            if worker == current:
                self.tabs.setCurrentIndex(self.tabs.count() - 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(explanation, wordWrap=True))
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def dump_texts(self) -> list[str]:
        texts = []
        for i in range(self.tabs.count()):
            view = self.tabs.widget(i)
            if isinstance(view, QPlainTextEdit):
                texts.append(view.toPlainText())
        return texts


class StackDumpDialog(WorkerTextsDialog):
    """One tab per stuck worker with its faulthandler dump (all threads)."""

    def __init__(self, stack_dumps: dict[int, str], parent: Any = None) -> None:
        super().__init__(
            stack_dumps,
            QCoreApplication.translate("StackDumpDialog", "Stack dumps of the stuck workers"),
            QCoreApplication.translate(
                "StackDumpDialog",
                "Each stuck worker was asked for its Python stacks (faulthandler, SIGUSR1) "
                "before it was stopped. Most recent call first: the top frames show where it "
                "waits.",
            ),
            parent,
            text_name="stackDumpText",
        )
        self.setObjectName("stackDumpDialog")


class TracebackDialog(WorkerTextsDialog):
    """One tab per crashed worker: its traceback, or how it died without one."""

    def __init__(
        self, reports: dict[int, str], parent: Any = None, current: int | None = None
    ) -> None:
        super().__init__(
            reports,
            QCoreApplication.translate("TracebackDialog", "Tracebacks of the crashed workers"),
            QCoreApplication.translate(
                "TracebackDialog",
                "What each crashed worker raised (most recent call last), as it wrote it "
                "before it ended; a worker killed by a signal could write nothing.",
            ),
            parent,
            current,
            text_name="tracebackText",
        )
        self.setObjectName("tracebackDialog")
