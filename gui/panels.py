"""Read-only panels: the strategy's code and explanation, and the event log."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QRect
from PySide6.QtGui import QFontDatabase, QResizeEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from core.result import RunResult, TimelineEvent
from core.states import EventKind
from core.strategies import Strategy
from core.text import LIST_SEPARATOR
from core.timeline import POLL_S, evidence_events, sampling_note
from gui.highlighter import PythonHighlighter
from gui.i18n import core_text
from gui.qtutil import named

MAX_LOG_LINES = 5000
MAX_SOURCE_LINES = 24
# Kept in a capped log however many other events there are: what the verdict rests on.
KEY_EVENTS = frozenset(
    {
        EventKind.SAW_EMPTY,
        EventKind.BLOCKED,
        EventKind.CRASHED,
        EventKind.STOPPED,
        EventKind.VANISHED,
        EventKind.EXITED,
    }
)


class StrategyPanel(QWidget):
    """The selected strategy's worker loop (highlighted), explanation and docs note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("strategyPanel")
        self.title_label = named(QLabel(wordWrap=True), "strategyTitle")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.expected_label = named(QLabel(wordWrap=True), "strategyExpected")
        self.source_view = named(QPlainTextEdit(readOnly=True), "strategySource")
        self.source_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.source_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.highlighter = PythonHighlighter(self.source_view.document())
        self.explanation_label = named(QLabel(wordWrap=True), "strategyExplanation")
        self.docs_label = named(QLabel(wordWrap=True), "strategyDocsNote")
        self.docs_label.setStyleSheet("color: #555555;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.expected_label)
        layout.addWidget(self.source_view)
        layout.addWidget(self.explanation_label)
        layout.addWidget(self.docs_label)
        layout.addStretch(1)

    def show_strategy(self, strategy: Strategy) -> None:
        self.title_label.setText(core_text(strategy.title))
        self.expected_label.setText(
            self.tr("Expected: {expected}").format(expected=core_text(strategy.expected))
        )
        source = strategy.source.rstrip()
        self.source_view.setPlainText(source)
        # As tall as the code (no empty box under a six-line loop), within reason.
        lines = min(source.count("\n") + 1, MAX_SOURCE_LINES)
        line_height = self.source_view.fontMetrics().lineSpacing()
        margins = self.source_view.contentsMargins()
        scrollbar = self.source_view.horizontalScrollBar().sizeHint().height()
        self.source_view.setFixedHeight(
            lines * line_height + margins.top() + margins.bottom() + scrollbar + 12
        )
        self.explanation_label.setText(core_text(strategy.explanation))
        self.docs_label.setText(f"<i>{docs_html(core_text(strategy.docs_note))}</i>")
        self.title_label.setToolTip(self.tr("Strategy id: {id}").format(id=strategy.id))


def docs_html(text: str) -> str:
    """A docs quote as rich text: `code` in the quote shown as code, not as backticks."""
    parts = _escape(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: leave the text as it is
        return _escape(text)
    return "".join(
        f"<code>{part}</code>" if index % 2 else part for index, part in enumerate(parts)
    )


class LogPanel(QPlainTextEdit):
    """Worker events in time order, capped so that long runs stay fast.

    A finished run's log hides nothing it does not admit: the takes the
    diagnosis names are added from the records, a note says when the takes
    were sampled, and a log over its cap keeps every crash, proof, exit and
    empty() answer and says how many events it left out. While a run goes,
    a line under the log says that it samples, once it has missed a take.
    """

    def __init__(self, parent: QWidget | None = None, max_lines: int = MAX_LOG_LINES) -> None:
        super().__init__(parent)
        self.setObjectName("eventLog")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # Qt drops the oldest blocks beyond this count.
        self.setMaximumBlockCount(max_lines)
        self.max_lines = max_lines
        self.live_takes = 0  # takes of items listed while the run goes
        self.sampling_label = named(QLabel(self, wordWrap=True), "liveSamplingNote")
        self.sampling_label.setStyleSheet("color: #555555;")
        self.sampling_label.hide()

    def clear(self) -> None:
        super().clear()
        self.live_takes = 0
        self._show_sampling_note(False)

    def append_events(self, events: Iterable[TimelineEvent], processed: int = 0) -> None:
        """A running run's new events; processed is its count of processed items so far."""
        ordered = sorted(events, key=_event_time)
        self.live_takes += sum(e.kind == EventKind.TOOK and e.item is not None for e in ordered)
        lines = [format_event(event) for event in ordered]
        if lines:
            self.appendPlainText("\n".join(lines))
        if processed > self.live_takes and self.sampling_label.isHidden():
            # Every processed item was taken: a take the log lacks fell between two looks.
            self.sampling_label.setText(
                QCoreApplication.translate(
                    "LogPanel",
                    "log: the monitor looks every {ms} ms; takes between two looks are not "
                    "listed; every item is in the table",
                ).format(ms=round(POLL_S * 1000))
            )
            self._show_sampling_note(True)

    def sampling_noted(self) -> bool:
        """True while the live log's sampling note shows."""
        return not self.sampling_label.isHidden()

    def _show_sampling_note(self, shown: bool) -> None:
        if not shown:
            self.sampling_label.clear()  # no stale text left behind the finished log
        self.sampling_label.setVisible(shown)
        self._place_sampling_note()

    def _place_sampling_note(self) -> None:
        """The note takes a strip under the text, above the horizontal scroll bar."""
        if self.sampling_label.isHidden():
            self.setViewportMargins(0, 0, 0, 0)
            return
        area = self.contentsRect()
        width = area.width()
        height = self.sampling_label.heightForWidth(width)
        if height <= 0:
            height = self.sampling_label.sizeHint().height()
        self.setViewportMargins(0, 0, 0, height)
        viewport = self.viewport().geometry()
        self.sampling_label.setGeometry(QRect(area.left(), viewport.bottom() + 1, width, height))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_sampling_note()

    def show_timeline(self, events: list[TimelineEvent], footer: str = "") -> None:
        """Replace the log with the run's complete timeline (the last max_lines)."""
        self._show_sampling_note(False)
        ordered = sorted(events, key=_event_time)
        room = self.max_lines - (1 if footer else 0)
        lines = [format_event(event) for event in ordered[-room:]] if room > 0 else []
        if footer:
            lines.append(footer)
        self.setPlainText("\n".join(lines))
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def show_run(self, result: RunResult) -> None:
        """A finished run: its timeline with the diagnosis's takes, notes and the verdict."""
        self._show_sampling_note(False)  # the finished log's own note says it exactly
        events = sorted([*result.timeline, *evidence_events(result)], key=_event_time)
        notes = []
        note = sampling_note(result, events)
        if note is not None:
            notes.append(note.render(core_text))
        room = self.max_lines - len(notes) - 2
        if len(events) > room:
            dropped = set(result.dropped)
            key = [e for e in events if e.kind in KEY_EVENTS or e.item in dropped]
            kept = {id(e) for e in key[-room:]}
            others = [e for e in events if id(e) not in kept]
            kept.update(id(e) for e in others[len(others) - max(0, room - len(kept)) :])
            shown = [e for e in events if id(e) in kept]
            notes.append(
                QCoreApplication.translate(
                    "LogPanel",
                    "log: the last {shown} of {total} events, with every crash, proof, exit and "
                    "empty() answer; every item is in the table",
                ).format(shown=f"{len(shown):,}", total=f"{len(events):,}")
            )
            events = shown
        lines = [*notes, *(format_event(event) for event in events), verdict_footer(result)]
        self.setPlainText("\n".join(lines))
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def lines(self) -> list[str]:
        text = self.toPlainText()
        return text.split("\n") if text else []


def format_event(event: TimelineEvent) -> str:
    if event.worker == 0:
        who = QCoreApplication.translate("LogPanel", "main")
    else:
        who = QCoreApplication.translate("LogPanel", "worker {number}").format(number=event.worker)
    return f"{event.t:9.3f} s  {who:<10} {event_text(event)}"


def event_text(event: TimelineEvent) -> str:
    """What happened, in the current language."""
    if event.sentence is not None:
        return event.sentence.render(core_text)
    # Events the engine did not make (tests, hand-built results): plain marked text.
    return core_text(event.text or event.kind)


def verdict_footer(result: RunResult) -> str:
    """The log's last line: when the run ended and its outcomes, laid out like an event."""
    label = QCoreApplication.translate("LogPanel", "verdict")
    outcomes = core_text(LIST_SEPARATOR).join(core_text(outcome) for outcome in result.outcomes)
    return f"{result.elapsed_s:9.3f} s  {label:<10} {outcomes}"


def _event_time(event: TimelineEvent) -> float:
    return event.t


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
