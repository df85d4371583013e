"""The base of the window's pyqtgraph plots: a white canvas, named, with a minimum height."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg


class PlotCanvas(pg.GraphicsLayoutWidget):  # type: ignore[misc]  # pyqtgraph is untyped
    """A pyqtgraph layout on white (the PNG exports keep it), found by its objectName."""

    def __init__(self, name: str, min_height: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.setObjectName(name)
        self.setMinimumHeight(min_height)
