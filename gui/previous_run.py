"""The "previous run" mark: the run on screen no longer matches the parameters."""

from __future__ import annotations

from PySide6.QtWidgets import QGraphicsOpacityEffect, QLabel, QWidget

from gui.qtutil import named

DIMMED_OPACITY = 0.45


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
        self._effects = []
        for widget in dimmed:
            effect = QGraphicsOpacityEffect(widget)
            effect.setOpacity(DIMMED_OPACITY)
            effect.setEnabled(False)
            widget.setGraphicsEffect(effect)
            self._effects.append(effect)
        self.setVisible(False)
        self.marked = False

    def mark(self, stale: bool) -> None:
        if stale == self.marked:
            return
        self.marked = stale
        self.setVisible(stale)
        for effect in self._effects:
            effect.setEnabled(stale)
