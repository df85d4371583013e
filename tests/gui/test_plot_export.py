"""The PNG exports carry a title, the verdict (or the experiment's summary) and the legend."""

from __future__ import annotations

import html
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from core.strategies import STRATEGIES
from gui.main_window import MainWindow
from gui.plot_export import captioned_plot, plot_caption
from tests.gui.experiment_helpers import fake_result
from tests.gui.helpers import run_through_window, set_params


def caption_rows(image: QImage, plot_height: int) -> int:
    """Rows above the plot that have something other than white in them."""
    white = QColor("white").rgb()
    rows = 0
    for y in range(image.height() - plot_height):
        if any(image.pixel(x, y) != white for x in range(0, image.width(), 2)):
            rows += 1
    return rows


@pytest.mark.timeout(60)
def test_the_lanes_png_has_the_strategy_the_verdict_and_the_legend(
    qtbot: Any, window: MainWindow
) -> None:
    set_params(window, "seed-empty-after-get", items=40, workers=3)
    run_through_window(qtbot, window)
    caption = plot_caption(window.lanes)
    assert html.escape(STRATEGIES["seed-empty-after-get"].title) in caption.title
    assert html.escape(window.banner.outcome_label.text()) in caption.summary
    assert html.escape(window.banner.diagnosis_label.text()) in caption.summary
    assert "processing" in caption.legend and "exited" in caption.legend

    plot_height = window.lanes.grab().toImage().height()
    image = captioned_plot(window.lanes).toImage()
    assert image.height() > plot_height
    assert caption_rows(image, plot_height) > 3 * window.fontMetrics().height()


def test_the_experiment_charts_carry_its_summary(qtbot: Any, window: MainWindow) -> None:
    tab = window.experiment_tab
    window.tabs.setCurrentWidget(tab)  # as the File menu does: grabbed as laid out on screen
    tab._on_finished(fake_result([[("ok",), ("deadlock", "lost")], [("ok",)]]))
    for chart in (tab.outcome_chart, tab.timing_chart):
        caption = plot_caption(chart)
        assert tab.stats_label.text() in caption.summary
    timing = plot_caption(tab.timing_chart)
    assert "Latency and throughput per cell" in timing.title
    assert "median elapsed (s)" in timing.legend and "median items/s" in timing.legend
    outcomes = plot_caption(tab.outcome_chart)
    assert "Outcome per strategy" in outcomes.title and "deadlock" in outcomes.legend
    for chart, plot in (
        (tab.timing_chart, tab.timing_chart),
        (tab.outcome_chart, tab.outcome_chart.plot_widget),
    ):
        plot_height = plot.grab().toImage().height()
        image = captioned_plot(chart).toImage()
        assert caption_rows(image, plot_height) > 2 * window.fontMetrics().height()
