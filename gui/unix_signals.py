"""SIGINT and SIGTERM shut the window down cleanly instead of killing it mid-run.

A Python signal handler only runs when the interpreter gets control, and
while Qt's event loop waits in C++ it may not for a long time. So the C
handler's wake-up byte (signal.set_wakeup_fd) goes to a socket watched by a
QSocketNotifier: the event loop wakes at once, and the shutdown runs there,
in the GUI thread: the window closes (closeEvent cancels the run or
experiment, waits for its thread with a bound and saves the settings), then
the application exits with 128 + the signal number (130 for SIGINT, 143 for
SIGTERM), as the headless commands do. Until it is installed, main.py's
start-up handlers (core.interrupts) end a window still loading with the same
codes, and they are back after uninstall().

If the run will not stop within the window's bound, the close is refused
(destroying a running QThread would abort the process) and the window closes
by itself once the run ends; the exit follows then.
"""

from __future__ import annotations

import contextlib
import signal
import socket
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from core.interrupts import SHUTDOWN_SIGNALS, exit_code_for

__all__ = ["SHUTDOWN_SIGNALS", "SignalShutdown", "exit_code_for", "install"]

CLOSE_POLL_MS = 100


class SignalShutdown(QObject):
    """Closes `window` and exits the application when SIGINT or SIGTERM arrives.

    Signals:
        received(int): a shutdown signal arrived (its number), before the window closes.
    """

    received = Signal(int)

    def __init__(
        self,
        app: QApplication,
        window: QWidget,
        signals: tuple[signal.Signals, ...] = SHUTDOWN_SIGNALS,
    ) -> None:
        super().__init__(app)
        self._app = app
        self._window = window
        self._signals = frozenset(int(s) for s in signals)
        self.exit_code: int | None = None
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_wakeup_fd = signal.set_wakeup_fd(
            self._writer.fileno(), warn_on_full_buffer=False
        )
        self._previous_handlers = {s: signal.signal(s, _note_signal) for s in signals}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_readable)
        self._close_poll = QTimer(self)
        self._close_poll.setSingleShot(True)
        self._close_poll.setInterval(CLOSE_POLL_MS)
        self._close_poll.timeout.connect(self._exit_when_closed)
        self._installed = True

    def uninstall(self) -> None:
        """Give back the previous handlers and wake-up fd; close the socket pair."""
        if not self._installed:
            return
        self._installed = False
        self._notifier.setEnabled(False)
        self._close_poll.stop()
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._previous_wakeup_fd)
        self._reader.close()
        self._writer.close()

    @Slot()
    def _on_readable(self) -> None:
        try:
            data = self._reader.recv(256)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        # Every signal with a Python handler writes its byte here (SIGALRM of a
        # test timeout, too): act on ours only.
        for signum in data:
            if signum in self._signals:
                self._shut_down(signum)

    def _shut_down(self, signum: int) -> None:
        first = self.exit_code is None
        if first:
            self.exit_code = exit_code_for(signum)
        self.received.emit(signum)
        # The exit code is ours to give: do not let the last window's close quit with 0.
        self._app.setQuitOnLastWindowClosed(False)
        if first or self._window.isVisible():
            self._window.close()
        self._exit_when_closed()

    @Slot()
    def _exit_when_closed(self) -> None:
        if self._window.isVisible():
            # The close was refused while the run stops; the window closes itself
            # when it has stopped (MainWindow._close_if_pending).
            self._close_poll.start()
            return
        self._app.exit(self.exit_code if self.exit_code is not None else 0)


def _note_signal(signum: int, frame: FrameType | None) -> None:
    """The Python-level handler: nothing to do here, the wake-up byte carries the signal.

    It must exist (not SIG_DFL) so that SIGTERM does not kill the process and
    SIGINT does not raise KeyboardInterrupt in whatever code runs.
    """


def install(app: QApplication, window: QWidget) -> SignalShutdown | None:
    """SignalShutdown for the main thread; None where signals cannot be set (another thread)."""
    with contextlib.suppress(ValueError):  # set_wakeup_fd works in the main thread only
        return SignalShutdown(app, window)
    return None
