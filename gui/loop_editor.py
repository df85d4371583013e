"""The editor pane of a loop file: highlighted code with line numbers and its problems inline.

CodeEditor is a plain-text editor with a line-number gutter; a problem's
line is tinted and its column underlined, and the gutter shows the line's
number in red. LoopEditor adds the file's name, Save and Save as, the
problems in words under the code, and a busy line while the file is being
checked in its probe process. What the checks say comes from
core.user_loops.check_loop_source (gui.loop_files runs it as you type).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.user_loops import LoopProblem
from gui.highlighter import PythonHighlighter
from gui.i18n import core_text
from gui.qtutil import named

PROBLEM_LINE = QColor("#fde7e9")
PROBLEM_MARK = QColor("#c62828")
GUTTER = QColor("#f3f3f3")
GUTTER_TEXT = QColor("#8c8c8c")
MIN_LINES = 10


class _Gutter(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_gutter(event)


class CodeEditor(QPlainTextEdit):
    """Python code with line numbers; problem lines marked (show_problems)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loopCode")
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(False)
        self.highlighter = PythonHighlighter(self.document())
        self.problem_lines: set[int] = set()
        self._gutter = _Gutter(self)
        self.blockCountChanged.connect(self._fit_gutter)
        self.updateRequest.connect(self._scroll_gutter)
        self._fit_gutter()
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * MIN_LINES)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # A Tab is four spaces: a loop file mixing tabs and spaces does not import.
        if event.key() == Qt.Key.Key_Tab:
            self.insertPlainText("    ")
            return
        super().keyPressEvent(event)

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 10 + self.fontMetrics().horizontalAdvance("9") * max(2, digits)

    def show_problems(self, problems: list[LoopProblem]) -> None:
        """Tint each problem's line and underline from its column to the line's end."""
        selections = []
        self.problem_lines = {p.line for p in problems if p.line > 0}
        for problem in problems:
            block = self.document().findBlockByNumber(problem.line - 1)
            if problem.line <= 0 or not block.isValid():
                continue
            line = QTextEdit.ExtraSelection()
            line.format.setBackground(PROBLEM_LINE)
            line.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            line.cursor = self.textCursor()
            line.cursor.setPosition(block.position())
            selections.append(line)
            mark = QTextEdit.ExtraSelection()
            mark.format.setUnderlineStyle(mark.format.UnderlineStyle.WaveUnderline)
            mark.format.setUnderlineColor(PROBLEM_MARK)
            mark.cursor = self.textCursor()
            column = max(0, min(problem.column - 1, block.length() - 1))
            mark.cursor.setPosition(block.position() + column)
            mark.cursor.setPosition(
                block.position() + max(column + 1, block.length() - 1),
                mark.cursor.MoveMode.KeepAnchor,
            )
            selections.append(mark)
        self.setExtraSelections(selections)
        self._gutter.update()

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self._gutter)
        painter.fillRect(event.rect(), GUTTER)
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        width = self._gutter.width() - 5
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                number = block.blockNumber() + 1
                painter.setPen(PROBLEM_MARK if number in self.problem_lines else GUTTER_TEXT)
                painter.drawText(0, top, width, height, Qt.AlignmentFlag.AlignRight, str(number))
            block = block.next()
            top = bottom
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def _fit_gutter(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._fit_gutter()


class LoopEditor(QWidget):
    """A loop file being edited: its name, Save / Save as, the code, its problems, busy.

    Signals:
        saveRequested(): Save was clicked.
        saveAsRequested(): Save as was clicked.
    """

    saveRequested = Signal()
    saveAsRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loopEditor")
        self.path = ""
        self.file_label = named(QLabel(), "loopFileName")
        self.save_button = named(QPushButton(self.tr("Save")), "saveLoopButton")
        self.save_button.setToolTip(self.tr("Write the loop file; it is checked again"))
        self.save_as_button = named(QPushButton(self.tr("Save as…")), "saveLoopAsButton")
        self.save_as_button.setToolTip(self.tr("Write the loop to another file and use that one"))
        self.code = CodeEditor()
        self.problems_label = named(QLabel(wordWrap=True), "loopProblems")
        self.problems_label.setStyleSheet("color: #c62828;")
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label.setVisible(False)
        self.busy_bar = named(QProgressBar(), "loopBusy")
        self.busy_bar.setRange(0, 0)  # busy: no percentage to show
        self.busy_bar.setTextVisible(True)
        self.busy_bar.setFormat(self.tr("Checking the loop file (importing it in a child)…"))
        self.busy_bar.setVisible(False)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.file_label, 1)
        header.addWidget(self.save_button)
        header.addWidget(self.save_as_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.code, 1)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.busy_bar)
        self.save_button.clicked.connect(self.saveRequested)
        self.save_as_button.clicked.connect(self.saveAsRequested)
        self.code.modificationChanged.connect(self._show_name)
        self.setVisible(False)

    def set_file(self, path: str, text: str) -> None:
        """Show the file's text as saved (not modified); the cursor stays where it was."""
        self.path = path
        position = self.code.textCursor().position()
        self.code.setPlainText(text)
        cursor = self.code.textCursor()
        cursor.setPosition(min(position, len(text)))
        self.code.setTextCursor(cursor)
        self.code.document().setModified(False)
        self._show_name()

    def text(self) -> str:
        return self.code.toPlainText()

    def is_modified(self) -> bool:
        return self.code.document().isModified()

    def mark_saved(self) -> None:
        self.code.document().setModified(False)

    def show_problems(self, problems: list[LoopProblem], note: str = "") -> None:
        """The problems marked in the code and said in words (line, column: why); note after."""
        self.code.show_problems(problems)
        lines = [self.problem_text(problem) for problem in problems]
        if note:
            lines.append(note)
        self.problems_label.setText("\n".join(lines))
        self.problems_label.setVisible(bool(lines))

    def problem_text(self, problem: LoopProblem) -> str:
        message = problem.message.render(core_text)
        if problem.line <= 0:
            return message
        return self.tr("line {line}, column {column}: {message}").format(
            line=problem.line, column=problem.column, message=message
        )

    def set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        self.save_button.setEnabled(not busy)
        self.save_as_button.setEnabled(not busy)

    def _show_name(self, *_: object) -> None:
        name = os.path.basename(self.path)
        self.file_label.setText(f"{name} •" if self.is_modified() else name)
        self.file_label.setToolTip(self.path)
