"""Opens the real window through gui.app.main and starts a long run by itself.

    python -m tests.gui.app_harness SETTINGS_DIR [experiment]

For the signal tests: the test waits until this process has worker children,
sends it SIGTERM or SIGINT, and checks the exit code and that no worker is
left. Prints "started" when the run (or experiment) starts, "ended <outcome>"
if it ends by itself, and "exited busy=<bool> code=<exit code>" once the
application's event loop has returned. QSettings go to SETTINGS_DIR, never to
the user's.

Nothing Qt is imported at module level: spawned workers re-import this module
as their __main__ and must not load Qt.
"""

from __future__ import annotations

import sys

# 3 workers x 100 000 items x 1 ms: about half a minute unless something stops it.
ITEMS, WORKERS, WORK_MS = 100_000, 3, 1.0
SAFETY_NET_MS = 120_000


def main(argv: list[str]) -> int:
    from core.interrupts import exit_at_once_on_signals

    exit_at_once_on_signals()  # as main.py does, before the imports below
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from core.experiment import ExperimentSpec
    from core.params import RunParams
    from gui.app import main as app_main
    from gui.main_window import MainWindow

    settings_dir = argv[1]
    experiment = len(argv) > 2 and argv[2] == "experiment"
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.NativeFormat, scope, settings_dir)
    app = QApplication(argv[:1])

    def start() -> None:
        window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
        if experiment:
            tab = window.experiment_tab
            tab.spec_panel.set_spec(
                ExperimentSpec(
                    strategies=("sentinel-per-worker",),
                    queue_kinds=("mp",),
                    trials=3,
                    items=(ITEMS,),
                    workers=(WORKERS,),
                    work_ms=WORK_MS,
                )
            )
            window.experiment_controller.finished.connect(
                lambda result: print(
                    "ended", "cancelled" if result.cancelled else "done", flush=True
                )
            )
            tab.start_experiment()
        else:
            window.params_panel.set_params(
                RunParams(
                    strategy="sentinel-per-worker",
                    queue_kind="mp",
                    items=ITEMS,
                    workers=WORKERS,
                    work_ms=WORK_MS,
                )
            )
            window.runEnded.connect(lambda result: print("ended", result.outcome, flush=True))
            window.start_run()
        print("started", flush=True)

    QTimer.singleShot(0, start)
    QTimer.singleShot(SAFETY_NET_MS, app.quit)  # never the expected path
    code = app_main(argv[:1])
    # The window's close stops the run and drops its late signals: say what is left.
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
    print("exited", f"busy={any(w.is_busy() for w in windows)}", f"code={code}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
