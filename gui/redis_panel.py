"""The parameters panel's Redis rows: a shared server by URL, its password file, remote workers.

Shown while the queue is redis. An empty URL is the lab's own server (a Unix
socket on this machine), so remote workers are off and the note says why.
The password is never typed here: it comes from a file the user chooses, or
from QUEUESCOPE_REDIS_PASSWORD; only the file's path is saved. A URL with a
password in it is refused, the password is taken out of the field when the
user leaves it, and nothing with a password is ever saved or shown.
"""

from __future__ import annotations

import os
import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStyle,
    QToolButton,
    QWidget,
)

from core.backends.redis_server import BAD_URL, redact
from core.cli_redis import DEFAULT_REMOTE_WAIT_S, PASSWORD_VARIABLE
from core.params import MAX_SECONDS, MAX_WORKERS
from core.text import Sentence
from gui.bridge import SharedRedis
from gui.i18n import core_text
from gui.param_widgets import shown_setting
from gui.qtutil import named, signals_blocked

SETTINGS_GROUP = "redis"
MIN_REMOTE_WAIT_S = 0.1
URL_SCHEMES = re.compile(r"^(redis|rediss|unix)://")
_USER_AND_PASSWORD = re.compile(r"^([a-z]+://)([^:/@]*):[^@]*@(.*)$", re.DOTALL)


def without_password(url: str) -> str:
    """url with any password taken out (a user name stays)."""
    found = _USER_AND_PASSWORD.match(url)
    if found is None:
        return url
    scheme, user, rest = found.groups()
    return f"{scheme}{user + '@' if user else ''}{rest}"


class RedisServerRows(QObject):
    """The Redis rows of the parameters panel (add_rows() puts them in its form).

    Signals:
        changed(): the URL, the password file or the remote workers changed.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url_edit = named(QLineEdit(), "redisUrlEdit")
        self.url_edit.setPlaceholderText(self.tr("empty: the lab's own server"))
        self.url_edit.setToolTip(
            self.tr(
                "A shared Redis server (redis://HOST:PORT/DB or unix:///PATH) that workers on "
                "other hosts can reach; never put the password in it"
            )
        )
        self.password_file_edit = named(QLineEdit(), "redisPasswordFileEdit")
        self.password_file_edit.setReadOnly(True)
        self.password_button = named(QToolButton(), "redisPasswordFileButton")
        self.password_button.setText(self.tr("Choose…"))
        self.password_button.setToolTip(self.tr("A file whose first line is the server's password"))
        self.clear_password_button = named(QToolButton(), "redisPasswordClear")
        self.clear_password_button.setIcon(
            QApplication.style().standardIcon(QStyle.StandardPixmap.SP_LineEditClearButton)
        )
        self.clear_password_button.setToolTip(self.tr("No password file"))
        self.remote_spin = named(QSpinBox(), "remoteWorkersSpin")
        self.remote_spin.setRange(0, 0)
        self._remote_tip = self.tr(
            "How many of the run's workers join from other hosts (main.py worker)"
        )
        self.remote_spin.setToolTip(self._remote_tip)
        self.remote_wait_spin = named(QDoubleSpinBox(), "remoteWaitSpin")
        self.remote_wait_spin.setDecimals(1)
        self.remote_wait_spin.setRange(MIN_REMOTE_WAIT_S, MAX_SECONDS)
        self.remote_wait_spin.setValue(DEFAULT_REMOTE_WAIT_S)
        self.remote_wait_spin.setSuffix(self.tr(" s"))
        self.remote_wait_spin.setToolTip(
            self.tr("How long Start waits for the remote workers before it gives up")
        )
        self.note = named(QLabel(wordWrap=True), "remoteNote")
        self.note.setStyleSheet("color: palette(placeholder-text);")
        # In the side panel's scroll area a wrapped label gets its one-line-wide hint's
        # height: it asks for the lines its real width needs.
        self.note.installEventFilter(self)
        self._password_file: str | None = None
        self._url_had_password = False
        self._rows: list[QWidget] = []
        self._shown = False
        self._form: QFormLayout | None = None
        self._show_password_file()

        self.url_edit.textChanged.connect(self._on_edited)
        self.url_edit.editingFinished.connect(self._take_password_out)
        self.password_button.clicked.connect(self._ask_password_file)
        self.clear_password_button.clicked.connect(lambda: self.set_password_file(None))
        self.remote_spin.valueChanged.connect(self._on_edited)
        self.remote_wait_spin.valueChanged.connect(self._on_edited)

    def add_rows(self, form: QFormLayout) -> None:
        password_row = QWidget()
        row = QHBoxLayout(password_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.password_file_edit, 1)
        row.addWidget(self.password_button)
        row.addWidget(self.clear_password_button)
        form.addRow(self.tr("Redis server"), self.url_edit)
        form.addRow(self.tr("Password file"), password_row)
        form.addRow(self.tr("Remote workers"), self.remote_spin)
        form.addRow(self.tr("Wait for them"), self.remote_wait_spin)
        form.addRow(self.note)
        self._rows = [self.url_edit, password_row, self.remote_spin, self.remote_wait_spin]
        self._rows.append(self.note)
        self._form = form
        password_row.setToolTip(self.password_file_edit.toolTip())
        for widget in self._rows[:-1]:
            label = form.labelForField(widget)
            if label is not None:
                label.setToolTip(widget.toolTip())
        self._update()
        self.set_shown(False)

    def set_shown(self, shown: bool) -> None:
        """Show the rows (the queue is redis) or hide them."""
        self._shown = shown
        if self._form is None:
            return
        for widget in self._rows:
            visible = shown and (widget is not self.note or bool(self.note.text()))
            self._form.setRowVisible(widget, visible)

    def set_workers(self, workers: int) -> None:
        """Remote workers are some of the run's workers: 0..workers (the panel asks again)."""
        with signals_blocked(self.remote_spin):
            self.remote_spin.setRange(0, workers)
        self._update()

    # --- what the user chose -----------------------------------------------------

    def url(self) -> str:
        return self.url_edit.text().strip()

    def password_file(self) -> str | None:
        return self._password_file

    def set_password_file(self, path: str | None) -> None:
        self._password_file = path or None
        self._url_had_password = False
        self._show_password_file()
        self._on_edited()

    def choice(self) -> SharedRedis | None:
        """The shared server for a run; None for the lab's own (no URL)."""
        if not self.url():
            return None
        return SharedRedis(
            self.url(),
            self._password_file,
            self.remote_spin.value(),
            self.remote_wait_spin.value(),
        )

    def error(self) -> str | None:
        """Why the rows cannot be used as they are (translated), or None."""
        url = self.url()
        if not url:
            return None
        if without_password(url) != url or redact(url) != url:
            return self.tr(
                "Do not put the password in the URL ({url}): choose a password file, "
                "or set {variable} before starting QueueScope"
            ).format(url=redact(url), variable=PASSWORD_VARIABLE)
        if not URL_SCHEMES.match(url):
            return Sentence.of(BAD_URL, url=url).render(core_text)
        return None

    # --- persistence -------------------------------------------------------------

    def save(self, settings: QSettings) -> None:
        """The URL (never with a password), the password file's path, the remote workers."""
        settings.beginGroup(SETTINGS_GROUP)
        try:
            settings.setValue("url", without_password(self.url()))
            settings.setValue("password_file", self._password_file or "")
            settings.setValue("remote_workers", self.remote_spin.value())
            settings.setValue("remote_wait_s", self.remote_wait_spin.value())
        finally:
            settings.endGroup()

    def load(self, settings: QSettings) -> list[str]:
        """Restore the rows; returns each stored value that was unusable ("key (value)")."""
        settings.beginGroup(SETTINGS_GROUP)
        try:
            stored = {key: settings.value(key) for key in settings.childKeys()}
        finally:
            settings.endGroup()
        reset: list[str] = []
        url = stored.get("url", "")
        if not isinstance(url, str) or without_password(url) != url:
            reset.append(f"{SETTINGS_GROUP}/url")  # never shown: it may hold a password
            url = ""
        password_file = stored.get("password_file", "")
        if not isinstance(password_file, str):
            reset.append(f"{SETTINGS_GROUP}/password_file ({shown_setting(password_file)})")
            password_file = ""
        remote = _number(stored, "remote_workers", 0, int, 0, MAX_WORKERS, reset)
        wait_range = (MIN_REMOTE_WAIT_S, MAX_SECONDS)
        wait = _number(stored, "remote_wait_s", DEFAULT_REMOTE_WAIT_S, float, *wait_range, reset)
        self.url_edit.setText(url)
        self._password_file = password_file or None
        self._show_password_file()
        self.remote_spin.setValue(int(remote))
        self.remote_wait_spin.setValue(float(wait))
        self._on_edited()
        return reset

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note and event.type() == QEvent.Type.Resize:
            self._fit_note()
        return super().eventFilter(watched, event)

    def _fit_note(self) -> None:
        self.note.setMinimumHeight(max(0, self.note.heightForWidth(self.note.width())))

    # --- internals ---------------------------------------------------------------

    def _ask_password_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.url_edit.window(), self.tr("The Redis server's password file")
        )
        if path:
            self.set_password_file(path)

    def _show_password_file(self) -> None:
        self.password_file_edit.setText(self._password_file or "")
        from_environment = bool(os.environ.get(PASSWORD_VARIABLE))
        if from_environment:
            none = self.tr("none: from the environment")
            source = self.tr("With no file, {variable} gives the password")
        else:
            none = self.tr("none: no password")
            source = self.tr("With no file, the server gets no password (or set {variable})")
        self.password_file_edit.setPlaceholderText(none)
        self.password_file_edit.setToolTip(
            self.tr("The password comes from this file's first line; it is never saved or shown")
            + "\n"
            + source.format(variable=PASSWORD_VARIABLE)
        )
        self.clear_password_button.setEnabled(self._password_file is not None)

    def _take_password_out(self) -> None:
        """A password typed into the URL leaves the field (it would be seen and saved)."""
        url = self.url_edit.text()
        if without_password(url) != url:
            self._url_had_password = True
            self.url_edit.setText(without_password(url))

    def _on_edited(self) -> None:
        self._update()
        self.changed.emit()

    def _update(self) -> None:
        """The controls and the note, as the URL and the remote workers say."""
        shared = bool(self.url())
        self.remote_spin.setEnabled(shared)
        self.remote_wait_spin.setEnabled(shared and self.remote_spin.value() > 0)
        if not shared:
            self._url_had_password = False
            note = self.tr(
                "Remote workers need a shared server's URL: the lab's own server listens on "
                "a Unix socket on this machine, which other hosts cannot reach"
            )
        elif self._url_had_password:
            note = self.tr(
                "The password was taken out of the URL: choose a password file, "
                "or set {variable} before starting QueueScope"
            ).format(variable=PASSWORD_VARIABLE)
        elif self.remote_spin.value():
            note = self.tr(
                "The last {count} workers join from other hosts: Start shows the command "
                "to run there"
            ).format(count=self.remote_spin.value())
        else:
            note = ""
        # Disabled, it says why.
        self.remote_spin.setToolTip(self._remote_tip if shared else f"{self._remote_tip}\n{note}")
        self.note.setText(note)
        self.note.setToolTip(note)
        self._fit_note()
        self.set_shown(self._shown)


def _number(
    stored: dict[str, Any],
    key: str,
    default: float,
    kind: type,
    low: float,
    high: float,
    reset: list[str],
) -> float:
    """A stored number in [low, high], or default (and the setting named in reset)."""
    if key not in stored:
        return default
    raw = stored[key]
    try:
        value = kind(float(raw))
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        reset.append(f"{SETTINGS_GROUP}/{key} ({shown_setting(raw)})")
        return default
    return float(value)
