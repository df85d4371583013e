"""The fault selector in the run parameters, and faulty runs through the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from core.faults import FAULT_KINDS, Fault
from gui import MainWindow
from gui.verdict import SEVERITY_FAILURE
from tests.gui.experiment_helpers import all_workers
from tests.gui.helpers import choose, run_through_window, run_with_fault, set_params


def test_fault_selector_offers_every_kind_with_its_default(window: MainWindow) -> None:
    panel = window.params_panel
    combo = panel.fault_combo
    assert [combo.itemData(i) for i in range(combo.count())] == [None, *FAULT_KINDS]
    assert panel.params().fault is None
    assert not panel.fault_arg_spin.isEnabled()

    set_params(window, "sentinel-per-worker", items=40, workers=3)
    choose(window, "faultCombo", "kill")
    assert panel.fault_arg_spin.isEnabled()
    assert panel.params().fault == Fault.parse("kill:20")  # core's default: the middle item
    assert (panel.fault_arg_spin.minimum(), panel.fault_arg_spin.maximum()) == (0, 39)
    set_params(window, "sentinel-per-worker", items=10)  # fewer items: the range follows
    assert panel.fault_arg_spin.maximum() == 9 and panel.params().fault == Fault.parse("kill:9")

    choose(window, "faultCombo", "slow")
    assert panel.params().fault == Fault.parse("slow:1")
    assert (panel.fault_arg_spin.minimum(), panel.fault_arg_spin.maximum()) == (1, 3)
    choose(window, "faultCombo", "big-payload")
    assert panel.params().fault == Fault.parse(f"big-payload:{1 << 20}")
    choose(window, "faultCombo", None)
    assert panel.params().fault is None


def test_an_invalid_fault_combination_is_explained_inline(window: MainWindow) -> None:
    set_params(window, "sentinel-per-worker", items=0)
    choose(window, "faultCombo", "kill")
    panel = window.params_panel
    assert panel.error() == "fault kill needs at least one item"
    assert panel.error_label.isVisibleTo(window) and not window.start_button.isEnabled()
    set_params(window, "sentinel-per-worker", items=5)
    assert panel.is_valid() and window.start_button.isEnabled()


def test_the_fault_persists(make_window: Callable[[], MainWindow], settings: QSettings) -> None:
    first = make_window()
    set_params(first, "sentinel-per-worker", items=40, workers=3)
    choose(first, "faultCombo", "stop")
    first.params_panel.fault_arg_spin.setValue(7)
    first.close()
    assert settings.value("params/fault") == "stop:7"
    second = make_window()
    assert second.params_panel.params().fault == Fault.parse("stop:7")
    assert second.params_panel.fault_arg_spin.value() == 7


@pytest.mark.timeout(60)
def test_a_kill_fault_ends_crashed_with_the_lost_item_in_the_banner(
    qtbot: Any, window: MainWindow
) -> None:
    result = run_with_fault(qtbot, window, "kill", 10)
    assert result.outcome == "crashed" and result.lost == [10]
    assert window.banner.severity() == SEVERITY_FAILURE
    assert "CRASHED" in window.banner.outcome_label.text()
    assert window.banner.lost_label.text() == "Lost items (1): 10"
    assert "injected fault kill:10" in window.banner.diagnosis_label.text().lower()
    assert not all_workers()


@pytest.mark.timeout(60)
def test_a_stop_fault_ends_stalled(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "sentinel-per-worker", queue_kind="mp", items=40, workers=3, watchdog_s=0.5)
    choose(window, "faultCombo", "stop")
    result = run_through_window(qtbot, window)
    assert result.outcome == "stalled", result.diagnosis
    assert "STALLED" in window.banner.outcome_label.text()
    assert "stopped (SIGSTOP)" in window.banner.diagnosis_label.text()
    assert not all_workers()  # the stopped worker was killed and reaped


@pytest.mark.timeout(60)
def test_the_watchdog_firing_during_worker_start_up(qtbot: Any, window: MainWindow) -> None:
    # A spawned worker needs tens of milliseconds just to start Python.
    set_params(
        window, "sentinel-per-worker", queue_kind="mp", start_method="spawn", watchdog_s=0.01
    )
    result = run_through_window(qtbot, window)
    assert result.outcome == "stalled", result.diagnosis
    assert any(w.state in ("starting", "never started") for w in result.workers)
    assert "STALLED" in window.banner.outcome_label.text()
    assert not all_workers()
