"""Checks shared by the step-mode tests that replay many runs in one test."""

from __future__ import annotations

import threading
import time

from core.procs import worker_children

_SETTLE_S = 5.0  # processes already exiting may take a moment on a loaded machine


def _leftovers() -> tuple[set[int], list[str]]:
    threads = [
        t.name for t in threading.enumerate() if t.name.startswith("queuescope") and t.is_alive()
    ]
    return worker_children(), threads


def assert_nothing_left_running() -> None:
    """After one run: no worker process and none of the run's threads is left."""
    deadline = time.monotonic() + _SETTLE_S
    while any(_leftovers()) and time.monotonic() < deadline:
        threading.Event().wait(0.05)
    children, threads = _leftovers()
    assert not children, f"child processes left behind: {sorted(children)}"
    assert not threads, f"threads left behind: {threads}"
