"""Results that stay: File → Open result / Open experiment / Recent, the language restart,
the "previous run" mark, Try it's settings, the run history and Compare."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtWidgets import QCheckBox, QMessageBox

import gui.history
import gui.language_menu
import gui.result_files
from core.params import RunParams
from core.result import RunResult
from gui import MainWindow
from gui.about import STRATEGY_LINK
from gui.exports import EXPORT_EXPERIMENT, EXPORT_RESULT, Export
from gui.history import HISTORY_LIMIT, strategy_title
from gui.kept_results import KEPT_KEY
from tests.gui.experiment_helpers import fake_result, run_experiment_through_window, small_spec
from tests.gui.helpers import run_through_window, set_params


def tiny_result(outcome: str = "ok", strategy: str = "seed-empty-after-get") -> RunResult:
    """A finished run of one item, built from its JSON form (nothing runs)."""
    lost = [0] if outcome == "lost" else []
    return RunResult.from_dict(
        {
            "outcome": outcome,
            "outcomes": [outcome],
            "items": 1,
            "processed": 1 - len(lost),
            "lost": lost,
            "dropped": lost,
            "left_in_queue": [],
            "duplicates": [],
            "workers": [
                {
                    "index": 1,
                    "pid": 4242,
                    "processed": 1 - len(lost),
                    "taken": 1,
                    "state": "exited",
                    "exit_code": 0,
                }
            ],
            "diagnosis": f"A hand-made {outcome} run.",
            "elapsed_s": 0.25,
            "error": None,
            "params": RunParams(
                strategy=strategy, items=1, workers=1, queue_kind="manager"
            ).to_dict(),
            "stack_dumps": {},
            "timeline": [
                {"t": 0.01, "worker": 1, "kind": "started", "item": None, "text": "started"},
                {"t": 0.02, "worker": 1, "kind": "took", "item": 0, "text": "took item 0"},
                {"t": 0.2, "worker": 1, "kind": "exited", "item": None, "text": "exited"},
            ],
            "depth_samples": [[0.0, 1, 0], [0.25, 0, 1 - len(lost)]],
            "started_at": 1_700_000_000.0,
            "records": [
                {
                    "item": 0,
                    "worker": 1,
                    "pid": 4242,
                    "taken_at_s": 0.02,
                    "processing_ms": None if lost else 3.0,
                    "times_processed": 1 - len(lost),
                    "status": "dropped after take" if lost else "processed",
                }
            ],
        }
    )


def screen(window: MainWindow) -> dict[str, Any]:
    """What the Run and Experiment tabs show, as text."""
    model = window.model
    rows = [
        [model.index(r, c).data(Qt.ItemDataRole.DisplayRole) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    cells = window.experiment_tab.model
    cell_rows = [
        [cells.index(r, c).data(Qt.ItemDataRole.DisplayRole) for c in range(cells.columnCount())]
        for r in range(cells.rowCount())
    ]
    banner = window.banner
    return {
        "banner": (
            banner.outcome_label.text(),
            banner.diagnosis_label.text(),
            banner.lost_label.text(),
        ),
        "rows": rows,
        "log": window.log_panel.lines(),
        "lanes": window.lanes.lane_states(),
        "progress": window.progress_bar.text(),
        "cells": cell_rows,
        "experiment_stats": window.experiment_tab.stats_label.text(),
    }


# The table's time columns: the file keeps times to the microsecond, so a time the table
# rounds to its last digit may come back one digit off (0.738850 was 0.7388499...).
TIME_COLUMNS = {3: 1.01e-4, 4: 0.0101}


def same_rows(rows: list[list[Any]], expected: list[list[Any]]) -> None:
    assert len(rows) == len(expected)
    for row, want in zip(rows, expected, strict=True):
        for column, (value, wanted) in enumerate(zip(row, want, strict=True)):
            if column in TIME_COLUMNS and value != wanted:
                assert float(value) == pytest.approx(float(wanted), abs=TIME_COLUMNS[column])
            else:
                assert value == wanted, (column, row, want)


def answer_open(window: MainWindow, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(window.file_menu, "ask_open_path", lambda *a: str(path))


def answer_save(window: MainWindow, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(window.file_menu, "ask_save_path", lambda *a: str(path))


# --- Open result / Open experiment ------------------------------------------------------


# An export (EXPORT_RESULT or EXPORT_EXPERIMENT) and the file it went to, opened in a fresh window.
Reopen = Callable[[MainWindow, Export], tuple[MainWindow, Path]]


@pytest.fixture
def reopen(
    make_window: Callable[[], MainWindow], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Reopen:
    """Export what a window shows, close it, and open the file in a fresh window (File → Open)."""

    def export_close_and_open(window: MainWindow, export: Export) -> tuple[MainWindow, Path]:
        is_run = export == EXPORT_RESULT
        path = tmp_path / ("run.json" if is_run else "experiment.json")
        answer_save(window, monkeypatch, path)
        assert window.file_menu.export(export)
        window.close()

        fresh = make_window()  # nothing on screen
        answer_open(fresh, monkeypatch, path)
        actions = fresh.open_actions
        (actions.open_result_action if is_run else actions.open_experiment_action).trigger()
        return fresh, path

    return export_close_and_open


def test_open_result_round_trips_an_exported_run(
    qtbot: Any, make_window: Callable[[], MainWindow], reopen: Reopen
) -> None:
    window = make_window()
    set_params(window, "seed-empty-after-get", items=40, start_method="forkserver", watchdog_s=10.0)
    run_through_window(qtbot, window)
    before = screen(window)
    fresh, path = reopen(window, EXPORT_RESULT)
    assert fresh.last_result is not None
    after = screen(fresh)
    for key in ("banner", "log", "lanes", "progress"):
        assert after[key] == before[key], key
    same_rows(after["rows"], before["rows"])
    assert fresh.tabs.currentWidget() is fresh.run_tab
    assert str(path) in fresh.statusBar().currentMessage()
    assert fresh.open_actions.recent.entries()[0] == ("run", str(path))
    # It exports again like any run.
    assert fresh.file_menu.export_actions[EXPORT_RESULT].isEnabled()


def test_open_experiment_round_trips_an_exported_experiment(
    qtbot: Any, make_window: Callable[[], MainWindow], reopen: Reopen
) -> None:
    window = make_window()
    spec = small_spec(strategies=("seed-empty-after-get", "seed-sentinel-per-worker"), trials=2)
    run_experiment_through_window(qtbot, window, spec)
    before = screen(window)
    fresh, path = reopen(window, EXPORT_EXPERIMENT)
    tab = fresh.experiment_tab
    assert tab.result is not None
    assert tab.result.spec == spec
    assert screen(fresh)["cells"] == before["cells"]
    assert screen(fresh)["experiment_stats"] == before["experiment_stats"]
    assert fresh.tabs.currentWidget() is tab
    assert fresh.open_actions.recent.entries()[0] == ("experiment", str(path))


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"outcome": "ok", ', "Not valid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not UTF-8"),
        (b'{"outcome": NaN}', "NaN"),
        (b'{"a": 1, "a": 2}', "repeats a key"),
        (b'{"outcome": "ok"}', "not a run result"),
        (b"[1, 2, 3]", "not a run result"),
        (b" " * 200 + b"{}", "MB"),  # over the (patched) size cap
    ],
)
def test_a_bad_file_gives_one_message_box_and_changes_nothing(
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
    says: str,
) -> None:
    monkeypatch.setattr(gui.result_files, "MAX_RESULT_BYTES", 150)
    shown = tiny_result("lost")
    window.show_run_result(shown, "")
    window.experiment_tab.show_result(fake_result([[("ok",)]]))
    before = screen(window)
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    answer_open(window, monkeypatch, path)

    for action in (
        window.open_actions.open_result_action,
        window.open_actions.open_experiment_action,
    ):
        action.trigger()
        boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        assert len(boxes) == 1
        if action is window.open_actions.open_result_action:
            assert says in boxes[0].informativeText()
        assert window.last_result is shown
        assert screen(window) == before
    assert window.open_actions.recent.entries() == []


def test_recent_lists_opened_and_saved_files_and_drops_missing_ones(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = tmp_path / "run.json"
    window.show_run_result(tiny_result(), "")
    answer_save(window, monkeypatch, run)
    assert window.file_menu.export(EXPORT_RESULT)
    spec = tmp_path / "spec.json"
    answer_save(window, monkeypatch, spec)
    assert window.file_menu.save_spec()
    recent = window.open_actions.recent
    assert recent.entries() == [("spec", str(spec)), ("run", str(run))]

    window.open_actions.fill_recent()
    texts = [a.text() for a in window.open_actions.recent_menu.actions() if a.text()]
    assert texts[:2] == ["spec.json (spec)", "run.json (result)"]
    window.last_result = None
    window.open_actions.recent_menu.actions()[1].trigger()
    assert window.last_result is not None

    run.unlink()
    window.open_actions.fill_recent()
    assert recent.entries() == [("spec", str(spec))]
    assert "gone" in window.statusBar().currentMessage()
    assert str(run) in window.statusBar().currentMessage()


# --- the language restart -------------------------------------------------------------


class RestartBox:
    """QMessageBox stand-in: exec() clicks "Restart now"; the keep box is the real QCheckBox."""

    Icon = QMessageBox.Icon
    ButtonRole = QMessageBox.ButtonRole
    check_box: QCheckBox | None = None
    keep = True  # what the user leaves the keep box at

    def __init__(self, parent: Any = None) -> None:
        self.buttons: list[str] = []

    def addButton(self, text: str, role: Any) -> str:
        self.buttons.append(text)
        return text

    def setCheckBox(self, box: QCheckBox) -> None:
        assert box.isChecked()  # keeping is the default
        box.setChecked(RestartBox.keep)
        RestartBox.check_box = box

    def clickedButton(self) -> str:
        return next(b for b in self.buttons if b == "Restart now")

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args: None


@pytest.mark.parametrize("keep", [True, False])
def test_the_language_restart_keeps_the_results_on_screen(
    qtbot: Any, settings: QSettings, monkeypatch: pytest.MonkeyPatch, keep: bool
) -> None:
    monkeypatch.setattr(gui.language_menu, "QMessageBox", RestartBox)
    monkeypatch.setattr(RestartBox, "keep", keep)
    RestartBox.check_box = None

    def english() -> MainWindow:
        window = MainWindow(settings, language="en")
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        window.show()
        return window

    window = english()
    window.show_run_result(tiny_result("lost"), "")
    window.experiment_tab.show_result(fake_result([[("ok",), ("deadlock", "lost")]]))
    before = screen(window)
    window.language_menu.actions["zh_CN"].trigger()
    assert window.restart_requested
    qtbot.waitUntil(lambda: not window.isVisible())
    kept = settings.value(KEPT_KEY)
    paths = [entry.partition(":")[2] for entry in (kept or [])]
    assert len(paths) == (2 if keep else 0)
    assert all(os.path.isfile(p) for p in paths)

    again = english()  # the next start (in English here: only the restart is under test)
    if keep:
        after = screen(again)
        for key in ("banner", "log", "lanes", "cells", "experiment_stats"):
            assert after[key] == before[key], key
        same_rows(after["rows"], before["rows"])
    else:
        assert again.last_result is None and again.experiment_tab.result is None
    assert settings.value(KEPT_KEY) is None
    assert not any(os.path.exists(p) for p in paths)
    assert not any(os.path.exists(os.path.dirname(p)) for p in paths)


def test_restart_without_results_offers_no_keep_box(
    make_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gui.language_menu, "QMessageBox", RestartBox)
    RestartBox.check_box = None
    window = make_window()
    window.language_menu.language = "en"
    window.language_menu.choose("zh_CN")
    assert RestartBox.check_box is None


# --- previous run, Try it ---------------------------------------------------------------


def test_a_run_is_marked_previous_once_the_parameters_change(
    qtbot: Any, window: MainWindow
) -> None:
    mark = window.previous_run_mark
    assert not mark.isVisible()
    set_params(window, "seed-sentinel-per-worker", items=30, start_method="forkserver")
    run_through_window(qtbot, window)
    assert not mark.marked and not mark.isVisible()
    assert len(window.history.entries) == 1

    set_params(window, "seed-empty-after-get")  # another strategy after a run
    assert mark.marked and mark.isVisible()
    assert "Previous run" in mark.text()
    assert mark.veils[window.banner].isVisible()  # dimmed

    set_params(window, "seed-sentinel-per-worker")  # back to what ran
    assert not mark.marked and not mark.isVisible()
    assert not mark.veils[window.banner].isVisible()


def test_try_it_loads_the_posts_own_settings(window: MainWindow) -> None:
    set_params(window, "sentinel-per-worker", items=20_000, workers=8, work_ms=2.0)
    page = window.help_menu.show_what_is_this()
    page.browser.anchorClicked.emit(QUrl(STRATEGY_LINK + "seed-while-not-empty"))
    params = window.params_panel.params()
    assert (params.strategy, params.items, params.workers) == ("seed-while-not-empty", 100, 3)
    assert (params.queue_kind, params.work_ms) == ("manager", 0.0)
    assert window.tabs.currentIndex() == 0


# --- history and Compare -----------------------------------------------------------------


def test_history_keeps_the_last_twenty_runs_and_bounds_their_records(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gui.history, "RECORDS_KEPT", 3)
    for _ in range(HISTORY_LIMIT + 5):
        window.history.add(tiny_result())
    entries = window.history.entries
    assert len(entries) == HISTORY_LIMIT
    assert [e.number for e in entries] == list(range(6, HISTORY_LIMIT + 6))
    # Three records kept in all: the newest three runs keep theirs.
    assert [len(e.result.records) for e in entries[-4:]] == [0, 1, 1, 1]
    assert entries[0].records_dropped and "dropped" in window.history.label(entries[0])

    window.history_menu.fill()
    labels = [a.text() for a in window.history_menu.menu.actions() if a.text()]
    assert len(labels) == HISTORY_LIMIT + 1  # and Compare
    assert labels[0].startswith("Run 25:")
    window.history_menu.menu.actions()[0].trigger()
    assert window.last_result is entries[-1].result


def test_compare_shows_two_runs_side_by_side(window: MainWindow) -> None:
    window.history_menu.fill()
    assert not window.history_menu.menu.actions()[-1].isEnabled()  # Compare needs two runs
    assert window.history_menu.compare() is None
    window.history.add(tiny_result("lost", "seed-empty-after-get"))
    window.history.add(tiny_result("ok", "seed-sentinel-per-worker"))
    dialog = window.history_menu.compare()
    assert dialog is not None and dialog.isVisible()
    assert dialog.left.banner.outcome_label.text().startswith("LOST")
    assert dialog.right.banner.outcome_label.text().startswith("OK")
    assert dialog.left.counts.text().startswith(strategy_title("seed-empty-after-get"))
    assert dialog.right.counts.text().startswith(strategy_title("seed-sentinel-per-worker"))
    assert "0 of 1 processed" in dialog.left.counts.text()
    assert dialog.left.lanes.lane_states() and dialog.right.lanes.lane_states()
    dialog.show_pair(2, 1)
    assert dialog.left.banner.outcome_label.text().startswith("OK")
    dialog.close()


def test_result_files_are_read_as_data_only(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"__reduce__": "os.system"}))
    with pytest.raises(gui.result_files.ResultFileError):
        gui.result_files.open_run(str(path))
    with pytest.raises(gui.result_files.ResultFileError):
        gui.result_files.open_experiment(str(path))
