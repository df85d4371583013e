"""The About dialog and the "What is this?" page."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import QUrl, qVersion
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from core import __version__
from core.strategies import STRATEGIES
from gui.about import POST_LOOPS, STRATEGY_LINK, AboutDialog, WhatIsThisPage, app_icon


def test_about_names_every_version(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.findChild(QLabel, "aboutText")
    assert text is not None
    shown = text.text()
    for fact in (__version__, platform.python_version(), qVersion(), PySide6.__version__):
        assert fact in shown
    assert "docs.python.org" in shown
    assert not dialog.windowIcon().isNull()


def test_the_icon_loads() -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert not icon.pixmap(64, 64).isNull()


def test_what_is_this_walks_through_the_four_loops(qtbot: QtBot) -> None:
    page = WhatIsThisPage()
    qtbot.addWidget(page)
    text = page.browser.toPlainText()
    for strategy_id in POST_LOOPS:
        strategy = STRATEGIES[strategy_id]
        assert strategy.title in text
        assert "q.get()" in strategy.source
        assert strategy.source.splitlines()[0] in text
    assert "Manager().Queue()" in text


def test_try_it_asks_for_that_strategy(qtbot: QtBot) -> None:
    page = WhatIsThisPage()
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.strategyRequested, timeout=2000) as signal:
        page.browser.anchorClicked.emit(QUrl(STRATEGY_LINK + "seed-single-sentinel"))
    assert signal.args == ["seed-single-sentinel"]


def test_help_menu_opens_the_page_and_try_it_selects_the_loop(
    qtbot: QtBot, tmp_path: object
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QAction

    from gui import MainWindow

    settings = QSettings(f"{tmp_path}/settings.ini", QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    assert not window.windowIcon().isNull()
    what = window.findChild(QAction, "whatIsThisAction")
    about = window.findChild(QAction, "aboutAction")
    assert what is not None and about is not None
    window.tabs.setCurrentIndex(1)
    page = window.help_menu.show_what_is_this()
    page.browser.anchorClicked.emit(QUrl(STRATEGY_LINK + "seed-single-sentinel"))
    assert window.params_panel.strategy_combo.currentData() == "seed-single-sentinel"
    assert window.tabs.currentIndex() == 0
    dialog = window.help_menu.show_about()
    assert dialog.isVisible()
    dialog.close()
