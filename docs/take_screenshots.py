"""Take docs/window-running.png, window-verdict.png and window-experiment.png under X
(window-*.zh_CN.png with --language zh_CN).

    Xvfb :99 -screen 0 1400x900x24 &
    DISPLAY=:99 .venv/bin/python docs/take_screenshots.py [--shots run,experiment]
        [--language zh_CN]

Runs the post's first loop (get(), then break if empty()) slowly enough to
watch: the "running" shot is taken at the first snapshot where a worker has
left and another has been blocked in q.get() for a while (the hang), the "verdict" shot once
the verdict is on screen. Then the Experiment tab runs the post's four loops
ten times each and the "experiment" shot shows the cells, the outcome chart
and the timing chart. Screenshots are of the X root window (ImageMagick
`import`), so they show exactly what a user would see.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from core.experiment import ExperimentResult, ExperimentSpec
from core.params import RunParams
from core.result import Progress, RunResult
from core.strategies import POST, STRATEGIES

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
# The post's setup: its four loops, 3 workers, 100 items, spawn; ten trials each.
EXPERIMENT = ExperimentSpec(
    strategies=tuple(s.id for s in STRATEGIES.values() if s.group == POST),
    trials=10,
    start_methods=("spawn",),
)
BLOCKED = "waiting in get()"  # live snapshots: blocked only once proven
MIN_BLOCKED_S = 0.12
SAFETY_NET_MS = 240_000  # never hang the docs build


def screenshot(path: Path) -> None:
    subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shots", default="run,experiment", help="which shots: run, experiment, or both"
    )
    parser.add_argument(
        "--language", default="en", help="en (window-*.png) or zh_CN (window-*.zh_CN.png)"
    )
    args = parser.parse_args(argv)
    shots = set(args.shots.split(","))
    suffix = "" if args.language == "en" else f".{args.language}"
    # Qt is imported here, not at the top: spawned workers re-import this
    # module, and must not load Qt.
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from gui import i18n
    from gui.main_window import MainWindow

    app = QApplication(sys.argv)
    app.setApplicationName("QueueScope")
    app.setOrganizationName("QueueScope")
    translations = i18n.install(args.language)  # kept: translators work while referenced
    with tempfile.TemporaryDirectory() as settings_dir:
        # Fresh settings: the shots must not depend on the user's last session.
        settings = QSettings(f"{settings_dir}/shots.ini", QSettings.Format.IniFormat)
        window = MainWindow(settings, language=translations.language)
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
            screenshot(DOCS / f"window-running{suffix}.png")

        def on_finished(result: RunResult) -> None:
            print("verdict:", ", ".join(result.outcomes), "-", result.diagnosis)
            QTimer.singleShot(1000, finish)

        def finish() -> None:
            app.sync()
            screenshot(DOCS / f"window-verdict{suffix}.png")
            if "experiment" in shots:
                start_experiment()
            else:
                window.close()

        def start_experiment() -> None:
            tab = window.experiment_tab
            window.tabs.setCurrentWidget(tab)
            tab.spec_panel.set_spec(EXPERIMENT)
            tab.start_experiment()

        def on_experiment_finished(result: ExperimentResult) -> None:
            for cell in result.cells:
                print(cell.cell.coordinates.strategy, cell.headline_counts())
            window.experiment_tab.table.selectRow(0)
            QTimer.singleShot(1000, experiment_shot)

        def experiment_shot() -> None:
            app.sync()
            screenshot(DOCS / f"window-experiment{suffix}.png")
            window.close()

        window.controller.progress.connect(on_progress)
        window.controller.finished.connect(on_finished)
        window.controller.errored.connect(lambda message: (print(message), window.close()))
        window.experiment_controller.finished.connect(on_experiment_finished)
        window.experiment_controller.errored.connect(
            lambda message: (print(message), window.close())
        )
        if "run" in shots:
            QTimer.singleShot(1000, window.start_run)
        else:
            QTimer.singleShot(1000, start_experiment)
        QTimer.singleShot(SAFETY_NET_MS, app.quit)
        return app.exec()


if __name__ == "__main__":
    sys.exit(main())
