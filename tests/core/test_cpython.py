"""Each of CPython's private multiprocessing internals that core.cpython uses, on this Python.

A new CPython release that renames or reshapes one of them fails here, by
name, rather than somewhere in a run's cleanup.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.managers import SyncManager
from typing import Any

import pytest

from core import cpython
from core.procs import pid_alive

CTX = multiprocessing.get_context("spawn")


@pytest.fixture(autouse=True)
def collect_pools() -> Iterator[None]:
    """Pools sit in reference cycles: free their semaphores before the leftovers check."""
    yield
    gc.collect()


def test_feeder_errors_reach_the_hook_and_the_hook_comes_off() -> None:
    q = CTX.Queue()
    seen: list[str] = []
    assert cpython.hook_feeder_errors(q, lambda error, obj: seen.append(type(error).__name__))
    q.put(threading.Lock())  # cannot be pickled: the feeder thread fails
    deadline = threading.Event()
    for _ in range(100):
        if seen or deadline.wait(0.02):
            break
    assert seen == ["TypeError"]
    cpython.unhook_feeder_errors(q)
    assert "_on_queue_feeder_error" not in vars(q)
    cpython.discard_mp_queue(q)


def test_a_manager_proxy_has_no_feeder_to_hook() -> None:
    with CTX.Manager() as manager:
        assert not cpython.hook_feeder_errors(manager.Queue(), lambda error, obj: None)
        pid = cpython.manager_pid(manager)
        assert pid is not None and pid_alive(pid)


def test_discarding_an_mp_queue_ends_its_feeder_with_items_unread() -> None:
    q = CTX.Queue()
    for i in range(10_000):
        q.put(i)  # more than a pipe holds: the feeder blocks until someone reads
    cpython.discard_mp_queue(q)
    feeder = q._thread  # type: ignore[attr-defined]
    assert feeder is None or not feeder.is_alive()


def test_joining_a_joinable_queue_waits_for_task_done_and_can_be_cancelled() -> None:
    q = CTX.JoinableQueue()
    q.put(1)
    assert not cpython.join_joinable(q, cancelled=lambda: True)
    q.get()
    q.task_done()
    assert cpython.join_joinable(q, cancelled=lambda: False)
    cpython.discard_mp_queue(q)


def test_a_pool_and_an_executor_name_their_processes() -> None:
    with CTX.Pool(2) as pool:
        assert len(cpython.pool_processes(pool)) == 2
        pool.terminate()
    with ProcessPoolExecutor(2, CTX) as executor:
        executor.submit(abs, -1).result()
        assert cpython.executor_processes(executor)


def test_the_shared_helpers_are_found_once_started() -> None:
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    tracker = cpython.resource_tracker_pid()
    assert tracker is not None and pid_alive(tracker)
    cpython.forkserver_pid()  # None until a forkserver run; must not raise


@pytest.mark.parametrize("chunksize", [1, 3])
def test_imap_unordered_results_can_be_polled_with_a_timeout(chunksize: int) -> None:
    with CTX.Pool(2) as pool:
        results = pool.imap_unordered(abs, range(-10, 0), chunksize)
        assert hasattr(cpython.pollable_results(results), "next")
        got = list(cpython.iterate_with_timeout(results, cancelled=lambda: False))
        pool.terminate()
    flattened = sorted(x for part in got for x in (part if isinstance(part, list) else [part]))
    assert flattened == list(range(1, 11))


def test_polling_stops_at_once_when_cancelled() -> None:
    with CTX.Pool(1) as pool:
        results = pool.imap_unordered(abs, range(5))
        assert list(cpython.iterate_with_timeout(results, cancelled=lambda: True)) == []
        pool.terminate()


def _finalize_and_exit() -> None:
    cpython.run_exit_finalizers()


def test_exit_finalizers_run_without_error_in_a_worker() -> None:
    # Not in this process: they mark it as exiting, after which mp queues' feeders give up.
    process = CTX.Process(target=_finalize_and_exit)
    process.start()
    process.join(30)
    assert process.exitcode == 0


def test_named_semaphores_are_noted_when_made_and_when_unlinked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from multiprocessing import resource_tracker

    for name in ("register", "unregister"):  # put back after the test
        monkeypatch.setattr(resource_tracker, name, getattr(resource_tracker, name))
    made: list[tuple[str, str]] = []
    released: list[tuple[str, str]] = []
    cpython.watch_named_resources(
        lambda name, kind: made.append((name, kind)),
        lambda name, kind: released.append((name, kind)),
    )
    lock = CTX.Lock()
    assert made and made[-1][1] == "semaphore"
    name = made[-1][0]
    del lock
    gc.collect()
    assert (name, "semaphore") in released
    assert not cpython.unlink_named_resource(name, "semaphore")  # gone already


def test_a_managers_temp_dir_and_a_clean_stop() -> None:
    manager = SyncManager(ctx=CTX)
    manager.start()
    temp_dir = cpython.manager_temp_dir(manager)
    assert temp_dir is not None and os.path.basename(temp_dir).startswith("pymp-")
    cpython.stop_manager(manager, timeout=5)
    pid = cpython.manager_pid(manager)
    assert pid is not None and not pid_alive(pid)


def test_a_pool_stops_respawning_without_a_thread() -> None:
    pool = cpython.start_pool(CTX, 1, None, ())
    worker = cpython.pool_processes(pool)[0]
    cpython.stop_pool_respawning(pool)
    worker.kill()
    worker.join()
    assert pool._worker_handler._state == multiprocessing.pool.TERMINATE
    assert pool._state == multiprocessing.pool.TERMINATE  # freed, it writes to no pipe
    pool._worker_handler.join(5)
    assert [p for p in cpython.pool_processes(pool) if p.is_alive()] == []
    pool.terminate()


def test_a_pool_that_cannot_start_its_threads_leaves_no_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = threading.Thread.start
    workers: list[int] = []

    def refuse_handlers(thread: threading.Thread) -> None:
        if thread.name.startswith("Thread") and "handle" in repr(thread._target):  # type: ignore[attr-defined]
            workers.extend(p.pid for p in multiprocessing.active_children() if p.pid)
            raise RuntimeError("can't start new thread")
        started(thread)

    monkeypatch.setattr(threading.Thread, "start", refuse_handlers)
    with pytest.raises(RuntimeError):
        cpython.start_pool(CTX, 2, None, ())
    monkeypatch.undo()
    assert workers and not [pid for pid in workers if pid_alive(pid)]


def test_the_forkserver_alive_fd_can_be_given_up() -> None:
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver
    read, write = os.pipe()
    saved = server._forkserver_alive_fd
    server._forkserver_alive_fd = write
    try:
        cpython.close_inherited_forkserver_fd()
        assert server._forkserver_alive_fd is None
        assert os.read(read, 1) == b""  # no writer left
    finally:
        server._forkserver_alive_fd = saved
        os.close(read)


def test_this_process_temp_dir_is_found() -> None:
    from multiprocessing import util

    made = util.get_temp_dir()
    assert cpython.process_temp_dir() == made


def test_a_feeder_write_can_be_held_before_it_takes_the_write_lock() -> None:
    q: Any = CTX.Queue()
    lock = q._wlock
    arrived, go, written = threading.Event(), threading.Event(), threading.Event()

    def before() -> None:
        arrived.set()
        go.wait(5)

    assert cpython.hook_feeder_writes(q, before, written.set)
    q.put(7)
    assert arrived.wait(5)
    assert not q._reader.poll(0.05)  # held before the write: nothing in the pipe
    assert lock.acquire(timeout=1)  # and before the write lock: other writers go on
    lock.release()
    go.set()
    assert written.wait(5)
    assert q._reader.poll(0)  # after(): the item is readable
    assert q._wlock is lock  # the queue keeps its own lock (a child pickles that one)
    assert q.get(timeout=5) == 7
    with pytest.raises(RuntimeError):
        cpython.hook_feeder_writes(q, before, written.set)
    q.close()
    q.join_thread()


def test_a_manager_proxy_has_no_feeder_writes_to_hook() -> None:
    with SyncManager(ctx=CTX) as manager:
        assert not cpython.hook_feeder_writes(manager.Queue(), lambda: None, lambda: None)
