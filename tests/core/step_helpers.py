"""Shared by the step-mode tests: complete model schedules, and nothing left after a run."""

from __future__ import annotations

import threading
import time

from core.explorer.model import PRODUCER, ModelRun
from core.procs import worker_children
from core.schedule import Schedule
from core.strategies import STRATEGIES

MAX_STEPS = 400  # a fair schedule ends these loops long before
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


def model_schedule(
    strategy: str, workers: int, items: int, producer: str, choices: list[int]
) -> tuple[Schedule, ModelRun]:
    """The model's complete run: choices[i] picks among who may move, then round robin."""
    model = ModelRun(STRATEGIES[strategy], workers, items, producer)
    model.start()
    last = -1
    try:
        while (eligible := model.eligible()) and len(model.steps) < MAX_STEPS:
            if len(model.steps) < len(choices):
                who = eligible[choices[len(model.steps)] % len(eligible)]
            else:  # the next one after the last mover, P counted as the last of all
                order = [workers if who == PRODUCER else who for who in eligible]
                after = [slot for slot in order if slot > last] or order
                who = eligible[order.index(after[0])]
            model.step(who)
            last = workers if who == PRODUCER else who
        assert not model.eligible(), "a fair schedule of the model did not end"
        return model.schedule(), model
    except BaseException:
        model.close()
        raise
