"""The resource registry and the desktop entry."""

from __future__ import annotations

import configparser
import shutil
import subprocess

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImageReader

import resources


def test_every_registered_resource_exists() -> None:
    for name in resources.names():
        assert resources.path(name).exists()


def test_an_unknown_resource_fails_loudly() -> None:
    with pytest.raises(resources.UnknownResource, match="unknown resource 'icn'"):
        resources.path("icn")


def test_the_icon_is_an_svg() -> None:
    text = resources.path("icon").read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg")
    assert 'viewBox="0 0 256 256"' in text


def read_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(resources.path("desktop-entry"), encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_names_the_app() -> None:
    entry = read_entry()
    assert entry["Name"] == "QueueScope"
    assert entry["Exec"] == "queuescope"
    assert entry["Icon"] == resources.APP_ID
    assert "Development;" in entry["Categories"]
    assert entry["Version"] == "1.4"
    assert entry["Comment"]
    # Must match the WM_CLASS the window gets (the application name set in gui.app).
    assert entry["StartupWMClass"] == "QueueScope"


def test_desktop_entry_passes_desktop_file_validate() -> None:
    validator = shutil.which("desktop-file-validate")
    assert validator, "desktop-file-validate (Debian: desktop-file-utils) is not installed"
    done = subprocess.run(
        [validator, str(resources.path("desktop-entry"))], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in (done.stdout + done.stderr).lower()


def test_install_script_puts_entry_and_icons_in_the_users_menu(tmp_path: object) -> None:
    from pathlib import Path

    data = Path(str(tmp_path))
    root = resources.RESOURCES_DIR.parent
    env = {"XDG_DATA_HOME": str(data), "HOME": str(data), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        ["sh", str(root / "scripts" / "install-desktop.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    entry = data / "applications" / f"{resources.APP_ID}.desktop"
    icon = data / "icons" / "hicolor" / "scalable" / "apps" / f"{resources.APP_ID}.svg"
    assert icon.read_bytes() == resources.path("icon").read_bytes()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{resources.APP_ID}.png"
        assert QImageReader(str(png)).size() == QSize(size, size), png
    exec_line = next(line for line in entry.read_text().splitlines() if line.startswith("Exec="))
    launcher = exec_line.removeprefix("Exec=").strip('"')
    assert Path(launcher).name == "queuescope" and Path(launcher).exists()
    undone = subprocess.run(
        ["sh", str(root / "scripts" / "install-desktop.sh"), "--uninstall"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert undone.returncode == 0 and not entry.exists() and not icon.exists()
    assert not list(data.rglob(f"{resources.APP_ID}*"))
