"""Hostile specs and a full /dev/shm in the window: a message, the grid unchanged.

The window's side of tests/core/test_spec_defensive.py and
tests/core/test_shared_memory.py (values the CLI refuses are in
tests/gui/test_bad_input.py's settings table).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core import ledger
from core.experiment import ExperimentSpec
from core.shm import SharedMemoryError
from core.text import Sentence
from gui import MainWindow
from tests.core.test_spec_defensive import FILES as HOSTILE_FILES
from tests.gui.helpers import set_params
from tests.gui.test_bad_input import shown_message

Hostile = tuple[str, Callable[[Path], str], str]  # the case, how to make it, what is said


@pytest.mark.timeout(60)
@pytest.mark.parametrize("hostile", HOSTILE_FILES, ids=[case for case, _, _ in HOSTILE_FILES])
def test_opening_a_hostile_spec_shows_a_message_and_keeps_the_grid(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile: Hostile
) -> None:
    _case, make, said = hostile
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
