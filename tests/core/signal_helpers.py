"""Run main.py as a shell would, in its own process group, and signal it at a chosen moment.

Every wait polls /proc with a deadline: the moments are observed, not slept for.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from core.procs import pid_alive

ROOT = Path(__file__).resolve().parents[2]
POLL_S = 0.005


def start_main(
    *args: str, env: Mapping[str, str] | None = None, module: str | None = None
) -> subprocess.Popen[str]:
    """main.py (or `python -m module`) with args, leading a new process group as a shell job."""
    program = ["-m", module] if module else [str(ROOT / "main.py")]
    return subprocess.Popen(
        [sys.executable, *program, *args],
        cwd=ROOT,
        env=dict(env if env is not None else os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_until(ready: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(POLL_S)


def catches(pid: int, signum: int) -> bool:
    """pid has a handler of its own for signum (SigCgt in /proc/pid/status)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) & (1 << (signum - 1)))
    except OSError:
        pass
    return False


def group_members(pgid: int) -> set[int]:
    """Live processes of process group pgid (children and grandchildren, orphans too)."""
    members = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(ProcessLookupError):
            if os.getpgid(int(entry)) == pgid and pid_alive(int(entry)):
                members.add(int(entry))
    return members


def starting_children(pgid: int) -> set[int]:
    """Group members that are child interpreters of multiprocessing (spawned or forkserver)."""
    found = set()
    for pid in group_members(pgid) - {pgid}:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                text = cmdline.read()
        except OSError:
            continue
        if b"spawn_main" in text or b"forkserver" in text:
            found.add(pid)
    return found


def running_workers(pgid: int) -> set[int]:
    """Group members past their start-up: they have mapped the run's named semaphores."""
    running = set()
    for pid in group_members(pgid) - {pgid}:
        try:
            with open(f"/proc/{pid}/maps") as maps:
                if any("/dev/shm/sem." in line for line in maps):
                    running.add(pid)
        except OSError:
            continue
    return running


def send(process: subprocess.Popen[str], signum: int, whole_group: bool) -> None:
    """A terminal's Ctrl-C reaches the whole group; kill(1) reaches the main process only."""
    if whole_group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)


def end_quietly(process: subprocess.Popen[str], timeout_s: float = 60) -> tuple[int, str, str]:
    """Wait for the end; then no process of its group may be left. (code, stdout, stderr)."""
    try:
        out, err = process.communicate(timeout=timeout_s)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    said = f"code {process.returncode}\nstdout: {out[-2000:]!r}\nstderr: {err[-4000:]!r}"
    try:
        wait_until(lambda: not group_members(process.pid), f"its group is gone; {said}", 10)
    finally:
        for pid in group_members(process.pid):
            os.kill(pid, signal.SIGKILL)
    return process.returncode, out, err
