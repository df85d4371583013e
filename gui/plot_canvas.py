"""The base of the window's pyqtgraph plots: a white canvas, named, with a minimum height,
and an axis whose tick labels never run into each other in a short plot."""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics

# Vertical room between two tick labels, beyond their height.
TICK_GAP_PX = 2


class PlotCanvas(pg.GraphicsLayoutWidget):  # type: ignore[misc]  # pyqtgraph is untyped
    """A pyqtgraph layout on white (the PNG exports keep it), found by its objectName."""

    def __init__(self, name: str, min_height: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.setObjectName(name)
        self.setMinimumHeight(min_height)


class SparseAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph is untyped
    """A vertical axis with fewer, rounder major ticks when the plot is too short for them.

    pyqtgraph puts at least two major intervals on an axis (0, 0.2, ... 1.0 on
    0-1) however short it is; in a plot 50 px high those six labels overlap.
    """

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        levels: list[tuple[float, float]] = super().tickSpacing(minVal, maxVal, size)
        span = abs(maxVal - minVal)
        if not levels or span == 0 or self.orientation not in ("left", "right"):
            return levels
        room = QFontMetrics(self.style["tickFont"] or self.font()).height() + TICK_GAP_PX
        major = levels[0][0]
        while size * major / span < room and major < span:
            major = _next_round(major)
        return levels if major == levels[0][0] else [(major, 0.0)]


def _next_round(step: float) -> float:
    """The round step after step: 1 -> 2 -> 5 -> 10, in any power of ten."""
    power = 10.0 ** math.floor(math.log10(step) + 1e-9)
    mantissa = round(step / power)
    return {1: 2, 2: 5}.get(mantissa, 10) * power
