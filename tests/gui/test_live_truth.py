"""While a run goes: a stopped worker is drawn stopped, and the log says when it samples."""

from __future__ import annotations

from typing import Any

import pytest

from core.result import Progress
from core.states import WorkerStatus
from gui import MainWindow
from gui.lane_style import legend_html, state_label
from tests.gui.helpers import choose, run_through_window, set_params

SAMPLING = "log: the monitor looks every 20 ms; takes between two looks are not listed"


@pytest.mark.timeout(60)
def test_a_stopped_worker_is_drawn_stopped_while_the_run_goes(
    qtbot: Any, window: MainWindow
) -> None:
    set_params(window, "sentinel-per-worker", queue_kind="mp", items=40, workers=3, watchdog_s=1)
    choose(window, "faultCombo", "stop")
    window.params_panel.fault_arg_spin.setValue(10)
    lanes = window.lanes
    seen: dict[str, Any] = {}

    def look(progress: Progress) -> None:  # after the window's own slot
        states = lanes.lane_states()
        if WorkerStatus.STOPPED in states:
            worker = states.index(WorkerStatus.STOPPED) + 1
            # The latest look: the first one may see the stopped segment begin "now".
            seen["drawn"] = lanes.drawn_states()
            seen["tooltip"] = lanes.segment_at(worker, lanes.now)
        if "stopped (SIGSTOP): alive, but cannot run" in window.log_panel.toPlainText():
            seen["logged"] = True

    window.controller.progress.connect(look)
    result = run_through_window(qtbot, window)
    assert result.outcome == "stalled", result.diagnosis
    assert WorkerStatus.STOPPED in seen.get("drawn", set()), "never drawn stopped live"
    assert state_label(WorkerStatus.STOPPED) in legend_html()
    assert state_label(WorkerStatus.STOPPED) in (seen["tooltip"] or "")
    assert seen.get("logged"), "the live log never said the worker was stopped"
    assert WorkerStatus.STOPPED in lanes.lane_states()


@pytest.mark.timeout(90)
@pytest.mark.parametrize(
    ("items", "workers", "work_ms", "sampled"), [(100_000, 3, 0.0, True), (8, 2, 150.0, False)]
)
def test_the_live_log_says_when_it_samples(
    qtbot: Any, window: MainWindow, items: int, workers: int, work_ms: float, sampled: bool
) -> None:
    set_params(window, "sentinel-per-worker", queue_kind="mp", items=items, workers=workers)
    set_params(window, "sentinel-per-worker", work_ms=work_ms)
    log = window.log_panel
    noted: list[str] = []

    def look(progress: Progress) -> None:
        if log.sampling_noted():
            noted.append(log.sampling_label.text())
            note, text = log.sampling_label.geometry(), log.viewport().geometry()
            assert log.sampling_label.isVisible()
            assert log.contentsRect().contains(note), "the note stays inside the log"
            assert not note.intersects(text), "the note never covers the log's lines"

    window.controller.progress.connect(look)
    result = run_through_window(qtbot, window)
    assert result.outcome == "ok", result.diagnosis
    assert bool(noted) == sampled, noted
    if sampled:
        assert noted[0].startswith(SAMPLING)
        assert log.lines()[0].startswith("log: the monitor looks at the workers every 20 ms")
    assert not log.sampling_noted(), "the finished log's own note replaces the live one"
