"""Rows of horizontal bars, each under its own label: the layout of the experiment charts.

A strategy's title on a plot's left axis took the width its bars needed (in
a 1024-px window the bars were left a few pixels). Here each row's label is
a line of its own above the row's bars, word-wrapped at the plot's width, so
the bars get the whole width at any window size.

pyqtgraph draws text at a fixed pixel size whatever the view's scale, so the
rows are laid out in pixels: the view's y axis counts pixels from its top.
The canvas asks for the height its rows need, and sits in a scroll area
(scrolling()) that scrolls when the window is shorter than that.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

LABEL_COLOR = "#212121"
TOP_PX = 4  # above the first row
LABEL_GAP_PX = 1  # between a label and its row's first bar
BAR_GAP_PX = 2  # between the bars of a row
ROW_GAP_PX = 8  # between rows


class BarRows:
    """The rows of one plot: its labels placed, and each bar slot's y per row.

    bar_heights: the height in pixels of each bar of a row (one per slot).
    fit_x(width): sets the plot's x range for a view width pixels wide and
    returns the x where the bars start (the labels start there too).
    draw(): places the chart's bars and texts at centers(slot).
    """

    def __init__(
        self,
        canvas: QWidget,
        plot: Any,
        bar_heights: Sequence[int],
        fit_x: Callable[[float], float],
        draw: Callable[[], None],
    ) -> None:
        self.canvas = canvas
        self.plot = plot
        self.bar_heights = tuple(bar_heights)
        self._fit_x = fit_x
        self._draw = draw
        self.labels: list[pg.TextItem] = []
        self._centers = [np.zeros(0) for _ in self.bar_heights]
        self._laying_out = False
        plot.hideAxis("left")
        plot.invertY(True)
        plot.vb.sigResized.connect(self.layout)

    def set_labels(self, texts: Sequence[str]) -> None:
        """One row per text, top to bottom; lays the rows out again."""
        for label in self.labels:
            self.plot.removeItem(label)
        self.labels = []
        for text in texts:
            label = pg.TextItem(text, color=LABEL_COLOR, anchor=(0, 0))
            self.plot.addItem(label)
            self.labels.append(label)
        self.layout()

    def centers(self, slot: int) -> np.ndarray:
        """The y (pixels from the view's top) of each row's bar in slot."""
        return self._centers[slot]

    def layout(self) -> None:
        """Place the rows for the view's current size, then let the chart draw."""
        if self._laying_out:
            return
        self._laying_out = True
        try:
            self._layout()
        finally:
            self._laying_out = False

    def _layout(self) -> None:
        view = self.plot.vb
        width = max(1.0, view.width())
        origin = self._fit_x(width)
        (left, right), _ = view.viewRange()
        per_px = (right - left) / width
        origin_px = (origin - left) / per_px
        y = float(TOP_PX)
        bars_tops = []
        for label in self.labels:
            margin = label.textItem.document().documentMargin()
            # The text, not its margin, starts where the bars do and ends inside the view.
            label.setTextWidth(max(1.0, width - origin_px + 2 * margin - 2))
            label.setPos(origin - margin * per_px, y - margin)
            y += label_height(label) + LABEL_GAP_PX
            bars_tops.append(y)
            y += sum(self.bar_heights) + BAR_GAP_PX * (len(self.bar_heights) - 1) + ROW_GAP_PX
        needed = y - ROW_GAP_PX + TOP_PX if self.labels else 0.0
        offset = 0.0
        for slot, height in enumerate(self.bar_heights):
            self._centers[slot] = np.array(bars_tops) + offset + height / 2
            offset += height + BAR_GAP_PX
        view.setYRange(0, max(view.height(), needed), padding=0)
        self._draw()
        # Room for every row: the canvas asks for it, its scroll area gives it.
        outside = self.canvas.height() - view.height()
        wanted = math.ceil(needed + max(0.0, outside))
        if view.height() > 0 and wanted != self.canvas.minimumHeight():
            self.canvas.setMinimumHeight(wanted)


def label_height(label: pg.TextItem) -> float:
    """The height of label's text (its document's margins left out)."""
    margin = label.textItem.document().documentMargin()
    return float(label.textItem.boundingRect().height() - 2 * margin)


def round_step(span: float, length_px: float, min_gap_px: float) -> float:
    """The smallest round step (1, 2, 5 times a power of ten) at least min_gap_px apart."""
    if span <= 0 or length_px <= 0:
        return 1.0
    step = 10.0 ** math.floor(math.log10(span * min_gap_px / length_px))
    while step * length_px / span < min_gap_px:
        power = 10.0 ** math.floor(math.log10(step) + 1e-9)
        step = {1: 2, 2: 5}.get(round(step / power), 10) * power
    return step


def step_decimals(step: float) -> int:
    """Decimals that tell ticks step apart (0.25 s steps: 2)."""
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    return decimals


def scrolling(canvas: QWidget) -> QScrollArea:
    """canvas in a frameless scroll area that scrolls vertically when the rows need it."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(canvas)
    return area
