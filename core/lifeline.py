"""A run's child processes end when the main process ends, however it ends.

Every process a run starts (its workers, Pool and executor workers, the
Manager's server) calls arm() first thing. It asks the kernel for a signal
when the parent dies (PR_SET_PDEATHSIG, Linux; elsewhere arm() is a no-op)
and exits when that happens.

The kernel sends that signal when the parent *thread* ends, and a run starts
its children from short-lived threads (the producer, a pool's handler). So
the signal is a catchable one, and its handler only checks whether the
parent process is still the one the child started with (os.getppid());
a spurious signal from a thread's end changes nothing. A forkserver child's
parent is the forkserver: it gives up the forkserver's "alive" pipe that it
inherited, so the forkserver sees the main process go, exits, and the
child's signal follows.

Each child also announces itself in its run's journal (core.journal): an
empty file child-PID-START in the run directory, for a later start to
end it if it outlived the main process after all (a stopped worker).

A process identity is a pid and its start time (/proc/PID/stat), so a
reused pid is never taken for the process that had it before.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

from core import cpython

LIFELINE_SIGNAL = signal.SIGUSR2
CHILD_PREFIX = "child-"  # run_dir/child-PID-START: a child of the run (see core.journal)
EXIT_ORPHANED = 128 + signal.SIGKILL  # as if killed: nobody waits for this exit code
_PR_SET_PDEATHSIG = 1
_ON_LINUX = sys.platform.startswith("linux")


@dataclass(frozen=True)
class ProcessId:
    """One process: its pid and its start time (clock ticks after boot; 0 if unknown)."""

    pid: int
    start: int

    @classmethod
    def of(cls, pid: int) -> ProcessId | None:
        """pid as it runs now; None if it is gone (or a zombie)."""
        fields = _stat_fields(pid)
        if fields is None or fields[0] in (b"Z", b"X"):
            return None
        return cls(pid, int(fields[19]))

    @classmethod
    def current(cls) -> ProcessId:
        return cls.of(os.getpid()) or cls(os.getpid(), 0)

    def alive(self) -> bool:
        """This very process still runs (a new process with the same pid does not count)."""
        return ProcessId.of(self.pid) == self

    def uid(self) -> int | None:
        """The real uid it runs as; None if unknown."""
        try:
            return os.stat(f"/proc/{self.pid}").st_uid
        except OSError:
            return None


def parent_pid(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return None if fields is None else int(fields[1])


def _stat_fields(pid: int) -> list[bytes] | None:
    """The fields of /proc/PID/stat after the command name (state first)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None


_expected_parent = 0
_on_orphaned: Callable[[], None] | None = None


def exit_now() -> None:
    """What a worker does when the main process is gone: end at once, nothing to flush."""
    os._exit(EXIT_ORPHANED)


def exit_cleanly() -> None:
    """End through SystemExit, so the process's own finalizers run (temp dirs, sockets)."""
    raise SystemExit(0)


def arm(owner: ProcessId, on_orphaned: Callable[[], None] = exit_now) -> None:
    """In a child, before anything else: end this process when owner (the main process) ends.

    Calls on_orphaned at once if owner is already gone. Must run in the
    child's main thread (it installs a signal handler).
    """
    global _expected_parent, _on_orphaned
    if not _ON_LINUX:
        return
    _on_orphaned = on_orphaned
    signal.signal(LIFELINE_SIGNAL, _check_parent)
    # Only the main process may keep the forkserver alive (see the module docstring).
    cpython.close_inherited_forkserver_fd()
    _expected_parent = os.getppid()
    import ctypes  # here: the main process, which never arms, does not load it

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(LIFELINE_SIGNAL), 0, 0, 0)
    # The parent may have died before prctl: then no signal ever comes.
    parent = os.getppid()
    is_owner_or_its_forkserver = parent == owner.pid or parent_pid(parent) == owner.pid
    if parent != _expected_parent or not is_owner_or_its_forkserver or not owner.alive():
        on_orphaned()


def announce(run_dir: str) -> None:
    """In a child: add this process to its run's journal, unless the run is over already."""
    announce_process(run_dir, ProcessId.current())


def announce_process(run_dir: str, me: ProcessId) -> None:
    """Add a process of the run to its journal (a child, or a server it started)."""
    with contextlib.suppress(OSError):
        os.close(
            os.open(
                os.path.join(run_dir, f"{CHILD_PREFIX}{me.pid}-{me.start}"),
                os.O_CREAT | os.O_WRONLY | os.O_EXCL,
                0o600,
            )
        )


def _check_parent(signum: int, frame: FrameType | None) -> None:
    if os.getppid() != _expected_parent and _on_orphaned is not None:
        _on_orphaned()


def reset_inherited_signals() -> None:
    """A forked child inherits the main process's Python signal handlers: back to defaults.

    (The CLI's SIGTERM handler only sets a flag: a forked worker would not
    end on Pool.terminate().) Must run in the child's main thread.
    """
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGCHLD):
        if callable(signal.getsignal(signum)):
            signal.signal(signum, signal.SIG_DFL)


_forks_reset = False


def reset_signals_in_forked_children() -> None:
    """In the main process: every child it forks resets its signals as it starts.

    A forked child may be told to terminate before it gets to its
    initializer (a Pool that fails to start all its workers terminates the
    ones it started); with the main process's handler it would not end.
    """
    global _forks_reset
    if not _forks_reset and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=reset_inherited_signals)
        _forks_reset = True


def init_manager_server(owner: ProcessId, run_dir: str) -> None:
    """SyncManager initializer: the server ends with the main process, and cleanly.

    SIGTERM and SIGHUP end it through SystemExit, so its temp directory
    (pymp-*) is removed; so does the main process's end. It starts with
    SIGINT and SIGTERM blocked (core.interrupts.shielded), and keeps them so:
    a terminal's Ctrl-C to the group must not end it before the main process
    has reaped its run; the reaper stops it with SIGHUP.
    """
    reset_inherited_signals()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)
    threading.excepthook = _quiet_thread_start_failure
    arm(owner, exit_cleanly)
    announce(run_dir)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _quiet_thread_start_failure(args: threading.ExceptHookArgs) -> None:
    """A server thread that cannot start a thread (a process limit): the client sees it."""
    if isinstance(args.exc_value, RuntimeError) and "start new thread" in str(args.exc_value):
        return
    threading.__excepthook__(args)
