"""The "previous run" mark: the run on screen no longer matches the parameters."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSplitter, QWidget

from gui.qtutil import named

DIMMED_OPACITY = 0.45
_VEIL = QColor(255, 255, 255, round(255 * (1 - DIMMED_OPACITY)))


class Veil(QWidget):
    """A translucent sheet over a view: it dims it without changing how the view paints.

    A child widget on top, not a QGraphicsOpacityEffect: an effect caches its view's
    picture, and plots (QGraphicsView) that resize under it left stale copies behind.
    """

    def __init__(self, view: QWidget) -> None:
        # A splitter would take a child of its own for one more pane: then beside it.
        beside = isinstance(view, QSplitter) and view.parentWidget() is not None
        super().__init__(view.parentWidget() if beside else view)
        self.view = view
        self.beside = beside
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setVisible(False)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._fit()
        return False

    def show_over(self, shown: bool) -> None:
        if shown:
            self._fit()
            self.raise_()
        self.setVisible(shown)

    def _fit(self) -> None:
        self.setGeometry(self.view.geometry() if self.beside else self.view.rect())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), _VEIL)
        painter.end()


class PreviousRunMark(QLabel):
    """A line above the run's views, shown with the views dimmed while the run is stale."""

    def __init__(self, dimmed: list[QWidget]) -> None:
        super().__init__()
        named(self, "previousRunLabel")
        self.setWordWrap(True)
        self.setText(
            self.tr(
                "Previous run: the parameters have changed since it ran. Press Start to run "
                "these parameters."
            )
        )
        self.setStyleSheet("color: #5d4037; background: #fff3e0; padding: 3px;")
        self.veils = {view: Veil(view) for view in dimmed}
        self.setVisible(False)
        self.marked = False

    def mark(self, stale: bool) -> None:
        if stale == self.marked:
            return
        self.marked = stale
        self.setVisible(stale)
        for veil in self.veils.values():
            veil.show_over(stale)
