"""Step mode in the window: loop 2's deadlock forced by clicks alone; Back, Save, Load, cancel."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

import resources
from core.result import RunResult
from core.schedule import load
from gui import MainWindow
from tests.gui.helpers import RUN_TIMEOUT_MS, set_params

LOOP2_FILE = resources.path("schedules") / "loop2-deadlock.json"
LOOP2 = load(LOOP2_FILE)
WAIT_MS = 30_000


def loop2_in_step_mode(window: MainWindow) -> None:
    set_params(window, LOOP2.strategy, workers=2, items=2)
    window.step_panel.switch.setChecked(True)


def steps_taken(window: MainWindow) -> int:
    stepping = window.step_panel.stepping
    return len(stepping.steps()) if stepping is not None else 0


def advance(qtbot: Any, window: MainWindow, who: str, by_key: bool) -> None:
    """Advance who by one operation, with its button or its number key; wait for the step."""
    panel = window.step_panel
    button = panel.worker_buttons[int(who[1:]) - 1]
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    before = steps_taken(window)
    if by_key:
        qtbot.keyClick(window, who[1:])
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: steps_taken(window) > before, timeout=WAIT_MS)


def wait_for_end(qtbot: Any, window: MainWindow, act: Any) -> RunResult:
    with qtbot.waitSignal(window.controller.finished, timeout=RUN_TIMEOUT_MS) as blocker:
        act()
    result = blocker.args[0]
    assert isinstance(result, RunResult)
    return result


def nothing_left_running(window: MainWindow) -> None:
    assert not window.controller.is_running()
    assert multiprocessing.active_children() == []


def headline(window: MainWindow) -> str:
    label = window.findChild(QLabel, "outcomeLabel")
    assert label is not None
    return label.text()


def test_clicks_alone_force_loop_2s_deadlock(qtbot: Any, window: MainWindow) -> None:
    loop2_in_step_mode(window)
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    panel = window.step_panel
    qtbot.waitUntil(lambda: panel.worker_buttons[1].isEnabled(), timeout=WAIT_MS)
    assert panel.worker_buttons[1].text().startswith("W2 \u25b8 q.empty()")
    *clicks, last = LOOP2.steps
    for number, step in enumerate(clicks):
        advance(qtbot, window, step.who, by_key=number % 2 == 1)
    result = wait_for_end(qtbot, window, lambda: advance(qtbot, window, last.who, by_key=False))
    assert result.outcome == "deadlock"
    assert "DEADLOCK" in headline(window)
    assert panel.stepping is not None and panel.stepping.steps() == list(LOOP2.steps)
    log = window.log_panel.toPlainText()
    assert "Step 6: W1 q.get() -> blocked" in log and "Step 7: W2 q.empty() -> True" in log
    nothing_left_running(window)


def test_back_save_and_cancel(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: Any
) -> None:
    loop2_in_step_mode(window)
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    for step in LOOP2.steps[:3]:
        advance(qtbot, window, step.who, by_key=False)
    panel = window.step_panel
    # Back while the run goes: it is cancelled, and a new one replays the first two steps.
    with qtbot.waitSignal(window.controller.started, timeout=WAIT_MS):
        qtbot.mouseClick(panel.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: steps_taken(window) == 2, timeout=WAIT_MS)
    assert panel.stepping is not None and panel.stepping.steps() == list(LOOP2.steps[:2])
    advance(qtbot, window, "W1", by_key=True)

    saved = tmp_path / "mine.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(saved), ""))
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert load(saved).steps == LOOP2.steps[:3]
    assert load(saved).strategy == LOOP2.strategy

    result = wait_for_end(qtbot, window, window.cancel_run)  # cancel in the middle of stepping
    assert result.outcome == "cancelled"
    nothing_left_running(window)


def test_load_replays_a_schedule_and_refuses_a_bad_one(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: Any
) -> None:
    panel = window.step_panel
    complaints: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: complaints.append(text))
    bad = tmp_path / "bad.json"
    bad.write_text(LOOP2_FILE.read_text()[:-30])
    before = window.params_panel.params()
    chosen = [str(bad)]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (chosen[0], ""))
    qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    assert len(complaints) == 1 and "not valid JSON" in complaints[0]
    assert window.params_panel.params() == before
    assert not window.controller.is_running() and not panel.switch.isChecked()

    chosen[0] = str(LOOP2_FILE)
    result = wait_for_end(
        qtbot, window, lambda: qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    )
    assert result.outcome == "deadlock"
    assert panel.stepping is not None and panel.stepping.steps() == list(LOOP2.steps)
    assert window.params_panel.params().workers == 2 and len(complaints) == 1
    nothing_left_running(window)


@pytest.mark.parametrize("strategy", ["pool-imap-unordered"])
def test_pool_strategies_are_not_stepped(window: MainWindow, strategy: str) -> None:
    set_params(window, strategy)
    switch = window.step_panel.switch
    assert not switch.isEnabled()
    assert "pool" in switch.toolTip()
