"""SIGINT and SIGTERM: a quiet 128 + N exit for the main process, shielded child start-ups.

The main process goes through three phases, each with its own handlers:

- start-up (imports, argument parsing, building the window): nothing to clean
  up yet, so a signal ends the process at once (exit_at_once_on_signals);
- a command's own work: the signal raises Interrupted, a KeyboardInterrupt
  that carries it, so that finally blocks run and the command ends with
  128 + N (raise_on_signals);
- a run or an experiment: the CLI and the window cancel it through a
  RunControl instead, and exit 128 + N once it is reaped.

A terminal's Ctrl-C goes to the whole process group, children included. A
child still starting up (a spawned interpreter importing its modules) would die
of a KeyboardInterrupt traceback. So processes start inside shielded(): the
signals are blocked in the starting thread, and a blocked mask is inherited by
fork, exec and the threads started meanwhile (a Pool's, which start its
replacement workers). A worker unblocks them (unshield) once its own handlers
are set, and a signal that came in between then meets those handlers.
multiprocessing's resource tracker starts the same way.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator
from types import FrameType

SHUTDOWN_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def exit_code_for(signum: int) -> int:
    """The shell's convention for "ended by signal N": 128 + N (130 SIGINT, 143 SIGTERM)."""
    return 128 + signum


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived during a command's own work (raise_on_signals)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return exit_code_for(self.signum)


def exit_at_once_on_signals() -> None:
    """Start-up handlers: SIGINT and SIGTERM end the process quietly, with 128 + N.

    Only for a main thread that has nothing to clean up yet: no output
    written, no child started.
    """
    for signum in SHUTDOWN_SIGNALS:
        signal.signal(signum, _exit_at_once)


def _exit_at_once(signum: int, frame: FrameType | None) -> None:
    os._exit(exit_code_for(signum))


@contextlib.contextmanager
def raise_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise Interrupted inside; the previous handlers come back after."""
    previous = {signum: signal.signal(signum, _raise_interrupted) for signum in SHUTDOWN_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def cancel_on_signals(cancel: Callable[[], None]) -> Iterator[list[int]]:
    """SIGINT and SIGTERM call cancel() instead of raising; the list says which came.

    The previous handlers come back after.
    """
    received: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        cancel()

    previous = {sig: signal.signal(sig, on_signal) for sig in SHUTDOWN_SIGNALS}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread: the processes and threads started inside inherit it.

    A signal that arrives meanwhile stays pending for a thread that does not
    block it (the main thread, where Python runs its handlers); if this is the
    main thread, its handler runs when the block ends.
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SHUTDOWN_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def unshield() -> None:
    """In a child started shielded, once its handlers are set: let the signals in."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SHUTDOWN_SIGNALS)
