"""Experiments through the window: spec widgets, live rows, charts, trials, cancel, one at once."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget

from core.engine import exclusive_runs
from core.experiment import COUNTED_OUTCOMES, ExperimentSpec
from core.strategies import GROUPS, STRATEGIES
from gui import MainWindow
from gui.experiment_chart import headline_shares
from gui.experiment_model import CELL_HEADERS, COL_FIRST_OUTCOME, format_rate
from gui.exports import EXPORT_TRACE
from gui.verdict import SEVERITY_FAILURE, severity_of
from tests.gui.experiment_helpers import (
    POST_LOOPS,
    all_workers,
    double_click,
    run_experiment_through_window,
    small_spec,
)
from tests.gui.helpers import run_through_window, set_params

LEFT = Qt.MouseButton.LeftButton


def test_the_window_has_a_run_tab_and_an_experiment_tab(window: MainWindow) -> None:
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Run", "Experiment"]
    assert window.tabs.currentWidget() is window.run_tab  # the single-run view as it was
    panel = window.experiment_tab.spec_panel
    # Defaults: the post's four loops, 20 trials, spawn, each strategy's own queue.
    spec = panel.spec()
    assert spec.strategies == POST_LOOPS
    assert spec.trials == 20
    assert spec.start_methods == ("spawn",)
    assert spec.queue_kinds == ("default",)
    assert spec.faults == ("none",)
    # Start methods offered: spawn and forkserver, never fork.
    assert sorted(panel.start_method_boxes) == ["forkserver", "spawn"]
    assert "default" in panel.queue_boxes
    assert panel.plan_label.text() == "4 cells × 20 trials = 80 runs"


def test_strategies_are_grouped_and_a_group_checks_its_loops(window: MainWindow) -> None:
    tree = window.findChild(QTreeWidget, "experimentStrategies")
    assert tree is not None
    groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert all(groups)
    assert [g.text(0) for g in groups if g] == list(GROUPS)
    ids = [
        g.child(k).data(0, Qt.ItemDataRole.UserRole)  # type: ignore[union-attr]
        for g in groups
        if g
        for k in range(g.childCount())
    ]
    heading = groups[1]
    assert heading is not None
    assert ids == sorted(STRATEGIES, key=lambda s: GROUPS.index(STRATEGIES[s].group))
    heading.setCheckState(0, Qt.CheckState.Checked)  # a whole group at once
    chosen = window.experiment_tab.spec_panel.spec().strategies
    assert chosen == POST_LOOPS + tuple(s.id for s in STRATEGIES.values() if s.group == GROUPS[1])


@pytest.mark.parametrize(
    ("field", "text", "shown"),
    [
        ("workers_edit", "0", "workers must be between 1 and 256, got 0"),
        ("workers_edit", "2, x", "workers: 'x' is not a whole number"),
        ("items_edit", "", "items: give at least one number"),
        ("seed_edit", "99999999999999999999", "seed must be <="),
    ],
)
def test_spec_errors_are_inline_and_disable_start(
    window: MainWindow, field: str, text: str, shown: str
) -> None:
    tab = window.experiment_tab
    getattr(tab.spec_panel, field).setText(text)
    assert shown in (tab.spec_panel.error() or "")
    assert (
        tab.spec_panel.error_label.isVisibleTo(tab) and shown in tab.spec_panel.error_label.text()
    )
    assert not tab.start_button.isEnabled()
    tab.start_experiment()  # even when called directly: no thread, no traceback
    assert not window.experiment_controller.is_running()


def test_fault_args_are_checked_against_the_grid(window: MainWindow) -> None:
    panel = window.experiment_tab.spec_panel
    panel.fault_boxes["kill"].setChecked(True)
    panel.fault_args["kill"].setText("5, 500")
    assert "needs an item between 0 and 99, got 500" in (panel.error() or "")
    panel.fault_args["kill"].setText("5")
    assert panel.is_valid()
    assert panel.spec().faults == ("none", "kill:5")
    assert panel.plan_label.text() == "8 cells × 20 trials = 160 runs"


def test_oversubscription_and_skipped_combinations_are_shown(window: MainWindow) -> None:
    panel = window.experiment_tab.spec_panel
    panel.set_spec(panel.spec().replace(strategies=("joinable-task-done", "sentinel-per-worker")))
    panel.queue_boxes["mp"].setChecked(True)
    panel.parallel_spin.setValue(64)
    notes = panel.notes_label.text()
    assert panel.is_valid()
    assert "oversubscribed" in notes  # 64 trials × 3 workers on this machine's CPUs
    assert "Skipped: joinable-task-done does not support queue kind 'mp'" in notes
    assert panel.notes_label.isVisibleTo(window.experiment_tab)


@pytest.mark.timeout(180)
def test_the_posts_loops_through_the_experiment_tab(qtbot: Any, window: MainWindow) -> None:
    tab = window.experiment_tab
    spec = small_spec()
    rows_while_running: list[int] = []
    progress_seen: list[tuple[int, int]] = []

    def on_progress(progress: Any) -> None:
        progress_seen.append((progress.done, progress.total))
        if progress.cell is not None:
            rows_while_running.append(tab.model.cell_result(progress.cell.cell.index).n)

    window.experiment_controller.progress.connect(on_progress)
    window.experiment_controller.started.connect(
        lambda plan: progress_seen.append((-1, plan.total_trials))
    )
    result = run_experiment_through_window(qtbot, window, spec)

    assert not result.cancelled and result.trials_done == 12
    assert not all_workers()
    # Rows were updated live, one trial at a time (round-robin over the cells).
    assert progress_seen[0] == (-1, 12)
    assert [done for done, _ in progress_seen[1:]] == list(range(13))
    assert rows_while_running == [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]
    assert tab.progress_bar.value() == 12 and tab.progress_bar.text() == "12 / 12 trials"
    assert tab.stats_label.text().startswith("Done: 12 trials")
    assert tab.start_button.isEnabled() and not tab.cancel_button.isEnabled()
    assert window.start_button.isEnabled()  # the single run is allowed again

    # The table shows exactly what the result says, cell by cell.
    model = tab.model
    assert model.rowCount() == 4
    for row, cell_result in enumerate(result.cells):
        strategy_id = cell_result.cell.coordinates.strategy
        assert model.index(row, 0).data() == STRATEGIES[strategy_id].title
        assert model.index(row, 6).data() == "3 / 3"
        for column, outcome in enumerate(COUNTED_OUTCOMES, start=COL_FIRST_OUTCOME):
            rate = cell_result.rates()[outcome]
            assert model.index(row, column).data() == f"{rate.count}  ·  {format_rate(rate)}"
    # The post's first loop always loses its tail item; the fourth never does.
    by_strategy = {c.cell.coordinates.strategy: c for c in result.cells}
    assert by_strategy["seed-empty-after-get"].counts()["lost"] == 3
    assert by_strategy["seed-sentinel-per-worker"].counts()["ok"] == 3

    # The chart stacks the same headline outcomes, 100 % per strategy.
    shares = tab.outcome_chart.shares()
    assert shares == headline_shares(result.cells)
    assert list(shares) == list(POST_LOOPS)
    for trials, by_outcome in shares.values():
        assert trials == 3 and sum(by_outcome.values()) == pytest.approx(1.0)
    timing = tab.timing_chart.values()
    assert [v[1] for v in timing] == [c.median_elapsed_s for c in result.cells]
    assert [v[2] for v in timing] == [c.median_items_per_s for c in result.cells]


@pytest.mark.timeout(120)
def test_double_click_a_cell_then_open_a_trial(qtbot: Any, window: MainWindow) -> None:
    # 5 ms per item: the run lasts long enough for the monitor's polls to see
    # each worker in more than one state (a 0 ms run can end between two polls).
    spec = small_spec(strategies=("seed-empty-after-get",), trials=2, work_ms=5.0)
    result = run_experiment_through_window(qtbot, window, spec)
    tab = window.experiment_tab
    rect = tab.table.visualRect(tab.model.index(0, 0))
    double_click(qtbot, tab.table.viewport(), rect.center())
    dialog = tab.trial_list_dialog
    assert dialog is not None and dialog.isVisible()
    trials = result.cells[0].trials
    assert dialog.model.rowCount() == 2
    assert dialog.model.index(1, 1).data() == str(trials[1].seed)
    assert dialog.model.index(1, 2).data() == " + ".join(trials[1].outcomes)

    row_rect = dialog.table.visualRect(dialog.model.index(1, 0))
    double_click(qtbot, dialog.table.viewport(), row_rect.center())
    trial_dialog = dialog.trial_dialog
    assert trial_dialog is not None and trial_dialog.isVisible()
    run = trials[1].run
    assert run is not None  # keep_runs=True keeps every trial's RunResult
    # The single-run widgets, composed around the trial's result.
    assert trial_dialog.banner.severity() == severity_of(run.outcomes) == SEVERITY_FAILURE
    assert "DEADLOCK" in trial_dialog.banner.outcome_label.text()
    assert str(run.lost[0]) in trial_dialog.banner.lost_label.text()
    assert trial_dialog.model.rowCount() == run.items == 30
    assert len(trial_dialog.lanes.lanes) == run.params.workers
    # The lanes were rebuilt from the timeline: more than one state per worker.
    assert trial_dialog.lanes.segment_count() > run.params.workers
    assert trial_dialog.log_panel.lines()[-1].endswith("deadlock, lost")

    # "Show in Run tab" loads it there: same views, and File > Export works on it.
    with qtbot.waitSignal(trial_dialog.showInRunTab):
        qtbot.mouseClick(trial_dialog.run_tab_button, LEFT)
    assert window.last_result is run
    assert window.tabs.currentWidget() is window.run_tab
    assert window.model.rowCount() == 30
    assert window.banner.severity() == SEVERITY_FAILURE
    assert window.file_menu.export_actions[EXPORT_TRACE].isEnabled()


def slow_spec(trials: int) -> ExperimentSpec:
    """Trials of ~5 s each (2000 items x 5 ms over 2 workers): a cancel lands mid-trial."""
    return ExperimentSpec(
        strategies=("sentinel-per-worker",),
        queue_kinds=("mp",),
        items=(2000,),
        workers=(2,),
        work_ms=5.0,
        trials=trials,
        start_methods=("forkserver",),
    )


@pytest.mark.timeout(120)
def test_cancel_stops_within_a_second_and_leaves_no_child(qtbot: Any, window: MainWindow) -> None:
    tab = window.experiment_tab
    tab.spec_panel.set_spec(slow_spec(trials=5))
    qtbot.mouseClick(tab.start_button, LEFT)
    assert window.experiment_controller.is_running()
    assert not tab.start_button.isEnabled() and tab.cancel_button.isEnabled()
    assert not tab.spec_panel.isEnabled()
    qtbot.waitUntil(lambda: len(all_workers()) >= 2, timeout=30_000)

    started = time.monotonic()
    with qtbot.waitSignal(window.experiment_controller.finished, timeout=30_000) as blocker:
        qtbot.mouseClick(tab.cancel_button, LEFT)
        assert not tab.cancel_button.isEnabled()
    took = time.monotonic() - started
    result = blocker.args[0]
    print(f"cancel took {took:.2f} s")
    assert result.cancelled and result.trials_done == 0  # the cut trial is not counted
    assert took < 5.0, f"cancel took {took:.1f} s"  # ~1 s; generous on a shared machine
    assert not all_workers()
    assert "Cancelled after 0 of 5 trials" in tab.stats_label.text()
    assert tab.start_button.isEnabled()


def assert_the_other_waits(
    qtbot: Any, going: Any, other: Any, other_button: Any, why: str, start_other: Any, cancel: Any
) -> None:
    """While `going` (a controller) runs, the other kind's Start is disabled, says why, and
    starts nothing even when called; once `going` is cancelled, it is enabled again."""
    assert going.is_running()
    assert not other_button.isEnabled()
    assert why in other_button.toolTip()
    start_other()  # called anyway: nothing starts
    assert not other.is_running()
    with qtbot.waitSignal(going.finished, timeout=30_000):
        cancel()
    assert other_button.isEnabled()


@pytest.mark.timeout(120)
def test_one_run_or_experiment_at_a_time(qtbot: Any, window: MainWindow) -> None:
    tab = window.experiment_tab
    runs, experiments = window.controller, window.experiment_controller
    set_params(window, "sentinel-per-worker", queue_kind="mp", items=2000, workers=2, work_ms=5.0)
    qtbot.mouseClick(window.start_button, LEFT)
    assert window.is_running()
    assert_the_other_waits(
        qtbot,
        runs,
        experiments,
        tab.start_button,
        "single run is going",
        tab.start_experiment,
        window.cancel_run,
    )

    tab.spec_panel.set_spec(slow_spec(trials=2))
    qtbot.mouseClick(tab.start_button, LEFT)
    assert_the_other_waits(
        qtbot,
        experiments,
        runs,
        window.start_button,
        "experiment is going",
        window.start_run,
        tab.cancel_experiment,
    )
    assert not all_workers()


@pytest.mark.timeout(60)
def test_a_refused_experiment_is_a_message_and_the_last_result_stays(
    qtbot: Any, window: MainWindow
) -> None:
    tab = window.experiment_tab
    first = run_experiment_through_window(
        qtbot, window, small_spec(strategies=("sentinel-per-worker",), trials=1)
    )
    # Someone else holds the one-run lock (as another run in this process would).
    errored = window.experiment_controller.errored
    with exclusive_runs(), qtbot.waitSignal(errored, timeout=30_000) as blocker:
        qtbot.mouseClick(tab.start_button, LEFT)
    assert "a run is already in progress" in blocker.args[0]
    assert tab.run_error_label.isVisibleTo(tab)
    assert "Could not run: a run is already in progress" in tab.run_error_label.text()
    assert "Traceback" not in tab.run_error_label.text()
    assert "could not start" in window.statusBar().currentMessage()
    assert tab.result is first  # nothing lost: the previous experiment is back on screen
    assert tab.model.rowCount() == 1 and tab.model.cell_result(0).n == 1
    assert tab.start_button.isEnabled() and window.start_button.isEnabled()

    # And the single run, refused the same way, says so in its banner.
    with exclusive_runs(), qtbot.waitSignal(window.controller.errored, timeout=30_000) as blocker:
        qtbot.mouseClick(window.start_button, LEFT)
    assert "a run is already in progress" in window.banner.diagnosis_label.text()
    assert window.banner.severity() == SEVERITY_FAILURE


@pytest.mark.timeout(60)
def test_a_single_run_still_works_after_an_experiment(qtbot: Any, window: MainWindow) -> None:
    run_experiment_through_window(
        qtbot, window, small_spec(strategies=("sentinel-per-worker",), trials=1)
    )
    window.tabs.setCurrentWidget(window.run_tab)
    set_params(window, "sentinel-per-worker", queue_kind="mp", items=50, start_method="forkserver")
    assert run_through_window(qtbot, window).outcomes == ["ok"]
    assert CELL_HEADERS[COL_FIRST_OUTCOME] == "ok"
