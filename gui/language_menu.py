"""View → Language: the language saved for the next start, and the offer to restart now.

Its texts are the main window's (translation context "MainWindow"): the menu
is part of the window, and the catalogs list them there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QCheckBox, QMainWindow, QMessageBox

from gui.i18n import FOLLOW_SYSTEM, LANGUAGES, save_language, saved_language, system_language


class LanguageMenu(QObject):
    """The View menu of a window, with its Language submenu.

    language is the language the window is shown in; is_busy tells whether a
    run or an experiment is going (restarting cancels it, and the box says so);
    has_results whether a result is on screen (the box offers to keep it).

    Signals:
        restartRequested(bool): the user chose "Restart now", and whether to keep
            the results on screen; the window closes and the app starts again.
    """

    restartRequested = Signal(bool)

    def __init__(
        self,
        window: QMainWindow,
        settings: QSettings,
        language: str,
        is_busy: Callable[[], bool],
        has_results: Callable[[], bool] = lambda: False,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.language = language
        self._is_busy = is_busy
        self._has_results = has_results
        self.view_menu = window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&View"))
        self.view_menu.setObjectName("viewMenu")
        self.menu = self.view_menu.addMenu(QCoreApplication.translate("MainWindow", "&Language"))
        self.menu.setObjectName("languageMenu")
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        # FOLLOW_SYSTEM ("") first, then each language named in itself (never translated).
        self.actions: dict[str, QAction] = {}
        system = QCoreApplication.translate("MainWindow", "System language")
        names = {FOLLOW_SYSTEM: system, **LANGUAGES}
        saved = saved_language(settings)
        for code, name in names.items():
            action = self.menu.addAction(name)
            action.setObjectName(f"languageAction_{code or 'system'}")
            action.setData(code)
            action.setCheckable(True)
            action.setChecked(code == saved)
            self.group.addAction(action)
            self.actions[code] = action
        self.group.triggered.connect(self._on_chosen)

    @Slot(QAction)
    def _on_chosen(self, action: QAction) -> None:
        code = action.data()
        self.choose(code if isinstance(code, str) else FOLLOW_SYSTEM)

    def choose(self, code: str) -> None:
        """Save `code` (a LANGUAGES key or FOLLOW_SYSTEM); offer a restart if it changes things."""
        save_language(self.settings, code)
        self.settings.sync()
        self.actions[code].setChecked(True)
        if (code or system_language()) == self.language:
            return
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(QCoreApplication.translate("MainWindow", "Language"))
        box.setText(
            QCoreApplication.translate(
                "MainWindow", "The language changes when QueueScope starts again."
            )
        )
        if self._is_busy():
            box.setInformativeText(
                QCoreApplication.translate(
                    "MainWindow", "Restarting now cancels the run or experiment."
                )
            )
        restart = box.addButton(
            QCoreApplication.translate("MainWindow", "Restart now"),
            QMessageBox.ButtonRole.AcceptRole,
        )
        later = box.addButton(
            QCoreApplication.translate("MainWindow", "Later"), QMessageBox.ButtonRole.RejectRole
        )
        box.setDefaultButton(later)
        keep: QCheckBox | None = None
        if self._has_results():
            keep = QCheckBox(
                QCoreApplication.translate(
                    "MainWindow", "Keep the results on screen (shown again after the restart)"
                )
            )
            keep.setObjectName("keepResultsCheck")
            keep.setChecked(True)
            box.setCheckBox(keep)
        box.exec()
        restarting = box.clickedButton() is restart
        keeping = keep is not None and keep.isChecked()
        box.deleteLater()
        if restarting:
            self.restartRequested.emit(keeping)
