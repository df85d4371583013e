"""Start the CLI with a long deadlocking run, kill it from outside, check what it left.

Every CLI here gets its own TMPDIR, so its run directory, its journal and
multiprocessing's pymp-* directories are found there and nowhere else.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from core.journal import JOURNAL_NAME, RUN_DIR_PREFIX
from core.lifeline import ProcessId
from core.procs import child_pids
from tests.core.cli_helpers import start_cli

ROOT = Path(__file__).resolve().parents[2]
LONG_RUN = ("run", "--strategy", "seed-empty-after-get", "--items", "100000", "--work-ms", "1")
SHM_DIR = Path("/dev/shm")


@contextlib.contextmanager
def started_cli(
    args: Sequence[str], temp_dir: Path, new_session: bool = False
) -> Iterator[subprocess.Popen[str]]:
    """The CLI running in the background; killed (if still running) and reaped on exit."""
    cli = start_cli(args, temp_dir, stdout=subprocess.DEVNULL, new_session=new_session)
    try:
        yield cli
    finally:
        cli.kill()
        cli.wait()
        # Not communicate(): a process the CLI left (stopped) may hold the pipe open.
        assert cli.stderr is not None
        cli.stderr.close()


def run_cli(
    args: Sequence[str],
    temp_dir: Path,
    prefix: Sequence[str] = (),
    timeout: float = 90,
    program: Sequence[str] = (str(ROOT / "main.py"),),
) -> subprocess.CompletedProcess[str]:
    """The CLI run to its end (under prefix: a command that runs another one)."""
    return subprocess.run(
        [*prefix, sys.executable, *program, *args],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(temp_dir)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_dirs(temp_dir: Path) -> list[Path]:
    return sorted(temp_dir.glob(RUN_DIR_PREFIX + "*"))


def journal_children(run_dir: Path) -> list[ProcessId]:
    found = []
    for entry in run_dir.glob("child-*"):
        pid, start = entry.name.removeprefix("child-").split("-")
        found.append(ProcessId(int(pid), int(start)))
    return found


def wait_for_children(temp_dir: Path, runs: int, children: int, timeout: float = 60) -> None:
    """Until `runs` run directories each list `children` started children."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dirs = run_dirs(temp_dir)
        if len(dirs) >= runs and all(len(journal_children(d)) >= children for d in dirs):
            return
        time.sleep(0.05)
    raise AssertionError(f"the runs never started their children: {run_dirs(temp_dir)}")


def descendants(pid: int) -> set[ProcessId]:
    found: set[ProcessId] = set()
    for child in child_pids(pid):
        identity = ProcessId.of(child)
        if identity is not None:
            found.add(identity)
            found |= descendants(child)
    return found


def semaphores(temp_dir: Path) -> set[str]:
    """The named semaphores the journals in temp_dir list, as /dev/shm names."""
    names = set()
    for run_dir in run_dirs(temp_dir):
        with open(run_dir / JOURNAL_NAME) as journal:
            for name, kind in json.load(journal)["resources"]:
                if kind == "semaphore":
                    names.add("sem." + name.lstrip("/"))
    return names


def wait_until_gone(processes: set[ProcessId], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while [p for p in processes if p.alive()] and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [p.pid for p in processes if p.alive()]
    assert not alive, f"processes outlived the main process: {alive}"


def kill_and_wait(cli: subprocess.Popen[str], group: bool, signum: int) -> None:
    """Signal the CLI (or its whole group); every process it started must end."""
    left = descendants(cli.pid)
    assert left, "the CLI has no child processes"
    if group:
        os.killpg(cli.pid, signum)
    else:
        cli.send_signal(signum)
    cli.wait(timeout=30)
    wait_until_gone(left)


def reap_with_next_start(temp_dir: Path) -> str:
    """Run `main.py strategies` as the next start; returns its stderr."""
    done = run_cli(["strategies"], temp_dir)
    assert done.returncode == 0, done.stderr
    return done.stderr


def assert_nothing_left(temp_dir: Path, listed_semaphores: set[str]) -> None:
    assert not run_dirs(temp_dir), "run directories left"
    assert not list(temp_dir.glob("pymp-*")), "multiprocessing temp directories left"
    assert not {name for name in listed_semaphores if (SHM_DIR / name).exists()}


def kill_then_reap(cli: subprocess.Popen[str], temp_dir: Path, group: bool) -> None:
    """SIGKILL the main process (or the group): its children end; the next start reaps."""
    listed = semaphores(temp_dir)
    kill_and_wait(cli, group, signal.SIGKILL)
    stderr = reap_with_next_start(temp_dir)
    assert stderr.startswith("queuescope: Cleaned up after"), stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert_nothing_left(temp_dir, listed)


def kill_mid_run_then_reap(
    args: Sequence[str], temp_dir: Path, group: bool, children: int, runs: int = 1
) -> None:
    """Start the CLI, and once its runs started their children, kill_then_reap()."""
    with started_cli(args, temp_dir, new_session=group) as cli:
        wait_for_children(temp_dir, runs, children)
        kill_then_reap(cli, temp_dir, group)
