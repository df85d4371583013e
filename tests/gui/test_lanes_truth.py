"""The window tells the truth: exact lanes, "blocked" only after the proof, crashes in the log."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from core.result import Progress, RunResult
from core.states import EventKind, WorkerStatus
from gui import MainWindow
from gui.lane_style import STATE_STYLES, legend_html, state_label
from gui.lanes import WorkerLanes
from gui.verdict import TracebackDialog
from tests.gui.helpers import run_through_window, run_with_fault, set_params


def assert_every_item_is_drawn(lanes: WorkerLanes, result: RunResult) -> None:
    """Each processed item's record lies inside a stored and inside a drawn span."""
    bar = lanes.span_bar.opts
    x0, width = np.asarray(bar["x0"]), np.asarray(bar["width"])
    rows = np.asarray(bar["y0"]) + 0.4
    records = result.records
    for i in range(len(records)):
        start, done = records.t_start[i], records.t_done[i]
        if records.times_processed[i] < 1 or math.isnan(start) or math.isnan(done):
            continue
        worker = records.worker[i]
        spans = lanes.processing_spans(worker)
        assert np.any((spans.start <= start) & (spans.end >= done)), (worker, records.item[i])
        mine = np.isclose(rows, worker)
        drawn = (x0[mine] <= start + 1e-9) & (x0[mine] + width[mine] >= done - 1e-9)
        assert drawn.any(), (worker, records.item[i])


def assert_legend_lists(lanes: WorkerLanes) -> None:
    drawn = lanes.drawn_states()
    assert drawn <= set(STATE_STYLES), drawn - set(STATE_STYLES)
    legend = legend_html()
    for state in drawn:
        assert state_label(state) in legend


def test_the_legend_lists_every_state(qtbot: Any) -> None:
    assert set(STATE_STYLES) == set(WorkerStatus)
    for state in (WorkerStatus.BLOCKED, WorkerStatus.CRASHED):
        assert STATE_STYLES[state].pattern is not None  # colour is not the only cue
    assert "waiting in get()" in legend_html()


@pytest.mark.timeout(90)
@pytest.mark.parametrize(("items", "work_ms"), [(100, 0.0), (300, 1.0)])
def test_workers_that_processed_items_are_green_over_each_record(
    qtbot: Any, window: MainWindow, items: int, work_ms: float
) -> None:
    set_params(window, "sentinel-per-worker", items=items, workers=3, work_ms=work_ms)
    result = run_through_window(qtbot, window)
    assert result.outcome == "ok"
    lanes = window.lanes
    for summary in result.workers:
        if summary.processed:
            assert len(lanes.processing_spans(summary.index)), summary
    assert_every_item_is_drawn(lanes, result)
    assert_legend_lists(lanes)
    worker = next(w.index for w in result.workers if w.processed)
    t = float(lanes.processing_spans(worker).start[0])
    assert "processing" in (lanes.segment_at(worker, t) or "")


def _no_blocked_anywhere(window: MainWindow) -> None:
    assert WorkerStatus.BLOCKED not in window.lanes.drawn_states()
    assert "blocked" not in window.banner.lost_label.text()
    assert not any("blocked" in line for line in window.log_panel.lines())


@pytest.mark.timeout(120)
def test_a_healthy_run_never_shows_blocked(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "sentinel-per-worker", items=2000, workers=3, work_ms=5.0)
    seen: list[Progress] = []

    def check(progress: Progress) -> None:
        seen.append(progress)
        window.lanes.redraw()
        _no_blocked_anywhere(window)

    window.controller.progress.connect(check)
    result = run_through_window(qtbot, window)
    assert result.outcome == "ok" and seen
    _no_blocked_anywhere(window)
    assert "blocked" not in window.banner.diagnosis_label.text()
    assert_every_item_is_drawn(window.lanes, result)


@pytest.mark.timeout(120)
def test_blocked_appears_from_the_proof_on(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "seed-single-sentinel", items=100, workers=5, watchdog_s=30.0)
    for _ in range(5):
        result = run_through_window(qtbot, window)
        if result.outcome == "deadlock":
            break
    else:
        pytest.skip("no deadlock in 5 runs")
    proofs = [e.t for e in result.timeline if e.kind == EventKind.BLOCKED]
    assert proofs
    bar = window.lanes.bars[WorkerStatus.BLOCKED].opts
    assert bar["x0"] is not None and len(bar["x0"])
    assert np.asarray(bar["x0"]).min() >= min(proofs) - 1e-9  # red only from the proof on
    assert_legend_lists(window.lanes)
    assert any("blocked in q.get() forever: deadlock proven" in x for x in window.log_panel.lines())
    assert "blocked in q.get()" in window.banner.diagnosis_label.text()


@pytest.mark.timeout(60)
def test_a_killed_worker_gets_a_crash_line(qtbot: Any, window: MainWindow) -> None:
    result = run_with_fault(qtbot, window, "kill", 10)
    killed = next(w for w in result.workers if w.state == WorkerStatus.CRASHED)
    lines = [x for x in window.log_panel.lines() if f"worker {killed.index}" in x]
    assert any("crashed: the process ended" in line for line in lines), lines
    assert window.banner.traceback_button.isVisible()
    assert_legend_lists(window.lanes)


class _Click:
    def __init__(self, pos: QPointF) -> None:
        self._pos = pos

    def scenePos(self) -> QPointF:
        return self._pos


@pytest.mark.timeout(60)
def test_a_raising_workers_traceback_opens_from_banner_and_lane(
    qtbot: Any, window: MainWindow
) -> None:
    result = run_with_fault(qtbot, window, "raise", 10)
    raised = next(w for w in result.workers if w.state == WorkerStatus.CRASHED)
    assert raised.error and "InjectedFault" in raised.error
    assert any("crashed: raised" in line for line in window.log_panel.lines())

    banner = window.banner
    assert banner.traceback_button.isVisible()
    banner.traceback_button.click()
    dialog = banner.stack_dump_dialog()
    assert isinstance(dialog, TracebackDialog)
    assert any("Traceback (most recent call last)" in text for text in dialog.dump_texts())

    lanes = window.lanes
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    lanes.redraw()
    crashed_at = max(e.t for e in result.timeline if e.worker == raised.index)
    t = (crashed_at + result.elapsed_s) / 2 if result.elapsed_s > crashed_at else crashed_at
    assert "crashed" in (lanes.segment_at(raised.index, t) or "")
    lanes._on_mouse_clicked(_Click(lanes.lane_plot.vb.mapViewToScene(QPointF(t, raised.index))))
    opened = lanes._traceback_dialog
    assert opened is not None
    assert "InjectedFault" in opened.dump_texts()[opened.tabs.currentIndex()]


@pytest.mark.timeout(60)
def test_the_log_keeps_the_diagnosis_events_and_admits_sampling(
    qtbot: Any, window: MainWindow
) -> None:
    set_params(window, "seed-empty-after-get", items=2000, workers=3, watchdog_s=5.0)
    result = run_through_window(qtbot, window)
    lines = window.log_panel.lines()
    assert result.dropped, "the post's loop 1 drops its last item(s)"
    taker = {w.index: w for w in result.workers}
    for i in result.dropped:
        record_worker = result.records.worker[i]
        assert record_worker in taker
        assert any(f"worker {record_worker}" in x and f"took item {i}" in x for x in lines), i
    assert any("saw q.empty() == True" in x for x in lines)
    assert lines[0].startswith("log: the monitor looks at the workers every 20 ms"), lines[0]
    assert "every item is in the table" in lines[0]
