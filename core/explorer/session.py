"""One exploration from the question to the answer: search, shrink, diagnose, confirm.

The command line (core.explorer.command) and the window (through gui.bridge,
in a thread of its own) both run it. A caller may watch it (on_progress gets
an ExploreProgress at most every PROGRESS_INTERVAL_S) and stop it through a
RunControl: a cancel ends the search after the model run going, and a
confirmation going on real processes like any cancelled run, every worker
reaped.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.control import RunControl
from core.errors import ParamError
from core.explorer import story
from core.explorer.confirm import Confirmation, confirm
from core.explorer.model import Space, check_explorable
from core.explorer.search import (
    DEFAULT_DEPTH,
    DEFAULT_MAX_SCHEDULES,
    DEFAULT_RANDOM_SCHEDULES,
    Search,
    exhaustive,
    pct,
)
from core.explorer.shrink import shortest
from core.params import RunParams
from core.schedule import Schedule
from core.stepper import feeder_queue, refuse_feeder_steps
from core.strategies import STRATEGIES, Strategy
from core.text import Sentence, translatable

MAX_WORKERS = 8
MAX_ITEMS = 50
MODES = ("exhaustive", "random")
PROGRESS_INTERVAL_S = 0.1

OUT_OF_RANGE = translatable("core", "{option} must be from {low} to {high}, not {value}")


@dataclass(frozen=True)
class ExploreRequest:
    """What to explore and how: the run's parameters and the search's bounds."""

    strategy: str
    workers: int
    items: int
    producer: str = "prefill"
    queue_kind: str | None = None  # the confirmation's queue (the model has one kind)
    mode: str = "exhaustive"
    preemptions: int | None = None  # exhaustive: the bound; random: PCT depth - 1
    max_schedules: int | None = None
    seed: int = 0
    feeder: str = "settled"  # "steps": each mp queue feeder's write is a step (faithful)
    batch_size: int = RunParams.batch_size

    def space(self) -> Space:
        strategy = STRATEGIES[self.strategy]
        return Space(
            strategy, self.workers, self.items, self.producer, self.feeder, self.batch_size
        )

    @property
    def real_queue(self) -> str | None:
        """The confirmation's queue: with feeder steps, one that has feeder threads."""
        if self.feeder != "steps":
            return self.queue_kind
        return feeder_queue(STRATEGIES[self.strategy], self.queue_kind)


@dataclass(frozen=True)
class ExploreProgress:
    """A search going: model runs so far, distinct states, seconds."""

    schedules: int
    states: int
    elapsed_s: float

    @property
    def schedules_per_s(self) -> float:
        return self.schedules / self.elapsed_s if self.elapsed_s > 0 else 0.0


@dataclass(frozen=True)
class Exploration:
    """An exploration's answer: the search, and for a find the shrunk schedule and its story."""

    request: ExploreRequest
    search: Search
    schedule: Schedule | None = None  # the shortest failing schedule
    blocked: tuple[int, ...] = ()  # workers left in get() forever at its end (0-based)
    diagnosis: tuple[Sentence, ...] = ()
    confirmation: Confirmation | None = None  # None when cancelled before it

    @property
    def found(self) -> bool:
        return self.schedule is not None

    def headline(self) -> tuple[Sentence, ...]:
        """What the search found (outcomes, cost, lost ids) or how much it covered."""
        if not self.found:
            r = self.request
            return (story.none_found(self.search, r.space(), r.preemptions, r.seed),)
        return story.found(self.search)


def refusal(
    strategy: Strategy,
    workers: int,
    items: int,
    names: tuple[str, str] = ("--workers", "--items"),
    feeder_queue_kind: str | None = None,
) -> Sentence | None:
    """Why the explorer cannot explore this (a pool, too many workers or items); None if it can.

    names: what the caller calls the workers and the items (the CLI's options by default).
    feeder_queue_kind: with feeder steps, the queue they would be taken on.
    """
    try:
        check_explorable(strategy)
        if feeder_queue_kind is not None:
            refuse_feeder_steps(feeder_queue_kind)
    except ParamError as error:
        return error.sentence
    for option, value, high in ((names[0], workers, MAX_WORKERS), (names[1], items, MAX_ITEMS)):
        if not 1 <= value <= high:
            return Sentence.of(OUT_OF_RANGE, option=option, low=1, high=high, value=value)
    return None


def search(
    request: ExploreRequest,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Search:
    """The request's search (exhaustive or PCT) over its space."""
    space = request.space()
    if request.mode == "random":
        depth = DEFAULT_DEPTH if request.preemptions is None else request.preemptions + 1
        schedules = request.max_schedules or DEFAULT_RANDOM_SCHEDULES
        return pct(space, depth, schedules, request.seed, progress, cancelled)
    schedules = request.max_schedules or DEFAULT_MAX_SCHEDULES
    return exhaustive(space, request.preemptions, schedules, False, progress, cancelled)


def shrunk(request: ExploreRequest, found: Search) -> Exploration:
    """A search's failure shrunk to a shortest schedule, with its diagnosis (no real run yet)."""
    assert found.failing is not None and found.verdict is not None
    space = request.space()
    steps = shortest(space, found.failing, found.verdict)
    run = space.replay(steps)
    try:
        schedule = dataclasses.replace(run.schedule(), queue_kind=request.real_queue)
        blocked = tuple(run.blocked())
        diagnosis = story.diagnosis(run)
    finally:
        run.close()
    return Exploration(request, found, schedule, blocked, diagnosis)


def explore(
    request: ExploreRequest,
    on_progress: Callable[[ExploreProgress], None] | None = None,
    control: RunControl | None = None,
) -> Exploration:
    """Search, and for a find shrink, diagnose and confirm it on real processes."""
    control = control or RunControl()
    started = time.monotonic()
    last = [0.0]

    def progress(runs: int, states: int) -> None:
        now = time.monotonic()
        if on_progress is not None and now - last[0] >= PROGRESS_INTERVAL_S:
            last[0] = now
            on_progress(ExploreProgress(runs, states, now - started))

    answer = search(request, progress, lambda: control.cancelled)
    if on_progress is not None:
        on_progress(ExploreProgress(answer.runs, answer.states, time.monotonic() - started))
    if not answer.found:
        return Exploration(request, answer)
    return confirmed(shrunk(request, answer), control)


def confirmed(exploration: Exploration, control: RunControl) -> Exploration:
    """A find with its confirmation on real processes (none if cancelled first)."""
    verdict = exploration.search.verdict
    if control.cancelled or exploration.schedule is None or verdict is None:
        return exploration
    real: Confirmation = confirm(exploration.schedule, verdict, control)
    return dataclasses.replace(exploration, confirmation=real)
