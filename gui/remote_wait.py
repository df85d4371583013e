"""While a run waits for its remote workers: the command to paste on their hosts, and who came.

The run controller's remoteWaiting signal (gui.bridge) brings the wait: the
run id, the server's URL (never its password) and k of N joined. The box
shows the exact command (with --loop FILE when the run uses a loop file), a
Copy button, the joins as they come, and a Stop that ends the wait at once
(the run's cancel). It hides when the run ends, whatever the end.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.backends.redis_remote import RemoteWaiting
from core.cli_redis import PASSWORD_VARIABLE
from core.params import RunParams
from core.user_loops import is_loop_id, split_loop_spec
from gui.bridge import RunController
from gui.qtutil import named


def loop_option(strategy_id: str) -> str | None:
    """--loop's FILE[:FUNCTION] for a run of a loop file; None for a built-in strategy."""
    if not is_loop_id(strategy_id):
        return None
    path, function = split_loop_spec(strategy_id)
    return path if function == "loop" else f"{path}:{function}"


class RemoteWaitBox(QGroupBox):
    """Shown while a run waits for its remote workers; hidden otherwise."""

    def __init__(
        self, controller: RunController, stop: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Waiting for remote workers"), parent)
        self.setObjectName("remoteWaitBox")
        self._loop: str | None = None
        self._stop = stop
        self.intro = named(QLabel(wordWrap=True), "remoteIntro")
        self.command_edit = named(QLineEdit(), "remoteCommand")
        self.command_edit.setReadOnly(True)
        self.copy_button = named(QPushButton(self.tr("Copy")), "remoteCopyButton")
        self.copy_button.setToolTip(self.tr("Copy the command to the clipboard"))
        self.password_note = named(QLabel(wordWrap=True), "remotePasswordNote")
        self.password_note.setText(
            self.tr(
                "The password is not in the command: on the other host, give it with "
                "--redis-password-file FILE or the {variable} environment variable."
            ).format(variable=PASSWORD_VARIABLE)
        )
        self.joined_bar = named(QProgressBar(), "remoteJoinedBar")
        self.stop_button = named(QPushButton(self.tr("Stop waiting")), "remoteStopButton")
        self.stop_button.setToolTip(self.tr("End the wait and the run; nothing is left running"))

        command_row = QHBoxLayout()
        command_row.addWidget(self.command_edit, 1)
        command_row.addWidget(self.copy_button)
        joined_row = QHBoxLayout()
        joined_row.addWidget(self.joined_bar, 1)
        joined_row.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(command_row)
        layout.addWidget(self.password_note)
        layout.addLayout(joined_row)
        self.setVisible(False)

        self.copy_button.clicked.connect(self.copy_command)
        self.stop_button.clicked.connect(self._on_stop)
        controller.started.connect(self._on_run_started)
        controller.remoteWaiting.connect(self.show_waiting)
        controller.finished.connect(self._on_run_ended)
        controller.errored.connect(self._on_run_ended)

    def command(self) -> str:
        """The command shown, as it is to be pasted."""
        return self.command_edit.text()

    @Slot()
    def copy_command(self) -> None:
        QGuiApplication.clipboard().setText(self.command())

    @Slot(object)
    def show_waiting(self, waiting: RemoteWaiting) -> None:
        self.intro.setText(
            self.tr(
                "Run {run} waits up to {seconds} s for {count} workers from other hosts. "
                "On each of them, run:"
            ).format(run=waiting.run_id, seconds=f"{waiting.wait_s:g}", count=waiting.count)
        )
        self.command_edit.setText(waiting.command(self._loop))
        self.command_edit.setCursorPosition(0)
        self.joined_bar.setRange(0, waiting.count)
        self.joined_bar.setValue(waiting.joined)
        self.joined_bar.setFormat(
            self.tr("{joined} of {count} joined").format(joined=waiting.joined, count=waiting.count)
        )
        waiting_still = waiting.joined < waiting.count
        self.stop_button.setVisible(waiting_still)
        if not waiting_still:
            self.setTitle(self.tr("Remote workers: all joined"))
        self.setVisible(True)

    @Slot(object)
    def _on_run_started(self, params: RunParams) -> None:
        self._loop = loop_option(params.strategy)
        self.setTitle(self.tr("Waiting for remote workers"))
        self.stop_button.setEnabled(True)
        self.setVisible(False)

    @Slot()
    def _on_stop(self) -> None:
        self.stop_button.setEnabled(False)
        self._stop()

    def _on_run_ended(self, *_end: object) -> None:
        self.setVisible(False)
