"""Shared test fixtures. Qt-free: the core tests run without PySide6 installed."""

from __future__ import annotations

import multiprocessing.synchronize
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

# Tests never need a screen; set before anything can import Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.procs import worker_children

SHM_DIR = "/dev/shm"

# /dev/shm is machine-wide and other programs use it too, so a test only
# answers for the named semaphores its own process created.
_created_semaphores: set[str] = set()
_SemLock: Any = multiprocessing.synchronize.SemLock
_make_name = _SemLock._make_name


def _recording_make_name() -> str:
    name: str = _make_name()
    _created_semaphores.add("sem." + name.lstrip("/"))
    return name


_SemLock._make_name = staticmethod(_recording_make_name)


def shm_entries() -> set[str]:
    try:
        return set(os.listdir(SHM_DIR)) & _created_semaphores
    except OSError:
        return set()


@pytest.fixture(autouse=True)
def no_leftover_children() -> Iterator[None]:
    """Every test ends with no worker process, /dev/shm segment or thread left over.

    multiprocessing's shared helpers (resource tracker, forkserver) serve
    every run of the process and are not counted. A bounded wait lets
    processes that are already exiting finish on a loaded machine.
    """
    shm_before = shm_entries()
    threads_before = set(threading.enumerate())
    yield

    def leftovers() -> tuple[set[int], set[str], list[threading.Thread]]:
        return worker_children(), shm_entries() - shm_before, _new_threads(threads_before)

    deadline = time.monotonic() + 5.0
    while any(leftovers()) and time.monotonic() < deadline:
        time.sleep(0.05)
    children, segments, threads = leftovers()
    assert not children, f"child processes left behind: {sorted(children)}"
    assert not segments, f"/dev/shm segments left behind: {sorted(segments)}"
    assert not threads, f"threads left behind: {[t.name for t in threads]}"


def _new_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    # Qt's own threads show up as dummy threads; only Python threads count.
    return [
        t
        for t in threading.enumerate()
        if t not in before and t.is_alive() and not isinstance(t, threading._DummyThread)
    ]
