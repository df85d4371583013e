"""A combo box that shows its current text whole, word-wrapped over as many lines as it needs.

A QComboBox elides a text longer than its field ("The post, loop 1: get(),
then break if e…"); the strategy titles are longer than a left panel that
fits a 1024-px window has room for. This one grows in height instead of
width: it draws the text wrapped in its field, as high as that takes.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QWidget,
)

_WRAP = Qt.TextFlag.TextWordWrap
# Room between the text and the field's edges, as QComboBox's own label has.
TEXT_MARGIN_PX = 2


class WrappingComboBox(QComboBox):
    """A non-editable QComboBox whose closed face word-wraps its current text.

    Its height follows its width (set on every resize and choice): a form
    layout's height-for-width asked for other widths than the field gets.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentIndexChanged.connect(self._fit_height)

    def text_size(self, field_width: int) -> QSize:
        """The size the current text takes, wrapped in a field field_width pixels wide."""
        room = QRect(0, 0, max(1, field_width - 2 * TEXT_MARGIN_PX), 10_000)
        size = self.fontMetrics().boundingRect(room, _WRAP, self.currentText()).size()
        return QSize(size.width() + 2 * TEXT_MARGIN_PX, size.height())

    def height_for(self, width: int) -> int:
        """The height that shows the current text whole in a combo width pixels wide."""
        one_line = super().sizeHint().height()
        field = self._field(QSize(width, one_line))
        extra = self.text_size(field.width()).height() - self.fontMetrics().height()
        return one_line + max(0, extra)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.height_for(max(hint.width(), self.width())))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        height = self.height_for(self.width())
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        text, option.currentText = option.currentText, ""
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
        field = self._field(self.size()).adjusted(TEXT_MARGIN_PX, 0, -TEXT_MARGIN_PX, 0)
        flags = int(_WRAP | Qt.AlignmentFlag.AlignVCenter)
        role = QPalette.ColorRole.ButtonText
        painter.drawItemText(field, flags, option.palette, self.isEnabled(), text, role)

    def _field(self, size: QSize) -> QRect:
        """The rectangle the text goes in, for the combo at size."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        option.rect = QRect(0, 0, size.width(), size.height())
        return self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
