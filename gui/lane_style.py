"""How the worker lanes draw each state, and their legend (every state the lanes can draw).

Every WorkerStatus has a style, so nothing is drawn in a colour the legend
does not list. Red is kept for workers the deadlock proof has shown stuck;
waiting inside get() is a calm colour. Colour is never the only cue: blocked,
crashed and never started carry a pattern, drawn on the lanes and in the
legend's swatches alike.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter

from core.states import WorkerStatus
from gui.i18n import core_text

S = WorkerStatus
Pattern = Qt.BrushStyle


@dataclass(frozen=True)
class StateStyle:
    color: str
    pattern: Pattern | None = None  # drawn over the colour, in pattern_color
    pattern_color: str = "#000000"

    def brush(self) -> QBrush:
        return QBrush(QColor(self.color))

    def pattern_brush(self) -> QBrush | None:
        if self.pattern is None:
            return None
        return QBrush(QColor(self.pattern_color), self.pattern)


# In legend order.
STATE_STYLES: dict[WorkerStatus, StateStyle] = {
    S.PROCESSING: StateStyle("#43a047"),
    S.WAITING_GET: StateStyle("#9fa8da"),
    S.TIMED_GET: StateStyle("#f9a825"),
    S.IDLE: StateStyle("#64b5f6"),
    S.STARTING: StateStyle("#90a4ae"),
    S.EXITED: StateStyle("#cfd8dc"),
    S.BLOCKED: StateStyle("#d32f2f", Pattern.BDiagPattern, "#4a0000"),
    S.STOPPED: StateStyle("#ff7043"),
    S.AT_GATE: StateStyle("#fff176", Pattern.Dense5Pattern, "#9e9d24"),
    S.CRASHED: StateStyle("#4a148c", Pattern.DiagCrossPattern, "#ffffff"),
    S.VANISHED: StateStyle("#6d4c41", Pattern.Dense4Pattern, "#d7ccc8"),
    S.NEVER_STARTED: StateStyle("#fafafa", Pattern.Dense6Pattern, "#757575"),
}

SWATCH_PX = 12


@cache
def swatch_url(state: WorkerStatus) -> str:
    """A small PNG of the state's colour and pattern, as a data URL for rich text."""
    style = STATE_STYLES[state]
    image = QImage(SWATCH_PX, SWATCH_PX, QImage.Format.Format_RGB32)
    image.fill(QColor(style.color))
    pattern = style.pattern_brush()
    painter = QPainter(image)
    if pattern is not None:
        painter.fillRect(0, 0, SWATCH_PX, SWATCH_PX, pattern)
    painter.setPen(QColor("#757575"))
    painter.drawRect(0, 0, SWATCH_PX - 1, SWATCH_PX - 1)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; PySide6 wants str
    return "data:image/png;base64," + base64.b64encode(bytes(data.data())).decode("ascii")


def state_label(state: WorkerStatus) -> str:
    """The state's name in the window's language (the core's own word for it)."""
    return core_text(state.label)


def legend_html() -> str:
    """Every lane state as a one-paragraph HTML legend for a QLabel (it wraps between entries)."""
    parts = [
        f'<img src="{swatch_url(state)}" width="{SWATCH_PX}" height="{SWATCH_PX}">'
        f"&nbsp;{state_label(state)}"
        for state in STATE_STYLES
    ]
    return "&nbsp;&nbsp; ".join(parts)
