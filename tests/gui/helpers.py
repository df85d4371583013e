"""Helpers for driving the window the way a user would."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QSpinBox

from core.result import (
    STATUS_DROPPED,
    STATUS_DUPLICATED,
    STATUS_LEFT,
    STATUS_PROCESSED,
    ItemRecords,
    RunResult,
)
from gui import MainWindow

# A run of the post's loops takes well under a second here; this bounds a
# wedged bridge, it is not a performance target.
RUN_TIMEOUT_MS = 60_000
NAN = float("nan")

SPINS = {
    "items": (QSpinBox, "itemCountSpin"),
    "workers": (QSpinBox, "workerCountSpin"),
    "work_ms": (QDoubleSpinBox, "workMsSpin"),
    "watchdog_s": (QDoubleSpinBox, "watchdogSpin"),
    "batch_size": (QSpinBox, "batchSizeSpin"),
}
COMBOS = {
    "strategy": "strategyCombo",
    "queue_kind": "queueKindCombo",
    "start_method": "startMethodCombo",
}


def set_params(window: MainWindow, strategy: str, **values: Any) -> None:
    """Set the parameter widgets, found by objectName; combos are chosen by item data."""
    choose(window, "strategyCombo", strategy)
    for key in ("queue_kind", "start_method"):
        if key in values:
            choose(window, COMBOS[key], values.pop(key))
    for key, value in values.items():
        kind, name = SPINS[key]
        spin = window.findChild(kind, name)
        assert spin is not None, name
        spin.setValue(value)


def choose(window: MainWindow, combo_name: str, data: Any) -> None:
    combo = window.findChild(QComboBox, combo_name)
    assert combo is not None, combo_name
    index = combo.findData(data)
    assert index >= 0, f"{combo_name} does not offer {data!r}"
    combo.setCurrentIndex(index)


def run_through_window(
    qtbot: Any, window: MainWindow, timeout_ms: int = RUN_TIMEOUT_MS
) -> RunResult:
    """Click Start, wait for the bridge's finished (or errored) signal, return the RunResult."""
    assert window.start_button.isEnabled(), window.params_panel.error()
    with qtbot.waitSignal(window.controller.finished, timeout=timeout_ms) as blocker:
        blocker.connect(window.controller.errored)  # whichever comes first ends the wait
        qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0] if blocker.args else None
    assert isinstance(result, RunResult), f"the run errored: {result!r}"
    return result


def run_with_fault(qtbot: Any, window: MainWindow, kind: str, item: int) -> RunResult:
    """A 40-item sentinel-per-worker run on an mp queue, 3 workers, fault kind at item."""
    set_params(window, "sentinel-per-worker", queue_kind="mp", items=40, workers=3)
    choose(window, "faultCombo", kind)
    window.params_panel.fault_arg_spin.setValue(item)
    return run_through_window(qtbot, window)


def make_records(count: int, seed: int = 1) -> ItemRecords:
    """Plausible records: some lost (dropped or left), some duplicated, NaN where no event."""
    rng = np.random.default_rng(seed)
    status = rng.choice(
        [STATUS_PROCESSED, STATUS_DROPPED, STATUS_LEFT, STATUS_DUPLICATED],
        size=count,
        p=[0.85, 0.05, 0.05, 0.05],
    ).astype(np.int8)
    worker = rng.integers(1, 4, size=count).astype(np.int32)
    worker[status == STATUS_LEFT] = 0
    t_take = rng.uniform(0, 10, size=count)
    t_take[status == STATUS_LEFT] = NAN
    t_start = t_take + rng.uniform(0, 0.01, size=count)
    t_done = t_start + rng.uniform(0, 0.05, size=count)
    t_done[(status == STATUS_DROPPED) | (status == STATUS_LEFT)] = NAN
    times = np.where(status == STATUS_DUPLICATED, 2, 1).astype(np.int32)
    times[(status == STATUS_DROPPED) | (status == STATUS_LEFT)] = 0
    records = ItemRecords()
    records.item.frombytes(np.arange(count, dtype=np.int32).tobytes())
    records.worker.frombytes(worker.tobytes())
    records.pid.frombytes(np.where(worker > 0, 1000 + worker, 0).astype(np.int32).tobytes())
    records.t_take.frombytes(t_take.tobytes())
    records.t_start.frombytes(t_start.tobytes())
    records.t_done.frombytes(t_done.tobytes())
    records.times_processed.frombytes(times.tobytes())
    records.status.frombytes(status.tobytes())
    return records
