"""The window's layout holds at small sizes in both languages.

At 1024×600 (and 1366×768), after a run's verdict and after an experiment,
in English and in Chinese: no visible text is cut (a label or button
narrower than its text, a widget reaching past its parent's edge), the left
panels never need a horizontal scroll bar, no two visible siblings in a
layout overlap, and a verdict never resizes the window.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSettings, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLayout,
    QProgressBar,
    QScrollArea,
    QWidget,
)

from core.experiment import ExperimentProgress
from gui import i18n
from gui.experiment_chart import TimingChart
from gui.lanes import WorkerLanes
from gui.main_window import MainWindow
from tests.gui.experiment_helpers import run_experiment_through_window, small_spec
from tests.gui.helpers import run_through_window, set_params

SMALL = QSize(1024, 600)
LARGE = QSize(1366, 768)
LEFT_PANELS = ("leftPanel", "experimentLeftPanel")
# Rounding in Qt's layouts may leave a label a pixel short of its hint.
SLACK_PX = 1
SETTLE_PASSES = 12


@pytest.fixture(params=["en", "zh_CN"])
def language(request: Any, qapp: Any) -> Iterator[str]:
    translations = i18n.install(request.param)
    yield request.param
    translations.remove()


def settle() -> None:
    """Let layout requests climb the widget tree (one level per pass) and settle."""
    for _ in range(SETTLE_PASSES):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def visible_widgets(root: QWidget) -> Iterator[QWidget]:
    """root's visible descendants in the same window (dialogs are checked on their own)."""
    for widget in root.findChildren(QWidget):
        if widget.isVisible() and not widget.isWindow() and widget.window() is root.window():
            yield widget


def describe(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QLabel | QAbstractButton):
        text = widget.text()[:60]
    return f"{type(widget).__name__}#{widget.objectName()} {text!r}"


def needed_size(widget: QWidget) -> QSize | None:
    """The size widget needs to show all its text, None for widgets without text."""
    if isinstance(widget, QLabel) and widget.text():
        if widget.wordWrap():
            return QSize(widget.minimumSizeHint().width(), widget.heightForWidth(widget.width()))
        return widget.minimumSizeHint()
    if isinstance(widget, QAbstractButton) and widget.text():
        return QSize(widget.sizeHint().width(), 0)
    if isinstance(widget, QProgressBar) and widget.isTextVisible():
        return QSize(widget.fontMetrics().horizontalAdvance(widget.text()) + 8, 0)
    return None


def cut_texts(root: QWidget) -> list[str]:
    """Visible texts that do not fit their widget, and widgets reaching past their parent."""
    problems = []
    for widget in visible_widgets(root):
        needed = needed_size(widget)
        has = widget.size()
        if needed is not None and (
            needed.width() > has.width() + SLACK_PX or needed.height() > has.height() + SLACK_PX
        ):
            problems.append(f"{describe(widget)} needs {needed.toTuple()}, has {has.toTuple()}")
        parent = widget.parentWidget()
        # A scroll area's content may be taller than its viewport; horizontal_overflow checks it.
        inside_scroll = parent is not None and isinstance(parent.parentWidget(), QScrollArea)
        if (
            parent is not None
            and not inside_scroll
            and widget.geometry().right() > parent.rect().right() + SLACK_PX
        ):
            problems.append(f"{describe(widget)} reaches past {describe(parent)}")
    return problems


def horizontal_overflow(window: QWidget) -> list[str]:
    """Left panels whose content is wider than what they show."""
    problems = []
    for name in LEFT_PANELS:
        panel = window.findChild(QScrollArea, name)
        assert panel is not None, name
        if not panel.isVisible():
            continue
        inner = panel.widget()
        assert inner is not None, name
        shown = panel.viewport().width()
        needed = max(inner.minimumSizeHint().width(), inner.width())
        if needed > shown:
            problems.append(f"{name}: content {needed} px wide in a {shown} px viewport")
    return problems


def layout_widgets(layout: QLayout) -> Iterator[QWidget]:
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item is None:
            continue
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            yield widget
        elif inner is not None:
            yield from layout_widgets(inner)


def overlaps(root: QWidget) -> list[str]:
    """Pairs of visible widgets laid out by the same layout whose rectangles intersect."""
    problems = []
    for widget in [root, *visible_widgets(root)]:
        layout = widget.layout()
        if layout is None:
            continue
        shown = [w for w in layout_widgets(layout) if w.isVisible() and not w.isWindow()]
        for i, first in enumerate(shown):
            for second in shown[i + 1 :]:
                common: QRect = first.geometry().intersected(second.geometry())
                if not common.isEmpty():
                    problems.append(f"{describe(first)} overlaps {describe(second)}")
    return problems


def too_small(window: QWidget) -> list[str]:
    """The window's content needs more than the window has (a real screen would grow it)."""
    needed, size = window.minimumSizeHint(), window.size()
    if needed.width() > size.width() or needed.height() > size.height():
        return [f"the window needs {needed.toTuple()}, has {size.toTuple()}"]
    return []


def layout_problems(window: QWidget) -> list[str]:
    settle()
    return too_small(window) + cut_texts(window) + horizontal_overflow(window) + overlaps(window)


def shown_at(window: MainWindow, size: QSize) -> None:
    window.resize(size)
    settle()
    assert window.size() == size, f"the window is {window.size().toTuple()}, not {size.toTuple()}"


@pytest.mark.timeout(180)
def test_the_window_holds_at_small_sizes(language: str, qtbot: Any, settings: QSettings) -> None:
    window = MainWindow(settings, language=language)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.show()
    qtbot.waitExposed(window)
    shown_at(window, SMALL)
    assert layout_problems(window) == []

    # The post's first loop deadlocks: a long headline, lost ids and the stack dumps button.
    set_params(window, "seed-empty-after-get", items=40, workers=3)
    result = run_through_window(qtbot, window)
    assert "deadlock" in result.outcomes
    assert window.banner.dumps_button.isVisible()
    settle()
    assert window.size() == SMALL, "the verdict resized the window"
    assert layout_problems(window) == []
    # As short as the window goes: the banner's widgets still do not cover each other.
    window.resize(1024, 480)
    settle()
    assert window.width() == SMALL.width()
    assert overlaps(window.banner) == []
    shown_at(window, LARGE)
    assert layout_problems(window) == []

    shown_at(window, SMALL)
    spec = small_spec(strategies=("seed-empty-after-get", "seed-sentinel-per-worker"), trials=1)
    experiment = run_experiment_through_window(qtbot, window, spec)
    assert window.size() == SMALL, "the experiment resized the window"
    assert layout_problems(window) == []
    tab = window.experiment_tab
    # The progress and its ETA stay in view with the Start and Cancel buttons.
    panel = window.findChild(QScrollArea, "experimentLeftPanel")
    assert panel is not None
    for widget in (tab.start_button, tab.cancel_button, tab.progress_bar, tab.stats_label):
        top_left = widget.mapTo(window, widget.rect().topLeft())
        bottom = top_left.y() + widget.height()
        central = window.centralWidget()
        assert central is not None
        assert bottom <= central.geometry().bottom(), describe(widget)
        assert not widget.visibleRegion().isEmpty(), f"{describe(widget)} is scrolled away"

    # A cancelled experiment's long status line wraps instead of widening the panel.
    tab._on_finished(dataclasses.replace(experiment, cancelled=True))
    assert window.size() == SMALL
    assert layout_problems(window) == []
    shown_at(window, LARGE)
    assert layout_problems(window) == []


def test_the_eta_line_counts_the_trials_that_run(qtbot: Any, window: MainWindow) -> None:
    """Progress comes as a trial ends; the next one starts at once, so it is running."""
    tab = window.experiment_tab
    progress = ExperimentProgress(
        done=1, total=4, elapsed_s=1.0, eta_s=3.0, running=0, trial=None, cell=None
    )
    tab._on_progress(progress)
    assert "1 running" in tab.stats_label.text()
    tab._on_progress(dataclasses.replace(progress, done=4, eta_s=0.0))
    assert "0 running" in tab.stats_label.text()


def test_plot_axes_are_in_plain_units(qtbot: Any) -> None:
    """No axis label gets pyqtgraph's "(x0.001)" scale, whatever the ranges."""
    lanes = WorkerLanes()
    qtbot.addWidget(lanes)
    lanes.show()
    lanes.reset(2, 10)
    chart = TimingChart()
    qtbot.addWidget(chart)
    chart.show()
    plots = [lanes.lane_plot, lanes.depth_plot, lanes.rate_plot]
    plots += [chart.elapsed_plot, chart.speed_plot]
    for plot in plots:
        plot.setXRange(0, 0.004, padding=0)
        plot.setYRange(0, 0.5, padding=0)
    settle()
    for plot in plots:
        for side in ("left", "bottom"):
            assert "(x" not in plot.getAxis(side).labelString()
