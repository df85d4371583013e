"""File → Open result…, Open experiment… and Recent: saved results back on screen.

The entries sit in the File menu after "Open experiment spec…". A file is read
whole and checked (gui.result_files) before anything on screen changes; a file
that cannot be shown gives one message box and leaves the window as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction

from core.experiment import ExperimentResult
from core.result import RunResult
from gui.exports import JSON_FILTER
from gui.file_menu import FileMenu
from gui.result_files import (
    EXPERIMENT_FILE,
    RUN_FILE,
    SPEC_FILE,
    RecentFiles,
    ResultFileError,
    open_experiment,
    open_run,
)


class OpenHost(Protocol):
    """Where opened results go (MainWindow is one)."""

    def is_running(self) -> bool: ...  # a single run is going
    def is_busy(self) -> bool: ...  # a single run or an experiment is going
    def show_run_result(self, result: RunResult, message: str) -> None: ...
    def show_experiment_result(self, result: ExperimentResult, message: str) -> None: ...


class OpenActions(QObject):
    """The open entries of a FileMenu and the Recent submenu; recent keeps the list."""

    def __init__(self, file_menu: FileMenu, host: OpenHost, recent: RecentFiles) -> None:
        super().__init__(file_menu)
        self.file_menu = file_menu
        self.host = host
        self.recent = recent
        menu = file_menu.menu
        before = file_menu.save_spec_action

        def action(name: str, text: str, slot: Callable[[], object]) -> QAction:
            act = QAction(text, file_menu.window)
            act.setObjectName(name)
            act.triggered.connect(slot)
            menu.insertAction(before, act)
            return act

        self.open_result_action = action(
            "openResultAction", self.tr("Open result…"), self.open_result
        )
        self.open_experiment_action = action(
            "openExperimentAction", self.tr("Open experiment…"), self.open_experiment
        )
        self.recent_menu = menu.addMenu(self.tr("Recent"))
        self.recent_menu.setObjectName("recentMenu")
        menu.insertMenu(before, self.recent_menu)
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        menu.aboutToShow.connect(self.refresh)
        file_menu.fileUsed.connect(self.recent.add)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Nothing is opened over a result being made."""
        self.open_result_action.setEnabled(not self.host.is_running())
        self.open_experiment_action.setEnabled(not self.host.is_busy())

    # --- opening -----------------------------------------------------------------

    @Slot()
    def open_result(self) -> bool:
        path = self.file_menu.ask_open_path(self.tr("Open result"), JSON_FILTER)
        return path is not None and self.open_run_file(path)

    @Slot()
    def open_experiment(self) -> bool:
        path = self.file_menu.ask_open_path(self.tr("Open experiment"), JSON_FILTER)
        return path is not None and self.open_experiment_file(path)

    def open_run_file(self, path: str) -> bool:
        if self.host.is_running():
            return False
        try:
            result = open_run(path)
        except ResultFileError as error:
            self.file_menu.report_error(self.tr("Could not open the result"), str(error))
            return False
        self.host.show_run_result(result, self.tr("Opened result {path}").format(path=path))
        self.recent.add(RUN_FILE, path)
        return True

    def open_experiment_file(self, path: str) -> bool:
        if self.host.is_busy():
            return False
        try:
            result = open_experiment(path)
        except ResultFileError as error:
            self.file_menu.report_error(self.tr("Could not open the experiment"), str(error))
            return False
        self.host.show_experiment_result(
            result, self.tr("Opened experiment {path}").format(path=path)
        )
        self.recent.add(EXPERIMENT_FILE, path)
        return True

    def open_recent(self, kind: str, path: str) -> bool:
        if not os.path.isfile(path):
            self._say_dropped(self.recent.drop_missing())
            return False
        if kind == RUN_FILE:
            return self.open_run_file(path)
        if kind == EXPERIMENT_FILE:
            return self.open_experiment_file(path)
        return self.file_menu.open_spec_file(path)

    # --- the Recent submenu ------------------------------------------------------

    @Slot()
    def fill_recent(self) -> None:
        """The list as it is now: files that are gone are dropped, and the status bar says so."""
        self._say_dropped(self.recent.drop_missing())
        menu = self.recent_menu
        menu.clear()
        kinds = {
            RUN_FILE: self.tr("result"),
            EXPERIMENT_FILE: self.tr("experiment"),
            SPEC_FILE: self.tr("spec"),
        }
        entries = self.recent.entries()
        for kind, path in entries:
            act = menu.addAction(
                self.tr("{name} ({kind})").format(name=os.path.basename(path), kind=kinds[kind])
            )
            act.setToolTip(path)
            act.setStatusTip(path)
            act.setData(f"{kind}:{path}")
            act.triggered.connect(self._recent_slot(kind, path))
        if not entries:
            menu.addAction(self.tr("No recent files")).setEnabled(False)
            return
        menu.addSeparator()
        clear = menu.addAction(self.tr("Clear the list"))
        clear.setObjectName("clearRecentAction")
        clear.triggered.connect(self.recent.clear)

    def _recent_slot(self, kind: str, path: str) -> Callable[[], None]:
        def open_it() -> None:
            self.open_recent(kind, path)

        return open_it

    def _say_dropped(self, missing: list[str]) -> None:
        if missing:
            self.file_menu.window.statusBar().showMessage(
                self.tr("Removed from Recent (the file is gone): {paths}").format(
                    paths=", ".join(missing)
                )
            )
