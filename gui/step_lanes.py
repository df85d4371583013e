"""Step mode on the worker lanes: each waiting worker's next operation, and lane clicks.

While a controlled run waits for the user, a label at the live end of each
worker's lane says what that worker waits to run at the gate
(`W2 ▸ q.get()`), exactly as core.schedule.StepControl offers it. A get()
that step mode has shown blocked (and no item has been put since) reads
`(blocked)`, in red. Nothing is drawn for a run that is not controlled or
a worker that is not at the gate. A click on a lane asks to advance that
worker by one operation (the step panel decides whether it can move).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QFontMetrics

from core.schedule import Offer, Step
from core.stepper import BLOCKED
from gui.lanes import WorkerLanes

NEXT_COLOR = "#0d2b5e"
BLOCKED_COLOR = "#b71c1c"
LABEL_FILL = (255, 255, 255, 225)
LABEL_PADDING_PX = 8  # TextItem's margins around its text, both sides together


def shown_blocked(who: str, steps: Sequence[Step]) -> bool:
    """who's last step was a get() shown blocked, and nobody has put an item since."""
    for step in reversed(steps):
        if step.op in ("put", "flush"):  # an item may have arrived
            return False
        if step.who == who:
            return step.result == BLOCKED
    return False


def offer_label(offer: Offer, steps: Sequence[Step]) -> str:
    """What a waiting participant is about to run, and whether its get() blocks or is blocked."""
    text = str(offer)
    if not offer.blocks:
        return text
    if shown_blocked(offer.who, steps):
        return QCoreApplication.translate("StepPanel", "{operation} (blocked)").format(
            operation=text
        )
    return QCoreApplication.translate("StepPanel", "{operation} (blocks)").format(operation=text)


class StepLanes(QObject):
    """The lanes' step-mode labels and clicks.

    Signals:
        advanceRequested(str): a lane with a waiting worker was clicked (W1..Wn).
    """

    advanceRequested = Signal(str)

    def __init__(self, lanes: WorkerLanes) -> None:
        super().__init__(lanes)
        self.lanes = lanes
        self.labels: dict[str, pg.TextItem] = {}
        lanes.redrawn.connect(self._place)
        lanes.lane_plot.sigXRangeChanged.connect(self._place)
        lanes.scene().sigMouseClicked.connect(self._on_clicked)
        lanes.scene().sigMouseMoved.connect(self._on_moved)

    def show_offers(self, offers: Sequence[Offer], steps: Sequence[Step]) -> None:
        """One label per worker at the gate (the producer has no lane); the others none."""
        wanted = {o.who: o for o in offers if o.who[:1] == "W"}  # P and feeders have no lane
        for who in list(self.labels):
            if who not in wanted:
                self.lanes.lane_plot.removeItem(self.labels.pop(who))
        for who, offer in wanted.items():
            text = offer_label(offer, steps)
            blocked = offer.blocks and shown_blocked(who, steps)
            label = self.labels.get(who)
            if label is None:
                label = pg.TextItem(fill=pg.mkBrush(*LABEL_FILL))
                label.setZValue(10)  # over the state bars and the processing spans
                self.lanes.lane_plot.addItem(label, ignoreBounds=True)
                self.labels[who] = label
            color = BLOCKED_COLOR if blocked else NEXT_COLOR
            label.setText(text, color=color)
            label.border = pg.mkPen(color, width=2 if blocked else 1)
            font = label.textItem.font()
            font.setBold(blocked)
            label.setFont(font)
            label.update()
        self._place()

    def label_text(self, who: str) -> str | None:
        """The text on who's lane now; None where no label is drawn."""
        label = self.labels.get(who)
        return label.toPlainText() if label is not None else None

    def label_color(self, who: str) -> str | None:
        label = self.labels.get(who)
        return label.color.name() if label is not None else None

    def lane_center(self, who: str) -> QPointF:
        """The middle of who's lane, in the lanes widget's coordinates (where a click goes)."""
        vb = self.lanes.lane_plot.vb
        left, right = vb.viewRange()[0]
        middle = QPointF((left + right) / 2, float(who[1:]))
        return QPointF(self.lanes.mapFromScene(vb.mapViewToScene(middle)))

    # --- internals ---------------------------------------------------------------

    def _place(self) -> None:
        """At the lane's live end: the label ends there, or starts there if it has no room."""
        vb = self.lanes.lane_plot.vb
        (left, right), width = vb.viewRange()[0], vb.width()
        now = self.lanes.now
        room_px = (now - left) / (right - left) * width if right > left and width > 0 else 0.0
        for who, label in self.labels.items():
            needed = QFontMetrics(label.textItem.font()).horizontalAdvance(label.toPlainText())
            fits_before = room_px >= needed + LABEL_PADDING_PX
            label.setAnchor((1.0, 0.5) if fits_before else (0.0, 0.5))
            label.setPos(now, float(who[1:]))

    def _waiting_worker_at(self, scene_pos: QPointF) -> str | None:
        where = self.lanes.lane_and_time(scene_pos)
        who = f"W{where[0]}" if where is not None else None
        return who if who in self.labels else None

    def _on_clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        who = self._waiting_worker_at(event.scenePos())
        if who is not None:
            self.advanceRequested.emit(who)

    def _on_moved(self, scene_pos: QPointF) -> None:
        if self._waiting_worker_at(scene_pos) is not None:
            self.lanes.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.lanes.unsetCursor()
