"""Hostile specs, values and a full /dev/shm in the window: a message, the grid unchanged.

The window's side of tests/core/test_spec_defensive.py,
tests/core/test_input_bounds.py and tests/core/test_shared_memory.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt

from core import ledger
from core.experiment import ExperimentSpec
from core.shm import SharedMemoryError
from core.text import Sentence
from gui import MainWindow
from gui.params_panel import DEFAULTS
from tests.gui.helpers import set_params
from tests.gui.test_bad_input import shown_message


def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "spec.json"
    os.mkfifo(path)  # nobody writes: reading it would freeze the window
    return path


def directory(tmp_path: Path) -> Path:
    path = tmp_path / "spec.json"
    path.mkdir()
    return path


def written(name: str, text: str) -> Callable[[Path], Path]:
    def make(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


SPEC_FILES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("fifo", fifo, "not a regular file"),
    ("directory", directory, "not a regular file"),
    ("/dev/zero", lambda tmp_path: Path("/dev/zero"), "not a regular file"),
    (
        "json nested 990 deep",
        written("deep.json", '{"strategies": "get-timeout", "workers": ' + "[" * 990 + "]" * 990),
        "nested more than 32 levels",
    ),
    (
        "toml nested 1000 deep",
        written("deep.toml", 'strategies = "get-timeout"\nworkers = ' + "[" * 1000 + "]" * 1000),
        "nested more than 32 levels",
    ),
    (
        "5000-digit int",
        written("digits.toml", 'strategies = "get-timeout"\nseed = ' + "7" * 5000 + "\n"),
        "a number has more than 30 digits",
    ),
    (
        "a huge value",
        written("long.json", '{"strategies": "' + "z" * 500_000 + '"}'),
        "unknown strategy 'zzz",
    ),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("case", "make", "said"), SPEC_FILES, ids=[case for case, _, _ in SPEC_FILES]
)
def test_opening_a_hostile_spec_shows_a_message_and_keeps_the_grid(
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    make: Callable[[Path], Path],
    said: str,
) -> None:
    path = make(tmp_path)
    panel = window.experiment_tab.spec_panel
    panel.set_spec(ExperimentSpec(strategies=("sentinel-per-worker",), trials=3))
    before = panel.spec()
    monkeypatch.setattr(window.file_menu, "ask_open_path", lambda *a: str(path))
    assert window.file_menu.open_spec() is False
    assert panel.spec() == before
    seen = shown_message(window)
    assert "Could not open the experiment spec" in seen and said in seen, seen
    assert len(seen) < 1500 and "Traceback" not in seen  # the line twice: status bar, box


BAD_SETTINGS = [
    ("params/work_ms", "1e308", "work_ms ('1e308')"),
    ("params/jitter_ms", "inf", "jitter_ms ('inf')"),
    ("params/jitter_ms", "nan", "jitter_ms ('nan')"),
    ("params/rate", "1e-12", "rate ('1e-12')"),
    ("params/chunksize", "99999999999999999999", "chunksize ('99999999999999999999')"),
]


@pytest.mark.parametrize(
    ("key", "stored", "reported"), BAD_SETTINGS, ids=[f"{k}={v}" for k, v, _ in BAD_SETTINGS]
)
def test_a_value_the_cli_refuses_is_refused_in_the_window_too(
    make_window: Callable[[], MainWindow], settings: QSettings, key: str, stored: str, reported: str
) -> None:
    settings.setValue(key, stored)
    settings.sync()
    window = make_window()
    message = window.statusBar().currentMessage()
    assert message.startswith("Settings reset to defaults (corrupted or out of range): ")
    assert reported in message
    field = key.split("/")[1]
    assert getattr(window.params_panel.params(), field) == getattr(DEFAULTS, field)


@pytest.mark.timeout(60)
def test_no_room_for_shared_memory_is_a_refusal_in_the_window(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(size: int) -> Any:
        raise SharedMemoryError(
            Sentence("not enough shared memory: need 7 MB, 1 MB free in /dev/shm")
        )

    monkeypatch.setattr(ledger, "allocate", full)
    set_params(window, "sentinel-per-worker", items=20)
    with qtbot.waitSignal(window.controller.errored, timeout=30_000):
        qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    assert window.start_button.isEnabled()
    shown = f"{window.banner.outcome_label.text()}: {window.banner.diagnosis_label.text()}"
    assert "not enough shared memory: need 7 MB, 1 MB free in /dev/shm" in shown
    assert not window.is_busy()
