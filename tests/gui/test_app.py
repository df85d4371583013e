"""gui.app.main: the entry point that `python main.py` calls."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QProcess, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from gui import MainWindow, i18n
from gui.app import APP_NAME, main


def settings_in(folder: Any) -> None:
    """QSettings() in the window must land in a temporary folder, not ~/.config."""
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(folder))


@pytest.mark.timeout(60)
def test_main_shows_the_window_and_returns_exit_code(
    qapp: QApplication, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_in(tmp_path)
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


@pytest.mark.timeout(60)
def test_main_uses_the_saved_language_and_restarts_when_asked(
    qapp: QApplication, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """View → Language saved zh_CN: the window opens in Chinese; Restart now starts it again."""
    settings_in(tmp_path)
    old_names = (qapp.applicationName(), qapp.organizationName())
    qapp.setApplicationName(APP_NAME)
    qapp.setOrganizationName(APP_NAME)
    i18n.save_language(QSettings(), "zh_CN")
    started: list[tuple[str, list[str]]] = []

    def start_detached(program: str, arguments: list[str]) -> bool:
        started.append((program, arguments))
        return True

    monkeypatch.setattr(QProcess, "startDetached", start_detached)
    monkeypatch.setattr(i18n, "restart_command", lambda: ("queuescope", ["--again"]))
    seen: list[tuple[str, str]] = []

    def restart_it() -> None:
        for window in qapp.topLevelWidgets():
            if isinstance(window, MainWindow) and window.isVisible():
                seen.append((window.language, window.windowTitle()))
                window.restart_requested = True
                window.close()

    QTimer.singleShot(200, restart_it)
    QTimer.singleShot(20_000, qapp.quit)  # a safety net, never the expected path
    before = QLocale()
    try:
        assert main([]) == 0
    finally:
        QLocale.setDefault(before)
        qapp.setApplicationName(old_names[0])
        qapp.setOrganizationName(old_names[1])
    assert len(seen) == 1
    language, title = seen[0]
    assert language == "zh_CN"
    assert "QueueScope" in title and "how multiprocessing" not in title
    assert started == [("queuescope", ["--again"])]
    # main() removed its translators: the next window is English again.
    assert QCoreApplication.translate("MainWindow", "&Help") == "&Help"


def test_restart_command_runs_the_same_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "orig_argv", ["/usr/bin/python3", "-X", "dev", "main.py"])
    assert i18n.restart_command() == (sys.executable, ["-X", "dev", "main.py"])
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "argv", ["/opt/queuescope/queuescope", "--flag"])
    assert i18n.restart_command() == (sys.executable, ["--flag"])
