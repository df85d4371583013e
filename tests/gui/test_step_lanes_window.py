"""Step mode on the lanes: each waiting worker's next operation, lane clicks, keys alone."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from core.schedule import Offer
from gui import MainWindow
from gui.step_lanes import BLOCKED_COLOR, NEXT_COLOR
from tests.gui.helpers import run_through_window, set_params
from tests.gui.test_step_mode_window import (
    LOOP2,
    WAIT_MS,
    headline,
    loop2_in_step_mode,
    nothing_left_running,
    steps_taken,
    wait_for_end,
)


def offers(window: MainWindow) -> dict[str, Offer]:
    stepping = window.step_panel.stepping
    assert stepping is not None
    return {offer.who: offer for offer in stepping.offers()}


def labels_match_offers(window: MainWindow) -> bool:
    """A label on each waiting worker's lane saying its offer; none on the other lanes."""
    lanes = window.step_panel.lane_labels
    shown = {who: lanes.label_text(who) for who in ("W1", "W2")}
    return shown == {
        who: str(offers(window).get(who)) if who in offers(window) else None for who in shown
    }


def click_lane(qtbot: Any, window: MainWindow, who: str) -> None:
    """A real mouse click in the middle of who's lane; wait for its step."""
    lanes = window.step_panel.lane_labels
    qtbot.waitUntil(lambda: lanes.label_text(who) is not None, timeout=WAIT_MS)
    before = steps_taken(window)
    qtbot.mouseClick(
        window.lanes.viewport(), Qt.MouseButton.LeftButton, pos=lanes.lane_center(who).toPoint()
    )
    qtbot.waitUntil(lambda: steps_taken(window) > before, timeout=WAIT_MS)


def test_lane_labels_are_the_offers_and_a_lane_click_advances_that_worker(
    qtbot: Any, window: MainWindow
) -> None:
    loop2_in_step_mode(window)
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    lanes = window.step_panel.lane_labels
    qtbot.waitUntil(lambda: len(lanes.labels) == 2, timeout=WAIT_MS)
    assert lanes.label_text("W1") == "W1 \u25b8 q.empty()" == str(offers(window)["W1"])
    assert lanes.label_text("W2") == "W2 \u25b8 q.empty()" == str(offers(window)["W2"])
    assert lanes.label_color("W2") == NEXT_COLOR

    click_lane(qtbot, window, "W2")
    stepping = window.step_panel.stepping
    assert stepping is not None and [str(s) for s in stepping.steps()] == ["W2 q.empty() -> False"]
    qtbot.waitUntil(lambda: "Step 1: W2 q.empty() -> False" in window.log_panel.toPlainText())
    qtbot.waitUntil(lambda: lanes.label_text("W2") == "W2 \u25b8 q.get()", timeout=WAIT_MS)
    assert labels_match_offers(window)

    result = wait_for_end(qtbot, window, window.cancel_run)
    assert result.outcome == "cancelled"
    assert lanes.labels == {}  # the run is over: nothing waits at the gate
    nothing_left_running(window)


def test_lane_clicks_alone_force_loop_2s_deadlock(qtbot: Any, window: MainWindow) -> None:
    loop2_in_step_mode(window)
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    lanes = window.step_panel.lane_labels
    *clicks, blocked, last = LOOP2.steps
    for step in clicks:
        click_lane(qtbot, window, step.who)
    # W2 took the last item: W1's get() would block, and its lane says so before the click.
    qtbot.waitUntil(lambda: lanes.label_text("W1") == "W1 \u25b8 q.get() (blocks)", timeout=WAIT_MS)
    click_lane(qtbot, window, blocked.who)
    qtbot.waitUntil(
        lambda: lanes.label_text("W1") == "W1 \u25b8 q.get() (blocked)", timeout=WAIT_MS
    )
    assert lanes.label_color("W1") == BLOCKED_COLOR
    assert lanes.label_color("W2") == NEXT_COLOR
    button_text = window.step_panel.worker_buttons[0].text()
    assert button_text.startswith("W1 \u25b8 q.get() (blocked)")

    result = wait_for_end(qtbot, window, lambda: click_lane(qtbot, window, last.who))
    assert result.outcome == "deadlock"
    assert "DEADLOCK" in headline(window)
    stepping = window.step_panel.stepping
    assert stepping is not None and stepping.steps() == list(LOOP2.steps)
    assert lanes.labels == {}
    nothing_left_running(window)


def test_keys_alone_drive_a_whole_step_run(qtbot: Any, window: MainWindow) -> None:
    set_params(window, LOOP2.strategy, workers=2, items=2)
    panel = window.step_panel
    panel.switch.setFocus()
    qtbot.keyClick(panel.switch, Qt.Key.Key_Space)
    assert panel.switch.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Start
    *keys, last = LOOP2.steps
    for step in keys:
        qtbot.waitUntil(lambda who=step.who: who in offers(window), timeout=WAIT_MS)
        before = steps_taken(window)
        qtbot.keyClick(window, step.who[1:])
        qtbot.waitUntil(lambda before=before: steps_taken(window) > before, timeout=WAIT_MS)
    result = wait_for_end(qtbot, window, lambda: qtbot.keyClick(window, last.who[1:]))
    assert result.outcome == "deadlock"
    assert "DEADLOCK" in headline(window)
    assert panel.stepping is not None and panel.stepping.steps() == list(LOOP2.steps)
    nothing_left_running(window)


def test_a_free_run_draws_no_step_labels(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "seed-sentinel-per-worker", workers=2, items=20)
    assert not window.step_panel.switch.isChecked()
    drawn: list[int] = []
    window.lanes.redrawn.connect(lambda: drawn.append(len(window.step_panel.lane_labels.labels)))
    assert run_through_window(qtbot, window).outcome == "ok"
    assert drawn and set(drawn) == {0}
    nothing_left_running(window)
