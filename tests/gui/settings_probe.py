"""Opens the real window through gui.app.main, reports where its settings go, and closes it.

    python -m tests.gui.settings_probe

Prints one JSON line once the window shows: {"file": the settings file,
"note": the status bar's "settings not saved" reason or ""}, then
"exited <code>" after the event loop returns. For the settings tests, which
run it with HOME unset, missing or read-only.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    from gui.app import main as app_main
    from gui.main_window import MainWindow
    from gui.settings_store import NOTE_NAME

    app = QApplication(sys.argv[:1])

    def report_and_close() -> None:
        window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
        note = window.statusBar().findChild(QLabel, NOTE_NAME)
        reason = note.toolTip() if note is not None else ""
        print(json.dumps({"file": window.settings.fileName(), "note": reason}), flush=True)
        window.close()

    QTimer.singleShot(0, report_and_close)
    QTimer.singleShot(60_000, app.quit)  # a safety net, never the expected path
    code = app_main(sys.argv[:1])
    print("exited", code, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
