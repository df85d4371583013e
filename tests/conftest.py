"""Shared test fixtures. Qt-free: the core tests run without PySide6 installed."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

# Tests never need a screen; set before anything can import Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.procs import worker_children  # noqa: E402

SHM_DIR = "/dev/shm"


def shm_entries() -> set[str]:
    try:
        return set(os.listdir(SHM_DIR))
    except OSError:
        return set()


@pytest.fixture(autouse=True)
def no_leftover_children() -> Iterator[None]:
    """Every test ends with no worker process alive and no new /dev/shm segment.

    multiprocessing's shared helpers (resource tracker, forkserver) serve
    every run of the process and are not counted.
    """
    shm_before = shm_entries()
    yield
    deadline = time.monotonic() + 3.0
    while worker_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = worker_children()
    assert not left, f"child processes left behind: {sorted(left)}"
    leaked = {name for name in shm_entries() - shm_before if not name.startswith("sem.mp-")}
    assert not leaked, f"/dev/shm segments left behind: {sorted(leaked)}"
