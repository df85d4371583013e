"""Step mode's "Feeder flushes are steps": the feeders' buttons, on mp queues only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from gui import MainWindow
from tests.gui.helpers import RUN_TIMEOUT_MS, set_params

WAIT_MS = 30_000


def test_feeder_steps_are_offered_only_for_queues_with_feeder_threads(
    qtbot: Any, window: MainWindow
) -> None:
    panel = window.step_panel
    set_params(window, "seed-while-not-empty", workers=2, items=2, queue_kind="manager")
    panel.switch.setChecked(True)
    assert panel.feeder_switch.isVisible() and not panel.feeder_switch.isEnabled()
    set_params(window, "get-nowait", workers=2, items=2, queue_kind="mp")
    assert panel.feeder_switch.isEnabled()


def test_a_flush_is_a_button_of_its_own_and_the_loss_shows(qtbot: Any, window: MainWindow) -> None:
    panel = window.step_panel
    set_params(window, "get-nowait", workers=2, items=2, queue_kind="mp")
    panel.switch.setChecked(True)
    panel.feeder_switch.setChecked(True)
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    fp = panel.feeder_buttons[-1]
    qtbot.waitUntil(fp.isEnabled, timeout=WAIT_MS)
    assert fp.text() == "FP \u25b8 flush(item 0)"

    def taken() -> int:
        return len(panel.stepping.steps()) if panel.stepping is not None else 0

    for who in ("FP", "W1", "W1", "W2"):
        button = fp if who == "FP" else panel.worker_buttons[int(who[1:]) - 1]
        qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
        before = taken()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda before=before: taken() > before, timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.waitUntil(fp.isEnabled, timeout=WAIT_MS)
        qtbot.mouseClick(fp, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert result.lost == [1]
    assert "Step 3: W1 q.get_nowait() -> Empty" in window.log_panel.toPlainText()
