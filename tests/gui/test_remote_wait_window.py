"""The window waits for remote workers on a shared Redis server: the command, the joins, Stop.

Each test starts a private redis-server on a free loopback port; the window
reads its password from a file (the file chooser's path), a worker gets it
from the environment. A worker is a real `main.py worker` process started
with exactly the command the window shows. Every test stops its server and
checks that no process and no key of a run is left.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication

from core.backends.redis_remote import RemoteWaiting
from core.backends.redis_server import ServerAddress
from core.procs import child_pids, worker_children
from core.result import RunResult
from gui import MainWindow
from gui.app import clean_up_after_killed_runs
from tests.core.cli_helpers import ROOT
from tests.core.redis_helpers import (
    free_loopback_port,
    keys_on,
    needs_redis_server,
    private_server,
    redis_server_pids,
)
from tests.gui.helpers import RUN_TIMEOUT_MS, set_params

pytestmark = needs_redis_server
WORKER_TIMEOUT_S = 60
# A cancel is seen within one poll of the wait (0.2 s) plus the run's cleanup.
STOP_TIMEOUT_MS = 10_000


class Server(NamedTuple):
    address: ServerAddress
    password_file: Path
    pid: int  # the server is a child of the test: not a run's leftover


@pytest.fixture(name="server")
def loopback_server(tmp_path: Path) -> Iterator[Server]:
    """A private server on a loopback port, and a file with its password."""
    with private_server(tmp_path, port=free_loopback_port()) as (address, process):
        password_file = tmp_path / "redis-password"
        password_file.write_text(f"{address.password}\n")
        password_file.chmod(0o600)
        yield Server(address, password_file, process.pid)
        assert keys_on(address) == [], "a run left keys on the server"
    assert process.poll() is not None
    # Other programs on the machine may run their own: only ours count.
    assert not redis_server_pids() & child_pids(), "a redis-server was left running"


def choose_shared_server(window: MainWindow, server: Server, remote: int, wait_s: float) -> None:
    address, password_file, _ = server
    set_params(window, "sentinel-per-worker", queue_kind="redis", items=60, workers=2)
    rows = window.params_panel.redis_rows
    rows.url_edit.setText(address.url)
    rows.set_password_file(str(password_file))
    rows.remote_spin.setValue(remote)
    rows.remote_wait_spin.setValue(wait_s)
    assert window.params_panel.is_valid(), window.params_panel.error()


def start_and_wait_for_command(qtbot: Any, window: MainWindow) -> list[RemoteWaiting]:
    """Click Start; returns the waits the bridge reported (the first one has come)."""
    seen: list[RemoteWaiting] = []
    window.controller.remoteWaiting.connect(seen.append)
    with qtbot.waitSignal(window.controller.remoteWaiting, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.remote_wait.isVisible)
    return seen


@contextlib.contextmanager
def no_window_password_in_environment() -> Iterator[None]:
    """The window reads the password from the file only: the variable is unset meanwhile."""
    saved = os.environ.pop("QUEUESCOPE_REDIS_PASSWORD", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["QUEUESCOPE_REDIS_PASSWORD"] = saved


def test_a_remote_worker_started_with_the_shown_command_joins_and_the_run_ends(
    qtbot: Any, window: MainWindow, server: Server, settings: QSettings
) -> None:
    address = server.address
    password = address.password or ""
    choose_shared_server(window, server, remote=1, wait_s=60)
    with no_window_password_in_environment():
        seen = start_and_wait_for_command(qtbot, window)
        command = window.remote_wait.command()
        run_id = seen[0].run_id
        assert command == f"python main.py worker --redis {address.url} --run {run_id}"
        assert password not in command and password not in window.remote_wait.intro.text()
        assert window.remote_wait.joined_bar.text() == "0 of 1 joined"
        qtbot.mouseClick(window.remote_wait.copy_button, Qt.MouseButton.LeftButton)
        assert QGuiApplication.clipboard().text() == command

        argv = shlex.split(command)
        assert argv[:2] == ["python", "main.py"]
        env = {**os.environ, "QUEUESCOPE_REDIS_PASSWORD": password}
        with qtbot.waitSignal(window.controller.finished, timeout=RUN_TIMEOUT_MS) as ended:
            ended.connect(window.controller.errored)
            worker = subprocess.Popen(
                [sys.executable, *argv[1:]], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
            )
        _, said = worker.communicate(timeout=WORKER_TIMEOUT_S)
    result = ended.args[0]
    assert isinstance(result, RunResult), result
    assert worker.returncode == 0, said
    assert f"joined run {run_id} as worker 2 of 2" in said
    assert [wait.joined for wait in seen] == [0, 1]
    assert result.outcome == "ok", result.diagnosis
    assert result.processed == 60
    assert 2 in set(result.records.worker), "no item record names the remote worker"
    assert not window.remote_wait.isVisible()
    assert len(window.lanes.processing_spans(2)) > 0, "the lanes do not show the remote worker"
    # The settings keep the URL and the file's path, never the password.
    window.close()
    settings.sync()
    stored = Path(settings.fileName()).read_text()
    assert address.url in stored and password not in stored


def test_stop_during_the_wait_ends_it_with_nothing_left(
    qtbot: Any, window: MainWindow, server: Server
) -> None:
    choose_shared_server(window, server, remote=2, wait_s=600)
    start_and_wait_for_command(qtbot, window)
    assert window.remote_wait.joined_bar.text() == "0 of 2 joined"
    with qtbot.waitSignal(window.controller.finished, timeout=STOP_TIMEOUT_MS) as ended:
        ended.connect(window.controller.errored)
        qtbot.mouseClick(window.remote_wait.stop_button, Qt.MouseButton.LeftButton)
    result = ended.args[0]
    assert isinstance(result, RunResult), result
    assert result.outcome == "cancelled"
    assert not window.remote_wait.isVisible()
    assert not window.is_running()
    assert worker_children() == {server.pid}
    assert keys_on(server.address) == []


def test_workers_that_do_not_come_in_time_are_a_clear_message(
    qtbot: Any, window: MainWindow, server: Server
) -> None:
    choose_shared_server(window, server, remote=2, wait_s=0.5)
    with qtbot.waitSignal(window.controller.errored, timeout=RUN_TIMEOUT_MS) as refused:
        refused.connect(window.controller.finished)
        qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    message = refused.args[0]
    assert isinstance(message, str), message
    assert re.match(r"0 of 2 remote workers joined run [0-9a-f]{12} in 0.5 s", message), message
    assert "Traceback" not in message
    assert window.banner.diagnosis_label.text() == message
    assert not window.remote_wait.isVisible()
    assert window.start_button.isEnabled()
    assert worker_children() == {server.pid}
    assert keys_on(server.address) == []


def test_the_lab_s_own_server_has_no_remote_workers_and_says_why(window: MainWindow) -> None:
    set_params(window, "sentinel-per-worker", queue_kind="redis", workers=3)
    rows = window.params_panel.redis_rows
    assert rows.url_edit.isVisible() and rows.remote_spin.isVisible()
    assert not rows.remote_spin.isEnabled()
    assert "Unix socket" in rows.note.text() and "Unix socket" in rows.remote_spin.toolTip()
    assert window.params_panel.shared_redis() is None
    rows.url_edit.setText("redis://10.1.2.3:6379/0")
    assert rows.remote_spin.isEnabled() and rows.remote_spin.maximum() == 3
    set_params(window, "sentinel-per-worker", queue_kind="mp")
    assert not rows.url_edit.isVisible()
    assert window.params_panel.shared_redis() is None


def test_a_password_in_the_url_is_refused_taken_out_and_never_saved(
    qtbot: Any, window: MainWindow, settings: QSettings
) -> None:
    set_params(window, "sentinel-per-worker", queue_kind="redis")
    rows = window.params_panel.redis_rows
    rows.url_edit.setText("redis://:hunter2secret@10.1.2.3:6379/0")
    error = window.params_panel.error() or ""
    assert "password" in error and "hunter2secret" not in error
    assert not window.start_button.isEnabled()
    rows.url_edit.editingFinished.emit()  # the user leaves the field
    assert rows.url_edit.text() == "redis://10.1.2.3:6379/0"
    assert "taken out" in rows.note.text()
    assert window.params_panel.is_valid(), window.params_panel.error()
    window.params_panel.save(settings)
    settings.sync()
    assert "hunter2secret" not in Path(settings.fileName()).read_text()


@pytest.mark.timeout(90)
def test_keys_a_killed_run_left_on_the_shared_server_go_when_the_window_starts(
    qtbot: Any, window: MainWindow, server: Server, tmp_path: Path
) -> None:
    # A run on the shared server whose main process is killed: its keys stay behind.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("QUEUESCOPE_REDIS_PASSWORD", None)
    process = subprocess.Popen(
        [sys.executable, "main.py", "run", "--strategy", "stop-event", "--queue", "redis",
         "--redis", server.address.url, "--redis-password-file", str(server.password_file),
         "--items", "100000", "--work-ms", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        qtbot.waitUntil(lambda: bool(keys_on(server.address)), timeout=30_000)
    finally:
        process.kill()
        process.wait(10)
    assert keys_on(server.address), "the killed run's keys"
    # The window knows the server and its password file (as its settings would give them).
    rows = window.params_panel.redis_rows
    rows.url_edit.setText(server.address.url)
    rows.set_password_file(str(server.password_file))
    clean_up_after_killed_runs(window, str(tmp_path))
    assert keys_on(server.address) == []
    assert "Cleaned up after runs" in window.log_panel.toPlainText()
