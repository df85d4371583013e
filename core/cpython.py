"""Every use of CPython's private multiprocessing internals, in one place.

QueueScope watches and cleans up after multiprocessing objects in ways the
public API does not offer: it hooks an mp queue's feeder errors, empties a
queue without flushing it, joins a JoinableQueue with a timeout, finds the
processes behind a Pool, an executor or a Manager, and polls a pool's
results with a timeout. Each helper says why it is needed; the tests in
tests/core/test_cpython.py check every one on the running Python version,
so a CPython release that changes an internal fails there, by name.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any


def hook_feeder_errors(queue: Any, hook: Callable[[BaseException, object], None]) -> bool:
    """Make an mp queue's feeder-thread pickling errors reach hook.

    By default the feeder only prints them and drops the item (CPython
    gh-74599). False if the queue has no feeder (a Manager proxy).
    """
    if not hasattr(queue, "_on_queue_feeder_error"):
        return False
    queue._on_queue_feeder_error = hook
    return True


def unhook_feeder_errors(queue: Any) -> None:
    """Undo hook_feeder_errors: the hook (a bound method) would keep its owner alive."""
    if "_on_queue_feeder_error" in vars(queue):
        del queue._on_queue_feeder_error


def discard_mp_queue(queue: Any, timeout: float = 2.0) -> None:
    """Release an mp queue at once, without flushing what it still buffers.

    The feeder thread must end, or it blocks (and interpreter exit with it)
    writing to a pipe nobody reads. Drop what it still buffers, tell it to
    stop, and read the pipe until it has (it closes the pipe itself).
    """
    with queue._notempty:
        queue._buffer.clear()
    try:
        # Our own descriptor of the read end: the feeder closes the queue's.
        drain: Connection | None = Connection(os.dup(queue._reader.fileno()), writable=False)
    except OSError:
        drain = None  # already closed: the feeder is done
    queue.close()
    queue.cancel_join_thread()
    feeder = queue._thread
    deadline = time.monotonic() + timeout
    try:
        while feeder is not None and feeder.is_alive() and time.monotonic() < deadline:
            if drain is not None and drain.poll(0.01):
                drain.recv_bytes()
            else:
                feeder.join(0.01)
    except (OSError, EOFError):
        pass
    finally:
        if drain is not None:
            drain.close()


def join_joinable(queue: Any, cancelled: Callable[[], bool], poll_s: float = 0.05) -> bool:
    """JoinableQueue.join() with a way out: False if cancelled first.

    join() itself has no timeout, so a cancelled run would leave a thread
    blocked in it; this is its loop with one.
    """
    with queue._cond:
        while not queue._unfinished_tasks._semlock._is_zero():
            if cancelled():
                return False
            queue._cond.wait(poll_s)
    return True


def manager_pid(manager: Any) -> int | None:
    """The pid of a SyncManager's server process."""
    process = getattr(manager, "_process", None)
    return getattr(process, "pid", None)


def pool_processes(pool: Any) -> list[Any]:
    """The worker processes of a multiprocessing.Pool."""
    return list(getattr(pool, "_pool", []))


def executor_processes(executor: Any) -> dict[int, Any]:
    """pid -> process of a ProcessPoolExecutor."""
    return dict(getattr(executor, "_processes", None) or {})


def resource_tracker_pid() -> int | None:
    from multiprocessing import resource_tracker

    pid: int | None = getattr(resource_tracker._resource_tracker, "_pid", None)
    return pid


def forkserver_pid() -> int | None:
    from multiprocessing import forkserver

    pid: int | None = getattr(forkserver._forkserver, "_forkserver_pid", None)
    return pid


def run_exit_finalizers() -> None:
    """What multiprocessing runs after a Process target returns (flushes queued puts)."""
    from multiprocessing import util

    util._exit_function()  # type: ignore[attr-defined]


def pollable_results(results: Any) -> Any:
    """The iterator with next(timeout) behind Pool.imap_unordered's results.

    With chunksize > 1, imap_unordered returns a generator that flattens the
    chunks, which has no timeout; polling the iterator inside it lets a
    cancel be honoured while a worker hangs. Items then come a chunk at a
    time, which is all a caller waiting for the end needs.
    """
    if hasattr(results, "next"):
        return results
    return results.gi_frame.f_locals[".0"]


def iterate_with_timeout(
    results: Any, cancelled: Callable[[], bool], poll_s: float = 0.05
) -> Iterator[Any]:
    """Results of an imap-style iterator until it ends or cancelled() is true."""
    from multiprocessing import TimeoutError as ResultNotReady

    pollable = pollable_results(results)
    while not cancelled():
        try:
            yield pollable.next(timeout=poll_s)
        except StopIteration:
            return
        except ResultNotReady:
            continue
