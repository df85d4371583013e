"""The reaper: stops everything a run started; no child process survives it.

It runs whatever happened before (a verdict, a cancel, an error), in steps:
stop the run's own threads from starting more, kill stopped (SIGSTOP)
workers, stop the pools, let exiting workers exit and terminate the rest,
close the queue, join the threads, kill whatever of ours is left, and only
then remove the run directory (a process still starting may open it).

No step needs a new thread to make progress: where a step runs in a helper
thread (to give up on it in time) and no thread can start (a process
limit), it runs inline, or in a form that cannot block.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from core import cpython, journal
from core.ledger import W_FIELDS, W_PID, W_STATE, Ledger
from core.procs import helper_pids, kill_and_reap, pid_alive
from core.runstate import RunSetup, RunState
from core.states import FINAL_STATES

SHUTDOWN_WAIT_S = 5.0
POOL_TERMINATE_WAIT_S = 1.0  # Pool.terminate() blocks for good on a lock a killed worker held


class Reaper:
    """Stops one run's threads, pools and processes, and removes its run directory."""

    def __init__(
        self, setup: RunSetup, state: RunState, ledger: Ledger, os_states: dict[int, str]
    ) -> None:
        self.setup = setup
        self.state = state
        self.ledger = ledger  # the verdict's frozen copy, if the run got that far
        self.os_states = os_states
        self.pids: set[int] = set()  # every process of ours that may still run

    def reap(self) -> None:
        self._stop_starting_workers()
        self._collect_pids()
        self._kill_stopped_workers()
        self._stop_task_pool()
        self._stop_driver_pool()
        self._stop_processes()
        self._close_queue()
        for thread in self.state.threads:
            if thread.ident is not None:  # it may have failed to start (a process limit)
                thread.join(SHUTDOWN_WAIT_S)
        kill_and_reap({pid for pid in self.pids if pid_alive(pid) and _is_ours(pid)})
        multiprocessing.active_children()  # reaps what multiprocessing started
        journal.end(self.setup.run_dir)
        shutil.rmtree(self.setup.run_dir, ignore_errors=True)

    def _stop_starting_workers(self) -> None:
        self.state.shutting_down.set()
        # A worker the producer thread is starting right now is finished and
        # listed before we go on, and none starts after this (shutting_down is
        # set): every worker is stopped before the queue's semaphores are unlinked.
        with self.state.starting:
            pass

    def _collect_pids(self) -> None:
        table = self.ledger.table
        self.pids = {int(table[w * W_FIELDS + W_PID]) for w in range(self.setup.workers)}
        self.pids.discard(0)
        self.pids.update(p.pid for p in self.state.processes if p.pid)

    def _kill_stopped_workers(self) -> None:
        for w, letter in self.os_states.items():
            pid = int(self.ledger.table[w * W_FIELDS + W_PID])
            if letter == "T" and _is_ours(pid):
                # A stopped process cannot act on SIGTERM (a pool's terminate() would
                # wait for it), and SIGCONT would let it run on: SIGKILL works at once.
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)

    def _stop_task_pool(self) -> None:
        if self.state.task_pool is not None:
            self._stop_pool(self.state.task_pool)

    def _stop_pool(self, pool: Any) -> None:
        self.pids.update(p.pid for p in cpython.pool_processes(pool) if p.pid)

        def abandon() -> None:  # no thread: stop respawns; the final kill ends its workers
            cpython.stop_pool_respawning(pool)

        bounded(pool.terminate, POOL_TERMINATE_WAIT_S, instead=abandon)

    def _stop_driver_pool(self) -> None:
        pool_object = self.state.driver_pool
        if pool_object is None:
            return
        if hasattr(pool_object, "terminate"):  # multiprocessing.Pool
            self._stop_pool(pool_object)
        else:  # ProcessPoolExecutor
            processes = cpython.executor_processes(pool_object)
            self.pids.update(processes)
            for process in processes.values():
                with contextlib.suppress(Exception):
                    process.kill()
            bounded(
                lambda: pool_object.shutdown(wait=True, cancel_futures=True),
                instead=lambda: pool_object.shutdown(wait=False, cancel_futures=True),
            )

    def _stop_processes(self) -> None:
        processes = self.state.processes
        # Workers that recorded their own end are exiting: let them, so their
        # real exit code is kept rather than our SIGTERM.
        deadline = time.monotonic() + SHUTDOWN_WAIT_S / 2
        for w, process in enumerate(processes):
            if int(self.ledger.table[w * W_FIELDS + W_STATE]) in FINAL_STATES:
                process.join(max(0.0, deadline - time.monotonic()))
        for process in processes:
            if process.pid:
                self.pids.add(process.pid)
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + SHUTDOWN_WAIT_S
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)

    def _close_queue(self) -> None:
        state = self.state
        session = state.session
        if session is None:
            return
        if state.queue is not None:
            with contextlib.suppress(Exception):
                session.discard(state.queue)
            # queue -> the producer's bound method -> the run state -> queue:
            # without this cycle the queue and its semaphores go as soon as
            # the run's last reference does.
            cpython.unhook_feeder_errors(state.queue)
        with contextlib.suppress(Exception):
            bounded(session.close)


def bounded(
    action: Callable[[], Any],
    timeout: float = SHUTDOWN_WAIT_S,
    instead: Callable[[], Any] | None = None,
) -> None:
    """Run action in a daemon thread; give up waiting for it after timeout.

    If no thread can start, run instead() inline (action itself if none is
    given): it must not block for long.
    """
    thread = threading.Thread(target=_quietly, args=(action,), daemon=True)
    try:
        thread.start()
    except RuntimeError:  # can't start new thread
        _quietly(instead or action)
        return
    thread.join(timeout)


def _quietly(action: Callable[[], Any]) -> None:
    with contextlib.suppress(Exception):
        action()


def _is_ours(pid: int) -> bool:
    """pid is our child, or a child of our forkserver (where forkserver workers live)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
    except OSError:
        return False
    return parent == os.getpid() or parent in helper_pids()
