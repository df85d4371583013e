"""Lifecycle guarantees over many runs: nothing grows, nothing is left behind."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import Progress, RunParams, run
from core.control import RunControl
from core.faults import Fault
from core.procs import child_pids, pid_alive
from tests.core.orphan_helpers import LONG_RUN, kill_mid_run_then_reap

ROOT = Path(__file__).resolve().parents[2]


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_one(kind: str) -> str:
    """One run of a given kind of ending; returns its headline outcome."""
    if kind == "ok":
        params = RunParams(strategy="sentinel-per-worker", items=200, start_method="forkserver")
    elif kind == "deadlock":
        params = RunParams(strategy="seed-empty-after-get", items=50, start_method="forkserver")
    elif kind == "stalled":
        params = RunParams(
            strategy="sentinel-per-worker",
            items=20,
            fault=Fault.parse("stop:5"),
            watchdog_s=0.3,
            start_method="forkserver",
        )
    elif kind == "crashed":
        params = RunParams(
            strategy="sentinel-per-worker",
            items=20,
            fault=Fault.parse("raise:5"),
            start_method="forkserver",
        )
    elif kind == "killed":
        params = RunParams(
            strategy="seed-sentinel-per-worker",
            items=20,
            fault=Fault.parse("kill:5"),
            start_method="forkserver",
        )
    else:  # cancelled
        control = RunControl()

        def stop_soon(progress: Progress) -> None:
            if progress.processed:
                control.cancel()

        params = RunParams(
            strategy="sentinel-per-worker", items=5000, work_ms=1, start_method="forkserver"
        )
        return run(params, on_progress=stop_soon, control=control).outcome
    return run(params).outcome


KINDS = ["ok", "deadlock", "stalled", "crashed", "killed", "cancelled"]
EXPECTED = {
    "ok": {"ok"},
    "deadlock": {"deadlock", "lost"},
    "stalled": {"stalled"},
    "crashed": {"crashed"},
    "killed": {"crashed"},
    "cancelled": {"cancelled"},
}


@pytest.mark.timeout(120)
def test_no_fd_growth_across_every_kind_of_ending() -> None:
    for kind in KINDS:  # warm up: the forkserver and lazily opened files
        run_one(kind)
    before = open_fds()
    for kind in KINDS * 2:
        assert run_one(kind) in EXPECTED[kind]
    assert open_fds() <= before


@pytest.mark.timeout(60)
def test_watchdog_during_worker_start_up_leaves_nothing() -> None:
    # A spawned worker needs tens of milliseconds just to start Python.
    result = run(RunParams(strategy="sentinel-per-worker", queue_kind="mp", watchdog_s=0.01))
    assert result.outcome == "stalled", result.diagnosis
    assert any(w.state in ("starting", "never started") for w in result.workers)
    # The autouse fixture checks that the half-started workers are gone.


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_soak_200_runs_mixing_every_outcome() -> None:
    for kind in KINDS:
        run_one(kind)
    fds, rss = open_fds(), rss_bytes()
    seen: set[str] = set()
    for kind in itertools.islice(itertools.cycle(KINDS), 200):
        outcome = run_one(kind)
        assert outcome in EXPECTED[kind], (kind, outcome)
        seen.add(outcome)
    assert {"ok", "deadlock", "stalled", "crashed", "cancelled"} <= seen
    assert open_fds() <= fds
    growth = (rss_bytes() - rss) / rss
    assert growth < 0.10, f"RSS grew {growth:.1%} over 200 runs"


@pytest.mark.timeout(90)
@pytest.mark.parametrize(("signum", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_cli_signal_mid_run_cancels_and_leaves_no_orphan(signum: int, exit_code: int) -> None:
    cli = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "run",
            "--strategy",
            "sentinel-per-worker",
            "--items",
            "100000",
            "--work-ms",
            "1",
            "--json",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 30
        while len(workers) < 3 and time.monotonic() < deadline:
            workers = child_pids(cli.pid)
            time.sleep(0.05)
        assert workers, "the CLI never started its workers"
        cli.send_signal(signum)
        out, err = cli.communicate(timeout=30)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.communicate()
    assert cli.returncode == exit_code, err
    assert '"outcome": "cancelled"' in out
    assert "Traceback" not in err
    # multiprocessing's resource tracker (also a child) leaves when it sees the
    # CLI's end of its pipe close: give it a moment.
    deadline = time.monotonic() + 5
    while [pid for pid in workers if pid_alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if pid_alive(pid)], "worker processes outlived the CLI"


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_soak_killed_main_process_and_group_then_a_new_start_reaps(tmp_path: Path) -> None:
    # Alternately the main process alone and its whole group, every start method.
    cases = itertools.product([False, True], ["spawn", "forkserver", "fork"], ["manager", "mp"])
    for group, start_method, queue in cases:
        args = [*LONG_RUN, "--queue", queue, "--start-method", start_method]
        children = 4 if queue == "manager" else 3
        kill_mid_run_then_reap(args, tmp_path, group=group, children=children)
    assert not list(tmp_path.iterdir()), "left after the soak"
