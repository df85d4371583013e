"""Worker lanes: each worker's state over time, plus queue depth and throughput.

Processing is drawn exactly, from the item records (gui/spans.py): every
processed item lies inside a green span at any zoom. The other states come
from the monitor's samples of the state table (every 20 ms) and its events;
a sampled "processing" is drawn only past a worker's last recorded item (the
item it is processing now). Segments have tooltips, and a click on a
crashed segment opens the worker's traceback.

Drawing stays cheap at any run length: a lane stores segments, not samples
(consecutive same-state observations extend the open segment), each lane is
capped by merging neighbouring segments, the plot series are decimated,
redraws are coalesced to a few per second, and while a run goes the time axis
grows in 1-2-5 steps (re-labelling three axes on every redraw was most of a
redraw's cost).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtWidgets import QToolTip

from core.result import Progress, RunResult
from core.states import WorkerStatus
from gui.lane_style import STATE_STYLES, legend_html, state_label
from gui.live_range import COARSE_STEPS, step_up
from gui.plot_canvas import PlotCanvas, SparseAxis
from gui.span_rebuild import SpanRebuild, SteppedJob
from gui.spans import SpanLane, Spans, drawable, lane_cap, spans_by_worker
from gui.verdict import TracebackDialog, crash_reports

__all__ = ["Lane", "SeriesBuffer", "WorkerLanes", "legend_html"]

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
    """Lanes (one per worker, coloured by state) above queue-depth and throughput plots.

    Signals:
        redrawn(): the lanes were drawn again (the live end may have moved).
    """

    redrawn = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__("workerLanes", 260, parent)
        self.lanes: list[Lane] = []
        self.now = 0.0
        self.depth = SeriesBuffer()
        self.throughput = SeriesBuffer()
        self._recent: deque[tuple[float, int]] = deque()  # (t, processed) within the window

        self.lane_plot = self.addPlot(row=0, col=0)
        self.depth_plot = self.addPlot(row=1, col=0, axisItems={"left": SparseAxis("left")})
        self.rate_plot = self.addPlot(row=2, col=0, axisItems={"left": SparseAxis("left")})
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
            for side in ("left", "bottom", "top", "right"):
                # Plain seconds and items/s: never "seconds since start (x0.001)"; the hidden
                # axes too, or each range change re-sets their labels' HTML.
                plot.getAxis(side).enableAutoSIPrefix(False)
            if plot is not self.lane_plot:
                plot.setXLink(self.lane_plot)
        self.lane_plot.invertY(True)
        self.lane_plot.getAxis("bottom").setStyle(showValues=False)
        self.depth_plot.getAxis("bottom").setStyle(showValues=False)
        self.rate_plot.setLabel("bottom", self.tr("seconds since start"))
        self._fit_heights_to_labels()

        # One bar item per state, a pattern over the patterned ones, exact spans on top.
        self.bars: dict[WorkerStatus, pg.BarGraphItem] = {}
        self.pattern_bars: dict[WorkerStatus, pg.BarGraphItem] = {}
        for state, style in STATE_STYLES.items():
            self.bars[state] = self._bar(style.brush())
            pattern = style.pattern_brush()
            if pattern is not None:
                self.pattern_bars[state] = self._bar(pattern)
        self.span_bar = self._bar(STATE_STYLES[WorkerStatus.PROCESSING].brush())
        self.span_lanes: list[SpanLane] = []
        self._crash_reports: dict[int, str] = {}
        self._traceback_dialog: TracebackDialog | None = None
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.lane_plot.sigXRangeChanged.connect(self._schedule_redraw)
        self.depth_curve = self.depth_plot.plot(pen=pg.mkPen("#1565c0", width=2))
        self.rate_curve = self.rate_plot.plot(pen=pg.mkPen("#2e7d32", width=2))

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_INTERVAL_MS)
        self._redraw_timer.timeout.connect(self.redraw)
        self._y_tops = [-1.0, -1.0]  # tops of the depth and rate y ranges while live
        self._items = 0
        self._rebuild_job = SteppedJob(self)
        self._rebuild_job.finished.connect(self._on_rebuilt)
        self._rebuilding: tuple[RunResult, SpanRebuild] | None = None
        self.reset()

    # --- feeding -----------------------------------------------------------------

    def reset(self, workers: int = 0, items: int | None = None) -> None:
        """Empty lanes for `workers`; with `items`, a run of that many items is starting.

        A starting run gets its live axis ranges now (time 0-1 s, queue depth
        0-items), so the axes are labelled before the run's threads compete
        with the GUI thread, and not re-labelled by its first snapshot.
        """
        self._rebuild_job.cancel()
        self._rebuilding = None
        self._live = items is not None  # a run feeds snapshots: the ranges grow in steps
        self._items = items or 0
        self._x_right = -1.0  # right end of the x range last set
        self.lanes = [Lane() for _ in range(workers)]
        self.span_lanes = [SpanLane() for _ in range(workers)]
        self._crash_reports = {}
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
        self._add_spans(spans_by_worker(progress.new_records, len(self.lanes)))
        self.depth.add(self.now, progress.queue_depth)
        self.throughput.add(self.now, self._windowed_rate(self.now, progress.processed))
        self._schedule_redraw()

    def finish(self, result: RunResult) -> None:
        """Close every lane at the end with the final states; draw every item's span.

        The final records replace the spans gathered live (each lane starts
        again at the merge gap it reached live); the full depth record replaces
        the live samples. A large run's spans are rebuilt in bounded steps
        between the window's events (gui/span_rebuild.py); the lanes keep the
        live picture until then and change all at once.
        """
        self._redraw_timer.stop()
        self._rebuild_job.cancel()
        self._rebuilding = None
        gaps = [lane.gap for lane in self.span_lanes]
        gaps += [0.0] * (max(len(self.lanes), len(result.workers)) - len(gaps))
        rebuild = SpanRebuild(result.records, gaps)
        if len(result.records) <= rebuild.block:
            self._finish(result, rebuild.run())
            return
        self._rebuilding = (result, rebuild)
        self._rebuild_job.start(rebuild.step)

    def is_rebuilding(self) -> bool:
        """True while a finished run's spans are being rebuilt."""
        return self._rebuild_job.is_active()

    def _on_rebuilt(self) -> None:
        if self._rebuilding is not None:
            result, rebuild = self._rebuilding
            self._rebuilding = None
            self._finish(result, rebuild.lanes)

    def _finish(self, result: RunResult, span_lanes: list[SpanLane]) -> None:
        self._live = False
        self.now = max(self.now, result.elapsed_s)
        self._ensure_lanes(len(result.workers))
        last_event = {event.worker: event.t for event in result.timeline}
        for summary in result.workers:
            since = last_event.get(summary.index, self.now)
            self.lanes[summary.index - 1].observe(summary.state, since, self.now)
        self._cap_lanes()
        self.span_lanes = span_lanes
        self._crash_reports = crash_reports(result)
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
        for lane_number, segments in enumerate(self._lane_segments(), start=1):
            for start, end, state in segments:
                by_state.setdefault(state, []).append((start, end, lane_number))
        for state, bar in self.bars.items():
            rows = by_state.get(state, [])
            _show_segments(bar, rows)
            if state in self.pattern_bars:
                _show_segments(self.pattern_bars[state], rows)
        self._draw_spans()
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
            # While live, 1-2-5 steps: each step re-labels three axes in one paint.
            right = step_up(max(self.now, 1.0), COARSE_STEPS) if self._live else max(self.now, 0.1)
            if right != self._x_right:
                self._x_right = right
                self.lane_plot.setXRange(0, right, padding=0.02)
        self.redrawn.emit()

    def drawn_states(self) -> set[WorkerStatus]:
        """The states of every segment the lanes draw now (processing spans included)."""
        drawn = {state for segments in self._lane_segments() for _, _, state in segments}
        if any(len(lane.spans) for lane in self.span_lanes):
            drawn.add(WorkerStatus.PROCESSING)
        return drawn

    def processing_spans(self, worker: int) -> Spans:
        """Worker's (1-based) merged processing spans, as stored (before pixel merging)."""
        return self.span_lanes[worker - 1].spans

    def segment_count(self) -> int:
        return sum(len(lane.states) + (lane.state is not None) for lane in self.lanes)

    def lane_states(self) -> list[WorkerStatus | None]:
        """Each lane's current (last observed) state."""
        return [lane.state for lane in self.lanes]

    # --- internals ---------------------------------------------------------------

    def _fit_heights_to_labels(self) -> None:
        """Each plot at least as high as its left label is long, and the canvas high
        enough for all three and the time axis: a plot shorter than its label ("queue
        depth") let the label run into the next one's, and a canvas shorter than its
        plots cut the time axis's label off at the bottom."""
        for plot in (self.lane_plot, self.depth_plot, self.rate_plot):
            label = plot.getAxis("left").label
            margin = label.document().documentMargin()
            plot.vb.setMinimumHeight(label.boundingRect().width() - margin)
        needed = self.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).height()
        self.setMinimumHeight(max(self.minimumHeight(), math.ceil(needed) + 2 * self.frameWidth()))

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
        top = step_up(max(peak, self._items)) if k == 0 else step_up(peak, COARSE_STEPS)
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
        if workers > len(self.span_lanes):
            self.span_lanes.extend(SpanLane() for _ in range(workers - len(self.span_lanes)))

    def _bar(self, brush: Any) -> pg.BarGraphItem:
        bar = pg.BarGraphItem(x0=[], width=[], y0=[], height=[], brush=brush, pen=None)
        bar.setVisible(False)
        self.lane_plot.addItem(bar)
        return bar

    def _schedule_redraw(self) -> None:
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    def _add_spans(self, spans: dict[int, Spans]) -> None:
        if not spans:
            return
        self._ensure_lanes(max(spans))
        cap = lane_cap(len(self.lanes))
        for worker, new in spans.items():
            self.span_lanes[worker - 1].add(new, cap)

    def _lane_segments(self) -> list[list[tuple[float, float, WorkerStatus]]]:
        return [self._segments_of(k) for k in range(len(self.lanes))]

    def _segments_of(self, k: int) -> list[tuple[float, float, WorkerStatus]]:
        """Lane k's sampled segments; a sampled "processing" only past its last record."""
        last_done = self.span_lanes[k].last_done() if k < len(self.span_lanes) else -1.0
        segments = []
        for start, end, state in self.lanes[k].segments(self.now):
            if state == WorkerStatus.PROCESSING:
                start = max(start, last_done)
                if start >= end:
                    continue
            segments.append((start, end, state))
        return segments

    def _pixel(self) -> float:
        """One screen pixel in seconds along the time axis (0 before the first layout)."""
        width = self.lane_plot.vb.width()
        if width <= 0:
            return 0.0
        left, right = self.lane_plot.vb.viewRange()[0]
        return float(right - left) / float(width)

    def _draw_spans(self) -> None:
        pixel = self._pixel()
        starts, widths, rows = [], [], []
        for number, lane in enumerate(self.span_lanes, start=1):
            if not len(lane.spans):
                continue
            start, width = drawable(lane.spans, pixel)
            starts.append(start)
            widths.append(width)
            rows.append(np.full(len(start), float(number)))
        if not starts:
            self.span_bar.setVisible(False)
            return
        y = np.concatenate(rows)
        self.span_bar.setOpts(
            x0=np.concatenate(starts),
            width=np.concatenate(widths),
            y0=y - LANE_HEIGHT / 2,
            height=np.full(len(y), LANE_HEIGHT),
        )
        self.span_bar.setVisible(True)

    # --- tooltips and clicks -----------------------------------------------------

    def segment_at(self, worker: int, t: float, tolerance: float = 0.0) -> str | None:
        """The tooltip text of worker's (1-based) lane at time t; None where nothing is drawn."""
        if not 1 <= worker <= len(self.lanes):
            return None
        who = self.tr("worker {number}").format(number=worker)
        spans = self.span_lanes[worker - 1].spans
        k = spans.find(t, tolerance)
        if k is not None:
            times = self.tr("{start}–{end} s").format(
                start=f"{spans.start[k]:.4f}", end=f"{spans.end[k]:.4f}"
            )
            if spans.count[k] == 1:
                what = self.tr("processing item {item} (taken at {taken} s)").format(
                    item=int(spans.item_lo[k]), taken=f"{spans.take[k]:.4f}"
                )
            else:
                what = self.tr("processing {count} items ({first}–{last})").format(
                    count=f"{int(spans.count[k]):,}",
                    first=int(spans.item_lo[k]),
                    last=int(spans.item_hi[k]),
                )
            return f"{who}: {what}\n{times}"
        state = self._state_at(worker, t)
        if state is None:
            return None
        state_name, start, end = state
        times = self.tr("{start}–{end} s").format(start=f"{start:.4f}", end=f"{end:.4f}")
        text = f"{who}: {state_label(state_name)}\n{times}"
        if state_name == WorkerStatus.CRASHED and worker in self._crash_reports:
            text += "\n" + self.tr("Click for the traceback")
        return text

    def _state_at(self, worker: int, t: float) -> tuple[WorkerStatus, float, float] | None:
        for start, end, state in self._segments_of(worker - 1):
            if start <= t <= end:
                return state, start, end
        return None

    def lane_and_time(self, scene_pos: QPointF) -> tuple[int, float] | None:
        """The lane number (1-based, maybe out of range) and time under a scene point."""
        vb = self.lane_plot.vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        point = vb.mapSceneToView(scene_pos)
        return round(point.y()), point.x()

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        where = self.lane_and_time(scene_pos)
        text = self.segment_at(*where, tolerance=self._pixel()) if where else None
        if text:
            QToolTip.showText(self.mapToGlobal(self.mapFromScene(scene_pos)), text, self)
        else:
            QToolTip.hideText()

    def _on_mouse_clicked(self, event: Any) -> None:
        where = self.lane_and_time(event.scenePos())
        if where is None:
            return
        worker, t = where
        if not 1 <= worker <= len(self.lanes) or worker not in self._crash_reports:
            return
        state = self._state_at(worker, t)
        if state is not None and state[0] == WorkerStatus.CRASHED:
            self.show_traceback(worker)

    def show_traceback(self, worker: int) -> TracebackDialog | None:
        """Open the crashed workers' tracebacks at this worker's tab."""
        if worker not in self._crash_reports:
            return None
        if self._traceback_dialog is not None:
            self._traceback_dialog.close()
            self._traceback_dialog.deleteLater()
        self._traceback_dialog = TracebackDialog(self._crash_reports, self.window(), worker)
        self._traceback_dialog.show()
        return self._traceback_dialog

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
