"""The explorer in the window: Explore beside Start, its answer on lanes, Cancel, Replay, column."""

from __future__ import annotations

import multiprocessing
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from core.explorer.grid import NONE
from core.explorer.session import Exploration
from core.result import RunResult
from core.states import WorkerStatus
from gui import MainWindow
from gui.experiment_model import COL_EXPLORER
from tests.gui.experiment_helpers import run_experiment_through_window, small_spec
from tests.gui.helpers import RUN_TIMEOUT_MS, set_params

WAIT_MS = 60_000


def explore(qtbot: Any, window: MainWindow) -> Exploration:
    panel = window.explore_panel
    assert panel.button.isEnabled(), panel.button.toolTip()
    with qtbot.waitSignal(panel.controller.finished, timeout=WAIT_MS) as blocker:
        blocker.connect(panel.controller.errored)
        qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    exploration = blocker.args[0] if blocker.args else None
    assert isinstance(exploration, Exploration), f"the exploration errored: {exploration!r}"
    return exploration


def nothing_left_running(window: MainWindow) -> None:
    assert not window.is_busy()
    assert multiprocessing.active_children() == []


def test_explore_draws_loop_2s_failing_schedule_and_says_why(
    qtbot: Any, window: MainWindow
) -> None:
    set_params(window, "seed-while-not-empty", workers=2, items=3)
    exploration = explore(qtbot, window)
    view = window.explore_panel.view
    assert exploration.schedule is not None and view.isVisible()
    assert view.headline.text().startswith("found: deadlock after")
    # Every step is a mark on its worker's lane, at its place in the sequence.
    steps = exploration.schedule.steps
    marks = view.lanes.marks
    assert [(m.lane, m.position) for m in marks] == [
        (int(step.who[1:]), number) for number, step in enumerate(steps, start=1)
    ]
    assert all(m.label.endswith(f"→ {step.result}") for m, step in zip(marks, steps, strict=True))
    assert {m.state for m in marks} <= {WorkerStatus.IDLE, WorkerStatus.PROCESSING}
    # The worker left in get() has a blocked span from after its last step to the end.
    (blocked,) = exploration.blocked
    (lane, start, stop) = view.lanes.blocked_spans[0]
    assert lane == blocked + 1 and stop > len(steps) >= start
    diagnosis = view.diagnosis.text()
    assert "saw q.empty() → False" in diagnosis and "took the last item (item 2)" in diagnosis
    assert f"W{blocked + 1} blocked in q.get() forever" in diagnosis
    assert view.confirmation.text() == "confirmed on real processes: the real run agreed"
    assert window.explore_panel.progress_label.text().endswith("s")
    assert window.start_button.isEnabled()
    nothing_left_running(window)


def test_explore_on_the_docs_recipe_finds_no_failing_schedule(
    qtbot: Any, window: MainWindow
) -> None:
    set_params(window, "sentinel-per-worker", workers=2, items=3)
    exploration = explore(qtbot, window)
    view = window.explore_panel.view
    assert exploration.schedule is None
    assert view.headline.text() == (
        "no failing schedule among 16 schedules (all of them, for 2 workers, 3 items)"
    )
    assert not view.lanes.isVisible() and not view.replay_button.isVisible()
    nothing_left_running(window)


def test_explore_searches_the_batch_size_the_panel_shows(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "sentinel-per-worker-batched", workers=2, items=3, batch_size=1)
    exploration = explore(qtbot, window)
    assert exploration.request.batch_size == 1
    # Three batches of one item each: 16 schedules, where one batch of three has 4.
    assert window.explore_panel.view.headline.text() == (
        "no failing schedule among 16 schedules (all of them, for 2 workers, 3 items)"
    )
    nothing_left_running(window)


def test_pools_disable_explore_and_say_why(window: MainWindow) -> None:
    set_params(window, "pool-imap-unordered", workers=2, items=3)
    button = window.explore_panel.button
    assert not button.isEnabled()
    assert "pool hands out the items" in button.toolTip()
    set_params(window, "sentinel-per-worker", workers=20, items=3)
    assert not button.isEnabled() and "Workers must be from 1 to 8" in button.toolTip()


def test_cancel_ends_a_long_search_and_leaves_nothing(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "sentinel-per-worker", workers=8, items=50)
    panel = window.explore_panel
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "schedules/s" in panel.progress_label.text(), timeout=WAIT_MS)
    assert not window.start_button.isEnabled() and window.cancel_button.isEnabled()
    with qtbot.waitSignal(panel.controller.finished, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    exploration = blocker.args[0]
    assert exploration.search.cancelled and exploration.schedule is None
    assert panel.view.headline.text().startswith("cancelled after")
    assert window.start_button.isEnabled() and panel.button.isEnabled()
    nothing_left_running(window)


def test_replay_on_real_processes_ends_in_the_deadlock_banner(
    qtbot: Any, window: MainWindow
) -> None:
    set_params(window, "seed-while-not-empty", workers=2, items=2)
    exploration = explore(qtbot, window)
    assert exploration.schedule is not None
    replay = window.explore_panel.view.replay_button
    qtbot.waitUntil(lambda: replay.height() > 0)  # the answer's view is laid out
    with qtbot.waitSignal(window.controller.finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(replay, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert isinstance(result, RunResult) and result.outcome == "deadlock"
    label = window.findChild(QLabel, "outcomeLabel")
    assert label is not None and "DEADLOCK" in label.text()
    stepping = window.step_panel.stepping
    assert stepping is not None and window.step_panel.switch.isChecked()
    assert stepping.steps()[: len(exploration.schedule.steps)] == list(exploration.schedule.steps)
    nothing_left_running(window)


def test_the_experiment_table_shows_the_explorer_column(
    qtbot: Any, qtmodeltester: Any, window: MainWindow
) -> None:
    tab = window.experiment_tab
    assert tab.table.isColumnHidden(COL_EXPLORER) or tab.model.rowCount() == 0
    spec = small_spec(
        strategies=("seed-while-not-empty", "sentinel-per-worker"),
        workers=(2,),
        items=(3,),
        trials=1,
        explorer=True,
    )
    result = run_experiment_through_window(qtbot, window, spec)
    assert tab.spec_panel.explorer_box.isChecked()
    assert [c.explorer for c in result.cells] == ["deadlock", NONE]
    assert not tab.table.isColumnHidden(COL_EXPLORER)
    texts = [tab.model.index(row, COL_EXPLORER).data() for row in range(2)]
    assert texts == ["deadlock", "none"]
    qtmodeltester.check(tab.model)
    nothing_left_running(window)
