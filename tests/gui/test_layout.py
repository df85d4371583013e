"""The window's layout holds at small sizes in both languages.

At 1024×600 (and 1366×768), after a run's verdict and after an experiment,
in English and in Chinese: no visible text is cut (a label or button
narrower than its text, a combo box's text elided, a widget reaching past
its parent's edge), the left panels never need a horizontal scroll bar, no
two visible siblings in a layout overlap, and a verdict never resizes the
window. In the plots (the worker lanes and the experiment's charts) the data
gets most of the width, and no axis text, row label or value is cut by the
plot's edge or runs into another text or a bar.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QModelIndex, QRect, QRectF, QSettings, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGraphicsItem,
    QGraphicsTextItem,
    QLabel,
    QLayout,
    QProgressBar,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from core.experiment import ExperimentProgress
from gui import i18n
from gui.experiment_chart import OutcomeChart, TimingChart
from gui.experiment_model import strategy_label
from gui.lanes import WorkerLanes
from gui.main_window import MainWindow
from gui.params_panel import ACTION_PREFIX
from gui.wrapping_combo import WrappingComboBox
from tests.gui.experiment_helpers import fake_result, run_experiment_through_window, small_spec
from tests.gui.helpers import run_through_window, set_params

SMALL = QSize(1024, 600)
LARGE = QSize(1366, 768)
LEFT_PANELS = ("leftPanel", "experimentLeftPanel")
# Rounding in Qt's layouts may leave a label a pixel short of its hint.
SLACK_PX = 1
SETTLE_PASSES = 12
# A plot's data area gets at least this share of its canvas's width.
MIN_PLOT_SHARE = 0.6


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


def combo_field(combo: QComboBox) -> QRect:
    """Where a combo box draws its current text."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    style = combo.style()
    control, field = QStyle.ComplexControl.CC_ComboBox, QStyle.SubControl.SC_ComboBoxEditField
    return style.subControlRect(control, option, field, combo)


def elided_combos(root: QWidget) -> list[str]:
    """Visible combo boxes whose current text does not fit where they draw it."""
    problems = []
    for combo in visible_widgets(root):
        if not isinstance(combo, QComboBox) or not combo.currentText():
            continue
        field = combo_field(combo)
        metrics = combo.fontMetrics()
        if isinstance(combo, WrappingComboBox):
            needed = combo.text_size(field.width())
        else:
            needed = QSize(metrics.horizontalAdvance(combo.currentText()), metrics.height())
        if needed.width() > field.width() + SLACK_PX or needed.height() > field.height() + SLACK_PX:
            problems.append(
                f"{describe(combo)} {combo.currentText()!r} needs {needed.toTuple()}, "
                f"has {field.size().toTuple()}"
            )
    return problems


def elided_items(root: QWidget) -> list[str]:
    """Cells of visible item views (tables, trees) whose text does not fit in its cell."""
    problems = []
    for view in visible_widgets(root):
        if not isinstance(view, QAbstractItemView) or view.model() is None:
            continue
        model = view.model()
        metrics = view.fontMetrics()
        pending = [QModelIndex()]
        while pending:
            parent = pending.pop()
            for row in range(model.rowCount(parent)):
                for column in range(model.columnCount(parent)):
                    index = model.index(row, column, parent)
                    pending.append(index)
                    text = model.data(index, Qt.ItemDataRole.DisplayRole)
                    cell = view.visualRect(index)
                    shown = not cell.isEmpty() and view.viewport().rect().intersects(cell)
                    if not isinstance(text, str) or not text or not shown:
                        continue
                    room = cell.adjusted(0, 0, -8, 0)  # the item's own margins
                    needed = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, text)
                    if needed.width() > room.width() + SLACK_PX or (
                        needed.height() > cell.height() + SLACK_PX
                    ):
                        problems.append(f"{describe(view)} cell {text!r} is cut")
    return problems


def layout_problems(window: QWidget) -> list[str]:
    settle()
    return (
        too_small(window)
        + cut_texts(window)
        + elided_combos(window)
        + elided_items(window)
        + horizontal_overflow(window)
        + overlaps(window)
    )


# --- inside the plots ------------------------------------------------------------


def on_canvas(canvas: pg.GraphicsView, item: QGraphicsItem, rect: QRectF) -> QRectF:
    """rect, in item's coordinates, in the canvas's viewport pixels."""
    return QRectF(canvas.mapFromScene(item.mapRectToScene(rect)).boundingRect())


def text_rect(canvas: pg.GraphicsView, text: QGraphicsTextItem) -> QRectF:
    """Where text's text is drawn on the canvas (its document's margin left out)."""
    margin = text.document().documentMargin()
    return on_canvas(canvas, text, text.boundingRect().adjusted(margin, margin, -margin, -margin))


def within(inner: QRectF, outer: QRectF) -> bool:
    return outer.adjusted(-SLACK_PX, -SLACK_PX, SLACK_PX, SLACK_PX).contains(inner)


def run_into(first: QRectF, second: QRectF) -> bool:
    return first.adjusted(SLACK_PX, SLACK_PX, -SLACK_PX, -SLACK_PX).intersects(second)


def axis_problems(canvas: pg.GraphicsView, axis: pg.AxisItem, view: QRectF) -> list[str]:
    """Tick texts and the label of axis: drawn, inside the canvas, beside their own plot."""
    what = f"{canvas.objectName()} {axis.orientation} axis"
    shown = QRectF(canvas.viewport().rect())
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    painter = QPainter(image)  # pyqtgraph measures the tick texts with a painter
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    drawn = [] if specs is None else [(on_canvas(canvas, axis, r), t) for r, _, t in specs[2]]
    problems = []
    if axis._tickLevels:  # ticks the chart chose: each one must be drawn
        missing = {text for _, text in axis._tickLevels[0]} - {text for _, text in drawn}
        if missing:
            problems.append(f"{what}: ticks {sorted(missing)} left out (no room)")
    for k, (rect, text) in enumerate(drawn):
        if not within(rect, shown):
            problems.append(f"{what}: tick {text!r} cut by the canvas's edge")
        problems += [
            f"{what}: ticks {text!r} and {other!r} overlap"
            for other_rect, other in drawn[k + 1 :]
            if run_into(rect, other_rect)
        ]
    if axis.label.isVisible():
        label, name = text_rect(canvas, axis.label), axis.labelText
        if not within(label, shown):
            problems.append(f"{what}: label {name!r} cut by the canvas's edge")
        if axis.orientation in ("left", "right"):
            beside = view.top() - SLACK_PX <= label.top() and label.bottom() <= view.bottom() + 1
        else:
            beside = view.left() - SLACK_PX <= label.left() and label.right() <= view.right() + 1
        if not beside:
            problems.append(f"{what}: label {name!r} reaches past its plot's data area")
    return problems


def bar_rects(canvas: pg.GraphicsView, plot: pg.PlotItem) -> list[QRectF]:
    """Every drawn bar of plot's bar graphs, on the canvas."""
    rects = []
    for item in plot.vb.addedItems:
        if isinstance(item, pg.BarGraphItem) and item.isVisible():
            opts = item.opts
            heights = np.broadcast_to(opts["height"], np.shape(opts["y"]))
            columns = (opts["x0"], opts["width"], opts["y"], heights)
            for x0, width, y, height in zip(*columns, strict=True):
                if width > 0:
                    rects.append(on_canvas(canvas, item, QRectF(x0, y - height / 2, width, height)))
    return rects


def plot_problems(canvas: pg.GraphicsView) -> list[str]:
    """A canvas's plots: wide enough, their axis texts and their texts in the plot whole."""
    what = canvas.objectName()
    problems = []
    width = canvas.viewport().width()
    plots = [i for i in canvas.scene().items() if isinstance(i, pg.PlotItem) and i.isVisible()]
    assert plots, what
    for plot in plots:
        view = on_canvas(canvas, plot.vb, plot.vb.boundingRect())
        if view.width() < MIN_PLOT_SHARE * width:
            problems.append(f"{what}: a plot {view.width():.0f} px wide in {width} px")
        for entry in plot.axes.values():
            if entry["item"].isVisible():
                problems += axis_problems(canvas, entry["item"], view)
        texts = [i for i in plot.vb.addedItems if isinstance(i, pg.TextItem) and i.isVisible()]
        rects = [text_rect(canvas, text.textItem) for text in texts]
        for k, (text, rect) in enumerate(zip(texts, rects, strict=True)):
            name = text.textItem.toPlainText()
            if not within(rect, view):
                problems.append(f"{what}: {name!r} cut by the plot's edge")
            problems += [
                f"{what}: {name!r} runs into {other.textItem.toPlainText()!r}"
                for other, other_rect in zip(texts[k + 1 :], rects[k + 1 :], strict=True)
                if run_into(rect, other_rect)
            ]
    return problems


def row_label_problems(canvas: pg.GraphicsView, plot: pg.PlotItem, labels: list[Any]) -> list[str]:
    """A chart's row labels: each drawn, and clear of every bar."""
    problems = []
    bars = bar_rects(canvas, plot)
    for label in labels:
        rect, name = text_rect(canvas, label.textItem), label.textItem.toPlainText()
        if not name or not label.isVisible() or rect.isEmpty():
            problems.append(f"{canvas.objectName()}: a row label is not drawn")
        elif any(run_into(rect, bar) for bar in bars):
            problems.append(f"{canvas.objectName()}: {name!r} runs into a bar")
    return problems


def chart_problems(outcomes: OutcomeChart, timing: TimingChart) -> list[str]:
    settle()
    problems = plot_problems(outcomes.plot_widget) + plot_problems(timing)
    problems += row_label_problems(outcomes.plot_widget, outcomes.plot, outcomes.rows.labels)
    problems += row_label_problems(timing, timing.plot, timing.rows.labels)
    return problems


def shown_at(window: MainWindow, size: QSize) -> None:
    window.resize(size)
    settle()
    assert window.size() == size, f"the window is {window.size().toTuple()}, not {size.toTuple()}"


def window_at(size: QSize, language: str, qtbot: Any, settings: QSettings) -> MainWindow:
    """A window in language, shown at size."""
    window = MainWindow(settings, language=language)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.show()
    qtbot.waitExposed(window)
    shown_at(window, size)
    return window


@pytest.mark.timeout(180)
def test_the_window_holds_at_small_sizes(language: str, qtbot: Any, settings: QSettings) -> None:
    window = window_at(SMALL, language, qtbot, settings)
    assert layout_problems(window) == []

    # The post's first loop deadlocks: a long headline, lost ids and the stack dumps button.
    set_params(window, "seed-empty-after-get", items=40, workers=3)
    result = run_through_window(qtbot, window)
    assert "deadlock" in result.outcomes
    assert window.banner.dumps_button.isVisible()
    settle()
    assert window.size() == SMALL, "the verdict resized the window"
    assert layout_problems(window) == []
    assert plot_problems(window.lanes) == []
    # As short as the window goes: the banner's widgets still do not cover each other.
    window.resize(1024, 480)
    settle()
    assert window.width() == SMALL.width()
    assert overlaps(window.banner) == []
    shown_at(window, LARGE)
    assert layout_problems(window) == []
    assert plot_problems(window.lanes) == []

    shown_at(window, SMALL)
    spec = small_spec(strategies=("seed-empty-after-get", "seed-sentinel-per-worker"), trials=1)
    experiment = run_experiment_through_window(qtbot, window, spec)
    assert window.size() == SMALL, "the experiment resized the window"
    assert layout_problems(window) == []
    tab = window.experiment_tab
    assert chart_problems(tab.outcome_chart, tab.timing_chart) == []
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
    assert chart_problems(tab.outcome_chart, tab.timing_chart) == []


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["1024x600", "1366x768"])
def test_the_charts_read_at_small_sizes(
    language: str, size: QSize, qtbot: Any, settings: QSettings
) -> None:
    """The post's four loops (the longest titles): every title, bar, value and tick whole."""
    window = window_at(size, language, qtbot, settings)
    tab = window.experiment_tab
    window.tabs.setCurrentWidget(tab)
    trials: list[tuple[str, ...]] = [
        ("ok",),
        ("deadlock", "lost"),
        ("stalled",),
        ("ok",),
        ("lost",),
    ]
    # 8 % shares: segments too narrow for their percentage go without one.
    ok: tuple[str, ...] = ("ok",)
    mostly_ok = [ok] * 10 + [("deadlock",), ("stalled",)]
    result = fake_result([mostly_ok, trials[1:], trials[:2], trials[2:]])
    tab.show_result(result)
    assert layout_problems(window) == []
    assert chart_problems(tab.outcome_chart, tab.timing_chart) == []
    # Every strategy's title is on the outcome chart, and every cell's label on the timing chart.
    titles = [label.textItem.toPlainText() for label in tab.outcome_chart.rows.labels]
    assert [title.split("  (n=")[0] for title in titles] == [
        strategy_label(c.cell.coordinates.strategy) for c in result.cells
    ]
    values = tab.timing_chart.values()
    assert [label.textItem.toPlainText() for label in tab.timing_chart.rows.labels] == [
        value[0] for value in values
    ]


def test_every_strategy_title_shows_whole(language: str, qtbot: Any, settings: QSettings) -> None:
    """The strategy combo wraps a long title onto more lines instead of eliding it."""
    window = window_at(SMALL, language, qtbot, settings)
    combo = window.params_panel.strategy_combo
    strategies = [
        data
        for data in (combo.itemData(i) for i in range(combo.count()))
        if data and not data.startswith(ACTION_PREFIX)  # Open loop file… opens a dialog
    ]
    assert len(strategies) > 10
    for strategy in strategies:
        combo.setCurrentIndex(combo.findData(strategy))
        assert layout_problems(window) == [], strategy
    assert window.size() == SMALL


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
    plots = [lanes.lane_plot, lanes.depth_plot, lanes.rate_plot, chart.plot]
    for plot in plots:
        plot.setXRange(0, 0.004, padding=0)
        plot.setYRange(0, 0.5, padding=0)
    settle()
    for plot in plots:
        for side in ("left", "bottom", "top"):
            assert "(x" not in plot.getAxis(side).labelString()
