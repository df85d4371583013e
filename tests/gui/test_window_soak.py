"""Long use of one window: 30 runs mixing every kind of ending; nothing may grow or be left."""

from __future__ import annotations

import itertools
import os
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core.result import RunResult
from gui import MainWindow
from tests.gui.experiment_helpers import all_workers
from tests.gui.helpers import RUN_TIMEOUT_MS, choose, run_through_window, set_params

RUNS = 30
KINDS = ("ok", "deadlock", "stalled", "crashed", "cancelled")
EXPECTED = {
    "ok": {"ok"},
    # The post's first loop: now and then every worker takes one of the last items
    # at once, sees empty() and exits: lost without a hang (see NOTES.md).
    "deadlock": {"deadlock", "lost"},
    "stalled": {"stalled"},
    "crashed": {"crashed"},
    "cancelled": {"cancelled"},
}


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_kind(qtbot: Any, window: MainWindow, kind: str) -> RunResult:
    """One run through the window's widgets that ends the given way (forkserver, few items)."""
    # Every run sets its own watchdog: the stalled one's 0.3 s must not carry over.
    common: dict[str, Any] = {"start_method": "forkserver", "workers": 3, "watchdog_s": 10.0}
    if kind == "ok":
        set_params(window, "sentinel-per-worker", queue_kind="mp", items=200, **common)
        choose(window, "faultCombo", None)
    elif kind == "deadlock":
        set_params(window, "seed-empty-after-get", items=50, **common)
        choose(window, "faultCombo", None)
    elif kind == "stalled":
        set_params(window, "sentinel-per-worker", queue_kind="mp", items=20, **common)
        set_params(window, "sentinel-per-worker", watchdog_s=0.3)
        choose(window, "faultCombo", "stop")
    elif kind == "crashed":
        set_params(window, "sentinel-per-worker", queue_kind="mp", items=20, **common)
        choose(window, "faultCombo", "kill")
    else:  # cancelled: a long run, cancelled once items flow
        set_params(
            window, "sentinel-per-worker", queue_kind="mp", items=5000, work_ms=1.0, **common
        )
        choose(window, "faultCombo", None)
        qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=RUN_TIMEOUT_MS)
        with qtbot.waitSignal(window.controller.finished, timeout=RUN_TIMEOUT_MS) as blocker:
            qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
        set_params(window, "sentinel-per-worker", work_ms=0.0)
        result: RunResult = blocker.args[0]
        return result
    return run_through_window(qtbot, window)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_30_runs_through_one_window_leave_nothing_and_grow_nothing(
    qtbot: Any, window: MainWindow
) -> None:
    for kind in KINDS:  # warm up: the forkserver, lazily opened files, Qt's caches
        assert run_kind(qtbot, window, kind).outcome in EXPECTED[kind]
    fds, rss = open_fds(), rss_bytes()
    seen: set[str] = set()
    for kind in itertools.islice(itertools.cycle(KINDS), RUNS):
        outcome = run_kind(qtbot, window, kind).outcome
        assert outcome in EXPECTED[kind], (kind, outcome)
        seen.add(outcome)
        assert not all_workers(), f"workers left after a {kind} run"
    assert set(KINDS) <= seen  # every kind of ending happened (plus, now and then, lost)
    assert window.start_button.isEnabled() and not window.is_busy()
    assert open_fds() <= fds, f"file descriptors grew from {fds} to {open_fds()}"
    growth = (rss_bytes() - rss) / rss
    print(f"RSS {rss / 2**20:.0f} MB -> {rss_bytes() / 2**20:.0f} MB ({growth:+.1%})")
    assert growth < 0.10, f"RSS grew {growth:.1%} over {RUNS} runs"
    # The autouse fixture then checks: no child process, thread or /dev/shm entry left.
