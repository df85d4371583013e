"""View → Language: the choice is saved, and a restart is offered when it changes things."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

import gui.language_menu
from gui import MainWindow
from gui.i18n import FOLLOW_SYSTEM, LANGUAGE_KEY, LANGUAGES, saved_language


class FakeButton:
    def __init__(self, text: str) -> None:
        self.text = text


class FakeMessageBox:
    """Stands in for QMessageBox: no modal loop; exec() 'clicks' the button named `answer`."""

    Icon = QMessageBox.Icon
    ButtonRole = QMessageBox.ButtonRole
    answer = "Later"
    shown: ClassVar[list[FakeMessageBox]] = []

    def __init__(self, parent: Any = None) -> None:
        self.text = ""
        self.buttons: list[FakeButton] = []
        self.clicked: FakeButton | None = None
        FakeMessageBox.shown.append(self)

    def setIcon(self, icon: Any) -> None:
        pass

    def setWindowTitle(self, title: str) -> None:
        self.title = title

    def setText(self, text: str) -> None:
        self.text = text

    def setInformativeText(self, text: str) -> None:
        self.informative = text

    def addButton(self, text: str, role: Any) -> FakeButton:
        button = FakeButton(text)
        self.buttons.append(button)
        return button

    def setDefaultButton(self, button: FakeButton) -> None:
        self.default = button

    def exec(self) -> int:
        self.clicked = next(b for b in self.buttons if b.text == self.answer)
        return 0

    def clickedButton(self) -> FakeButton | None:
        return self.clicked

    def deleteLater(self) -> None:
        pass


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakeMessageBox]]:
    monkeypatch.setattr(gui.language_menu, "QMessageBox", FakeMessageBox)
    FakeMessageBox.shown = []
    FakeMessageBox.answer = "Later"
    yield FakeMessageBox


@pytest.fixture
def english_window(qtbot: Any, settings: QSettings) -> Callable[[], MainWindow]:
    """A window shown in English, whatever the system's language."""

    def make() -> MainWindow:
        window = MainWindow(settings, language="en")
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def menu_titles(window: MainWindow) -> list[str]:
    return [action.text().replace("&", "") for action in window.menuBar().actions()]


def test_view_menu_lists_the_languages(window: MainWindow) -> None:
    assert menu_titles(window) == ["File", "View", "Help"]
    actions = window.language_menu.menu.actions()
    assert [a.text() for a in actions] == ["System language", *LANGUAGES.values()]
    assert [a.data() for a in actions] == [FOLLOW_SYSTEM, *LANGUAGES]
    assert "简体中文" in [a.text() for a in actions]  # named in itself
    assert window.language_menu.group.isExclusive()
    assert all(a.isCheckable() and a.actionGroup() is window.language_menu.group for a in actions)
    # Nothing saved yet: the window follows the system.
    assert [a for a in actions if a.isChecked()] == [window.language_menu.actions[FOLLOW_SYSTEM]]
    assert window.restart_requested is False


def test_the_saved_language_is_checked(
    make_window: Callable[[], MainWindow], settings: QSettings
) -> None:
    settings.setValue(LANGUAGE_KEY, "zh_CN")
    window = make_window()
    assert window.language_menu.actions["zh_CN"].isChecked()
    assert not window.language_menu.actions[FOLLOW_SYSTEM].isChecked()


def test_choosing_chinese_saves_it_and_later_keeps_the_window(
    english_window: Callable[[], MainWindow], boxes: type[FakeMessageBox]
) -> None:
    window = english_window()
    window.language_menu.actions["zh_CN"].trigger()
    assert saved_language(window.settings) == "zh_CN"
    assert window.settings.value(LANGUAGE_KEY) == "zh_CN"
    assert window.language_menu.actions["zh_CN"].isChecked()
    assert len(boxes.shown) == 1
    box = boxes.shown[0]
    assert "starts again" in box.text
    assert [b.text for b in box.buttons] == ["Restart now", "Later"]
    assert window.isVisible()
    assert window.restart_requested is False


def test_choosing_the_language_in_use_asks_nothing(
    english_window: Callable[[], MainWindow], boxes: type[FakeMessageBox]
) -> None:
    window = english_window()
    window.language_menu.actions["en"].trigger()
    assert saved_language(window.settings) == "en"
    assert boxes.shown == []
    assert window.isVisible() and window.restart_requested is False


def test_restart_now_closes_the_window_and_asks_for_a_restart(
    qtbot: Any, english_window: Callable[[], MainWindow], boxes: type[FakeMessageBox]
) -> None:
    boxes.answer = "Restart now"
    window = english_window()
    window.language_menu.actions["zh_CN"].trigger()
    assert window.restart_requested is True
    qtbot.waitUntil(lambda: not window.isVisible())
    assert saved_language(window.settings) == "zh_CN"
