"""Bad input in the window, as a table: what goes wrong -> what the user sees.

Nothing here may end in a traceback or a lost result: every case shows a
message (status bar, message box, inline label or the banner) and leaves
the window usable. The README's troubleshooting table lists the same cases.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt

from core.engine import exclusive_runs
from core.experiment import ExperimentSpec
from core.faults import Fault
from gui import MainWindow
from gui.exports import EXPORT_RECORDS
from gui.params_panel import DEFAULTS
from tests.core.process_limits import pretend_process_limit
from tests.gui.helpers import choose, run_through_window, set_params

LEFT = Qt.MouseButton.LeftButton

# --- corrupted or out-of-range settings ----------------------------------------------

BAD_SETTINGS = [
    # (key, stored value, what the window reports)
    ("params/items", "a lot", "items ('a lot')"),
    ("params/workers", "100000", "workers ('100000')"),
    ("params/strategy", "no-such-strategy", "strategy ('no-such-strategy')"),
    ("params/queue_kind", "kafka", "queue_kind ('kafka')"),
    ("params/start_method", "fork", "start_method ('fork')"),
    ("params/producer", "17", "producer ('17')"),
    ("params/work_ms", "nan", "work_ms ('nan')"),
    ("params/watchdog_s", "0", "watchdog_s ('0')"),
    ("params/get_timeout_s", "inf", "get_timeout_s ('inf')"),
    ("params/chunksize", "2.5", "chunksize ('2.5')"),
    # Values the run command refuses are refused here too.
    ("params/work_ms", "1e308", "work_ms ('1e308')"),
    ("params/jitter_ms", "inf", "jitter_ms ('inf')"),
    ("params/jitter_ms", "nan", "jitter_ms ('nan')"),
    ("params/rate", "1e-12", "rate ('1e-12')"),
    ("params/chunksize", "99999999999999999999", "chunksize ('99999999999999999999')"),
    ("params/fault", "explode:3", "fault ('explode:3')"),
    ("params/fault", "kill:5000", "fault ('kill:5000')"),
    ("window/geometry", "not a geometry", "window/geometry"),
    ("window/splitters", "garbage", "window/splitters"),
    ("experiment/spec", "{not json", "experiment/spec (invalid JSON at line 1, column 2"),
    ("experiment/spec", '{"strategies": "nope"}', "experiment/spec (unknown strategy 'nope'"),
]


@pytest.mark.parametrize(
    ("key", "stored", "reported"), BAD_SETTINGS, ids=[f"{k}={v}" for k, v, _ in BAD_SETTINGS]
)
def test_a_corrupted_setting_falls_back_and_is_reported(
    make_window: Callable[[], MainWindow], settings: QSettings, key: str, stored: str, reported: str
) -> None:
    settings.setValue(key, stored)
    settings.sync()
    window = make_window()
    message = window.statusBar().currentMessage()
    assert message.startswith("Settings reset to defaults (corrupted or out of range): ")
    assert reported in message
    assert any(reported in line for line in window.log_panel.lines())  # and in the log
    assert len(window.reset_settings) == 1
    # The window is usable, with that setting's default.
    assert window.start_button.isEnabled()
    assert window.experiment_tab.start_button.isEnabled()
    if key.startswith("params/"):
        field = key.split("/")[1]
        if field != "queue_kind":  # the strategy's own default kind is filled in
            assert getattr(window.params_panel.params(), field) == getattr(DEFAULTS, field)


def test_sound_settings_report_nothing(
    make_window: Callable[[], MainWindow], settings: QSettings
) -> None:
    first = make_window()
    set_params(first, "get-timeout", items=250)
    choose(first, "faultCombo", "slow")
    first.close()
    second = make_window()
    assert second.reset_settings == []
    assert "reset" not in second.statusBar().currentMessage()
    assert second.params_panel.params().fault == Fault.parse("slow:1")


# --- actions that go wrong ---------------------------------------------------------------


def unwritable_export(qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: Any) -> str:
    set_params(window, "sentinel-per-worker", queue_kind="mp", items=20, start_method="forkserver")
    result = run_through_window(qtbot, window)
    not_a_dir = tmp_path / "a-file"
    not_a_dir.write_text("")
    monkeypatch.setattr(
        window.file_menu, "ask_save_path", lambda *a: str(not_a_dir / "records.csv")
    )
    assert window.file_menu.export(EXPORT_RECORDS) is False
    assert window.last_result is result and window.model.rowCount() == 20  # nothing lost
    return shown_message(window)


def open_spec_file(content: bytes | None) -> Callable[..., str]:
    def case(qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: Any) -> str:
        path = tmp_path / "spec.json"
        if content is not None:
            path.write_bytes(content)
        monkeypatch.setattr(window.file_menu, "ask_open_path", lambda *a: str(path))
        before = window.experiment_tab.spec_panel.spec()
        assert window.file_menu.open_spec() is False
        assert window.experiment_tab.spec_panel.spec() == before  # the grid on screen stays
        return shown_message(window)

    return case


def refused_run(qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: Any) -> str:
    # Another run holds core's one-run lock; the window's own buttons cannot get here.
    with exclusive_runs(), qtbot.waitSignal(window.controller.errored, timeout=30_000):
        qtbot.mouseClick(window.start_button, LEFT)
    assert window.start_button.isEnabled()
    return f"{window.banner.outcome_label.text()}: {window.banner.diagnosis_label.text()}"


def refused_experiment(qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: Any) -> str:
    tab = window.experiment_tab
    tab.spec_panel.set_spec(ExperimentSpec(strategies=("get-timeout",), trials=1))
    with exclusive_runs(), qtbot.waitSignal(window.experiment_controller.errored, timeout=30_000):
        qtbot.mouseClick(tab.start_button, LEFT)
    assert tab.start_button.isEnabled()
    return tab.run_error_label.text()


def run_over_the_process_limit(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: Any
) -> str:
    pretend_process_limit(monkeypatch, soft=40, hard=40, in_use=35)
    with qtbot.waitSignal(window.controller.errored, timeout=30_000):
        qtbot.mouseClick(window.start_button, LEFT)
    assert window.start_button.isEnabled()
    return f"{window.banner.outcome_label.text()}: {window.banner.diagnosis_label.text()}"


def experiment_over_the_process_limit(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: Any
) -> str:
    tab = window.experiment_tab
    tab.spec_panel.set_spec(ExperimentSpec(strategies=("get-timeout",), trials=2, parallel=2))
    pretend_process_limit(monkeypatch, soft=40, hard=40, in_use=35)
    with qtbot.waitSignal(window.experiment_controller.errored, timeout=30_000):
        qtbot.mouseClick(tab.start_button, LEFT)
    assert tab.start_button.isEnabled()
    return tab.run_error_label.text()


def bad_grid(qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: Any) -> str:
    panel = window.experiment_tab.spec_panel
    panel.workers_edit.setText("2, 300")
    assert not window.experiment_tab.start_button.isEnabled()
    return panel.error_label.text()


def fault_without_items(qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: Any) -> str:
    set_params(window, "sentinel-per-worker", items=0)
    choose(window, "faultCombo", "stop")
    assert not window.start_button.isEnabled()
    return window.params_panel.error_label.text()


def shown_message(window: MainWindow) -> str:
    """The status bar line and the message box's texts, as the user sees them."""
    box = window.file_menu.last_message_box
    assert box is not None and box.isVisible(), "no message box shown"
    text = f"{window.statusBar().currentMessage()} | {box.text()} | {box.informativeText()}"
    box.close()
    return text


WINDOW_CASES: list[tuple[str, Callable[..., str], str]] = [
    # (case, what happens, what the user sees)
    ("export to an unwritable path", unwritable_export, "Could not write the records to"),
    ("malformed spec file", open_spec_file(b'{"strategies": ['), "invalid JSON at line 1"),
    (
        "spec with a bad value",
        open_spec_file(b'{"strategies": "get-timeout", "workers": 0}'),
        "workers must be between 1 and 256, got 0",
    ),
    (
        "spec with an unknown key",
        open_spec_file(b'{"strategies": "get-timeout", "trails": 5}'),
        "unknown key 'trails' (did you mean 'trials'?)",
    ),
    ("spec that is not text", open_spec_file(b"\xff\xfe\x00binary"), "not a UTF-8 text file"),
    ("spec file gone", open_spec_file(None), "cannot read spec"),
    ("run refused while another runs", refused_run, "a run is already in progress"),
    (
        "experiment refused while another runs",
        refused_experiment,
        "Could not run: a run is already in progress",
    ),
    (
        "run over the process limit",
        run_over_the_process_limit,
        "too few processes allowed for 3 workers at once",
    ),
    (
        "experiment over the process limit",
        experiment_over_the_process_limit,
        "Could not run: too few processes allowed for 6 workers at once",
    ),
    ("experiment grid out of range", bad_grid, "workers must be between 1 and 256, got 300"),
    ("fault that cannot hit", fault_without_items, "fault stop needs at least one item"),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("case", "action", "shown"), WINDOW_CASES, ids=[case for case, _, _ in WINDOW_CASES]
)
def test_bad_input_in_the_window_is_a_message(
    qtbot: Any,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    action: Callable[..., str],
    shown: str,
) -> None:
    seen = action(qtbot, window, tmp_path, monkeypatch)
    assert shown in seen, f"{case}: the user sees {seen!r}"
    assert "Traceback" not in seen
    assert not window.is_busy()
