"""Experiment charts: outcome rates per strategy (stacked bars) and timing per cell.

Both are drawn with pyqtgraph on a white background, horizontal bars so that
strategy titles stay readable, and both are plain widgets that `grab()` to PNG.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.experiment.plan import COORDINATE_COLUMNS, CellCoordinates
from core.experiment.results import COUNTED_OUTCOMES, CellResult
from core.experiment.spec import NO_FAULT
from gui.experiment_model import (
    COL_ITEMS,
    COL_WORKERS,
    OUTCOME_COLORS,
    coordinate_texts,
    fault_kind_label,
    strategy_label,
)
from gui.i18n import core_text
from gui.plot_canvas import PlotCanvas
from gui.qtutil import named

BAR_HEIGHT = 0.62
MIN_LABELLED_SHARE = 0.08  # segments narrower than this carry no percentage text
# Text on these (light) fills is dark; on the others it is white.
_LIGHT_FILLS = frozenset({"duplicated", "lost", "stalled"})


def outcome_legend_html() -> str:
    parts = []
    for outcome in COUNTED_OUTCOMES:
        color = QColor(OUTCOME_COLORS[outcome]).name()
        parts.append(
            f'<span style="background-color:{color}; color:{color};">&nbsp;&nbsp;&nbsp;</span>'
            f"&nbsp;{html.escape(core_text(outcome))}"
        )
    return "&nbsp;&nbsp; ".join(parts)


def headline_shares(cells: list[CellResult]) -> dict[str, tuple[int, dict[str, float]]]:
    """Per strategy (in grid order): trials, and each outcome's share of headline outcomes.

    A strategy's cells are pooled; every trial counts once (its headline
    outcome), so the shares of a strategy add up to 1.
    """
    counts: dict[str, dict[str, int]] = {}
    for cell_result in cells:
        strategy = counts.setdefault(
            cell_result.cell.coordinates.strategy, dict.fromkeys(COUNTED_OUTCOMES, 0)
        )
        for outcome, count in cell_result.headline_counts().items():
            if outcome in strategy:
                strategy[outcome] += count
    shares: dict[str, tuple[int, dict[str, float]]] = {}
    for strategy_id, by_outcome in counts.items():
        n = sum(by_outcome.values())
        shares[strategy_id] = (n, {o: (c / n if n else 0.0) for o, c in by_outcome.items()})
    return shares


def _label_parts(coordinates: CellCoordinates) -> list[str]:
    """The coordinates as the chart's labels name them, in column order."""
    parts = list(coordinate_texts(coordinates, fault_kind_label(NO_FAULT)))
    parts[COL_WORKERS] = QCoreApplication.translate(
        "TimingChart", "{workers} w", "short for workers"
    ).format(workers=coordinates.workers)
    # Not a %n plural: pyside6-lupdate extracts plurals from tr() calls only.
    parts[COL_ITEMS] = QCoreApplication.translate("TimingChart", "{items} items").format(
        items=coordinates.items
    )
    return parts


def cell_labels(cells: list[CellResult]) -> list[str]:
    """Short labels: the strategy, plus only the coordinates that differ between cells."""
    varying = [
        column
        for column in range(1, len(COORDINATE_COLUMNS))  # after the strategy
        if len({cell_result.cell.coordinates[column] for cell_result in cells}) > 1
    ]
    labels = []
    for cell_result in cells:
        coordinates = cell_result.cell.coordinates
        parts = _label_parts(coordinates)
        shown = [parts[column] for column in varying]
        strategy = parts[0]  # its title, as everywhere a person reads it
        labels.append(f"{strategy} ({', '.join(shown)})" if shown else strategy)
    return labels


def strategy_ids_tooltip(strategy_ids: list[str]) -> str:
    """Each drawn strategy's title and, for files and the command line, its id."""
    return "\n".join(f"{strategy_label(s)}: {s}" for s in dict.fromkeys(strategy_ids))


def _plot(widget: Any, left: str, bottom: str) -> Any:
    plot = widget.addPlot() if hasattr(widget, "addPlot") else widget.getPlotItem()
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    plot.showGrid(x=True, y=False, alpha=0.25)
    plot.invertY(True)
    if left:
        plot.setLabel("left", left)
    plot.setLabel("bottom", bottom)
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)  # "0.2 s", never "200 (x0.001)"
    return plot


class OutcomeChart(QWidget):
    """Stacked horizontal bars: per strategy, the share of trials by headline outcome."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomeChart")
        self.legend = named(QLabel(outcome_legend_html(), wordWrap=True), "outcomeLegend")
        self.plot_widget = pg.PlotWidget(background="w")
        self.plot_widget.setMinimumHeight(160)
        self.plot = _plot(
            self.plot_widget, "", self.tr("% of trials (headline outcome of each trial)")
        )
        self.plot.setXRange(-1, 101, padding=0)  # 0 % and 100 % stay on the axis
        # Three ticks: five ran into each other at the width a 1024-px window leaves.
        self.plot.getAxis("bottom").setTicks([[(x, f"{x} %") for x in (0, 50, 100)], []])
        self.bars: dict[str, pg.BarGraphItem] = {}
        for outcome in COUNTED_OUTCOMES:
            bar = pg.BarGraphItem(
                x0=[], width=[], y=[], height=BAR_HEIGHT, brush=OUTCOME_COLORS[outcome], pen="w"
            )
            self.plot.addItem(bar)
            self.bars[outcome] = bar
        self._labels: list[pg.TextItem] = []
        self._shares: dict[str, tuple[int, dict[str, float]]] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        # Not inside f-strings: pyside6-lupdate would not find the texts there.
        heading = html.escape(self.tr("Outcome per strategy"))
        note = html.escape(self.tr("(each trial's headline outcome; 100 % a bar)"))
        title = QLabel(f"<b>{heading}</b> {note}", wordWrap=True)
        layout.addWidget(title)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot_widget, 1)
        self.set_cells([])

    def set_cells(self, cells: list[CellResult]) -> None:
        self._shares = headline_shares(cells)
        strategies = list(self._shares)
        for label in self._labels:
            self.plot.removeItem(label)
        self._labels = []
        left = np.zeros(len(strategies))
        y = np.arange(len(strategies), dtype=float)
        for outcome in COUNTED_OUTCOMES:
            widths = np.array([self._shares[s][1][outcome] * 100 for s in strategies])
            self.bars[outcome].setOpts(x0=left.copy(), width=widths, y=y, height=BAR_HEIGHT)
            for row, width in enumerate(widths):
                if width >= MIN_LABELLED_SHARE * 100:
                    color = "#212121" if outcome in _LIGHT_FILLS else "#ffffff"
                    text = pg.TextItem(f"{width:.0f} %", color=color, anchor=(0.5, 0.5))
                    text.setPos(left[row] + width / 2, row)
                    self.plot.addItem(text)
                    self._labels.append(text)
            left += widths
        ticks = [
            (i, f"{strategy_label(s)}  (n={self._shares[s][0]})") for i, s in enumerate(strategies)
        ]
        self.plot.getAxis("left").setTicks([ticks, []])
        self.plot_widget.setToolTip(strategy_ids_tooltip(strategies))
        self.plot.setYRange(-0.5, max(len(strategies), 1) - 0.5, padding=0.05)

    def shares(self) -> dict[str, tuple[int, dict[str, float]]]:
        """What is drawn: strategy id -> (trials, outcome -> share); the axis shows titles."""
        return dict(self._shares)


class TimingChart(PlotCanvas):
    """Per cell: median elapsed seconds (left) and median items per second (right)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__("timingChart", 160, parent)
        self.elapsed_plot = _plot(self, "", self.tr("median elapsed (s)"))
        self.speed_plot = _plot(self, "", self.tr("median items/s"))
        self.speed_plot.setYLink(self.elapsed_plot)
        self.speed_plot.getAxis("left").setStyle(showValues=False)
        self.speed_plot.getAxis("left").setWidth(4)
        self.elapsed_bar = pg.BarGraphItem(
            x0=[], width=[], y=[], height=BAR_HEIGHT, brush="#1565c0", pen=None
        )
        self.speed_bar = pg.BarGraphItem(
            x0=[], width=[], y=[], height=BAR_HEIGHT, brush="#2e7d32", pen=None
        )
        self.elapsed_plot.addItem(self.elapsed_bar)
        self.speed_plot.addItem(self.speed_bar)
        self._values: list[tuple[str, float | None, float | None]] = []
        self._labels: list[tuple[Any, pg.TextItem]] = []
        self.set_cells([])

    def set_cells(self, cells: list[CellResult]) -> None:
        labels = cell_labels(cells)
        self._values = [
            (label, c.median_elapsed_s, c.median_items_per_s)
            for label, c in zip(labels, cells, strict=True)
        ]
        y = np.arange(len(cells), dtype=float)
        elapsed = np.array([v[1] or 0.0 for v in self._values])
        speed = np.array([v[2] or 0.0 for v in self._values])
        self.elapsed_bar.setOpts(x0=np.zeros(len(y)), width=elapsed, y=y, height=BAR_HEIGHT)
        self.speed_bar.setOpts(x0=np.zeros(len(y)), width=speed, y=y, height=BAR_HEIGHT)
        self.elapsed_plot.getAxis("left").setTicks([list(enumerate(labels)), []])
        self.setToolTip(strategy_ids_tooltip([c.cell.coordinates.strategy for c in cells]))
        self.elapsed_plot.setYRange(-0.5, max(len(cells), 1) - 0.5, padding=0.05)
        # Room on the right of the longest bar for its value.
        self.elapsed_plot.setXRange(0, max(float(elapsed.max(initial=0.0)), 0.001) * 1.6)
        self.speed_plot.setXRange(0, max(float(speed.max(initial=0.0)), 1.0) * 1.6)
        for plot, label in self._labels:
            plot.removeItem(label)
        self._labels = []
        for row, (_, seconds, per_s) in enumerate(self._values):
            for plot, value, text in (
                (self.elapsed_plot, seconds, "—" if seconds is None else f"{seconds:.2f} s"),
                (self.speed_plot, per_s, "—" if per_s is None else f"{per_s:,.0f}/s"),
            ):
                label = pg.TextItem(text, color="#212121", anchor=(0, 0.5))
                label.setPos(value or 0.0, row)
                plot.addItem(label)
                self._labels.append((plot, label))

    def values(self) -> list[tuple[str, float | None, float | None]]:
        """What is drawn: (cell label, median elapsed s, median items/s) per cell."""
        return list(self._values)
