"""Nothing a run starts outlives the main process, however it dies; the next start reaps."""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from core import journal, lifeline
from core.errors import ParamError
from core.launcher import _tasks_of_user, ensure_process_room
from core.lifeline import ProcessId
from core.procs import pid_state
from tests.core.orphan_helpers import (
    LONG_RUN,
    ROOT,
    assert_nothing_left,
    journal_children,
    kill_and_wait,
    kill_mid_run_then_reap,
    reap_with_next_start,
    run_cli,
    run_dirs,
    started_cli,
    wait_for_children,
    wait_until_gone,
)
from tests.core.process_limits import pretend_process_limit

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("start_method", ["spawn", "forkserver", "fork"])
@pytest.mark.parametrize(("queue", "children"), [("manager", 4), ("mp", 3)])
def test_sigkill_of_the_main_process_alone_ends_every_child(
    tmp_path: Path, start_method: str, queue: str, children: int
) -> None:
    args = [*LONG_RUN, "--queue", queue, "--start-method", start_method]
    kill_mid_run_then_reap(args, tmp_path, group=False, children=children)


@pytest.mark.timeout(120)
def test_sigkill_of_an_experiment_ends_every_trial(tmp_path: Path) -> None:
    grid = "--strategies seed-empty-after-get --items 100000 --work-ms 1 --trials 4 --parallel 2"
    experiment = ["experiment", *grid.split()]
    kill_mid_run_then_reap(experiment, tmp_path, group=False, children=4, runs=2)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("start_method", "queue"), [("spawn", "manager"), ("forkserver", "mp")])
def test_sigkill_of_the_whole_group_is_reaped_by_the_next_start(
    tmp_path: Path, start_method: str, queue: str
) -> None:
    # The resource tracker dies too: only the journal knows the semaphores.
    args = [*LONG_RUN, "--queue", queue, "--start-method", start_method]
    kill_mid_run_then_reap(args, tmp_path, group=True, children=3)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("start_method", ["spawn", "forkserver"])
def test_group_sigterm_leaves_no_manager_directory(tmp_path: Path, start_method: str) -> None:
    args = [*LONG_RUN, "--queue", "manager", "--start-method", start_method]
    with started_cli(args, tmp_path, new_session=True) as cli:
        wait_for_children(tmp_path, runs=1, children=4)
        kill_and_wait(cli, group=True, signum=signal.SIGTERM)
        _, err = cli.communicate(timeout=30)
    assert cli.returncode == 143, err
    # (Quiet output under group signals is checked with the CLI's signal handling.)
    assert_nothing_left(tmp_path, set())


@pytest.mark.timeout(60)
def test_a_deadlocked_fork_run_is_cleaned_up_at_once(tmp_path: Path) -> None:
    # Forked workers used to inherit the CLI's SIGTERM handler: Pool.terminate()
    # could not end them and cleanup waited out its 5 s bound.
    started = time.monotonic()
    done = run_cli([*LONG_RUN[:4], "2000", "--start-method", "fork", "--json"], tmp_path)
    wall = time.monotonic() - started
    result = json.loads(done.stdout)
    assert result["outcome"] in ("deadlock", "lost"), result["diagnosis"]
    assert wall - result["elapsed_s"] < 1.5, f"{wall:.2f} s in all, run {result['elapsed_s']} s"


_LIMITED_UID = 61000 + os.getpid() % 3000  # a uid of its own: no other process counts


def _as_limited_user(nproc: int) -> list[str]:
    """Run as _LIMITED_UID under RLIMIT_NPROC (root ignores the limit)."""
    # The ambient capabilities keep read access to the interpreter and the checkout.
    caps = "+dac_override,+dac_read_search"
    uid = str(_LIMITED_UID)
    switch = ["setpriv", "--reuid", uid, "--regid", uid, "--clear-groups"]
    return [*switch, "--inh-caps", caps, "--ambient-caps", caps, "prlimit", f"--nproc={nproc}"]


def _why_no_process_limit() -> str | None:
    if os.geteuid() != 0:
        return "needs root, to run the CLI as a uid of its own under RLIMIT_NPROC"
    if shutil.which("setpriv") is None or shutil.which("prlimit") is None:
        return "needs setpriv and prlimit"
    probe = subprocess.run(
        [*_as_limited_user(50), sys.executable, "-c", "pass"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return None if probe.returncode == 0 else f"cannot run as another uid: {probe.stderr}"


def _processes_of(uid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            identity = ProcessId.of(int(entry))
            if identity is not None and identity.uid() == uid:
                found.append(identity.pid)
    return found


def _assert_nothing_of_the_limited_user_left(temp_dir: Path) -> None:
    deadline = time.monotonic() + 15
    while _processes_of(_LIMITED_UID) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _processes_of(_LIMITED_UID), "processes left behind"
    assert_nothing_left(temp_dir, set())
    assert not [p for p in Path("/dev/shm").iterdir() if p.stat().st_uid == _LIMITED_UID]


# The CLI with the up-front check off: as if other processes of the same user
# took the room between the check and the run's start.
_CLI_WITHOUT_THE_PROCESS_CHECK = (
    "-c",
    "import sys, core.launcher; core.launcher.ensure_process_room = lambda *args: None; "
    "import main; sys.exit(main.main())",
)


@pytest.fixture
def process_limit() -> None:
    reason = _why_no_process_limit()
    if reason:
        pytest.skip(reason)


def _run_under_the_process_limit(
    temp_dir: Path, start_method: str, check_first: bool = True
) -> subprocess.CompletedProcess[str]:
    args = [*LONG_RUN[:4], "1000", "--work-ms", "1", "--start-method", start_method]
    program = (str(ROOT / "main.py"),) if check_first else _CLI_WITHOUT_THE_PROCESS_CHECK
    return run_cli(args, temp_dir, prefix=_as_limited_user(12), program=program)


@pytest.mark.timeout(120)
@pytest.mark.usefixtures("process_limit")
@pytest.mark.parametrize("start_method", ["spawn", "forkserver", "fork"])
def test_a_process_limit_too_low_for_the_run_is_refused_up_front(
    tmp_path: Path, start_method: str
) -> None:
    # forkserver above all: when the forkserver's own fork fails, the standard
    # library prints a traceback and exits, before any code of ours runs.
    done = _run_under_the_process_limit(tmp_path, start_method)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("queuescope: error: too few processes allowed for 3 workers")
    assert "(ulimit -u)" in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert not done.stdout
    _assert_nothing_of_the_limited_user_left(tmp_path)


@pytest.mark.timeout(300)
@pytest.mark.usefixtures("process_limit")
# Not forkserver: when the forkserver's own fork fails, the standard library's
# forkserver prints a traceback and exits, and it runs none of our code first.
@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_a_process_limit_met_while_starting_ends_quietly_and_leaves_nothing(
    tmp_path: Path, start_method: str
) -> None:
    for _ in range(3):
        done = _run_under_the_process_limit(tmp_path, start_method, check_first=False)
        # A verdict (the run crashed, stalled...), or one line: it could not start.
        assert "Traceback" not in done.stderr
        assert len(done.stderr.splitlines()) <= 1, done.stderr
        if done.returncode == 2:
            assert done.stderr.startswith("queuescope: error: the run cannot start:")
        else:
            assert done.returncode == 0 and "outcome" in done.stdout, done.stderr
        _assert_nothing_of_the_limited_user_left(tmp_path)


def test_the_process_room_a_run_needs_is_checked_against_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pretend_process_limit(monkeypatch, soft=12, hard=12, in_use=3)
    with pytest.raises(ParamError) as refused:
        ensure_process_room(3)
    assert str(refused.value) == (
        "too few processes allowed for 3 workers at once: about 16 more needed, "
        "9 of the limit of 12 are free (ulimit -u); raise it, or use fewer workers "
        "or parallel trials"
    )
    with pytest.raises(ParamError, match="for 6 workers at once: about 30 more needed"):
        ensure_process_room(3, runs=2)  # an experiment's parallel trials

    # A hard limit with room: the soft one is raised as far as the run needs.
    raised = pretend_process_limit(monkeypatch, soft=12, hard=100, in_use=3)
    ensure_process_room(3)
    assert raised == [(19, 100)]

    # No limit, or room enough: nothing to do.
    for soft in (resource.RLIM_INFINITY, 19):
        untouched = pretend_process_limit(monkeypatch, soft=soft, hard=soft, in_use=3)
        ensure_process_room(3)
        assert untouched == []


def test_what_the_process_limit_counts_includes_threads() -> None:
    # RLIMIT_NPROC counts every task of the user's real uid, threads too.
    assert _tasks_of_user(os.getuid()) >= threading.active_count()
    assert _tasks_of_user(2**31 - 2) == 0  # a uid nothing runs as


# --- the lifeline and the journal, in this process ----------------------------


def _answer_pings(owner: ProcessId, pings: multiprocessing.connection.Connection) -> None:
    lifeline.arm(owner)
    while pings.recv() == "ping":
        pings.send("pong")


@pytest.mark.timeout(60)
def test_a_child_outlives_the_thread_that_started_it() -> None:
    # PR_SET_PDEATHSIG fires when the parent *thread* ends: that must not end the child.
    ours, theirs = multiprocessing.Pipe()
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=_answer_pings, args=(ProcessId.current(), theirs), daemon=True)
    starter = threading.Thread(target=child.start)
    starter.start()
    starter.join()
    try:
        for _ in range(3):
            ours.send("ping")
            assert ours.poll(30) and ours.recv() == "pong"
    finally:
        ours.send("stop")
        child.join(10)
        if child.is_alive():
            child.kill()
            child.join()
    assert child.exitcode == 0


def _finished_process() -> ProcessId:
    """A ProcessId of a process that has ended."""
    process = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return ProcessId(int(process.stdout), 1)


def _write_journal(run_dir: Path, owner: ProcessId, directories: list[str]) -> None:
    run_dir.mkdir()
    payload = {"owner": [owner.pid, owner.start], "resources": [], "directories": directories}
    (run_dir / journal.JOURNAL_NAME).write_text(json.dumps(payload))


@pytest.mark.timeout(60)
def test_the_reaper_leaves_live_owners_and_what_is_not_ours(tmp_path: Path) -> None:
    alive = tmp_path / "queuescope-run-alive"
    _write_journal(alive, ProcessId.current(), [])
    outside = tmp_path / "elsewhere" / "pymp-keep"
    outside.mkdir(parents=True)
    dead = tmp_path / "queuescope-run-dead"
    _write_journal(dead, _finished_process(), [str(outside), "/"])
    # A recorded child whose pid now belongs to another process (the start time differs).
    me = ProcessId.current()
    (dead / f"child-{me.pid}-{me.start + 1}").touch()

    reports = journal.reap_stale_runs(str(tmp_path))

    assert [str(report) for report in reports] == [
        "Cleaned up after runs whose program ended abruptly (runs: 1; processes ended: 0; "
        "semaphores removed: 0; folders removed: 1)."
    ]
    assert alive.exists() and outside.exists() and not dead.exists()
    assert journal.reap_stale_runs(str(tmp_path)) == []
    assert run_dirs(tmp_path) == [alive]


@pytest.mark.timeout(120)
def test_a_stopped_worker_left_by_a_killed_main_process_is_ended_by_the_next_start(
    tmp_path: Path,
) -> None:
    # A stopped (SIGSTOP) process handles no signal: only the journal can end it.
    args = ["run", "--strategy", "sentinel-per-worker", "--items", "100000", "--work-ms", "1"]
    args += ["--queue", "mp", "--fault", "stop:5", "--watchdog-s", "600"]
    with started_cli(args, tmp_path) as cli:
        wait_for_children(tmp_path, runs=1, children=3)
        (run_dir,) = run_dirs(tmp_path)
        children = journal_children(run_dir)
        deadline = time.monotonic() + 30
        while not [c for c in children if pid_state(c.pid) == "T"]:
            assert time.monotonic() < deadline, "no worker stopped"
            time.sleep(0.05)
        cli.kill()
        cli.wait()
    (stopped,) = [c for c in children if pid_state(c.pid) == "T"]
    wait_until_gone({c for c in children if c != stopped})
    assert stopped.alive()

    stderr = reap_with_next_start(tmp_path)

    assert "processes ended: 1;" in stderr, stderr
    wait_until_gone({stopped})
    assert_nothing_left(tmp_path, set())
