"""gui.app.main: the entry point that `python main.py` calls."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from gui import MainWindow
from gui.app import APP_NAME, main


@pytest.mark.timeout(60)
def test_main_shows_the_window_and_returns_exit_code(
    qapp: QApplication, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QSettings() in the window must land in a temporary directory, not ~/.config.
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(tmp_path))
    old_names = (qapp.applicationName(), qapp.organizationName())
    seen: list[MainWindow] = []

    def close_it() -> None:
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.extend(w for w in windows if w.isVisible())
        for window in windows:
            window.close()

    QTimer.singleShot(200, close_it)
    QTimer.singleShot(20_000, qapp.quit)  # a safety net, never the expected path
    try:
        assert main([]) == 0
        assert qapp.applicationName() == APP_NAME
        assert qapp.organizationName() == APP_NAME
        assert len(seen) == 1
        assert (tmp_path / APP_NAME / f"{APP_NAME}.conf").exists()  # settings saved on close
    finally:
        qapp.setApplicationName(old_names[0])
        qapp.setOrganizationName(old_names[1])
        for window in seen:
            window.deleteLater()
