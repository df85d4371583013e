"""The post's four loops, driven through the window: widgets, Start, verdict on screen."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel, QTableView

from core.result import STATUS_DROPPED, STATUS_LEFT, RunResult
from core.strategies import STRATEGIES
from gui import MainWindow
from gui.lanes import WorkerLanes
from gui.results_model import COL_ITEM, FILTER_LOST, SortRole
from gui.verdict import MAX_IDS_SHOWN, SEVERITY_FAILURE, SEVERITY_OK, VerdictBanner, severity_of
from tests.gui.helpers import choose, run_through_window, set_params

POST_LOOPS = (
    "seed-empty-after-get",
    "seed-while-not-empty",
    "seed-single-sentinel",
    "seed-sentinel-per-worker",
)


def check_window_shows(window: MainWindow, result: RunResult) -> None:
    """Everything on screen agrees with the RunResult the bridge emitted."""
    banner = window.findChild(VerdictBanner, "outcomeBanner")
    assert banner is not None
    headline = banner.findChild(QLabel, "outcomeLabel")
    diagnosis = banner.findChild(QLabel, "diagnosisLabel")
    lost_ids = banner.findChild(QLabel, "lostIdsLabel")
    assert headline is not None and diagnosis is not None and lost_ids is not None
    for outcome in result.outcomes:
        assert outcome.upper() in headline.text()
    assert diagnosis.text() == result.diagnosis
    assert banner.severity() == severity_of(result.outcomes)
    if result.lost:
        shown = lost_ids.text()
        for item in result.lost[:MAX_IDS_SHOWN]:
            assert str(item) in shown
    else:
        assert lost_ids.text() == ""

    # One table row per item, every item present once, final statuses.
    table = window.findChild(QTableView, "resultsTable")
    assert table is not None
    model = table.model()
    assert model.rowCount() == result.items == len(result.records)
    items = [model.index(row, COL_ITEM).data(SortRole) for row in range(model.rowCount())]
    assert sorted(items) == list(range(result.items))

    lanes = window.findChild(WorkerLanes, "workerLanes")
    assert lanes is not None
    assert len(lanes.lanes) == len(result.workers)
    assert lanes.lane_states() == [w.state for w in result.workers]

    assert window.start_button.isEnabled()
    assert not window.cancel_button.isEnabled()
    assert window.progress_bar.value() == min(result.processed, window.progress_bar.maximum())
    assert window.log_panel.lines()[-1].endswith(", ".join(result.outcomes))


def lost_rows_in_table(window: MainWindow) -> list[int]:
    choose(window, "filterCombo", FILTER_LOST)
    model = window.model
    rows = [model.index(row, COL_ITEM).data(SortRole) for row in range(model.rowCount())]
    statuses = window.model.column_values("status")
    assert np.isin(statuses, [STATUS_DROPPED, STATUS_LEFT]).all()
    return sorted(rows)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("strategy", POST_LOOPS)
def test_post_loop_through_window(qtbot: Any, window: MainWindow, strategy: str) -> None:
    set_params(window, strategy, items=100, workers=3, start_method="spawn")
    result = run_through_window(qtbot, window)

    assert result.params.strategy == strategy
    assert set(result.outcomes) <= STRATEGIES[strategy].expected_outcomes | {"stalled"}
    check_window_shows(window, result)
    assert lost_rows_in_table(window) == sorted(result.lost)

    if strategy == "seed-empty-after-get":
        # The taker of the last item(s) sees empty() and breaks: always lost.
        assert "lost" in result.outcomes
        assert result.lost
    if strategy == "seed-sentinel-per-worker":
        assert result.outcomes == ["ok"]
        assert window.banner.severity() == SEVERITY_OK
    if strategy == "seed-while-not-empty":
        assert result.outcome in ("ok", "deadlock")  # a race: either may happen
        assert not result.lost
    if "deadlock" in result.outcomes:
        assert window.banner.severity() == SEVERITY_FAILURE
        check_stack_dumps(qtbot, window, result)


def check_stack_dumps(qtbot: Any, window: MainWindow, result: RunResult) -> None:
    """The stuck workers' dumps open from the banner, one tab per worker."""
    button = window.banner.dumps_button
    assert result.stack_dumps, "a deadlock should come with the stuck workers' stacks"
    assert button.isVisible()
    button.click()
    dialog = window.banner.stack_dump_dialog()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    texts = dialog.dump_texts()
    assert texts == [result.stack_dumps[w] for w in sorted(result.stack_dumps)]
    assert all("File" in text for text in texts)
    dialog.close()


OTHER_STRATEGIES = [s for s in STRATEGIES if s not in POST_LOOPS]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("strategy", OTHER_STRATEGIES)
def test_every_other_strategy_through_window(qtbot: Any, window: MainWindow, strategy: str) -> None:
    """Pools, sentinels, timeouts and the crash case all end with a consistent screen."""
    set_params(window, strategy, items=50, workers=2)
    result = run_through_window(qtbot, window)
    # The first outcome only: a crash also loses every item it never reached.
    assert result.outcome in STRATEGIES[strategy].expected_outcomes | {"stalled"}
    check_window_shows(window, result)


@pytest.mark.timeout(60)
def test_zero_items(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "sentinel-per-worker", items=0, workers=2)
    result = run_through_window(qtbot, window)
    assert result.outcomes == ["ok"]
    check_window_shows(window, result)
