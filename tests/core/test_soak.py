"""Lifecycle guarantees over many runs: nothing grows, nothing is left behind."""

from __future__ import annotations

import itertools
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from core import Progress, RunParams, run
from core.control import RunControl
from core.faults import Fault
from core.procs import pid_alive
from tests.core.cli_helpers import signal_once_started
from tests.core.orphan_helpers import LONG_RUN, kill_mid_run_then_reap


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def on_forkserver(strategy: str, items: int, fault: str = "", **more: Any) -> RunParams:
    return RunParams(
        strategy=strategy,
        items=items,
        fault=Fault.parse(fault) if fault else None,
        start_method="forkserver",
        **more,
    )


# Each kind of ending: a run that ends that way, and the outcomes it may give.
ENDINGS: dict[str, tuple[RunParams, set[str]]] = {
    "ok": (on_forkserver("sentinel-per-worker", 200), {"ok"}),
    "deadlock": (on_forkserver("seed-empty-after-get", 50), {"deadlock", "lost"}),
    "stalled": (on_forkserver("sentinel-per-worker", 20, "stop:5", watchdog_s=0.3), {"stalled"}),
    "crashed": (on_forkserver("sentinel-per-worker", 20, "raise:5"), {"crashed"}),
    "killed": (on_forkserver("seed-sentinel-per-worker", 20, "kill:5"), {"crashed"}),
    "cancelled": (on_forkserver("sentinel-per-worker", 5000, work_ms=1), {"cancelled"}),
}
KINDS = list(ENDINGS)
EXPECTED = {kind: outcomes for kind, (_, outcomes) in ENDINGS.items()}


def run_one(kind: str) -> str:
    """One run of a given kind of ending (cancelled once it has processed an item)."""
    params = ENDINGS[kind][0]
    if kind != "cancelled":
        return run(params).outcome
    control = RunControl()

    def stop_soon(progress: Progress) -> None:
        if progress.processed:
            control.cancel()

    return run(params, on_progress=stop_soon, control=control).outcome


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
    args = ["run", "--strategy", "sentinel-per-worker", "--items", "100000", "--work-ms", "1"]
    done, workers = signal_once_started([*args, "--json"], signum, children=3)
    assert done.returncode == exit_code, done.stderr
    assert '"outcome": "cancelled"' in done.stdout
    assert "Traceback" not in done.stderr
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
