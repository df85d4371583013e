"""Experiment charts: outcome rates per strategy (stacked bars) and timing per cell.

Both are drawn with pyqtgraph on a white background: horizontal bars, each
row under its strategy's title or cell's label (gui.bar_rows), so that the
bars have the chart's whole width and the titles are read whole; both are
plain widgets that `grab()` to PNG.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.experiment.plan import COORDINATE_COLUMNS, CellCoordinates
from core.experiment.results import COUNTED_OUTCOMES, CellResult
from core.experiment.spec import NO_FAULT
from gui.bar_rows import BarRows, round_step, scrolling, step_decimals
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

BAR_PX = 18  # an outcome bar's height
TIMING_BAR_PX = 12  # each of a cell's two timing bars
TICK_GAP_PX = 16  # between two tick labels
ELAPSED_COLOR = "#1565c0"
SPEED_COLOR = "#2e7d32"
SEGMENT_TEXT_PAD_PX = 4  # a segment narrower than its percentage plus this carries none
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


def _plot(plot: Any, bottom: str) -> Any:
    """plot set up as a still chart in plain units, its rows under their labels (BarRows)."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    plot.showGrid(x=True, y=False, alpha=0.25)
    plot.setLabel("bottom", bottom)
    for side in ("bottom", "top"):
        plot.getAxis(side).enableAutoSIPrefix(False)  # "0.2 s", never "200 (x0.001)"
    return plot


def _half_text_px(widget: QWidget, text: str) -> float:
    """Half the width of text: a tick label centred on an edge needs that much room."""
    return widget.fontMetrics().horizontalAdvance(text) / 2 + 3


class OutcomeChart(QWidget):
    """Stacked horizontal bars: per strategy, the share of trials by headline outcome."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomeChart")
        self.legend = named(QLabel(outcome_legend_html(), wordWrap=True), "outcomeLegend")
        self.plot_widget = pg.PlotWidget(background="w")
        self.plot_widget.setObjectName("outcomePlot")
        self.plot = _plot(self.plot_widget.getPlotItem(), self.tr("% of trials"))
        # Three ticks: five ran into each other at the width a 1024-px window leaves.
        self.plot.getAxis("bottom").setTicks([[(x, f"{x} %") for x in (0, 50, 100)], []])
        self.bars: dict[str, pg.BarGraphItem] = {}
        for outcome in COUNTED_OUTCOMES:
            bar = pg.BarGraphItem(
                x0=[], width=[], y=[], height=BAR_PX, brush=OUTCOME_COLORS[outcome], pen="w"
            )
            self.plot.addItem(bar)
            self.bars[outcome] = bar
        self._labels: list[pg.TextItem] = []
        self._shares: dict[str, tuple[int, dict[str, float]]] = {}
        self._px_per_percent = 1.0
        self.rows = BarRows(self.plot_widget, self.plot, (BAR_PX,), self._fit_x, self._draw)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        # Not inside f-strings: pyside6-lupdate would not find the texts there.
        heading = html.escape(self.tr("Outcome per strategy"))
        note = html.escape(self.tr("(each trial's headline outcome; 100 % a bar)"))
        title = QLabel(f"<b>{heading}</b> {note}", wordWrap=True)
        layout.addWidget(title)
        layout.addWidget(self.legend)
        layout.addWidget(scrolling(self.plot_widget), 1)
        self.set_cells([])

    def set_cells(self, cells: list[CellResult]) -> None:
        self._shares = headline_shares(cells)
        strategies = list(self._shares)
        self.plot_widget.setToolTip(strategy_ids_tooltip(strategies))
        self.rows.set_labels([f"{strategy_label(s)}  (n={self._shares[s][0]})" for s in strategies])

    def shares(self) -> dict[str, tuple[int, dict[str, float]]]:
        """What is drawn: strategy id -> (trials, outcome -> share); the rows show titles."""
        return dict(self._shares)

    def _fit_x(self, width: float) -> float:
        """0 % to 100 % across the view, with room for the end ticks' labels."""
        edge = _half_text_px(self.plot_widget, "100 %")
        per_px = 100 / max(1.0, width - 2 * edge)
        self._px_per_percent = 1 / per_px
        self.plot.setXRange(-edge * per_px, 100 + edge * per_px, padding=0)
        return 0.0

    def _draw(self) -> None:
        strategies = list(self._shares)
        for label in self._labels:
            self.plot.removeItem(label)
        self._labels = []
        left = np.zeros(len(strategies))
        y = self.rows.centers(0)
        metrics = self.plot_widget.fontMetrics()
        for outcome in COUNTED_OUTCOMES:
            widths = np.array([self._shares[s][1][outcome] * 100 for s in strategies])
            self.bars[outcome].setOpts(x0=left.copy(), width=widths, y=y, height=BAR_PX)
            for row, width in enumerate(widths):
                share = f"{width:.0f} %"
                room = width * self._px_per_percent - SEGMENT_TEXT_PAD_PX
                if width > 0 and metrics.horizontalAdvance(share) <= room:
                    color = "#212121" if outcome in _LIGHT_FILLS else "#ffffff"
                    text = pg.TextItem(share, color=color, anchor=(0.5, 0.5))
                    text.setPos(left[row] + width / 2, y[row])
                    self.plot.addItem(text)
                    self._labels.append(text)
            left += widths


class TimingChart(PlotCanvas):
    """Per cell: median elapsed seconds (blue, bottom axis) and median items per second
    (green, top axis), two bars under the cell's label."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__("timingChart", 120, parent)
        self.plot = _plot(self.addPlot(), self.tr("median elapsed (s)"))
        self.plot.showAxis("top")
        self.plot.setLabel("top", self.tr("median items/s"))
        for side, color in (("bottom", ELAPSED_COLOR), ("top", SPEED_COLOR)):
            self.plot.getAxis(side).setTextPen(color)
            self.plot.getAxis(side).label.setDefaultTextColor(QColor(color))
        self.elapsed_bar = pg.BarGraphItem(
            x0=[], width=[], y=[], height=TIMING_BAR_PX, brush=ELAPSED_COLOR, pen=None
        )
        self.speed_bar = pg.BarGraphItem(
            x0=[], width=[], y=[], height=TIMING_BAR_PX, brush=SPEED_COLOR, pen=None
        )
        self.plot.addItem(self.elapsed_bar)
        self.plot.addItem(self.speed_bar)
        self._values: list[tuple[str, float | None, float | None]] = []
        self._labels: list[pg.TextItem] = []
        self._speed_scale = 1.0  # x units (seconds) per item/s
        self.rows = BarRows(
            self, self.plot, (TIMING_BAR_PX, TIMING_BAR_PX), self._fit_x, self._draw
        )
        self.set_cells([])

    def set_cells(self, cells: list[CellResult]) -> None:
        labels = cell_labels(cells)
        self._values = [
            (label, c.median_elapsed_s, c.median_items_per_s)
            for label, c in zip(labels, cells, strict=True)
        ]
        self.setToolTip(strategy_ids_tooltip([c.cell.coordinates.strategy for c in cells]))
        self.rows.set_labels(labels)

    def values(self) -> list[tuple[str, float | None, float | None]]:
        """What is drawn: (cell label, median elapsed s, median items/s) per cell."""
        return list(self._values)

    def _value_texts(self) -> list[tuple[str, str]]:
        return [
            (
                "—" if seconds is None else f"{seconds:.2f} s",
                "—" if per_s is None else f"{per_s:,.0f}/s",
            )
            for _, seconds, per_s in self._values
        ]

    def _fit_x(self, width: float) -> float:
        """Both scales from 0 at the same x; the longest bar of each ends at the same x,
        with room after it for its value, and round ticks on both axes."""
        metrics = self.fontMetrics()
        longest = max(
            (metrics.horizontalAdvance(t) for pair in self._value_texts() for t in pair),
            default=0,
        )
        most_s = max((v[1] or 0.0 for v in self._values), default=0.0) or 1.0
        most_per_s = max((v[2] or 0.0 for v in self._values), default=0.0) or 1.0
        self._speed_scale = most_s / most_per_s
        axes = (("bottom", most_s, 1.0, ""), ("top", most_per_s, self._speed_scale, ","))
        edge = _half_text_px(self, "0")
        for _ in range(2):  # the ticks depend on the room, the room on the first tick's text
            bars_px = max(20.0, width - edge - longest - 12)
            ticks = {
                side: _round_ticks(top, scale, bars_px, metrics, thousands)
                for side, top, scale, thousands in axes
            }
            edge = max(_half_text_px(self, side_ticks[0][1]) for side_ticks in ticks.values())
        per_px = most_s / bars_px
        self.plot.setXRange(-edge * per_px, (width - edge) * per_px, padding=0)
        for side, side_ticks in ticks.items():
            self.plot.getAxis(side).setTicks([side_ticks, []])
        return 0.0

    def _draw(self) -> None:
        elapsed = np.array([v[1] or 0.0 for v in self._values])
        speed = np.array([v[2] or 0.0 for v in self._values]) * self._speed_scale
        for bar, widths, slot in ((self.elapsed_bar, elapsed, 0), (self.speed_bar, speed, 1)):
            bar.setOpts(
                x0=np.zeros(len(widths)),
                width=widths,
                y=self.rows.centers(slot),
                height=TIMING_BAR_PX,
            )
        for label in self._labels:
            self.plot.removeItem(label)
        self._labels = []
        for row, texts in enumerate(self._value_texts()):
            ends = (elapsed[row], speed[row])
            for slot, (end, text) in enumerate(zip(ends, texts, strict=True)):
                label = pg.TextItem(text, color="#212121", anchor=(0, 0.5))
                label.setPos(end, self.rows.centers(slot)[row])
                self.plot.addItem(label)
                self._labels.append(label)


def _round_ticks(
    top: float, scale: float, length_px: float, metrics: QFontMetrics, thousands: str
) -> list[tuple[float, str]]:
    """Round ticks from 0 to top drawn over length_px, their labels apart; at x = value * scale."""
    decimals, step = 2, 1.0
    for _ in range(2):  # a finer step may need more decimals, so wider labels
        widest = metrics.horizontalAdvance(f"{top:{thousands}.{decimals}f}") + TICK_GAP_PX
        step = round_step(top, length_px, widest)
        if step_decimals(step) <= decimals:
            break
        decimals = step_decimals(step)
    decimals = step_decimals(step)
    return [
        (k * step * scale, f"{k * step:{thousands}.{decimals}f}")
        for k in range(int(top / step + 1e-9) + 1)
    ]
