"""File menu: exports of a run and of an experiment, plots as PNG, specs; each file parsed back."""

from __future__ import annotations

import csv
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from core.experiment import ExperimentResult, load_spec
from core.result import RunResult
from gui import MainWindow
from gui.exports import (
    EXPORT_CELLS,
    EXPORT_EXPERIMENT,
    EXPORT_RECORDS,
    EXPORT_RESULT,
    EXPORT_TRACE,
    EXPORT_TRIALS,
    SAVE_LANES,
    SAVE_OUTCOMES,
    SAVE_TIMING,
    Export,
)
from tests.core.filesystems import fill, tiny_tmpfs
from tests.gui.experiment_helpers import run_experiment_through_window, small_spec
from tests.gui.helpers import run_through_window, set_params

PNG_HEADER = b"\x89PNG\r\n\x1a\n"
STAMP = r"\d{8}-\d{6}"


class SavePaths:
    """Stands in for the file dialog: answers with a path in tmp_path and records the question."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.asked: list[tuple[str, str]] = []
        self.answer: str | None = None

    def __call__(self, title: str, default_name: str, name_filter: str) -> str | None:
        self.asked.append((title, default_name))
        return self.answer if self.answer is not None else str(self.directory / default_name)


@pytest.fixture
def save_paths(window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SavePaths:
    exports = tmp_path / "exports"  # tmp_path itself holds the settings file
    exports.mkdir()
    paths = SavePaths(exports)
    monkeypatch.setattr(window.file_menu, "ask_save_path", paths)
    return paths


@pytest.fixture
def run_result(qtbot: Any, window: MainWindow) -> RunResult:
    set_params(window, "seed-empty-after-get", items=40, start_method="forkserver", watchdog_s=10.0)
    return run_through_window(qtbot, window)


@pytest.fixture
def experiment(qtbot: Any, window: MainWindow) -> ExperimentResult:
    spec = small_spec(strategies=("seed-empty-after-get", "seed-sentinel-per-worker"), trials=2)
    return run_experiment_through_window(qtbot, window, spec)


def export(window: MainWindow, key: Export, save_paths: SavePaths) -> tuple[str, Path]:
    """Choose an enabled File menu export: the file name it proposed, and the file written."""
    action = window.file_menu.export_actions[key]
    assert action.isEnabled(), action.text()
    action.trigger()
    name = save_paths.asked[-1][1]
    return name, save_paths.directory / name


def test_nothing_to_export_disables_the_actions(window: MainWindow) -> None:
    menu = window.file_menu
    menu.refresh()
    for action in menu.export_actions.values():
        assert not action.isEnabled(), action.text()
    assert menu.save_spec_action.isEnabled() and menu.open_spec_action.isEnabled()
    texts = [a.text() for a in menu.menu.actions()]
    assert "Export trace (Perfetto / chrome://tracing)…" in texts
    assert "Save experiment spec…" in texts and "Open experiment spec…" in texts


@pytest.mark.timeout(60)
def test_run_exports_write_files_that_parse_back(
    window: MainWindow, run_result: RunResult, save_paths: SavePaths
) -> None:
    name, written = export(window, EXPORT_RECORDS, save_paths)
    assert re.fullmatch(rf"queuescope-seed-empty-after-get-deadlock-{STAMP}\.csv", name), name
    with written.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == run_result.items == 40
    lost = [int(r["item"]) for r in rows if r["status"] != "processed"]
    assert lost == run_result.lost

    name, written = export(window, EXPORT_RESULT, save_paths)
    assert name.endswith(".json")
    data = json.loads(written.read_text())
    assert data["outcomes"] == run_result.outcomes and len(data["records"]) == 40

    name, written = export(window, EXPORT_TRACE, save_paths)
    assert name.endswith(".trace.json")
    trace = json.loads(written.read_text())
    spans = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    assert len(spans) == run_result.processed > 0

    png, written = export(window, SAVE_LANES, save_paths)
    assert re.fullmatch(rf"queuescope-seed-empty-after-get-deadlock-{STAMP}-lanes\.png", png), png
    assert written.read_bytes().startswith(PNG_HEADER)
    assert "Saved the plot" in window.statusBar().currentMessage()


@pytest.mark.timeout(90)
def test_experiment_exports_write_files_that_parse_back(
    window: MainWindow, experiment: ExperimentResult, save_paths: SavePaths
) -> None:
    assert not window.file_menu.export_actions[EXPORT_RECORDS].isEnabled()  # no single run yet

    name, written = export(window, EXPORT_EXPERIMENT, save_paths)
    assert re.fullmatch(rf"queuescope-experiment-2cells-{STAMP}\.json", name)
    data = json.loads(written.read_text())
    assert [c["strategy"] for c in data["cells"]] == [
        "seed-empty-after-get",
        "seed-sentinel-per-worker",
    ]
    assert data["trials_done"] == 4 and len(data["cells"][0]["runs"]) == 2

    name, written = export(window, EXPORT_CELLS, save_paths)
    assert name.endswith("-cells.csv")
    with written.open(newline="") as f:
        cells = list(csv.DictReader(f))
    assert len(cells) == 2 and cells[0]["trials"] == "2"
    assert cells[0]["lost_count"] == "2"  # the first loop loses its tail item every time

    _, written = export(window, EXPORT_TRIALS, save_paths)
    with written.open(newline="") as f:
        trials = list(csv.DictReader(f))
    assert len(trials) == experiment.trials_done == 4
    assert {t["seed"] for t in trials} == {str(t.seed) for c in experiment.cells for t in c.trials}

    for plot in (SAVE_OUTCOMES, SAVE_TIMING):
        name, written = export(window, plot, save_paths)
        assert name.endswith(".png")
        assert written.read_bytes().startswith(PNG_HEADER)


@pytest.mark.timeout(60)
def test_an_unwritable_path_is_reported_and_nothing_is_lost(
    qtbot: Any, window: MainWindow, run_result: RunResult, save_paths: SavePaths, tmp_path: Path
) -> None:
    blocker = save_paths.directory / "a-file"
    blocker.write_text("not a directory")
    save_paths.answer = str(blocker / "records.csv")  # a path under a file: cannot be created
    rows_before = window.model.rowCount()

    assert window.file_menu.export(EXPORT_RECORDS) is False

    assert "Could not write the records to" in window.statusBar().currentMessage()
    assert "Not a directory" in window.statusBar().currentMessage()
    box = window.file_menu.last_message_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "Could not write the records" in box.text()
    assert "Not a directory" in box.informativeText()
    box.close()
    # Nothing lost: the result is still there, and exportable elsewhere.
    assert window.last_result is run_result
    assert window.model.rowCount() == rows_before == 40
    assert window.file_menu.export_actions[EXPORT_RECORDS].isEnabled()
    assert [p.name for p in save_paths.directory.iterdir()] == ["a-file"]  # no temporary file
    save_paths.answer = None
    assert window.file_menu.export(EXPORT_RECORDS) is True


def test_an_export_over_an_existing_file_keeps_it_if_writing_fails(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written to a temporary file, then renamed: a failure leaves the old file whole."""
    target = tmp_path / "kept.csv"
    target.write_text("old content\n")

    def failing(out: Any) -> None:
        out.write("half a fi")
        raise OSError(28, "No space left on device")

    failed, saved = "Could not write the records to {path}", "Saved the records to {path}"
    assert window.file_menu._write_text(str(target), failed, saved, failing) is False
    assert target.read_text() == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.csv"]
    assert "No space left on device" in window.statusBar().currentMessage()
    box = window.file_menu.last_message_box
    assert box is not None
    box.close()


def test_spec_save_and_open_round_trip_json_and_toml(
    window: MainWindow, save_paths: SavePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = window.experiment_tab.spec_panel
    spec = small_spec(
        strategies=("get-timeout", "seed-single-sentinel"),
        workers=(2, 4),
        faults=("none", "kill:3"),
        seed=12345,
        parallel=2,
        jitter_ms=1.5,  # no widget for it: kept from the spec as it is
    )
    assert panel.set_spec(spec) == []
    for name in ("spec.json", "spec.toml"):
        save_paths.answer = str(tmp_path / name)
        assert window.file_menu.save_spec() is True
        assert load_spec(tmp_path / name) == panel.plan().spec

    panel.set_spec(small_spec())  # something else on screen
    monkeypatch.setattr(window.file_menu, "ask_open_path", lambda *a: str(tmp_path / "spec.toml"))
    assert window.file_menu.open_spec() is True
    assert panel.plan().spec == load_spec(tmp_path / "spec.json")
    assert window.tabs.currentWidget() is window.experiment_tab
    assert "Opened experiment spec" in window.statusBar().currentMessage()


def test_a_spec_with_fork_is_opened_without_it_and_says_so(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "fork.json"
    path.write_text('{"strategies": ["get-timeout"], "start_methods": ["fork", "forkserver"]}')
    monkeypatch.setattr(window.file_menu, "ask_open_path", lambda *a: str(path))
    assert window.file_menu.open_spec() is True
    assert window.experiment_tab.spec_panel.spec().start_methods == ("forkserver",)
    assert "fork is not run from the window" in window.statusBar().currentMessage()


@pytest.mark.timeout(60)
def test_an_export_to_a_symlink_replaces_the_link_and_never_its_target(
    window: MainWindow, run_result: RunResult, save_paths: SavePaths
) -> None:
    victim = save_paths.directory / "victim.txt"
    victim.write_text("keep\n")
    for entry, name in ((EXPORT_RESULT, "o.json"), (EXPORT_TRACE, "t.json"), (SAVE_LANES, "l.png")):
        link = save_paths.directory / name
        link.symlink_to(victim)
        save_paths.answer = str(link)
        assert window.file_menu.export(entry) is True, window.statusBar().currentMessage()
        assert not link.is_symlink() and link.stat().st_size > 0
    assert victim.read_text() == "keep\n"
    assert json.loads((save_paths.directory / "o.json").read_text())["items"] == 40


@pytest.mark.timeout(60)
def test_a_failing_export_keeps_the_old_file_and_says_why(
    window: MainWindow, run_result: RunResult, save_paths: SavePaths
) -> None:
    with tiny_tmpfs(save_paths.directory / "full") as disk:
        old = disk / "o.json"
        old.write_bytes(b'{"old": true}\n')
        fill(disk)
        save_paths.answer = str(old)
        assert window.file_menu.export(EXPORT_RESULT) is False
        assert old.read_bytes() == b'{"old": true}\n'
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "o.json"]  # no temporary
        box = window.file_menu.last_message_box
        assert box is not None and "No space left on device" in box.informativeText()
        box.close()

    save_paths.answer = "/dev/full"  # a device is refused, never replaced by a file
    assert window.file_menu.export(EXPORT_RECORDS) is False
    assert "not a regular file" in window.statusBar().currentMessage()
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    box = window.file_menu.last_message_box
    assert box is not None
    box.close()
