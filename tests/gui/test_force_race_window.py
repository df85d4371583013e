"""Help → Force the race and the strategy text's "Force it in step mode" links."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from core.schedule import load
from gui import MainWindow
from gui.force_race import ForceRaceDialog
from gui.shipped_schedules import (
    FEATURED_STRATEGY,
    schedules_by_strategy,
    shipped_schedules,
    step_line,
)
from tests.gui.helpers import RUN_TIMEOUT_MS, set_params
from tests.gui.test_step_mode_window import LOOP2, LOOP2_FILE, headline, nothing_left_running


def open_dialog(qtbot: Any, window: MainWindow) -> ForceRaceDialog:
    action = window.findChild(QAction, "forceRaceAction")
    assert action is not None and action in window.help_menu.menu.actions()
    action.trigger()
    dialog = window.findChild(ForceRaceDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()  # as a window manager does: keys go to the dialog, not the window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_every_shipped_file_is_listed_loop_2_first(tmp_path: Path) -> None:
    shipped = shipped_schedules()
    files = sorted(p.name for p in LOOP2_FILE.parent.glob("*.json"))
    assert sorted(entry.path.name for entry in shipped) == files
    assert shipped[0].path == LOOP2_FILE and shipped[0].strategy == FEATURED_STRATEGY
    # A file added to the folder is picked up by its "strategy" field, with no code change.
    for path in LOOP2_FILE.parent.glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text())
    extra = json.loads(LOOP2_FILE.read_text())
    extra["strategy"] = "sentinel-reput"  # a strategy with no shipped schedule
    (tmp_path / "zz-new.json").write_text(json.dumps(extra))
    (tmp_path / "broken.json").write_text("{")
    by_strategy = schedules_by_strategy(shipped_schedules(tmp_path))
    assert [e.path.name for e in by_strategy["sentinel-reput"]] == ["zz-new.json"]
    assert "broken.json" not in {e.path.name for v in by_strategy.values() for e in v}


def test_the_dialog_lists_loop_2s_steps_and_try_it_replays_them(
    qtbot: Any, window: MainWindow
) -> None:
    dialog = open_dialog(qtbot, window)
    text = dialog.browser.toPlainText()
    lines = [step_line(step) for step in LOOP2.steps]
    positions = [-1]
    for line in lines:  # every step, in the schedule's order
        positions.append(text.index(line, positions[-1] + 1))
    assert lines[0] == "W1 q.empty() \u2192 False" and "W1 q.get() \u2192 blocked" in lines
    assert "W2 took item 1 at step 5" in text  # the why of the blocked get()
    assert "still blocked in get(): W1" in text
    for entry in shipped_schedules()[1:]:  # the other shipped schedules follow
        assert text.index(entry.path.name) > positions[-1]
    assert dialog.try_button.isDefault()
    qtbot.waitUntil(dialog.try_button.hasFocus)

    with qtbot.waitSignal(window.controller.finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Try it is the default button
    assert blocker.args[0].outcome == "deadlock"
    assert "DEADLOCK" in headline(window)
    panel = window.step_panel
    assert panel.switch.isChecked()
    assert panel.stepping is not None and panel.stepping.steps() == list(LOOP2.steps)
    params = window.params_panel.params()
    assert (params.strategy, params.workers, params.items) == (LOOP2.strategy, 2, 2)
    assert window.findChild(ForceRaceDialog) is None or not dialog.isVisible()
    nothing_left_running(window)


def test_escape_closes_the_dialog(qtbot: Any, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert not window.controller.is_running()


def test_the_strategy_text_links_its_shipped_schedule(qtbot: Any, window: MainWindow) -> None:
    links = window.force_race.links
    set_params(window, "sentinel-reput")
    assert links.isHidden()  # no schedule is shipped for it
    for strategy, entries in schedules_by_strategy().items():
        set_params(window, strategy)
        assert not links.isHidden() and links.paths == [str(e.path) for e in entries]
        assert "Force it in step mode" in links.text()
    set_params(window, "seed-single-sentinel", workers=5, items=50)
    [path] = links.paths
    schedule = load(path)
    with qtbot.waitSignal(window.controller.finished, timeout=RUN_TIMEOUT_MS) as blocker:
        links.linkActivated.emit(path)
    assert blocker.args[0].outcome == "deadlock"
    panel = window.step_panel
    assert panel.stepping is not None and panel.stepping.steps() == list(schedule.steps)
    params = window.params_panel.params()
    assert (params.strategy, params.workers, params.items) == (
        schedule.strategy,
        schedule.workers,
        schedule.items,
    )
    assert QApplication.activeModalWidget() is None
    nothing_left_running(window)


def test_a_free_run_going_is_not_cut_short(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "seed-sentinel-per-worker", workers=2, items=20, work_ms=50.0)
    with qtbot.waitSignal(window.controller.finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
        assert not window.force_race.try_schedule(str(LOOP2_FILE))
        assert "once it has ended" in window.step_panel.status.text()
    assert blocker.args[0].outcome == "ok"
    assert window.step_panel.stepping is None
    nothing_left_running(window)
