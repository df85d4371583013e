"""Helpers for the Experiment tab: set a spec through its widgets, run, build fake results."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from core.experiment import ExperimentResult, ExperimentSpec, plan_experiment
from core.procs import child_pids, helper_pids, worker_children
from core.strategies import POST, STRATEGIES
from gui import MainWindow
from tests.fakes import fake_experiment

POST_LOOPS = tuple(s.id for s in STRATEGIES.values() if s.group == POST)
# A bound for a wedged bridge, not a performance target (a trial takes ~0.2 s here).
EXPERIMENT_TIMEOUT_MS = 120_000


def all_workers() -> set[int]:
    """Our worker processes: children, and children of our forkserver (where its workers live).

    worker_children() (and the autouse fixture) see only direct children, so
    forkserver workers would slip past them.
    """
    workers = set(worker_children())
    for helper in helper_pids():
        workers |= child_pids(helper)
    return workers


def small_spec(**changes: Any) -> ExperimentSpec:
    """The post's four loops, 3 workers, 30 items, forkserver (fast worker start)."""
    spec = ExperimentSpec(
        strategies=POST_LOOPS,
        items=(30,),
        workers=(3,),
        start_methods=("forkserver",),
        trials=3,
        watchdog_s=10.0,
    )
    return spec.replace(**changes)


def run_experiment_through_window(
    qtbot: Any, window: MainWindow, spec: ExperimentSpec, timeout_ms: int = EXPERIMENT_TIMEOUT_MS
) -> ExperimentResult:
    """Show spec in the tab, click Start, wait for finished (or errored), return the result."""
    tab = window.experiment_tab
    window.tabs.setCurrentWidget(tab)
    assert tab.spec_panel.set_spec(spec) == []
    assert tab.start_button.isEnabled(), tab.spec_panel.error()
    with qtbot.waitSignal(window.experiment_controller.finished, timeout=timeout_ms) as blocker:
        blocker.connect(window.experiment_controller.errored)
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0] if blocker.args else None
    assert isinstance(result, ExperimentResult), f"the experiment errored: {result!r}"
    return result


def fake_result(outcomes_per_cell: list[list[tuple[str, ...]]]) -> ExperimentResult:
    """An ExperimentResult without running anything: one cell per list (the post's loops in
    order), one trial per tuple."""
    strategies = POST_LOOPS[: len(outcomes_per_cell)]
    return fake_experiment(
        plan_experiment(ExperimentSpec(strategies=strategies, trials=1)), outcomes_per_cell
    )


def double_click(qtbot: Any, viewport: Any, pos: Any) -> None:
    """A user's double-click: press/release, then the double-click (a view wants both)."""
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
