"""SIGTERM / SIGINT to the running app: the run is cancelled, no worker is left, exit 128+N."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from core.procs import child_pids, pid_alive
from gui.unix_signals import exit_code_for
from tests.core.signal_helpers import (
    catches,
    end_quietly,
    send,
    start_main,
    starting_children,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3


def start_app(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.gui.app_harness", str(tmp_path), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def has_opened_its_semaphores(pid: int) -> bool:
    """The process has mapped a named semaphore: a spawned worker is past its bootstrap.

    A child shows up in /proc as soon as it is forked, before it has read its
    arguments from the parent; a signal then races the worker's own start-up
    (see the report on core's _start_workers). Mapping /dev/shm/sem.* means it
    has unpickled its queue and ledger lock, so it is really running.
    """
    try:
        with open(f"/proc/{pid}/maps") as maps:
            return any("/dev/shm/sem." in line for line in maps)
    except OSError:
        return False


def wait_for_workers(qtbot: Any, app: subprocess.Popen[str], timeout_ms: int = 60_000) -> set[int]:
    """The app's children once all its workers run (polling /proc; bounded)."""
    seen: set[int] = set()

    def workers_running() -> bool:
        assert app.poll() is None, f"the app ended early: {app.communicate(timeout=30)!r}"
        children = child_pids(app.pid)
        seen.update(children)
        # The run's workers (multiprocessing's resource tracker maps no semaphore).
        return sum(has_opened_its_semaphores(pid) for pid in children) >= WORKERS

    qtbot.waitUntil(workers_running, timeout=timeout_ms)
    return seen


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("signum", "mode"),
    [
        (signal.SIGTERM, "run"),
        (signal.SIGINT, "run"),
        (signal.SIGTERM, "experiment"),
    ],
    ids=["sigterm-run", "sigint-run", "sigterm-experiment"],
)
def test_signal_mid_run_shuts_the_app_down_cleanly(
    qtbot: Any, tmp_path: Path, signum: signal.Signals, mode: str
) -> None:
    app = start_app(tmp_path, mode)
    try:
        workers = wait_for_workers(qtbot, app)
        sent = time.monotonic()
        app.send_signal(signum)
        out, err = app.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    said = f"stdout: {out!r}\nstderr: {err!r}"
    assert app.returncode == exit_code_for(signum) == 128 + signum, said
    assert "started" in out, said
    # The close cancelled the run and its thread stopped before the event loop returned.
    assert f"exited busy=False code={128 + signum}" in out, said
    assert "Traceback" not in err, said
    assert took < 30, f"shutting down took {took:.1f} s; {said}"

    # Workers are reaped before the app exits; multiprocessing's resource tracker
    # (a child too) leaves once it sees its pipe close: give it a moment.
    def all_gone() -> None:
        left = [pid for pid in workers if pid_alive(pid)]
        assert not left, f"processes outlived the app: {left}; {said}"

    qtbot.waitUntil(all_gone, timeout=10_000)
    # closeEvent saved the settings on the way out.
    assert (tmp_path / "QueueScope" / "QueueScope.conf").exists()


def window_env(tmp_path: Path) -> dict[str, str]:
    """The window's settings in tmp_path (XDG_CONFIG_HOME), never the user's."""
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
@pytest.mark.parametrize("delay_s", [0.0, 0.1, 0.3], ids=["at-once", "100ms", "300ms"])
def test_signal_while_the_window_starts_exits_quietly(
    tmp_path: Path, signum: signal.Signals, delay_s: float
) -> None:
    """Qt and the window are still loading (a KeyboardInterrupt there was an ImportError)."""
    app = start_main(env=window_env(tmp_path))
    wait_until(lambda: catches(app.pid, signal.SIGTERM), "main.py has set its handlers")
    time.sleep(delay_s)  # the moment to signal: this far into the start-up
    send(app, signum, whole_group=True)
    code, out, err = end_quietly(app)
    said = f"stdout: {out!r}\nstderr: {err!r}"
    assert code == exit_code_for(signum), said
    assert "Traceback" not in err and "Error" not in err, said


@pytest.mark.timeout(120)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_ctrl_c_while_the_windows_workers_start(tmp_path: Path, signum: signal.Signals) -> None:
    """A terminal's Ctrl-C reaches every worker too, while they still import their modules."""
    app = start_main(str(tmp_path), env=window_env(tmp_path), module="tests.gui.app_harness")
    wait_until(lambda: bool(starting_children(app.pid)), "a worker interpreter starts", 60)
    send(app, signum, whole_group=True)
    code, out, err = end_quietly(app)
    said = f"stdout: {out!r}\nstderr: {err!r}"
    assert code == exit_code_for(signum), said
    assert "Traceback" not in err, said
    assert f"exited busy=False code={exit_code_for(signum)}" in out, said
