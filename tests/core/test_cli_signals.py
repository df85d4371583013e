"""SIGINT and SIGTERM at any moment of a headless command: 130 or 143, no traceback, nothing left.

The moments: start-up (main.py's handlers are set, the imports go on), the
first multiprocessing child starting (a spawned or forkserver interpreter
still importing: the Manager, the forkserver, a worker), and every worker
running. A terminal's Ctrl-C reaches the whole process group; kill(1) only
the main process.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from core.interrupts import exit_code_for
from tests.core.signal_helpers import (
    catches,
    end_quietly,
    running_workers,
    send,
    start_main,
    starting_children,
    wait_until,
)

LONG_RUN = ("--items", "30000", "--work-ms", "1", "--json")
BOTH = [signal.SIGINT, signal.SIGTERM]


def assert_ended_by(signum: int, code: int, out: str, err: str) -> None:
    said = f"stdout: {out[-1500:]!r}\nstderr: {err[-3000:]!r}"
    assert code == exit_code_for(signum), said
    assert "Traceback" not in err, said
    assert "Error" not in err, said
    if out:  # a run that had started: Ctrl-C is a cancel, never a crash
        assert '"outcome": "cancelled"' in out, said


@pytest.mark.timeout(60)
@pytest.mark.parametrize("signum", BOTH, ids=["sigint", "sigterm"])
@pytest.mark.parametrize("delay_s", [0.0, 0.03, 0.1], ids=["at-once", "30ms", "100ms"])
@pytest.mark.parametrize("whole_group", [True, False], ids=["group", "main"])
def test_signal_during_start_up(signum: int, delay_s: float, whole_group: bool) -> None:
    cli = start_main("run", "--strategy", "seed-empty-after-get", *LONG_RUN)
    wait_until(lambda: catches(cli.pid, signal.SIGTERM), "main.py has set its handlers")
    # The moment is the test's subject: at once, or a little further into the imports.
    time.sleep(delay_s)
    send(cli, signum, whole_group)
    assert_ended_by(signum, *end_quietly(cli))


@pytest.mark.timeout(90)
@pytest.mark.parametrize("signum", BOTH, ids=["sigint", "sigterm"])
@pytest.mark.parametrize(
    ("strategy", "start_method"),
    [
        ("seed-empty-after-get", "spawn"),  # the Manager starts first, then a Pool
        ("sentinel-per-worker", "spawn"),  # Process workers
        ("sentinel-per-worker", "forkserver"),  # the forkserver starts first
        ("pool-imap-unordered", "spawn"),  # a Pool started by the pool driver thread
        ("process-pool-executor", "forkserver"),
    ],
)
def test_group_signal_while_children_start(signum: int, strategy: str, start_method: str) -> None:
    cli = start_main("run", "--strategy", strategy, "--start-method", start_method, *LONG_RUN)
    wait_until(lambda: bool(starting_children(cli.pid)), "a child interpreter starts")
    send(cli, signum, whole_group=True)
    code, out, err = end_quietly(cli)
    assert_ended_by(signum, code, out, err)
    assert out, "the run had started: its cancelled result is printed"


@pytest.mark.timeout(90)
@pytest.mark.parametrize("signum", BOTH, ids=["sigint", "sigterm"])
def test_a_signal_while_the_manager_starts_is_a_cancel_even_if_its_start_fails(
    signum: int,
) -> None:
    # The Manager is the run's first child. The signal waits while the main
    # process starts it (shielded); the Manager then dies before it answers,
    # so its start raises with the cancel already pending.
    cli = start_main("run", "--strategy", "seed-empty-after-get", *LONG_RUN)
    wait_until(lambda: bool(starting_children(cli.pid)), "the Manager's interpreter starts")
    send(cli, signum, whole_group=False)
    for manager in starting_children(cli.pid):
        os.kill(manager, signal.SIGKILL)
    code, out, err = end_quietly(cli)
    assert_ended_by(signum, code, out, err)
    assert '"outcomes": ["cancelled"]' in out, out[-1500:]


@pytest.mark.timeout(90)
@pytest.mark.parametrize("signum", BOTH, ids=["sigint", "sigterm"])
def test_group_signal_with_every_worker_running(signum: int) -> None:
    cli = start_main("run", "--strategy", "sentinel-per-worker", *LONG_RUN)
    wait_until(lambda: len(running_workers(cli.pid)) >= 3, "three workers run")
    send(cli, signum, whole_group=True)
    assert_ended_by(signum, *end_quietly(cli))


@pytest.mark.timeout(120)
@pytest.mark.parametrize("signum", BOTH, ids=["sigint", "sigterm"])
def test_group_signal_while_an_experiment_starts_its_trials(signum: int) -> None:
    grid = "--strategies seed-empty-after-get,sentinel-per-worker --items 3000 --work-ms 1"
    cli = start_main("experiment", *grid.split(), *["--trials", "4", "--parallel", "2", "--json"])
    wait_until(lambda: bool(starting_children(cli.pid)), "a child interpreter starts")
    send(cli, signum, whole_group=True)
    code, out, err = end_quietly(cli)
    said = f"stdout: {out[-1500:]!r}\nstderr: {err[-3000:]!r}"
    assert code == exit_code_for(signum), said
    assert "Traceback" not in err, said
