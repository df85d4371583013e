"""Start the window: ``python main.py`` calls main(argv)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow
from gui.unix_signals import install as install_signal_shutdown

APP_NAME = "QueueScope"


def main(argv: list[str]) -> int:
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    # QSettings() reads these: ~/.config/QueueScope/QueueScope.conf on Linux.
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    window = MainWindow()
    # SIGINT/SIGTERM: cancel the run, stop its thread (bounded), exit 128 + signal number.
    signal_shutdown = install_signal_shutdown(app, window)
    window.show()
    try:
        return app.exec()
    finally:
        if signal_shutdown is not None:
            signal_shutdown.uninstall()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
