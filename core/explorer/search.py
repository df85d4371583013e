"""Searching the model's schedules for one that fails: depth-first, or PCT sampling.

Exhaustive search is depth-first over every choice point: one model run
follows a path, pushes the other participants that could move at each
state onto a stack, and a later run replays the prefix and takes that
alternative. A state already visited (core.explorer.model.ModelRun.key)
is not explored again. The first choice keeps the last participant
running; any other one while it could still move is a preemption, and
`preemptions` bounds how many a schedule may have (the state then includes
who moved last and the fewest preemptions it was reached with).

Without a bound, the visited states and their edges form a graph whose
paths are exactly the run's schedules, so the number of schedules covered
is counted on it without running them all. A loop that polls (the drain's
q.empty(), a timed get that answers Empty) makes the graph cyclic: its
schedules are endless, so the answer (Search.cyclic) is that every
reachable state was visited, in so many model runs.

Random search is PCT (Burckhardt et al., 2010): random distinct priorities,
depth - 1 random points where the running participant drops to the lowest
priority; the highest-priority participant that can move always moves.
A participant whose step brings the run back to a state it was in (a
poll, a timed get that answers Empty) drops below everyone, so that
spinning cannot starve the others.

Both take an optional progress(runs, states), called after every model run,
and cancelled(), asked before every run: once it answers True the search
ends there, with Search.cancelled set and nothing left running.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from core.explorer.model import Lanes, Space, Verdict

# What a caller sees while a search goes, and how it stops one.
Progress = Callable[[int, int], None]  # (model runs so far, distinct states so far)
Cancelled = Callable[[], bool]

MAX_RUN_STEPS = 10_000
DEFAULT_MAX_SCHEDULES = 100_000
DEFAULT_RANDOM_SCHEDULES = 1_000
DEFAULT_DEPTH = 3


@dataclass
class Search:
    """How a search went: the first failing schedule found (choices), or none."""

    mode: str
    failing: list[int] | None = None
    verdict: Verdict | None = None
    failures: dict[Verdict, list[int]] = field(default_factory=dict)  # the first of each kind
    exhaustive: bool = False  # the whole (bounded) space was covered
    cyclic: bool = False  # exhaustive over states: the loops poll, schedules have no end
    schedules: int = 0  # schedules covered (runs tried, for a find or a bound)
    runs: int = 0
    states: int = 0
    depth: int | None = None  # PCT's depth
    cancelled: bool = False  # ended early because the caller asked
    started: float = field(default_factory=time.monotonic)
    elapsed_s: float = 0.0

    @property
    def found(self) -> bool:
        return self.failing is not None

    def end(self) -> Search:
        self.elapsed_s = time.monotonic() - self.started
        return self


class _Graph:
    """Visited states and their edges, to count the schedules they stand for."""

    def __init__(self) -> None:
        self.edges: dict[Hashable, list[Hashable]] = {}

    def schedules(self, root: Hashable) -> int | None:
        """Paths from root to an end; None if a path can go round a cycle (endless ones)."""
        counts: dict[Hashable, int] = {}
        on_path: set[Hashable] = set()
        order: list[tuple[Hashable, bool]] = [(root, False)]
        while order:
            node, expanded = order.pop()
            if expanded:
                counts[node] = sum(counts[child] for child in self.edges[node])
                on_path.discard(node)
                continue
            if node in counts:
                continue
            if node in on_path:
                return None  # a loop back: a poll, a timed get answering Empty
            children = self.edges.get(node, [])
            if not children:
                counts[node] = 1
                continue
            on_path.add(node)
            order.append((node, True))
            order.extend((child, False) for child in children)
        return counts[root]


def exhaustive(
    space: Space,
    preemptions: int | None = None,
    max_schedules: int = DEFAULT_MAX_SCHEDULES,
    every_failure: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Search:
    """Depth-first over every choice point, visited states once.

    It stops at the first failure, or with every_failure covers the whole
    space and keeps the first schedule of each way to fail (failures).
    """
    with Lanes(space.lanes) as lanes:
        search = Search(mode="exhaustive")
        watch = _Watch(search, progress, cancelled)
        return _depth_first(space, preemptions, max_schedules, every_failure, lanes, watch)


class _Watch:
    """Reports a search's runs and states to its caller and asks whether to stop."""

    def __init__(
        self, search: Search, progress: Progress | None, cancelled: Cancelled | None
    ) -> None:
        self.search = search
        self.progress = progress
        self.cancelled = cancelled

    def stop(self, states: int) -> bool:
        """After a run (and before the next): report, and True if the caller asks to stop."""
        if self.progress is not None and self.search.runs:
            self.progress(self.search.runs, states)
        if self.cancelled is not None and self.cancelled():
            self.search.cancelled = True
            self.search.schedules, self.search.states = self.search.runs, states
            return True
        return False


def _depth_first(
    space: Space,
    preemptions: int | None,
    max_schedules: int,
    every_failure: bool,
    lanes: Lanes,
    watch: _Watch,
) -> Search:
    search = watch.search
    visited: dict[Hashable, int] = {}
    graph = _Graph()
    root: Hashable = None
    stack: list[tuple[list[int], int, Hashable]] = [([], 0, None)]
    while stack:
        if watch.stop(len(visited)):
            return search.end()
        if search.runs >= max_schedules:
            search.schedules = search.runs
            return search.end()
        choices, used, parent = stack.pop()
        run = space.replay(choices, lanes)
        search.runs += 1
        try:
            last = choices[-1] if choices else None
            while True:
                key = run.key()
                if parent is not None:
                    graph.edges.setdefault(parent, []).append(key)
                else:
                    root = key
                state = key if preemptions is None else (key, last)
                if state in visited and visited[state] <= used:
                    break
                visited[state] = used
                ready = run.eligible()
                if not ready:
                    verdict = run.verdict()
                    if verdict.failed:
                        search.failures.setdefault(verdict, choices)
                        if search.failing is None:
                            search.failing, search.verdict = choices, verdict
                        if not every_failure:
                            search.schedules, search.states = search.runs, len(visited)
                            return search.end()
                    break
                order = [last, *(who for who in ready if who != last)] if last in ready else ready
                for other in reversed(order[1:]):
                    cost = used + (last in ready)
                    if preemptions is None or cost <= preemptions:
                        stack.append(([*choices, other], cost, key))
                if len(choices) >= MAX_RUN_STEPS:
                    raise RuntimeError(f"a model run went past {MAX_RUN_STEPS} steps")
                run.step(order[0])
                choices = [*choices, order[0]]
                last, parent = order[0], key
        finally:
            run.close()
    search.exhaustive = True
    search.states = len(visited)
    counted = graph.schedules(root) if preemptions is None else search.runs
    search.cyclic = counted is None
    search.schedules = search.runs if counted is None else counted
    return search.end()


def pct(
    space: Space,
    depth: int = DEFAULT_DEPTH,
    max_schedules: int = DEFAULT_RANDOM_SCHEDULES,
    seed: int = 0,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Search:
    """PCT sampling with this seed; stops at the first failure or after max_schedules."""
    with Lanes(space.lanes) as lanes:
        search = Search(mode="random", depth=depth)
        watch = _Watch(search, progress, cancelled)
        return _sample(space, depth, max_schedules, seed, lanes, watch)


def _sample(
    space: Space, depth: int, max_schedules: int, seed: int, lanes: Lanes, watch: _Watch
) -> Search:
    search = watch.search
    rng = random.Random(seed)
    states: set[Hashable] = set()
    participants = space.participants
    # Steps in the longest run so far; before any, a guess (every object put, then taken,
    # and a last look each): so the first run has its priority drops too.
    length = 2 * space.items + space.workers
    for _ in range(max_schedules):
        if watch.stop(len(states)):
            return search.end()
        values = rng.sample(range(depth, depth + len(participants)), len(participants))
        priority = dict(zip(participants, values, strict=True))
        drops = rng.sample(range(1, length + 1), min(depth - 1, length))
        low = {point: depth - 1 - index for index, point in enumerate(drops)}
        choices: list[int] = []
        search.runs += 1
        seen: set[Hashable] = set()  # this run's states
        lowest = 0
        with space.run(lanes) as run:
            while ready := run.eligible():
                key = run.key()
                states.add(key)
                seen.add(key)
                who = max(ready, key=priority.__getitem__)
                if len(choices) + 1 in low:
                    priority[who] = low[len(choices) + 1]
                    who = max(ready, key=priority.__getitem__)
                run.step(who)
                choices.append(who)
                if run.key() in seen:  # who only spins (polls, timed gets): let others run
                    lowest -= 1
                    priority[who] = lowest
                if len(choices) >= MAX_RUN_STEPS:
                    raise RuntimeError(f"a model run went past {MAX_RUN_STEPS} steps")
            states.add(run.key())
            length = max(length, len(choices))
            verdict = run.verdict()
        if verdict.failed:
            search.failing, search.verdict = choices, verdict
            break
    search.schedules, search.states = search.runs, len(states)
    return search.end()
