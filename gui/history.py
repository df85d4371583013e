"""The run history: the last HISTORY_LIMIT runs since the app started, and Compare.

View → Run history lists them (newest first): choosing one shows it in the Run
tab, and "Compare two runs…" puts two of them side by side: banner, lanes and
counts, e.g. the post's loop 1 next to its loop 4.

Memory stays bounded: besides the run count, the history keeps the item
records of at most RECORDS_KEPT items over all its runs; older runs keep
their verdict, workers and timeline, and lose their records (the menu says so).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from core.result import ItemRecords, RunResult
from core.strategies import STRATEGIES
from core.text import LIST_SEPARATOR
from gui.i18n import core_text
from gui.lanes import WorkerLanes
from gui.qtutil import named
from gui.run_views import lanes_with_legend
from gui.verdict import VerdictBanner

HISTORY_LIMIT = 20
RECORDS_KEPT = 1_000_000


@dataclass
class HistoryEntry:
    number: int  # 1 for the first run since the app started
    result: RunResult
    finished_at: float  # time.time()
    records_dropped: bool = False


def strategy_title(strategy_id: str) -> str:
    strategy = STRATEGIES.get(strategy_id)
    return core_text(strategy.title) if strategy is not None else strategy_id


def outcomes_text(result: RunResult) -> str:
    return core_text(LIST_SEPARATOR).join(core_text(o) for o in result.outcomes)


class RunHistory(QObject):
    """The runs, oldest first. Signals: changed(): a run came in (or one was dropped)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[HistoryEntry] = []
        self._count = 0

    def add(self, result: RunResult) -> HistoryEntry:
        self._count += 1
        entry = HistoryEntry(self._count, result, time.time())
        self.entries = [*self.entries, entry][-HISTORY_LIMIT:]
        kept = 0
        for old in reversed(self.entries):
            kept += len(old.result.records)
            if kept > RECORDS_KEPT and not old.records_dropped:
                old.result = dataclasses.replace(old.result, records=ItemRecords())
                old.records_dropped = True
        self.changed.emit()
        return entry

    def label(self, entry: HistoryEntry) -> str:
        text = self.tr("Run {number}: {strategy}, {outcomes} ({time})").format(
            number=entry.number,
            strategy=strategy_title(entry.result.params.strategy),
            outcomes=outcomes_text(entry.result),
            time=time.strftime("%H:%M:%S", time.localtime(entry.finished_at)),
        )
        if entry.records_dropped:
            text += " " + self.tr("(item records dropped to save memory)")
        return text


class HistoryMenu(QObject):
    """View → Run history: the runs, newest first, and Compare."""

    def __init__(
        self, parent_menu: QMenu, history: RunHistory, show: Callable[[RunResult], None]
    ) -> None:
        super().__init__(parent_menu)
        self.history = history
        self._show = show
        self.compare_dialog: CompareDialog | None = None
        self.menu = parent_menu.addMenu(self.tr("Run history"))
        self.menu.setObjectName("historyMenu")
        self.menu.aboutToShow.connect(self.fill)
        self.fill()

    @Slot()
    def fill(self) -> None:
        menu = self.menu
        menu.clear()
        for entry in reversed(self.history.entries):
            act = menu.addAction(self.history.label(entry))
            act.triggered.connect(self._show_slot(entry))
        if not self.history.entries:
            menu.addAction(self.tr("No runs yet")).setEnabled(False)
        menu.addSeparator()
        compare = menu.addAction(self.tr("Compare two runs…"))
        compare.setObjectName("compareRunsAction")
        compare.setEnabled(len(self.history.entries) >= 2)
        compare.triggered.connect(self.compare)

    def _show_slot(self, entry: HistoryEntry) -> Callable[[], None]:
        def show() -> None:
            self._show(entry.result)

        return show

    @Slot()
    def compare(self) -> CompareDialog | None:
        if len(self.history.entries) < 2:
            return None
        if self.compare_dialog is not None:
            self.compare_dialog.close()
            self.compare_dialog.deleteLater()
        parent = self.menu.window()
        self.compare_dialog = CompareDialog(self.history, parent)
        self.compare_dialog.show()
        return self.compare_dialog


class RunSide(QWidget):
    """One side of Compare: which run, its banner, lanes and counts."""

    def __init__(self, history: RunHistory, name: str) -> None:
        super().__init__()
        self.history = history
        self.combo = named(QComboBox(), f"{name}RunCombo")
        for entry in reversed(history.entries):
            self.combo.addItem(history.label(entry), entry.number)
        self.banner = VerdictBanner()
        self.lanes = WorkerLanes()
        self.counts = named(QLabel(wordWrap=True), f"{name}RunCounts")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.banner)
        layout.addWidget(self.counts)
        layout.addWidget(lanes_with_legend(self.lanes), 1)
        self.combo.currentIndexChanged.connect(self._on_chosen)

    def choose(self, number: int) -> None:
        self.combo.setCurrentIndex(self.combo.findData(number))
        self._on_chosen()

    def shown(self) -> HistoryEntry | None:
        number = self.combo.currentData()
        return next((e for e in self.history.entries if e.number == number), None)

    @Slot()
    def _on_chosen(self) -> None:
        entry = self.shown()
        if entry is None:
            return
        result = entry.result
        self.banner.show_result(result)
        self.lanes.show_result(result)
        p = result.params
        self.counts.setText(
            self.tr(
                "{strategy}: {processed} of {items} processed, {lost} lost, {duplicated} "
                "duplicated; {workers} workers, {queue} queue, {work_ms} ms work; {seconds} s"
            ).format(
                strategy=strategy_title(p.strategy),
                processed=f"{result.processed:,}",
                items=f"{result.items:,}",
                lost=f"{len(result.lost):,}",
                duplicated=f"{len(result.duplicates):,}",
                workers=p.workers,
                queue=p.queue_kind or "",
                work_ms=f"{p.work_ms:g}",
                seconds=f"{result.elapsed_s:.2f}",
            )
        )


class CompareDialog(QDialog):
    """Two runs of the history side by side; the two newest at first (older on the left)."""

    def __init__(self, history: RunHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle(self.tr("Compare two runs"))
        self.resize(1200, 700)
        self.left = RunSide(history, "left")
        self.right = RunSide(history, "right")
        grid = QGridLayout()
        grid.addWidget(self.left, 0, 0)
        grid.addWidget(self.right, 0, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addWidget(buttons)
        numbers = [e.number for e in history.entries]
        self.show_pair(numbers[-2], numbers[-1])

    def show_pair(self, left: int, right: int) -> None:
        """Runs by their number (HistoryEntry.number)."""
        self.left.choose(left)
        self.right.choose(right)
