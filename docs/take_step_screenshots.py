"""Take docs/window-step.png and window-explore.png under X (*.zh_CN.png with --language zh_CN).

    Xvfb :99 -screen 0 1400x900x24 &
    DISPLAY=:99 .venv/bin/python docs/take_step_screenshots.py [--language zh_CN]

Step: loads the shipped loop-2 schedule into step mode (Help → Force the race's
Try it path), lets it replay all but its last steps and takes the shot while the
run waits for the user's next click, with each worker's next operation on its
lane. Explore: explores the post's loop 2 with 2 workers and 3 items and takes
the shot once the shrunk failing schedule is drawn and confirmed on real
processes.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

import resources
from core.params import RunParams
from core.schedule import dump, load

DOCS = Path(__file__).resolve().parent
LOOP_2 = resources.path("schedules") / "loop2-deadlock.json"
KEPT_BACK = 3  # steps left for the user to click: the shot shows the race about to happen
SAFETY_NET_MS = 120_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en")
    args = parser.parse_args(argv)
    suffix = "" if args.language == "en" else f".{args.language}"
    from PySide6.QtCore import QSettings, QTimer  # not at the top: workers re-import this
    from PySide6.QtWidgets import QApplication
    from take_screenshots import screenshot  # this folder is first on sys.path

    from gui import i18n
    from gui.main_window import MainWindow

    app = QApplication(sys.argv)
    app.setApplicationName("QueueScope")
    translations = i18n.install(args.language)
    with tempfile.TemporaryDirectory() as scratch:
        settings = QSettings(f"{scratch}/shots.ini", QSettings.Format.IniFormat)
        window = MainWindow(settings, language=translations.language)
        window.setGeometry(0, 0, 1400, 900)
        window.show()
        schedule = load(LOOP_2)
        prefix = dataclasses.replace(schedule, steps=schedule.steps[:-KEPT_BACK])
        prefix_path = Path(scratch) / "loop2-prefix.json"
        dump(prefix, prefix_path)
        step_panel = window.step_panel

        def load_prefix() -> None:
            step_panel.load_schedule(str(prefix_path))
            wait_for_offers()

        def wait_for_offers() -> None:
            stepping = step_panel.stepping
            replayed = stepping is not None and len(stepping.steps()) == len(prefix.steps)
            if replayed and stepping is not None and stepping.offers():
                QTimer.singleShot(800, step_shot)
            else:
                QTimer.singleShot(100, wait_for_offers)

        def step_shot() -> None:
            app.sync()
            screenshot(DOCS / f"window-step{suffix}.png")
            window.cancel_button.click()
            QTimer.singleShot(1500, start_explore)

        def start_explore() -> None:
            if window.controller.is_running():
                QTimer.singleShot(200, start_explore)
                return
            step_panel.switch.setChecked(False)
            window.params_panel.set_params(
                RunParams(strategy="seed-while-not-empty", workers=2, items=3)
            )
            window.explore_panel.runningChanged.connect(explore_ended)
            window.explore_panel.explore()

        def explore_ended(running: bool) -> None:
            if not running:
                QTimer.singleShot(1000, explore_shot)

        def explore_shot() -> None:
            app.sync()
            screenshot(DOCS / f"window-explore{suffix}.png")
            window.close()

        QTimer.singleShot(1000, load_prefix)
        QTimer.singleShot(SAFETY_NET_MS, app.quit)
        return app.exec()


if __name__ == "__main__":
    sys.exit(main())
