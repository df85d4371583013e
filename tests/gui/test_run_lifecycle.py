"""Runs through the bridge: cancel, close mid-run, responsiveness, Qt-free workers."""

from __future__ import annotations

import itertools
import sys
import threading
import time
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from core import RunInProgress
from core.procs import worker_children
from gui import MainWindow, bridge
from gui.verdict import SEVERITY_CANCELLED, SEVERITY_FAILURE
from tests.gui.helpers import run_through_window, set_params

# 2 workers x 2000 items x 5 ms: ~5 s if nobody cancels it.
LONG_RUN = {"items": 2000, "workers": 2, "work_ms": 5.0}


def start_long_run(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "sentinel-per-worker", queue_kind="mp", **LONG_RUN)
    qtbot.mouseClick(window.start_button, _left())
    assert window.is_running()
    assert not window.start_button.isEnabled()
    assert window.cancel_button.isEnabled()
    # Wait until items are really being processed (workers started, rows arriving).
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=20_000)


@pytest.mark.timeout(60)
def test_cancel_mid_run(qtbot: Any, window: MainWindow) -> None:
    start_long_run(qtbot, window)
    started = time.monotonic()
    with qtbot.waitSignal(window.controller.finished, timeout=20_000) as blocker:
        qtbot.mouseClick(window.cancel_button, _left())
        assert not window.cancel_button.isEnabled()  # one cancel is enough
    took = time.monotonic() - started
    result = blocker.args[0]

    assert result.outcomes[0] == "cancelled"
    assert result.processed < result.items
    assert took < 10.0, f"cancel took {took:.1f} s"
    assert window.banner.severity() == SEVERITY_CANCELLED
    assert "CANCELLED" in window.banner.outcome_label.text()
    assert window.model.rowCount() == result.items
    assert not window.is_running()
    assert window.start_button.isEnabled()
    assert not window.cancel_button.isEnabled()
    assert not worker_children()


@pytest.mark.timeout(60)
def test_close_mid_run_stops_thread_and_children(qtbot: Any, window: MainWindow) -> None:
    start_long_run(qtbot, window)
    run_thread = window.controller._job_thread
    assert run_thread is not None and run_thread.isRunning()
    assert worker_children(), "the run should have live workers before the close"

    assert window.close()  # closeEvent: cancel, stop the thread, wait (bounded)

    assert not window.is_running()
    assert run_thread.isFinished()
    assert not worker_children()


@pytest.mark.timeout(60)
def test_cancel_pool_and_manager_run(qtbot: Any, window: MainWindow) -> None:
    """The post's setup (Manager queue + Pool.apply_async) has its own cleanup path."""
    set_params(window, "seed-single-sentinel", items=3000, workers=3, work_ms=2.0, watchdog_s=600.0)
    assert window.params_panel.params().queue_kind == "manager"
    qtbot.mouseClick(window.start_button, _left())
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=20_000)
    with qtbot.waitSignal(window.controller.finished, timeout=20_000) as blocker:
        window.cancel_run()
    result = blocker.args[0]
    assert result.outcomes[0] == "cancelled"
    assert not worker_children()


@pytest.mark.timeout(120)
def test_gui_stays_responsive_during_200k_run(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "sentinel-per-worker", items=200_000, workers=3, queue_kind="mp")
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))  # GUI-thread timer
    rows_seen_while_running: list[int] = []
    inserts: list[int] = []
    window.model.rowsInserted.connect(lambda parent, first, last: inserts.append(last - first + 1))
    window.controller.progress.connect(
        lambda _: rows_seen_while_running.append(window.model.rowCount())
    )

    timer.start()
    result = run_through_window(qtbot, window, timeout_ms=90_000)
    qtbot.wait(50)  # let the timer tick once after the verdict slot, so that slot counts too
    timer.stop()

    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    print(f"max gap {max(gaps) * 1000:.0f} ms over {len(ticks)} ticks")
    assert len(ticks) > 10
    assert max(gaps) < 0.5, f"the GUI thread stalled for {max(gaps) * 1000:.0f} ms"
    assert result.outcomes == ["ok"]
    assert window.model.rowCount() == 200_000
    # Rows streamed in while the run went, one insert per batch, not per row.
    assert max(rows_seen_while_running) > 0
    assert sum(inserts) == max(rows_seen_while_running)
    assert len(inserts) <= len(rows_seen_while_running)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("start_method", ["spawn", "forkserver"])
def test_workers_do_not_import_qt(qtbot: Any, window: MainWindow, start_method: str) -> None:
    assert "PySide6" in sys.modules  # the test process has Qt...
    set_params(
        window,
        "sentinel-per-worker",
        items=60,
        workers=3,
        queue_kind="mp",
        start_method=start_method,
    )
    result = run_through_window(qtbot, window)
    assert result.outcomes == ["ok"]
    # ...every worker really started and reported...
    assert all(w.pid for w in result.workers)
    # ...and none of them loaded it.
    assert [w.qt_imported for w in result.workers] == [False] * len(result.workers)


def _left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("raised", "shown"),
    [
        (RunInProgress("a run is already in progress"), "a run is already in progress"),
        (ZeroDivisionError("division by zero"), "the run failed: ZeroDivisionError"),
    ],
)
def test_a_refused_or_failed_run_is_reported_and_the_thread_ends(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, raised: Exception, shown: str
) -> None:
    def failing_run(*args: Any, **kwargs: Any) -> None:
        raise raised

    monkeypatch.setattr(bridge, "run", failing_run)  # what the worker thread calls
    with qtbot.waitSignal(window.controller.errored, timeout=10_000) as blocker:
        qtbot.mouseClick(window.start_button, _left())
    assert shown in blocker.args[0]
    assert not window.is_running()
    assert window.banner.severity() == SEVERITY_FAILURE
    assert shown in window.banner.diagnosis_label.text()
    assert window.start_button.isEnabled()
    assert not window.cancel_button.isEnabled()


@pytest.mark.timeout(30)
def test_close_is_refused_until_a_stuck_run_stops(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that ignores Cancel past the bound: the window stays, then closes when it ends."""
    release = threading.Event()

    def stuck_run(*args: Any, **kwargs: Any) -> None:
        release.wait(20)  # ignores the cancel Event, like a wedged cleanup would
        raise RuntimeError("stopped at last")

    monkeypatch.setattr(bridge, "run", stuck_run)
    window.shutdown_timeout_s = 0.2
    qtbot.mouseClick(window.start_button, _left())
    qtbot.waitUntil(lambda: window.controller._job_thread is not None, timeout=5_000)

    assert not window.close()  # refused: destroying a running QThread would abort
    assert window.isVisible() and window.is_running()

    with qtbot.waitSignal(window.controller.errored, timeout=10_000):
        release.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)  # closed by itself
    assert not window.is_running()
