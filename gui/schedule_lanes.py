"""A schedule drawn on worker lanes: each step a mark at its place in the sequence.

One lane per worker (and one for the producer when it is concurrent); the
x axis is the step number, not time. A step is a box on its participant's
lane, labelled with the operation and what it got, coloured with the run
lanes' own colours (gui.lane_style) for what the step was: a take
(processing), a look at the queue (idle), an Empty answer (timed get), a put
(starting). A worker the schedule leaves waiting in get() on an empty queue
gets a blocked span from after its last step to the end: forever.
Everything drawn follows from the schedule's steps and its blocked workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QColor

from core.explorer.model import EMPTY_RESULT
from core.schedule import PRODUCER, Schedule, Step, op_text
from core.states import WorkerStatus
from gui.lane_style import STATE_STYLES, SWATCH_PX, swatch_url
from gui.plot_canvas import PlotCanvas

LANE_HEIGHT = 0.7
STEP_WIDTH = 0.9
MAX_LABELS = 80  # beyond this many steps the marks speak through their tooltips only
_LOOKS = ("empty", "qsize", "is_set")


def step_state(step: Step) -> WorkerStatus:
    """The lane colour a step is drawn in: what kind of step it was."""
    if step.op == "put":
        return WorkerStatus.STARTING
    if step.op in _LOOKS:
        return WorkerStatus.IDLE
    if step.result == EMPTY_RESULT:
        return WorkerStatus.TIMED_GET
    if step.result == "blocked":
        return WorkerStatus.BLOCKED
    return WorkerStatus.PROCESSING


def legend_html(words: dict[WorkerStatus, str]) -> str:
    """What each colour of the steps means, as one wrapping line for a QLabel."""
    return "&nbsp;&nbsp; ".join(
        f'<img src="{swatch_url(state)}" width="{SWATCH_PX}" height="{SWATCH_PX}">&nbsp;{word}'
        for state, word in words.items()
    )


@dataclass(frozen=True)
class Mark:
    """One drawn step: lane (1-based, top first), position in the sequence (1-based)."""

    lane: int
    position: int
    label: str
    state: WorkerStatus


class ScheduleLanes(PlotCanvas):
    """A failing schedule's steps on lanes; draw_schedule(schedule, blocked) draws one."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__("scheduleLanes", 160, parent)
        self.plot = self.addPlot(row=0, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.invertY(True)
        self.plot.setLabel("bottom", self.tr("step"))
        self.plot.getAxis("left").setWidth(40)
        self.marks: list[Mark] = []
        self.blocked_spans: list[tuple[int, float, float]] = []  # (lane, from, to)
        self._items: list[Any] = []

    def clear_schedule(self) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []
        self.marks = []
        self.blocked_spans = []

    def draw_schedule(self, schedule: Schedule, blocked: tuple[int, ...]) -> None:
        """Draw schedule's steps; blocked: the workers (0-based) it leaves in get() forever."""
        self.clear_schedule()
        lanes = [f"W{n}" for n in range(1, schedule.workers + 1)]
        if schedule.producer == "concurrent":
            lanes.append(PRODUCER)
        lanes += sorted({step.who for step in schedule.steps} - set(lanes))  # feeders
        row = {who: number for number, who in enumerate(lanes, start=1)}
        end = len(schedule.steps) + 1
        for position, step in enumerate(schedule.steps, start=1):
            label = f"{op_text(step.op, step.arg)}\n→ {step.result}"
            self.marks.append(Mark(row[step.who], position, label, step_state(step)))
        for worker in blocked:
            who = f"W{worker + 1}"
            last = max((m.position for m in self.marks if m.lane == row[who]), default=0)
            self.blocked_spans.append((row[who], last + STEP_WIDTH / 2, end + STEP_WIDTH / 2))
        self._draw(schedule.steps)
        self.plot.getAxis("left").setTicks([[(n, who) for who, n in row.items()], []])
        self.plot.setYRange(0.5, len(lanes) + 0.5, padding=0)
        self.plot.setXRange(0.4, end + 0.6, padding=0)

    def _draw(self, steps: tuple[Step, ...]) -> None:
        for state in {mark.state for mark in self.marks}:
            chosen = [m for m in self.marks if m.state == state]
            x0 = [m.position - STEP_WIDTH / 2 for m in chosen]
            y0 = [m.lane - LANE_HEIGHT / 2 for m in chosen]
            self._bars(state, x0, [STEP_WIDTH] * len(chosen), y0)
        if self.blocked_spans:
            x0 = [start for _, start, _ in self.blocked_spans]
            widths = [stop - start for _, start, stop in self.blocked_spans]
            y0 = [lane - LANE_HEIGHT / 2 for lane, _, _ in self.blocked_spans]
            self._bars(WorkerStatus.BLOCKED, x0, widths, y0)
            blocked = self.tr("blocked forever")
            label = f"{op_text('get')}\n{blocked}"
            for lane, start, stop in self.blocked_spans:
                self._text(label, (start + stop) / 2, lane)
        if len(steps) <= MAX_LABELS:
            for mark in self.marks:
                self._text(mark.label, mark.position, mark.lane)

    def _bars(
        self, state: WorkerStatus, x0: list[float], widths: list[float], y0: list[float]
    ) -> None:
        style = STATE_STYLES[state]
        heights = [LANE_HEIGHT] * len(x0)
        for brush in (style.brush(), style.pattern_brush()):
            if brush is None:
                continue
            bar = pg.BarGraphItem(
                x0=x0, width=widths, y0=y0, height=heights, brush=brush, pen=pg.mkPen("#455a64")
            )
            self.plot.addItem(bar)
            self._items.append(bar)

    def _text(self, text: str, x: float, lane: int) -> None:
        item = pg.TextItem(text, color=QColor("#000000"), anchor=(0.5, 0.5))
        item.setPos(x, lane)
        self.plot.addItem(item)
        self._items.append(item)
