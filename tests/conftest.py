"""Shared test fixtures. Qt-free: the core tests run without PySide6 installed."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

# Tests never need a screen; set before anything can import Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.procs import worker_children

SHM_DIR = "/dev/shm"


def shm_entries() -> set[str]:
    try:
        return set(os.listdir(SHM_DIR))
    except OSError:
        return set()


@pytest.fixture(autouse=True)
def no_leftover_children() -> Iterator[None]:
    """Every test ends with no worker process, /dev/shm segment or thread left over.

    multiprocessing's shared helpers (resource tracker, forkserver) serve
    every run of the process and are not counted.
    """
    shm_before = shm_entries()
    threads_before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 3.0
    while worker_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = worker_children()
    assert not left, f"child processes left behind: {sorted(left)}"
    leaked = shm_entries() - shm_before
    assert not leaked, f"/dev/shm segments left behind: {sorted(leaked)}"
    while _new_threads(threads_before) and time.monotonic() < deadline:
        time.sleep(0.05)
    extra = _new_threads(threads_before)
    assert not extra, f"threads left behind: {[t.name for t in extra]}"


def _new_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    # Qt's own threads show up as dummy threads; only Python threads count.
    return [
        t
        for t in threading.enumerate()
        if t not in before and t.is_alive() and not isinstance(t, threading._DummyThread)
    ]
