"""SIGTERM / SIGINT to the running app: the run is cancelled, no worker is left, exit 128+N."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.procs import child_pids, pid_alive
from gui.unix_signals import exit_code_for

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


def wait_for_workers(app: subprocess.Popen[str], timeout_s: float = 60.0) -> set[int]:
    """The app's children once its workers run (polling /proc; bounded)."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and app.poll() is None:
        children = child_pids(app.pid)
        seen |= children
        # The run's workers, plus multiprocessing's resource tracker.
        if len(children) > WORKERS:
            return seen
        time.sleep(0.05)
    out, err = app.communicate(timeout=30) if app.poll() is not None else ("", "")
    raise AssertionError(f"the app never had its workers running: {out!r} {err!r}")


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
    tmp_path: Path, signum: signal.Signals, mode: str
) -> None:
    app = start_app(tmp_path, mode)
    try:
        workers = wait_for_workers(app)
        sent = time.monotonic()
        app.send_signal(signum)
        out, err = app.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert app.returncode == exit_code_for(signum) == 128 + signum, err
    assert "started" in out
    # The close cancelled the run and its thread stopped before the event loop returned.
    assert f"exited busy=False code={128 + signum}" in out, out
    assert "Traceback" not in err, err
    assert took < 30, f"shutting down took {took:.1f} s"
    deadline = time.monotonic() + 10
    while any(pid_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if pid_alive(pid)], "processes outlived the app"
    # closeEvent saved the settings on the way out.
    assert (tmp_path / "QueueScope" / "QueueScope.conf").exists()
