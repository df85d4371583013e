"""The lanes' exact spans rebuilt from a run's final records, a bounded step at a time.

At the verdict the lanes rebuild every worker's spans from the final records
(gui/spans.py). At a million items that is ~60-100 ms of numpy in the window's
thread: done at once it froze the window for as long. SpanRebuild cuts the same
work into steps of a block of records, or one merge pass of one lane, and
SteppedJob runs such steps from the event loop, a few ms at a time.

The result equals the one-shot build (each lane: SpanLane(gap).add(all its
spans, cap)): merging at a gap is unchanged by merging parts at that gap first
(a merged span covers exactly what its parts covered, gap included), so each
block is merged at its lane's starting gap as it comes, and the last steps are
add()'s own, one merge pass per step.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from core.result import ItemRecords
from gui.spans import SpanLane, Spans, lane_cap, spans_by_worker

REBUILD_BLOCK = 65_536  # records per step: ~3-6 ms at 1M items
STEP_BUDGET_S = 0.008  # steps run back to back for at most this long, then the loop runs


class SpanRebuild:
    """Every lane's spans from records, starting each lane at its gap, in steps."""

    def __init__(self, records: ItemRecords, gaps: list[float], block: int = REBUILD_BLOCK) -> None:
        self.records = records
        self.block = block
        self.lanes = [SpanLane(gap) for gap in gaps]
        self._cap = lane_cap(len(gaps))
        self._parts: list[list[Spans]] = [[] for _ in gaps]
        self._next = 0  # the first record not read yet
        self._lane = 0  # the lane whose merges run once every record is read
        self._absorbed = False

    def step(self) -> bool:
        """Do one bounded piece of the work; False once the lanes are complete."""
        if self._next < len(self.records):
            stop = self._next + self.block
            blocks = spans_by_worker(self.records, len(self.lanes), self._next, stop)
            for worker, spans in blocks.items():
                self._parts[worker - 1].append(spans.merged(self.lanes[worker - 1].gap))
            self._next = stop
            return True
        while self._lane < len(self.lanes):
            lane = self.lanes[self._lane]
            if not self._absorbed:
                parts = self._parts[self._lane]
                self._parts[self._lane] = []
                self._absorbed = True
                if parts:
                    lane.absorb(_concat(parts))
                    return True
            if lane.shrink_once(self._cap):
                return True
            self._lane += 1
            self._absorbed = False
        return False

    def run(self) -> list[SpanLane]:
        """All the steps now; the lanes."""
        while self.step():
            pass
        return self.lanes


def _concat(parts: list[Spans]) -> Spans:
    columns = zip(*(part.columns() for part in parts), strict=True)
    return Spans(*(np.concatenate(column) for column in columns))


class SteppedJob(QObject):
    """Runs a step function from the event loop until it returns False, STEP_BUDGET_S a turn.

    Signals:
        finished(): the last step has run (not after cancel()).
    """

    finished = Signal()

    def __init__(self, parent: QObject | None = None, budget_s: float = STEP_BUDGET_S) -> None:
        super().__init__(parent)
        self.budget_s = budget_s
        self._step: Callable[[], bool] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run)

    def start(self, step: Callable[[], bool]) -> None:
        self._step = step
        self._timer.start()

    def cancel(self) -> None:
        self._timer.stop()
        self._step = None

    def is_active(self) -> bool:
        return self._step is not None

    def _run(self) -> None:
        step = self._step
        if step is None:
            self._timer.stop()
            return
        deadline = time.perf_counter() + self.budget_s
        while step():
            if time.perf_counter() >= deadline:
                return
        self.cancel()
        self.finished.emit()
