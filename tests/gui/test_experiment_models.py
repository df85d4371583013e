"""The Experiment tab's models and charts, on results built without running anything."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from core.experiment import COUNTED_OUTCOMES, CellResult, Rate
from core.strategies import STRATEGIES
from gui.experiment_chart import OutcomeChart, TimingChart, cell_labels, headline_shares
from gui.experiment_model import (
    CELL_HEADERS,
    COL_FIRST_OUTCOME,
    COL_MEDIAN_ELAPSED,
    OUTCOME_COLORS,
    CellTableModel,
    SortRole,
    TrialTableModel,
    format_rate,
)
from gui.verdict import _COLORS, outcome_explanation, severity_of
from tests.gui.experiment_helpers import fake_result

DEADLOCK_LOST = ("deadlock", "lost")


def test_qtmodeltester_cells(qtmodeltester: Any) -> None:
    result = fake_result([[("ok",), DEADLOCK_LOST, ("ok",)], [("crashed", "lost")]])
    model = CellTableModel()
    qtmodeltester.check(model)  # empty
    model.set_plan(result.plan)
    qtmodeltester.check(model)  # cells without trials
    model.update_cell(result.cells[1])
    qtmodeltester.check(model)
    model.set_result(result)
    qtmodeltester.check(model)


def test_qtmodeltester_trials(qtmodeltester: Any) -> None:
    result = fake_result([[("ok",), DEADLOCK_LOST, ("stalled",)]])
    model = TrialTableModel(result.cells[0].trials)
    qtmodeltester.check(model)
    model.set_trials([])
    qtmodeltester.check(model)


@pytest.mark.parametrize(
    ("count", "n", "shown"),
    [(7, 20, "35 % [18–57]"), (0, 20, "0 % [0–16]"), (20, 20, "100 % [84–100]"), (0, 0, "—")],
)
def test_format_rate_shows_the_wilson_interval(count: int, n: int, shown: str) -> None:
    assert format_rate(Rate.of(count, n)) == shown


def test_cells_show_counts_rates_and_timing() -> None:
    result = fake_result([[("ok",), DEADLOCK_LOST, ("ok",), DEADLOCK_LOST]])
    model = CellTableModel()
    model.set_plan(result.plan)
    assert model.index(0, COL_FIRST_OUTCOME).data() == "—"  # no trial yet
    assert model.index(0, 6).data() == "0 / 1"

    changed: list[int] = []
    model.dataChanged.connect(lambda first, last: changed.append(first.row()))
    model.update_cell(result.cells[0])
    assert changed == [0]  # one row updated in place, not a reset
    cell = result.cells[0]
    for column, outcome in enumerate(COUNTED_OUTCOMES, start=COL_FIRST_OUTCOME):
        rate = cell.rates()[outcome]
        assert model.index(0, column).data() == f"{rate.count}  ·  {format_rate(rate)}"
        assert model.index(0, column).data(SortRole) == rate.rate
    # Per flag: the deadlock + lost trials count for both.
    deadlock = model.index(0, CELL_HEADERS.index("deadlock"))
    assert deadlock.data().startswith("2  ·  50 % [")
    assert model.index(0, CELL_HEADERS.index("lost")).data().startswith("2  ·  50 %")
    assert model.index(0, COL_MEDIAN_ELAPSED).data() == f"{cell.median_elapsed_s:.3f}"
    assert deadlock.data(Qt.ItemDataRole.BackgroundRole) == QColor("#ffebee")  # banner red
    assert (
        model.index(0, CELL_HEADERS.index("crashed")).data(Qt.ItemDataRole.BackgroundRole) is None
    )
    assert "95 % Wilson" in deadlock.data(Qt.ItemDataRole.ToolTipRole)
    # The title a person reads (as on the Run tab); the id in the tooltip, for files.
    strategy_id = cell.cell.coordinates.strategy
    assert model.index(0, 0, QModelIndex()).data() == STRATEGIES[strategy_id].title
    assert strategy_id in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_trials_model_rows() -> None:
    result = fake_result([[("ok",), DEADLOCK_LOST]])
    model = TrialTableModel(result.cells[0].trials)
    assert model.rowCount() == 2
    assert model.index(1, 2).data() == "deadlock + lost"
    assert model.index(1, 1).data() == str(result.cells[0].trials[1].seed)
    assert model.index(1, 4).data() == "1"
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "trial 1"


def test_outcome_colours_follow_the_verdict_banner() -> None:
    """Each outcome's colour is in the hue family of the banner's border for that outcome."""
    for outcome in COUNTED_OUTCOMES:
        border = QColor(_COLORS[severity_of([outcome])][1])
        colour = QColor(OUTCOME_COLORS[outcome])
        distance = abs(border.hslHue() - colour.hslHue())
        assert min(distance, 360 - distance) <= 25, outcome


def test_outcome_chart_stacks_headlines_to_100_percent(qtbot: Any) -> None:
    result = fake_result(
        [[("ok",), DEADLOCK_LOST, ("deadlock",), ("ok",)], [("crashed", "lost"), ("ok",)]]
    )
    chart = OutcomeChart()
    qtbot.addWidget(chart)
    chart.set_cells(result.cells)
    shares = chart.shares()
    assert list(shares) == [c.cell.coordinates.strategy for c in result.cells]
    first, second = (shares[c.cell.coordinates.strategy] for c in result.cells)
    assert first[0] == 4 and first[1]["ok"] == 0.5 and first[1]["deadlock"] == 0.5
    assert first[1]["lost"] == 0.0  # headline only: lost is not the first outcome
    assert second[1]["crashed"] == 0.5
    for _, by_outcome in shares.values():
        assert sum(by_outcome.values()) == pytest.approx(1.0)
    # The bars drawn are those shares, stacked left to right.
    deadlock_bar = chart.bars["deadlock"].opts
    assert list(deadlock_bar["x0"]) == [50.0, 50.0]
    assert list(deadlock_bar["width"]) == [50.0, 0.0]
    assert chart.bars["ok"].opts["brush"] == OUTCOME_COLORS["ok"]


def test_headline_shares_pool_a_strategys_cells() -> None:
    result = fake_result([[("ok",), ("ok",)], [("deadlock",)]])
    # A second cell of the same strategy (another worker count, say) is pooled with the first.
    same = CellResult(result.cells[0].cell, list(result.cells[1].trials))
    shares = headline_shares([result.cells[0], same])
    assert list(shares) == [result.cells[0].cell.coordinates.strategy]
    trials, by_outcome = shares[result.cells[0].cell.coordinates.strategy]
    assert trials == 3 and by_outcome["ok"] == pytest.approx(2 / 3)


def test_timing_chart_shows_medians(qtbot: Any) -> None:
    result = fake_result([[("ok",), ("ok",), ("ok",)], [("ok",)]])
    chart = TimingChart()
    qtbot.addWidget(chart)
    chart.set_cells(result.cells)
    values = chart.values()
    assert [v[0] for v in values] == cell_labels(result.cells)
    # Trials of 100 items in 0.1, 0.2, 0.3 s: medians 0.2 s and 500 items/s.
    assert values[0][1] == pytest.approx(0.2) and values[0][2] == pytest.approx(500.0)
    assert list(chart.elapsed_bar.opts["width"]) == pytest.approx([0.2, 0.1])


def test_charts_name_strategies_by_title_with_the_id_as_tooltip(qtbot: Any) -> None:
    result = fake_result([[("ok",), ("ok",)], [("deadlock",)]])
    ids = [c.cell.coordinates.strategy for c in result.cells]
    titles = [STRATEGIES[strategy_id].title for strategy_id in ids]
    outcome_chart = OutcomeChart()
    timing_chart = TimingChart()
    qtbot.addWidget(outcome_chart)
    qtbot.addWidget(timing_chart)
    outcome_chart.set_cells(result.cells)
    timing_chart.set_cells(result.cells)
    rows = [label.textItem.toPlainText() for label in outcome_chart.rows.labels]
    for text, title, strategy_id in zip(rows, titles, ids, strict=True):
        assert text.startswith(title) and strategy_id not in text
    for label, title in zip(cell_labels(result.cells), titles, strict=True):
        assert label.startswith(title)
    assert [label.textItem.toPlainText() for label in timing_chart.rows.labels] == cell_labels(
        result.cells
    )
    for chart in (outcome_chart.plot_widget, timing_chart):
        for title, strategy_id in zip(titles, ids, strict=True):
            assert f"{title}: {strategy_id}" in chart.toolTip()


def test_outcome_headers_explain_the_outcome() -> None:
    model = CellTableModel()
    for outcome in COUNTED_OUTCOMES:
        column = CELL_HEADERS.index(outcome)
        tooltip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert tooltip.startswith(f"{outcome}: {outcome_explanation(outcome)}")
