"""Start the window: ``python main.py`` calls main(argv)."""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QProcess, QTimer
from PySide6.QtWidgets import QApplication, QWidget

import resources
from core.cli_redis import keys_deleter
from core.journal import reap_stale_runs
from gui import i18n
from gui.i18n import core_text
from gui.main_window import MainWindow
from gui.settings_store import open_settings, show_not_saved
from gui.unix_signals import install as install_signal_shutdown

APP_NAME = "QueueScope"
# Benchmark and bundle-smoke hook: with this set, the app prints "language <code>
# missing <n>" at start and "first-paint <time.monotonic()>" when the window first
# paints, on stdout, and closes.
EXIT_ON_FIRST_PAINT_ENV = "QUEUESCOPE_EXIT_ON_FIRST_PAINT"


class FirstPaintExit(QObject):
    """Application event filter: on the first paint of `window`, print the time and close it.

    CLOCK_MONOTONIC is system-wide on Linux, so the launcher can subtract its own
    time.monotonic() taken before it started the process.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        ):
            print(f"first-paint {time.monotonic():.6f}", flush=True)
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            QTimer.singleShot(0, self._window.close)
        return False


def clean_up_after_killed_runs(window: MainWindow, temp_dir: str | None = None) -> None:
    """What runs of a killed QueueScope left behind, keys on a shared server too (with the
    password source the window has for its server), said in the status bar and the log."""
    redis_rows = window.params_panel.redis_rows
    delete_keys = keys_deleter(redis_rows.url() or None, redis_rows.password_file())
    for cleaned in reap_stale_runs(temp_dir, delete_keys=delete_keys):
        window.statusBar().showMessage(cleaned.render(core_text))
        window.log_panel.appendPlainText(cleaned.render(core_text))


def main(argv: list[str]) -> int:
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    # QSettings() reads these: $XDG_CONFIG_HOME/QueueScope/QueueScope.conf, or ~/.config/...
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    # Wayland and X11 match the window to the desktop entry (icon, taskbar grouping) by this.
    app.setDesktopFileName(resources.APP_ID)
    store = open_settings()
    language = i18n.effective_language(store.settings)
    translations = i18n.install(language)
    window = MainWindow(store.settings, language=language)
    if store.problem:
        show_not_saved(window, store.problem)
    if os.environ.get(EXIT_ON_FIRST_PAINT_ENV):
        # The bundle's smoke test reads this: the catalogs a frozen app found.
        print(f"language {language} missing {len(translations.missing)}", flush=True)
        app.installEventFilter(FirstPaintExit(window))
    # SIGINT/SIGTERM: cancel the run, stop its thread (bounded), exit 128 + signal number.
    signal_shutdown = install_signal_shutdown(app, window)
    window.show()
    clean_up_after_killed_runs(window)
    try:
        status = app.exec()
    finally:
        if signal_shutdown is not None:
            signal_shutdown.uninstall()
        translations.remove()
        store.close()
    # View → Language → Restart now: the window has closed and reaped its workers.
    if status == 0 and window.restart_requested:
        program, arguments = i18n.restart_command()
        QProcess.startDetached(program, arguments)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
