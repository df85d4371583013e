"""Child-process bookkeeping: which children exist, and making sure none is left."""

from __future__ import annotations

import contextlib
import os
import signal

from core.cpython import forkserver_pid, resource_tracker_pid


def pid_alive(pid: int) -> bool:
    """True while pid runs; a zombie (dead, not yet reaped) counts as dead."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return fields[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def pid_state(pid: int) -> str:
    """The kernel's one-letter state of pid (R, S, T stopped, Z zombie, ...); "" if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0].decode()
    except (OSError, IndexError):
        return ""


def helper_pids() -> set[int]:
    """multiprocessing's own long-lived helpers (resource tracker, forkserver).

    They serve every run of the process and are not a run's workers.
    """
    return {pid for pid in (resource_tracker_pid(), forkserver_pid()) if pid}


def child_pids(parent: int | None = None) -> set[int]:
    """Live children of parent (default: this process), from /proc."""
    parent = os.getpid() if parent is None else parent
    found: set[int] = set()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] not in (b"Z", b"X"):
            found.add(int(entry))
    return found


def worker_children() -> set[int]:
    """Children of this process that are not multiprocessing's shared helpers."""
    return child_pids() - helper_pids()


def kill_and_reap(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
