"""Worker lanes: each worker's state over time, plus queue depth and throughput.

Drawing stays cheap at any run length: a lane stores segments, not samples
(consecutive same-state observations extend the open segment), each lane is
capped by merging neighbouring segments, the plot series are decimated,
redraws are coalesced to a few per second, and while a run goes the time axis
grows in round steps (re-labelling three axes on every redraw was most of a
redraw's cost).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtGui import QColor

from core.result import Progress, RunResult
from core.states import WorkerStatus
from gui.plot_canvas import PlotCanvas

S = WorkerStatus
STATE_COLORS = {
    S.STARTING: "#90a4ae",
    S.BLOCKING_GET: "#d32f2f",
    S.TIMED_GET: "#f9a825",
    S.PROCESSING: "#43a047",
    S.IDLE: "#64b5f6",
    S.EXITED: "#cfd8dc",
    S.CRASHED: "#4a148c",
}
UNKNOWN_STATE_COLOR = "#9e9e9e"
# (state, legend label); the labels are translated in legend_html().
# str(): the stubs type QT_TRANSLATE_NOOP as returning object.
STATE_LEGEND = (
    (S.BLOCKING_GET, str(QT_TRANSLATE_NOOP("WorkerLanes", "blocking get()"))),
    (S.TIMED_GET, str(QT_TRANSLATE_NOOP("WorkerLanes", "get with timeout"))),
    (S.PROCESSING, str(QT_TRANSLATE_NOOP("WorkerLanes", "processing"))),
    (S.IDLE, str(QT_TRANSLATE_NOOP("WorkerLanes", "idle in pool"))),
    (S.STARTING, str(QT_TRANSLATE_NOOP("WorkerLanes", "starting"))),
    (S.EXITED, str(QT_TRANSLATE_NOOP("WorkerLanes", "exited"))),
    (S.CRASHED, str(QT_TRANSLATE_NOOP("WorkerLanes", "crashed"))),
)

MAX_SEGMENTS_TOTAL = 20_000  # over all lanes
MIN_SEGMENTS_PER_LANE = 64
MAX_SERIES_POINTS = 4_000
REDRAW_INTERVAL_MS = 250  # 4 redraws a second: each one costs the event loop ~5-20 ms in a run
LANE_HEIGHT = 0.8
# Throughput is averaged over this window: per-snapshot rates (33 ms) are mostly noise.
RATE_WINDOW_S = 0.5


@dataclass
class Lane:
    """One worker's closed segments plus the open one (state since `start`)."""

    starts: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)
    states: list[WorkerStatus] = field(default_factory=list)
    state: WorkerStatus | None = None
    start: float = 0.0

    def observe(self, state: WorkerStatus, since: float, now: float) -> None:
        """The worker is in `state` at `now`, and has been since `since`."""
        if state == self.state:
            return
        change_at = min(max(since, self.start), now)
        if self.state is not None and change_at > self.start:
            self._close(self.state, self.start, change_at)
        self.state = state
        self.start = change_at

    def _close(self, state: WorkerStatus, start: float, end: float) -> None:
        if self.states and self.states[-1] == state and self.ends[-1] >= start:
            self.ends[-1] = end  # a zero-length segment in between was dropped
            return
        self.starts.append(start)
        self.ends.append(end)
        self.states.append(state)

    def cap(self, limit: int) -> None:
        """Halve the segment count while above limit; each pair keeps its longer state."""
        while len(self.states) > limit:
            starts: list[float] = []
            ends: list[float] = []
            states: list[WorkerStatus] = []
            for i in range(0, len(self.states), 2):
                pair = [i] if i + 1 == len(self.states) else [i, i + 1]
                longest = max(pair, key=lambda k: self.ends[k] - self.starts[k])
                state = self.states[longest]
                start, end = self.starts[pair[0]], self.ends[pair[-1]]
                if states and states[-1] == state:
                    ends[-1] = end
                else:
                    starts.append(start)
                    ends.append(end)
                    states.append(state)
            self.starts, self.ends, self.states = starts, ends, states

    def segments(self, now: float) -> list[tuple[float, float, WorkerStatus]]:
        out = list(zip(self.starts, self.ends, self.states, strict=True))
        if self.state is not None and now > self.start:
            out.append((self.start, now, self.state))
        return out


class SeriesBuffer:
    """(t, value) points, decimated by half whenever the cap is reached."""

    def __init__(self, cap: int = MAX_SERIES_POINTS) -> None:
        self.cap = cap
        self.t = np.empty(cap)
        self.v = np.empty(cap)
        self.size = 0

    def clear(self) -> None:
        self.size = 0

    def add(self, t: float, value: float) -> None:
        if self.size == self.cap:
            half = (self.size + 1) // 2
            self.t[:half] = self.t[: self.size : 2]
            self.v[:half] = self.v[: self.size : 2]
            self.size = half
        self.t[self.size] = t
        self.v[self.size] = value
        self.size += 1

    def set(self, t: np.ndarray, values: np.ndarray) -> None:
        step = max(1, -(-len(t) // self.cap))
        t, values = t[::step], values[::step]
        self.size = len(t)
        self.t[: self.size] = t
        self.v[: self.size] = values

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return self.t[: self.size], self.v[: self.size]


class WorkerLanes(PlotCanvas):
    """Lanes (one per worker, coloured by state) above queue-depth and throughput plots."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__("workerLanes", 260, parent)
        self.lanes: list[Lane] = []
        self.now = 0.0
        self.depth = SeriesBuffer()
        self.throughput = SeriesBuffer()
        self._recent: deque[tuple[float, int]] = deque()  # (t, processed) within the window

        self.lane_plot = self.addPlot(row=0, col=0)
        self.depth_plot = self.addPlot(row=1, col=0)
        self.rate_plot = self.addPlot(row=2, col=0)
        layout = self.ci.layout
        layout.setRowStretchFactor(0, 3)
        layout.setRowStretchFactor(1, 1)
        layout.setRowStretchFactor(2, 1)
        for plot, label in (
            (self.lane_plot, self.tr("worker")),
            (self.depth_plot, self.tr("queue depth")),
            (self.rate_plot, self.tr("items/s")),
        ):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(x=True, y=False)
            plot.showGrid(x=True, y=False, alpha=0.25)
            plot.setLabel("left", label)
            plot.getAxis("left").setWidth(64)
            for side in ("left", "bottom"):
                # Plain seconds and items/s: never "seconds since start (x0.001)".
                plot.getAxis(side).enableAutoSIPrefix(False)
            if plot is not self.lane_plot:
                plot.setXLink(self.lane_plot)
        self.lane_plot.invertY(True)
        self.lane_plot.getAxis("bottom").setStyle(showValues=False)
        self.depth_plot.getAxis("bottom").setStyle(showValues=False)
        self.rate_plot.setLabel("bottom", self.tr("seconds since start"))

        self.bars: dict[WorkerStatus, pg.BarGraphItem] = {}
        for state, color in STATE_COLORS.items():
            bar = pg.BarGraphItem(x0=[], width=[], y0=[], height=[], brush=color, pen=None)
            bar.setVisible(False)
            self.lane_plot.addItem(bar)
            self.bars[state] = bar
        self.other_bar = pg.BarGraphItem(
            x0=[], width=[], y0=[], height=[], brush=UNKNOWN_STATE_COLOR, pen=None
        )
        self.other_bar.setVisible(False)
        self.lane_plot.addItem(self.other_bar)
        self.depth_curve = self.depth_plot.plot(pen=pg.mkPen("#1565c0", width=2))
        self.rate_curve = self.rate_plot.plot(pen=pg.mkPen("#2e7d32", width=2))

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_INTERVAL_MS)
        self._redraw_timer.timeout.connect(self.redraw)
        self._y_tops = [-1.0, -1.0]  # tops of the depth and rate y ranges while live
        self._items = 0
        self.reset()

    # --- feeding -----------------------------------------------------------------

    def reset(self, workers: int = 0, items: int | None = None) -> None:
        """Empty lanes for `workers`; with `items`, a run of that many items is starting.

        A starting run gets its live axis ranges now (time 0-1 s, queue depth
        0-items), so the axes are labelled before the run's threads compete
        with the GUI thread, and not re-labelled by its first snapshot.
        """
        self._live = items is not None  # a run feeds snapshots: the ranges grow in steps
        self._items = items or 0
        self._x_right = -1.0  # right end of the x range last set
        self.lanes = [Lane() for _ in range(workers)]
        self.now = 0.0
        self.depth.clear()
        self.throughput.clear()
        self._recent.clear()
        self._set_lane_axis(workers)
        self.redraw()

    def update_progress(self, progress: Progress) -> None:
        self._live = True
        self._items = progress.items
        self.now = max(self.now, progress.elapsed_s)
        self._ensure_lanes(len(progress.workers))
        for view in progress.workers:
            self.lanes[view.index - 1].observe(view.state, view.since_s, self.now)
        self._cap_lanes()
        self.depth.add(self.now, progress.queue_depth)
        self.throughput.add(self.now, self._windowed_rate(self.now, progress.processed))
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    def finish(self, result: RunResult) -> None:
        """Close every lane at the end with the final states; plot the full depth record."""
        self._live = False
        self.now = max(self.now, result.elapsed_s)
        self._ensure_lanes(len(result.workers))
        last_event = {event.worker: event.t for event in result.timeline}
        for summary in result.workers:
            since = last_event.get(summary.index, self.now)
            self.lanes[summary.index - 1].observe(summary.state, since, self.now)
        self._cap_lanes()
        if result.depth_samples:
            samples = np.asarray(result.depth_samples, dtype=float)
            t, depth, processed = samples[:, 0], samples[:, 1], samples[:, 2]
            self.depth.set(t, depth)
            self.throughput.set(t, _rate(t, processed))
        self._redraw_timer.stop()
        self.redraw()

    def show_result(self, result: RunResult) -> None:
        """Draw a finished run that was not watched live (an experiment's trial).

        The lanes are rebuilt from the run's timeline (each state change of
        each worker), then closed with the final states as finish() does.
        """
        self.reset(len(result.workers))
        for event in sorted(result.timeline, key=lambda e: e.t):
            state = event.kind.status
            if state is not None and 1 <= event.worker <= len(self.lanes):
                self.now = max(self.now, event.t)
                self.lanes[event.worker - 1].observe(state, event.t, self.now)
        self.finish(result)

    # --- drawing -----------------------------------------------------------------

    def redraw(self) -> None:
        by_state: dict[WorkerStatus, list[tuple[float, float, int]]] = {}
        for lane_number, lane in enumerate(self.lanes, start=1):
            for start, end, state in lane.segments(self.now):
                by_state.setdefault(state, []).append((start, end, lane_number))
        other: list[tuple[float, float, int]] = []
        for state, segments in by_state.items():
            if state not in self.bars:
                other.extend(segments)
        for shown, bar in self.bars.items():
            _show_segments(bar, by_state.get(shown, []))
        _show_segments(self.other_bar, other)
        for k, (plot, curve, series) in enumerate(
            (
                (self.depth_plot, self.depth_curve, self.depth),
                (self.rate_plot, self.rate_curve, self.throughput),
            )
        ):
            t, values = series.data()
            curve.setData(t, values)
            self._fit_y(k, plot, values)
        if self.lanes:
            right = _step_up(max(self.now, 1.0)) if self._live else max(self.now, 0.1)
            if right != self._x_right:
                self._x_right = right
                self.lane_plot.setXRange(0, right, padding=0.02)

    def segment_count(self) -> int:
        return sum(len(lane.states) + (lane.state is not None) for lane in self.lanes)

    def lane_states(self) -> list[WorkerStatus | None]:
        """Each lane's current (last observed) state."""
        return [lane.state for lane in self.lanes]

    # --- internals ---------------------------------------------------------------

    def _fit_y(self, k: int, plot: Any, values: np.ndarray) -> None:
        """While live, a plot's y range grows in round steps and never shrinks.

        Autoranging on every redraw re-labels the axis each time (the queue
        depth's range starts at the run's item count). After the run the plot
        autoranges to its data again.
        """
        if not self._live:
            if self._y_tops[k] >= 0:
                self._y_tops[k] = -1.0
                plot.enableAutoRange(y=True)
            return
        peak = max(float(values.max()) if len(values) else 0.0, 1.0)
        top = _step_up(max(peak, self._items)) if k == 0 else _step_up(peak, _COARSE_STEPS)
        if top > self._y_tops[k]:
            self._y_tops[k] = top
            plot.setYRange(0, top, padding=0.05)

    def _windowed_rate(self, now: float, processed: int) -> float:
        recent = self._recent
        recent.append((now, processed))
        while len(recent) > 2 and recent[1][0] <= now - RATE_WINDOW_S:
            recent.popleft()
        t0, p0 = recent[0]
        return (processed - p0) / (now - t0) if now > t0 else 0.0

    def _ensure_lanes(self, workers: int) -> None:
        if workers > len(self.lanes):
            self.lanes.extend(Lane() for _ in range(workers - len(self.lanes)))
            self._set_lane_axis(len(self.lanes))

    def _cap_lanes(self) -> None:
        if not self.lanes:
            return
        limit = max(MIN_SEGMENTS_PER_LANE, MAX_SEGMENTS_TOTAL // len(self.lanes))
        for lane in self.lanes:
            lane.cap(limit)

    def _set_lane_axis(self, workers: int) -> None:
        count = max(workers, 1)
        self.lane_plot.setYRange(0.5, count + 0.5, padding=0)
        step = max(1, -(-count // 16))  # at most ~16 labels
        # "W3": worker 3, short enough for a lane's axis.
        tick = self.tr("W{number}")
        ticks = [(n, tick.format(number=n)) for n in range(1, count + 1, step)]
        self.lane_plot.getAxis("left").setTicks([ticks, []])


_FINE_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)
_COARSE_STEPS = (1.0, 2.0, 5.0)


def _step_up(t: float, steps: tuple[float, ...] = _FINE_STEPS) -> float:
    """The smallest step times a power of ten that is >= t (at least 0.1)."""
    t = max(t, 0.1)
    scale = 10.0 ** math.floor(math.log10(t))
    for step in steps:
        if step * scale >= t:
            return step * scale
    return 10.0 * scale


def _show_segments(bar: pg.BarGraphItem, segments: list[tuple[float, float, int]]) -> None:
    if not segments:
        bar.setVisible(False)
        return
    data = np.asarray(segments, dtype=float)
    bar.setOpts(
        x0=data[:, 0],
        width=data[:, 1] - data[:, 0],
        y0=data[:, 2] - LANE_HEIGHT / 2,
        height=np.full(len(data), LANE_HEIGHT),
    )
    bar.setVisible(True)


def _rate(t: np.ndarray, processed: np.ndarray) -> np.ndarray:
    """Items per second over the last RATE_WINDOW_S at each sample."""
    earlier = np.searchsorted(t, t - RATE_WINDOW_S, side="left")
    earlier = np.minimum(earlier, np.arange(len(t)))
    span = t - t[earlier]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(span > 0, (processed - processed[earlier]) / span, 0.0)
    return rate


def legend_html() -> str:
    """The lane colours as a one-line HTML legend for a QLabel."""
    parts = []
    for state, label in STATE_LEGEND:
        color = QColor(STATE_COLORS[state]).name()
        text = QCoreApplication.translate("WorkerLanes", label)
        parts.append(
            f'<span style="background-color:{color}; color:{color};">&nbsp;&nbsp;&nbsp;</span>'
            f"&nbsp;{text}"
        )
    return "&nbsp;&nbsp; ".join(parts)  # a plain space between entries lets it wrap
