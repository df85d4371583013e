"""A plot as a PNG that stands on its own: the plot under a caption (title, verdict, legend).

The caption is read from what the window shows next to the plot, in the
window's language: for the worker lanes the run's strategy, the verdict
banner's headline and diagnosis and the lanes' legend; for an experiment's
charts the experiment's progress line and the parameters common to its cells
(the outcome chart carries its own title and legend; the timing chart gets
its heading and a legend of its two bars).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.strategies import STRATEGIES
from gui.experiment_chart import OutcomeChart, TimingChart
from gui.experiment_tab import ExperimentTab
from gui.i18n import core_text
from gui.lanes import WorkerLanes
from gui.verdict import VerdictBanner

CAPTION_MARGIN_PX = 10
TITLE_SCALE = 1.25


@dataclass(frozen=True)
class Caption:
    """What a plot's PNG says above the plot; each part rich text, empty when there is none."""

    title: str = ""
    summary: str = ""
    legend: str = ""


def captioned_plot(widget: QWidget) -> QPixmap:
    """widget's plot as drawn on screen, under its caption (see plot_caption)."""
    # The outcome chart's own title and legend go into the caption, on white.
    plot = (widget.plot_widget if isinstance(widget, OutcomeChart) else widget).grab()
    header = _caption_widget(plot_caption(widget), plot.width())
    image = QPixmap(plot.width(), header.height() + plot.height())
    image.setDevicePixelRatio(plot.devicePixelRatio())
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        header.render(painter, QPoint(0, 0))
        painter.drawPixmap(0, header.height(), plot)
    finally:
        painter.end()
    header.deleteLater()
    return image


def plot_caption(widget: QWidget) -> Caption:
    """The title, verdict (or experiment summary) and legend of one of the window's plots."""
    if isinstance(widget, WorkerLanes):
        return _lanes_caption(widget)
    tab = _ancestor(widget, ExperimentTab)
    summary = _experiment_summary(tab) if tab is not None else ""
    if isinstance(widget, TimingChart):
        heading = QCoreApplication.translate("ExperimentTab", "Latency and throughput per cell")
        note = QCoreApplication.translate("ExperimentTab", "(medians)")
        return Caption(
            f"<b>{html.escape(heading)}</b> {html.escape(note)}", summary, _timing_legend(widget)
        )
    if isinstance(widget, OutcomeChart):
        heading = QCoreApplication.translate("OutcomeChart", "Outcome per strategy")
        note = QCoreApplication.translate(
            "OutcomeChart", "(each trial's headline outcome; 100 % a bar)"
        )
        return Caption(
            f"<b>{html.escape(heading)}</b> {html.escape(note)}", summary, widget.legend.text()
        )
    return Caption()


def _lanes_caption(lanes: WorkerLanes) -> Caption:
    window = lanes.window()
    title = QCoreApplication.translate("PlotExport", "Worker lanes, queue depth and throughput")
    result = getattr(window, "last_result", None)
    if result is not None and result.params.strategy in STRATEGIES:
        strategy = core_text(STRATEGIES[result.params.strategy].title)
        title = f"{strategy}  ·  {title}"
    summary = ""
    banner = window.findChild(VerdictBanner)
    if banner is not None:
        lines = (banner.outcome_label.text(), banner.diagnosis_label.text())
        summary = "<br>".join(html.escape(line) for line in lines if line)
    box = lanes.parentWidget()  # the lanes under their legend (run_views.lanes_with_legend)
    legend_label = box.findChild(QLabel, "laneLegend") if box is not None else None
    legend = legend_label.text() if legend_label is not None else ""
    return Caption(f"<b>{html.escape(title)}</b>", summary, legend)


def _experiment_summary(tab: ExperimentTab) -> str:
    lines = (tab.stats_label.text(), tab.same_label.text() if tab.same_label.isVisible() else "")
    return "<br>".join(html.escape(line) for line in lines if line)


def _timing_legend(chart: TimingChart) -> str:
    entries = (
        (chart.elapsed_bar, QCoreApplication.translate("TimingChart", "median elapsed (s)")),
        (chart.speed_bar, QCoreApplication.translate("TimingChart", "median items/s")),
    )
    parts = []
    for bar, text in entries:
        color = pg.mkBrush(bar.opts["brush"]).color().name()
        parts.append(
            f'<span style="background-color:{color}; color:{color};">&nbsp;&nbsp;&nbsp;</span>'
            f"&nbsp;{html.escape(text)}"
        )
    return "&nbsp;&nbsp; ".join(parts)


def _caption_widget(caption: Caption, width: int) -> QWidget:
    """The caption laid out at width, on white, sized to its wrapped text."""
    sheet = QWidget()
    sheet.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    sheet.setStyleSheet("background: white; color: #212121;")
    layout = QVBoxLayout(sheet)
    layout.setContentsMargins(CAPTION_MARGIN_PX, CAPTION_MARGIN_PX, CAPTION_MARGIN_PX, 0)
    for k, part in enumerate((caption.title, caption.summary, caption.legend)):
        if not part:
            continue
        label = QLabel(part, wordWrap=True)
        label.setTextFormat(Qt.TextFormat.RichText)
        if k == 0:
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * TITLE_SCALE)
            label.setFont(font)
        layout.addWidget(label)
    height = sheet.heightForWidth(width) if layout.count() else 0
    sheet.resize(width, max(height, 0))
    layout.activate()
    return sheet


def _ancestor(widget: QWidget, kind: type[ExperimentTab]) -> ExperimentTab | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, kind):
        parent = parent.parentWidget()
    return parent
