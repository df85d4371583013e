"""The Help menu: "What is this?" (the post's story, with Try it), Outcomes and About.

Its texts are the main window's (translation context "MainWindow"), as the
View menu's are: the menu is part of the window, and the catalogs list them there.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, Slot
from PySide6.QtWidgets import QDialog, QMainWindow, QTabWidget

from gui.about import AboutDialog, OutcomesPage, WhatIsThisPage, post_params
from gui.params_panel import ParamsPanel

DialogT = TypeVar("DialogT", bound=QDialog)


class HelpMenu(QObject):
    """Help → What is this? / About; Try it puts a loop of the post in the Run tab."""

    def __init__(self, window: QMainWindow, params_panel: ParamsPanel, tabs: QTabWidget) -> None:
        super().__init__(window)
        self.window = window
        self.params_panel = params_panel
        self.tabs = tabs
        menu = window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&Help"))
        what = menu.addAction(QCoreApplication.translate("MainWindow", "What is this?"))
        what.setObjectName("whatIsThisAction")
        what.triggered.connect(self.show_what_is_this)
        outcomes = menu.addAction(QCoreApplication.translate("MainWindow", "Outcomes"))
        outcomes.setObjectName("outcomesAction")
        outcomes.triggered.connect(self.show_outcomes)
        about = menu.addAction(QCoreApplication.translate("MainWindow", "About QueueScope"))
        about.setObjectName("aboutAction")
        about.triggered.connect(self.show_about)
        self.menu = menu

    @Slot()
    def show_what_is_this(self) -> WhatIsThisPage:
        page = WhatIsThisPage(self.window)
        page.strategyRequested.connect(self.try_strategy)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.show()
        return page

    @Slot()
    def show_outcomes(self) -> OutcomesPage:
        return _shown(OutcomesPage(self.window))

    @Slot()
    def show_about(self) -> AboutDialog:
        return _shown(AboutDialog(self.window))

    @Slot(str)
    def try_strategy(self, strategy_id: str) -> None:
        """That loop with the post's own settings in the Run tab, ready to start."""
        self.params_panel.set_params(post_params(strategy_id))
        self.tabs.setCurrentIndex(0)


def _shown(dialog: DialogT) -> DialogT:
    """Show a help window that deletes itself when closed."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
