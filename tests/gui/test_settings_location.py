"""Where the window's settings go: XDG, never at / or into a HOME it creates; said when unsaved."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gui.settings_store import home_problem, qt_config_dir

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534


def open_and_close_window(
    env: dict[str, str], as_user: int | None = None
) -> tuple[dict[str, Any], str]:
    """Run the real window (gui.app.main) once; its settings report and stderr."""
    command = [sys.executable, "-m", "tests.gui.settings_probe"]
    if as_user is not None:
        # Reading the checkout and the interpreter needs dac_read_search; writing stays denied.
        caps = "+dac_read_search"
        command = [
            *("setpriv", f"--reuid={as_user}", f"--regid={as_user}", "--clear-groups"),
            *(f"--inh-caps={caps}", f"--ambient-caps={caps}"),
            *command,
        ]
    done = subprocess.run(
        command,
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin"), "QT_QPA_PLATFORM": "offscreen", **env},
        capture_output=True,
        text=True,
        timeout=90,
    )
    said = f"stdout: {done.stdout!r}\nstderr: {done.stderr!r}"
    assert done.returncode == 0, said
    assert "Traceback" not in done.stderr, said
    assert "exited 0" in done.stdout, said
    return json.loads(done.stdout.splitlines()[0]), said


def test_the_xdg_rules() -> None:
    assert qt_config_dir({"XDG_CONFIG_HOME": "/x/config", "HOME": "/home/a"}) == "/x/config"
    assert qt_config_dir({"XDG_CONFIG_HOME": "relative", "HOME": "/home/a"}) == "/home/a/.config"
    assert qt_config_dir({}) == "/.config"  # what Qt does without HOME, and what we avoid
    assert home_problem({}) != ""
    assert home_problem({"HOME": "relative"}) != ""
    assert home_problem({"HOME": "/no/such/home"}) != ""
    assert home_problem({"HOME": "/"}) == ""
    assert home_problem({"XDG_CONFIG_HOME": "/x/config"}) == ""


@pytest.mark.timeout(120)
def test_xdg_config_home_holds_the_settings(tmp_path: Path) -> None:
    report, said = open_and_close_window({"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})
    assert report == {"file": str(tmp_path / "QueueScope" / "QueueScope.conf"), "note": ""}, said
    assert (tmp_path / "QueueScope" / "QueueScope.conf").exists()


@pytest.mark.timeout(120)
def test_without_home_settings_last_for_the_session_and_nothing_is_written_at_the_root() -> None:
    if Path("/.config/QueueScope").exists() or Path("/.cache/QueueScope").exists():
        pytest.skip("an earlier program left /.config/QueueScope or /.cache/QueueScope")
    report, said = open_and_close_window({})
    assert "HOME is not set" in report["note"], said
    session = Path(report["file"]).parent
    assert session.name.startswith("queuescope-settings-"), said
    assert not session.exists(), "the session's settings folder outlived the window"
    assert not Path("/.config/QueueScope").exists()
    assert not Path("/.cache/QueueScope").exists()


@pytest.mark.timeout(120)
def test_a_missing_home_is_never_created(tmp_path: Path) -> None:
    home = tmp_path / "no-such-home"
    report, said = open_and_close_window({"HOME": str(home)})
    assert f"HOME ({home}) is not an existing folder" in report["note"], said
    assert not home.exists()
    assert not Path(report["file"]).parent.exists()


@pytest.mark.timeout(120)
def test_a_read_only_home_is_said_in_the_status_bar(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the window as a user HOME is read-only for")
    home = tmp_path / "home"
    (home / ".config" / "QueueScope").mkdir(parents=True)
    saved = home / ".config" / "QueueScope" / "QueueScope.conf"
    saved.write_text("[General]\nlanguage=en\n")
    for folder in (tmp_path, home, home / ".config", home / ".config" / "QueueScope"):
        folder.chmod(0o755)
    saved.chmod(0o644)
    before = saved.read_text()
    report, said = open_and_close_window({"HOME": str(home)}, as_user=NOBODY)
    assert report["file"] == str(saved), said  # the saved settings are still read
    assert report["note"].startswith(f"cannot write {saved}: "), said
    assert saved.read_text() == before


def test_a_save_that_fails_is_said_in_the_status_bar(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QLabel

    from gui import MainWindow
    from gui.settings_store import NOTE_NAME

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings = QSettings(str(blocker / "QueueScope.conf"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    assert window.statusBar().findChild(QLabel, NOTE_NAME) is None
    window.close()  # saves the settings: the folder is a file, so the save fails
    note = window.statusBar().findChild(QLabel, NOTE_NAME)
    assert note is not None
    assert note.toolTip() == f"could not save the settings to {blocker / 'QueueScope.conf'}"
