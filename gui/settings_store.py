"""Where the window keeps its settings, and saying so when they cannot be saved.

QSettings follows the XDG rules on Linux: $XDG_CONFIG_HOME (an absolute
path), else $HOME/.config. Without a usable HOME it would write under the
filesystem root (HOME unset) or create HOME (HOME=/nonexistent). Then the
settings here last for this session only, in a temporary folder removed on
exit; HOME is never created. A folder that cannot be written (a read-only
HOME) keeps the saved settings readable. Either way the status bar says that
settings are not saved, and why; so does a save that fails later
(QSettings.status() after sync()).
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter

CONTEXT = "Settings"
NOTE_NAME = "settingsNotSavedLabel"


@dataclass
class SettingsStore:
    """The window's QSettings; `problem` says why they will not be saved ("" if they will)."""

    settings: QSettings
    problem: str = ""
    session_dir: str | None = None  # the temporary folder of session-only settings

    def close(self) -> None:
        """Remove the session-only folder, if any."""
        if self.session_dir is not None:
            shutil.rmtree(self.session_dir, ignore_errors=True)
            self.session_dir = None


def open_settings(environ: Mapping[str, str] = os.environ) -> SettingsStore:
    """QSettings() where the XDG rules put it, or session-only settings if HOME is unusable.

    A location set with QSettings.setPath (the tests') is used as it is.
    """
    settings = QSettings()
    path = settings.fileName()
    config_dir = os.path.dirname(os.path.dirname(path))  # <config>/<organization>/<app>.conf
    if os.path.normpath(config_dir) == os.path.normpath(qt_config_dir(environ)):
        problem = home_problem(environ)
        if problem:
            session_dir = tempfile.mkdtemp(prefix="queuescope-settings-")
            session = QSettings(
                os.path.join(session_dir, os.path.basename(path)), QSettings.Format.IniFormat
            )
            return SettingsStore(session, problem, session_dir)
    return SettingsStore(settings, write_problem(path))


def qt_config_dir(environ: Mapping[str, str]) -> str:
    """The folder Qt's QSettings uses by default (QStandardPaths' GenericConfigLocation)."""
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if os.path.isabs(xdg):
        return xdg
    return os.path.join(environ.get("HOME") or "/", ".config")  # QDir.homePath() falls back to /


def home_problem(environ: Mapping[str, str], xdg_variable: str = "XDG_CONFIG_HOME") -> str:
    """Why HOME cannot hold the settings ("" if it can, or if xdg_variable names a folder)."""
    if os.path.isabs(environ.get(xdg_variable, "")):
        return ""
    home = environ.get("HOME", "")
    if not home:
        return QCoreApplication.translate(
            "Settings", "HOME is not set: settings last for this session only"
        )
    if not (os.path.isabs(home) and os.path.isdir(home)):
        return QCoreApplication.translate(
            "Settings",
            "HOME ({home}) is not an existing folder: settings last for this session only",
        ).format(home=home)
    return ""


def write_problem(path: str) -> str:
    """Why the settings file `path` cannot be written ("" if it can); makes its folder."""
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
        if os.path.exists(path) and not os.access(path, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
    except OSError as error:
        return QCoreApplication.translate("Settings", "cannot write {path}: {error}").format(
            path=path, error=error.strerror or str(error)
        )
    return ""


def check_saved(window: QMainWindow, settings: QSettings) -> None:
    """After settings.sync(): say so in the status bar if they were not written."""
    if settings.status() != QSettings.Status.NoError:
        show_not_saved(
            window,
            QCoreApplication.translate("Settings", "could not save the settings to {path}").format(
                path=settings.fileName()
            ),
        )


def show_not_saved(window: QMainWindow, reason: str) -> None:
    """A lasting note in the status bar (showMessage would be replaced), the reason in its tip."""
    note = window.statusBar().findChild(QLabel, NOTE_NAME)
    if note is None:
        note = QLabel(QCoreApplication.translate("Settings", "Settings not saved"))
        note.setObjectName(NOTE_NAME)
        window.statusBar().addPermanentWidget(note)
    note.setToolTip(reason)
    window.statusBar().showMessage(reason)


def restore_geometry(
    window: QMainWindow,
    settings: QSettings,
    keys: tuple[str, str],
    splitters: tuple[QSplitter, ...],
    default_size: tuple[int, int],
) -> list[str]:
    """Restore a window's size and splitters; returns the settings that were corrupted (reset).

    keys: the geometry's and the splitter states' setting names.
    """
    geometry_key, splitter_key = keys
    reset: list[str] = []
    geometry = settings.value(geometry_key)
    if not (isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)):
        window.resize(*default_size)
        if geometry is not None:
            reset.append(geometry_key)
    states: Any = settings.value(splitter_key)
    restored = 0
    if isinstance(states, list) and len(states) == len(splitters):
        for splitter, state in zip(splitters, states, strict=True):
            if isinstance(state, QByteArray) and splitter.restoreState(state):
                restored += 1
    if states is not None and restored != len(splitters):
        reset.append(splitter_key)
    return reset
