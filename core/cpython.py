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

import contextlib
import os
import signal
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


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
    from multiprocessing.connection import Connection

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


def close_inherited_forkserver_fd() -> None:
    """Give up this process's copy of the forkserver's "alive" pipe.

    The forkserver exits when every copy of that pipe's write end is closed,
    and it hands one to each process it forks (so they could start more).
    A run's children start none: closing theirs lets the forkserver end
    with the main process.
    """
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None


def watch_named_resources(
    created: Callable[[str, str], None], released: Callable[[str, str], None]
) -> None:
    """Call created(name, kind) / released(name, kind) for named semaphores and segments.

    Kinds are "semaphore" and "shared_memory". multiprocessing registers
    each one it creates with its resource tracker (so a crash of this process
    still unlinks them), through module functions looked up at each call.
    """
    from multiprocessing import resource_tracker

    tracker: Any = resource_tracker
    register, unregister = tracker.register, tracker.unregister

    def register_and_note(name: str, rtype: str) -> None:
        register(name, rtype)
        created(name, rtype)

    def unregister_and_note(name: str, rtype: str) -> None:
        unregister(name, rtype)
        released(name, rtype)

    tracker.register = register_and_note
    tracker.unregister = unregister_and_note


def unlink_named_resource(name: str, kind: str) -> bool:
    """Unlink a semaphore or shared memory segment by name; False if it was not there."""
    from multiprocessing import resource_tracker

    # What the resource tracker itself calls for leftovers: {"semaphore": sem_unlink, ...}.
    unlink = getattr(resource_tracker, "_CLEANUP_FUNCS", {}).get(kind)
    if unlink is None:
        return False
    try:
        unlink(name)
    except OSError:
        return False
    return True


def process_temp_dir() -> str | None:
    """This process's pymp-* directory, if multiprocessing made one."""
    from multiprocessing import process

    tempdir: str | None = process.current_process()._config.get("tempdir")  # type: ignore[attr-defined]
    return tempdir


def manager_temp_dir(manager: Any) -> str | None:
    """The server's pymp-* directory that holds a SyncManager's socket."""
    address = getattr(manager, "address", None)
    return os.path.dirname(address) if isinstance(address, str) and address else None


def stop_pool_respawning(pool: Any) -> None:
    """Make a Pool's worker handler stop replacing exited workers, without a thread.

    What Pool.terminate() does first; terminate() itself may block for good
    (on a lock a killed worker held), so it cannot run where no thread can start.
    """
    from multiprocessing.pool import TERMINATE

    for name in ("_worker_handler", "_task_handler", "_result_handler"):
        handler = getattr(pool, name, None)
        if handler is not None:
            handler._state = TERMINATE
    # As terminate() marks it: a pool left running would, when freed, write to
    # its handler's pipe, which may be closed by then (an "Exception ignored").
    pool._state = TERMINATE
    terminate = getattr(pool, "_terminate", None)
    if terminate is not None:
        terminate.cancel()  # its finalizer would run terminate() at exit, and could block
    # Not "running" either: its __del__ would then write to a notifier closed by then.
    pool._state = TERMINATE


def stop_manager(manager: Any, timeout: float) -> None:
    """Stop a SyncManager's server without a message to it, then finish its shutdown().

    shutdown() connects to the server, which serves each connection in a
    new thread, and waits for its answer without a timeout: under a process
    limit it can block for good. SIGHUP ends a QueueScope server cleanly
    (core.lifeline.init_manager_server); shutdown() then only tidies up.
    """
    process = getattr(manager, "_process", None)
    if process is not None and process.is_alive():
        # SIGHUP: the server keeps SIGTERM blocked from its start (core.interrupts).
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGHUP)
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(timeout)
    manager.shutdown()


def start_pool(ctx: Any, processes: int, initializer: Any, initargs: tuple[Any, ...]) -> Any:
    """ctx.Pool(processes, initializer, initargs); if that fails, nothing of it is left.

    Pool() starts its workers and then three threads. When a thread cannot
    start (a process limit) it raises with the workers running, and nobody
    holds the pool to stop them: its queues' semaphores are unlinked when it
    is freed, under workers that may still be starting (they fail with a
    traceback), and its worker handler may go on replacing workers.
    """
    from multiprocessing.pool import Pool

    class _CleanFailingPool(Pool):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            try:
                super().__init__(*args, **kwargs)
            except BaseException:
                stop_pool_respawning(self)
                workers = list(getattr(self, "_pool", []))
                for process in workers:
                    with contextlib.suppress(Exception):
                        process.kill()
                for process in workers:
                    with contextlib.suppress(Exception):
                        process.join(1.0)
                raise

    return _CleanFailingPool(processes, initializer, initargs, context=ctx)


def settle_puts(queue: Any) -> Callable[[], None]:
    """A wait that returns once this process's last put on queue is readable elsewhere.

    An mp queue's put() only appends to a buffer; its feeder thread pickles
    the item and writes it to the pipe later, and an empty feeder buffer
    does not mean written (the feeder pops the item before it takes the
    write lock). So the feeder's send is wrapped: the wait returns when the
    write to the pipe has returned, i.e. when another process's poll() sees
    the item. Call once per put, before the queue's first put in this
    process (the feeder binds the send when it starts). A Manager proxy's
    put returns when the server's queue holds the item: nothing to wait for.
    """
    if not hasattr(queue, "_send_bytes"):
        return _nothing_to_wait_for
    if getattr(queue, "_thread", None) is not None:
        raise RuntimeError("settle_puts() after the queue's feeder thread started")
    written = threading.Semaphore(0)
    send = queue._send_bytes

    def send_and_tell(data: Any) -> None:
        try:
            send(data)
        finally:
            written.release()

    queue._send_bytes = send_and_tell

    def wait_written() -> None:
        written.acquire()

    return wait_written


def _nothing_to_wait_for() -> None:
    pass


class _HookedWriteLock:
    """The write lock as one feeder thread takes it: before() first, after() once released."""

    def __init__(self, lock: Any, before: Callable[[], None], after: Callable[[], None]) -> None:
        self._lock = lock
        self._before = before
        self._after = after

    def acquire(self, *args: Any) -> bool:
        self._before()
        return bool(self._lock.acquire(*args))

    def release(self) -> None:
        self._lock.release()
        self._after()


def hook_feeder_writes(queue: Any, before: Callable[[], None], after: Callable[[], None]) -> bool:
    """Make this process's feeder thread of an mp queue call before() and after() around each write.

    The feeder pops an item from the buffer, pickles it, takes the queue's
    write lock, writes and releases the lock. It binds that lock when it
    starts (Queue._start_thread, at this process's first put), so for that
    moment the queue holds a lock whose acquire() calls before() first and
    whose release() calls after() once the write has returned; the queue
    keeps its own lock for everything else (a child pickles that one).
    before() runs before the lock is taken, so a feeder waiting in it keeps
    no other process's feeder from writing. Call it before the queue's first
    put in this process; False (nothing hooked) for a Manager proxy.
    """
    if not hasattr(queue, "_wlock") or queue._wlock is None:
        return False
    if getattr(queue, "_thread", None) is not None:
        raise RuntimeError("hook_feeder_writes() after the queue's feeder thread started")
    lock = queue._wlock
    owner = weakref.ref(queue)  # no cycle: the queue is freed by reference counting

    def start_hooked() -> None:
        hooked = owner()
        assert hooked is not None
        hooked._wlock = _HookedWriteLock(lock, before, after)
        try:
            type(hooked)._start_thread(hooked)  # not one a parent hooked (fork)
        finally:
            hooked._wlock = lock
            del hooked._start_thread

    queue._start_thread = start_hooked
    return True
