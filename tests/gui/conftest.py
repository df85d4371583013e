"""Fixtures for the window tests: isolated settings, a registered window, a run helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from gui import MainWindow


@pytest.fixture
def settings(tmp_path: Any) -> Iterator[QSettings]:
    """Settings in a temporary file: tests never read or write the user's."""
    store = QSettings(str(tmp_path / "queuescope.ini"), QSettings.Format.IniFormat)
    yield store
    store.sync()


@pytest.fixture
def make_window(qtbot: Any, settings: QSettings) -> Callable[[], MainWindow]:
    """Windows registered with qtbot: shutdown() (cancel + wait) runs before each closes."""

    def make() -> MainWindow:
        window = MainWindow(settings)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def window(make_window: Callable[[], MainWindow]) -> MainWindow:
    return make_window()
