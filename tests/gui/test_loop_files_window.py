"""Your own loop in the window: loop files written by the tests, opened, edited, run, explored.

Every loop file is written into tmp_path by the test that uses it; its code
runs only in child processes (the probe, the workers, the explorer's child).
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPlainTextEdit

from core.result import RunResult
from core.strategies import STRATEGIES, unregister_strategy
from core.user_loops import is_loop_id, loop_id
from gui import MainWindow
from gui.loop_files import NEW_ACTION, OPEN_ACTION, RECENT_KEY
from gui.spec_loops import QUESTION_NAME
from tests.gui.helpers import RUN_TIMEOUT_MS, choose, run_through_window, set_params
from tests.gui.test_explore_window import explore

CORRECT = """\
TITLE = "Docs recipe, from a file"
SENTINEL = "STOP"

def loop(q, process, opts):
    for data in iter(q.get, "STOP"):
        process(data)
"""

# The post's loop 2, as a user copies it into a file.
LOOP_2 = """\
BACKENDS = ("manager",)

def loop(q, process, opts):
    while not q.empty():
        data = q.get()
        process(data)
"""

RAISES = """\
def loop(q, process, opts):
    q.get()
    raise ValueError("mine")
"""

BAD_FILES: dict[str, tuple[str | bytes | None, str]] = {
    "missing": (None, "no such file"),
    "directory": ("<dir>", "is a directory"),
    "not-utf8": (b"def loop(q, process, opts):\n    pass  # \xff\n", "not a UTF-8 text file"),
    "not-python": ("def loop(q, process, opts)\n    pass\n", "not Python"),
    "no-loop": ("def work(q):\n    pass\n", "no function loop(q, process, opts)"),
    "wrong-signature": ("def loop(q, process):\n    pass\n", "must take exactly three"),
    "unknown-backend": (
        'BACKENDS = ("carrier-pigeon",)\n\ndef loop(q, process, opts):\n    pass\n',
        "unknown backend 'carrier-pigeon'",
    ),
}


@pytest.fixture(autouse=True)
def forget_loops() -> Iterator[None]:
    """Loop files registered by a test are gone after it (STRATEGIES is per process)."""
    yield
    for strategy_id in [s for s in STRATEGIES if is_loop_id(s)]:
        unregister_strategy(strategy_id)


def write(folder: Path, text: str | bytes, name: str = "my_loop.py") -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def open_loop(qtbot: Any, window: MainWindow, path: Path | str) -> object:
    """Choose Open loop file… in the strategy list and pick path; the check's answer."""
    files = window.loop_files
    files.ask_open_path = lambda: str(path)  # type: ignore[method-assign]
    with qtbot.waitSignal(files.controller.finished, timeout=RUN_TIMEOUT_MS) as blocker:
        blocker.connect(files.controller.errored)
        choose(window, "strategyCombo", OPEN_ACTION)
    return blocker.args[0] if blocker.args else None


def nothing_left_running(window: MainWindow) -> None:
    assert not window.is_busy() and not window.loop_files.is_checking()
    assert multiprocessing.active_children() == []


def test_a_correct_loop_file_runs_ok_from_the_window(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    path = write(tmp_path, CORRECT)
    open_loop(qtbot, window, path)
    strategy = window.params_panel.strategy()
    assert strategy.id == loop_id(str(path))
    assert window.strategy_panel.title_label.text() == "Docs recipe, from a file"
    editor = window.loop_files.editor
    assert editor.isVisible() and not window.strategy_panel.source_view.isVisible()
    assert editor.text() == CORRECT and not editor.is_modified()
    assert window.settings.value(RECENT_KEY) in ([f"{path}:loop"], f"{path}:loop")
    set_params(window, strategy.id, items=30, workers=3)
    result = run_through_window(qtbot, window)
    assert result.outcomes == ["ok"], result.diagnosis
    assert window.model.total_count() == 30
    nothing_left_running(window)


def test_a_copy_of_loop_2_gets_loop_2s_verdicts(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    open_loop(qtbot, window, write(tmp_path, LOOP_2))
    set_params(window, window.params_panel.strategy().id, items=40, workers=3)
    assert window.params_panel.params().queue_kind == "manager"
    result = run_through_window(qtbot, window)
    assert set(result.outcomes) <= STRATEGIES["seed-while-not-empty"].expected_outcomes
    assert not result.lost
    nothing_left_running(window)


def test_a_loop_that_raises_crashes_with_the_users_traceback(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    path = write(tmp_path, RAISES)
    open_loop(qtbot, window, path)
    set_params(window, window.params_panel.strategy().id, items=10, workers=2)
    result = run_through_window(qtbot, window)
    assert "crashed" in result.outcomes, result.diagnosis
    error = next(w.error for w in result.workers if w.state == "crashed")
    assert error is not None and "ValueError: mine" in error
    assert f'File "{path}", line 3, in loop' in error
    label = window.banner.findChild(QLabel, "outcomeLabel")
    assert label is not None and "CRASHED" in label.text()
    # The banner's Traceback… shows the user's traceback, pointing into the user's file.
    qtbot.mouseClick(window.banner.traceback_button, Qt.MouseButton.LeftButton)
    dialog = window.banner.stack_dump_dialog()
    assert dialog is not None
    texts = [t.toPlainText() for t in dialog.findChildren(QPlainTextEdit, "tracebackText")]
    assert any(f'File "{path}", line 3, in loop' in text for text in texts)
    dialog.close()
    nothing_left_running(window)


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_loop_files_are_one_line_under_the_list(
    qtbot: Any, window: MainWindow, tmp_path: Path, case: str
) -> None:
    content, reason = BAD_FILES[case]
    path = tmp_path / "my_loop.py"
    if content == "<dir>":
        path.mkdir()
    elif content is not None:
        write(tmp_path, content)
    before = window.params_panel.strategy().id
    answer = open_loop(qtbot, window, path)
    assert isinstance(answer, str) and "Traceback" not in answer
    message = window.loop_files.message_label
    assert message.isVisible()
    assert str(path) in message.text() and reason in message.text(), message.text()
    assert "\n" not in message.text() and "Traceback" not in message.text()
    assert window.params_panel.strategy().id == before  # nothing else changed
    assert window.file_menu.last_message_box is None
    assert window.start_button.isEnabled()
    nothing_left_running(window)


def retype(code: Any, text: str) -> None:
    """Replace the editor's text as typing does (an edit, not a load)."""
    code.selectAll()
    code.insertPlainText(text)


def test_check_as_you_type_marks_the_line_and_disables_start(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    path = write(tmp_path, CORRECT)
    open_loop(qtbot, window, path)
    assert window.start_button.isEnabled()
    files, editor = window.loop_files, window.loop_files.editor
    retype(editor.code, CORRECT.replace("def loop(q, process, opts):", "def loop(q, opts):"))
    qtbot.waitUntil(lambda: bool(files.problems))
    assert editor.code.problem_lines == {4}
    assert editor.problems_label.text().startswith("line 4, column 1: loop must take exactly")
    assert not window.start_button.isEnabled()
    assert "line 4, column 1" in (window.params_panel.error() or "")
    retype(editor.code, CORRECT.replace("for data", "for data in"))  # a syntax error
    qtbot.waitUntil(lambda: editor.code.problem_lines == {5})
    assert "not Python" in editor.problems_label.text()
    # Valid again, but unsaved: Start still waits; Save checks the file and allows it.
    retype(editor.code, CORRECT.replace("process(data)", "process(data)  # mine"))
    qtbot.waitUntil(lambda: not files.problems)
    assert not window.start_button.isEnabled()
    assert "unsaved" in (window.params_panel.error() or "")
    with qtbot.waitSignal(files.controller.finished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert path.read_text(encoding="utf-8").endswith("process(data)  # mine\n")
    assert window.start_button.isEnabled()
    nothing_left_running(window)


def test_an_outside_change_reloads_the_file(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    path = write(tmp_path, CORRECT)
    open_loop(qtbot, window, path)
    files = window.loop_files
    changed = CORRECT.replace('"Docs recipe, from a file"', '"Changed elsewhere"')
    with qtbot.waitSignal(files.controller.finished, timeout=RUN_TIMEOUT_MS):
        path.write_text(changed, encoding="utf-8")
    assert files.editor.text() == changed
    assert window.strategy_panel.title_label.text() == "Changed elsewhere"
    # A broken outside edit is marked, and Start waits for it to be fixed.
    path.write_text(changed.replace("opts):", "opts)"), encoding="utf-8")
    qtbot.waitUntil(lambda: bool(files.problems))
    assert not window.start_button.isEnabled()
    nothing_left_running(window)


def test_new_loop_copies_a_built_in_to_edit(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = window.loop_files
    target = tmp_path / "copy.py"
    monkeypatch.setattr(files, "ask_copy_source", lambda: STRATEGIES["sentinel-per-worker"])
    monkeypatch.setattr(files, "ask_save_path", lambda _name: str(target))
    with qtbot.waitSignal(files.controller.finished, timeout=RUN_TIMEOUT_MS):
        choose(window, "strategyCombo", NEW_ACTION)
    assert window.params_panel.strategy().id == loop_id(str(target))
    assert 'for data in iter(q.get, "STOP"):' in files.editor.text()
    set_params(window, window.params_panel.strategy().id, items=20, workers=2)
    assert run_through_window(qtbot, window).outcomes == ["ok"]
    nothing_left_running(window)


def test_explore_and_step_mode_work_on_a_loop_file(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, LOOP_2)
    open_loop(qtbot, window, path)
    set_params(window, window.params_panel.strategy().id, workers=2, items=2)
    # The model runs the loop in threads: never in the window's process.
    import core.explorer.session as session

    def not_here(*_: Any) -> None:
        raise AssertionError("the user's loop ran in the window's process")

    monkeypatch.setattr(session, "search", not_here)
    exploration = explore(qtbot, window)
    assert exploration.schedule is not None
    assert exploration.schedule.strategy == loop_id(str(path))
    view = window.explore_panel.view
    assert view.headline.text().startswith("found: deadlock after")
    assert view.confirmation.text() == "confirmed on real processes: the real run agreed"
    # Replay is step mode on real processes: the deadlock, as with the built-in.
    replay = view.replay_button
    qtbot.waitUntil(lambda: replay.height() > 0)
    with qtbot.waitSignal(window.controller.finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(replay, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert isinstance(result, RunResult) and result.outcome == "deadlock"
    assert window.step_panel.switch.isChecked()
    assert result.stack_dumps and any(str(path) in d for d in result.stack_dumps.values())
    nothing_left_running(window)


def answer_question(qtbot: Any, button: QMessageBox.StandardButton, seen: list[str]) -> None:
    """Answer the loop files question once it shows (it is modal)."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != QUESTION_NAME:
            QTimer.singleShot(20, answer)
            return
        seen.append(box.informativeText())
        box.button(button).click()

    QTimer.singleShot(0, answer)


@pytest.mark.parametrize("use_them", [True, False])
def test_a_spec_naming_loop_files_asks_before_using_them(
    qtbot: Any, window: MainWindow, tmp_path: Path, use_them: bool
) -> None:
    loop = write(tmp_path, CORRECT)
    spec_path = tmp_path / "spec.json"
    spec = {
        "version": 1,
        "strategies": ["sentinel-per-worker"],
        "loops": ["my_loop.py"],
        "workers": [2],
        "items": [10],
        "trials": 1,
    }
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    seen: list[str] = []
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    answer_question(qtbot, yes if use_them else no, seen)
    assert window.file_menu.open_spec_file(str(spec_path))
    assert len(seen) == 1 and str(loop) in seen[0]
    panel = window.experiment_tab.spec_panel
    plan = panel.current_plan()
    assert plan is not None
    assert plan.spec.loops == ((f"{loop}:loop",) if use_them else ())
    assert any(is_loop_id(cell.coordinates.strategy) for cell in plan.cells) == use_them
    assert multiprocessing.active_children() == []  # asking ran nothing
