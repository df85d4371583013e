"""Take docs/window-running.png and docs/window-verdict.png of the real window under X.

    Xvfb :99 -screen 0 1400x900x24 &
    DISPLAY=:99 .venv/bin/python docs/take_screenshots.py

Runs the post's first loop (get(), then break if empty()) slowly enough to
watch: the "running" shot is taken at the first snapshot where a worker has
left and another has been blocked in q.get() for a while (the hang), the "verdict" shot once
the verdict is on screen. Screenshots are of the X root window (ImageMagick
`import`), so they show exactly what a user would see.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from core.params import RunParams
from core.result import Progress, RunResult

DOCS = Path(__file__).resolve().parent
# Jitter spreads the workers' last items apart, so the hang (one worker gone,
# another blocked in q.get() while a third finishes) lasts long enough to see.
PARAMS = RunParams(
    strategy="seed-empty-after-get",
    items=60,
    workers=3,
    work_ms=20.0,
    jitter_ms=600.0,
)
BLOCKED = "blocked in get()"
MIN_BLOCKED_S = 0.12


def screenshot(path: Path) -> None:
    subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)
    print(f"wrote {path}")


def main() -> int:
    # Qt is imported here, not at the top: spawned workers re-import this
    # module, and must not load Qt.
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    app = QApplication(sys.argv)
    app.setApplicationName("QueueScope")
    app.setOrganizationName("QueueScope")
    with tempfile.TemporaryDirectory() as settings_dir:
        # Fresh settings: the shots must not depend on the user's last session.
        settings = QSettings(f"{settings_dir}/shots.ini", QSettings.Format.IniFormat)
        window = MainWindow(settings)
        window.setGeometry(0, 0, 1400, 900)
        window.params_panel.set_params(PARAMS)
        window.show()
        shot_taken = False

        def on_progress(progress: Progress) -> None:
            nonlocal shot_taken
            states = [w.state for w in progress.workers]
            blocked_for = [
                progress.elapsed_s - w.since_s for w in progress.workers if w.state == BLOCKED
            ]
            hanging = "exited" in states and blocked_for and max(blocked_for) >= MIN_BLOCKED_S
            if shot_taken or not hanging:
                return
            shot_taken = True
            # Paint this very snapshot before the X server is read.
            window.lanes.redraw()
            window.repaint()
            app.sync()
            screenshot(DOCS / "window-running.png")

        def on_finished(result: RunResult) -> None:
            print("verdict:", ", ".join(result.outcomes), "-", result.diagnosis)
            QTimer.singleShot(1000, finish)

        def finish() -> None:
            app.sync()
            screenshot(DOCS / "window-verdict.png")
            window.close()

        window.controller.progress.connect(on_progress)
        window.controller.finished.connect(on_finished)
        window.controller.errored.connect(lambda message: (print(message), window.close()))
        QTimer.singleShot(1000, window.start_run)
        QTimer.singleShot(60_000, app.quit)  # never hang the docs build
        return app.exec()


if __name__ == "__main__":
    sys.exit(main())
