"""Each of CPython's private multiprocessing internals that core.cpython uses, on this Python.

A new CPython release that renames or reshapes one of them fails here, by
name, rather than somewhere in a run's cleanup.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

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


def test_exit_finalizers_run_without_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from multiprocessing import util

    # They mark the process as exiting, after which an mp queue's feeder thread
    # drops a pickling error silently: the later tests in this process need it back.
    monkeypatch.setattr(util, "_exiting", util._exiting)  # type: ignore[attr-defined]
    cpython.run_exit_finalizers()
