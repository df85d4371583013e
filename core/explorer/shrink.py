"""The shortest schedule that fails the same way: breadth-first over the model's states.

A schedule here is the list of participants stepped (core.explorer.model).
Breadth-first search from the start, with each state visited once, reaches
the nearest end state with the same outcomes and lost ids first; it looks
no deeper than the schedule it shrinks, and gives that one back when the
search would visit more than max_states states.
"""

from __future__ import annotations

from collections.abc import Hashable

from core.explorer.model import Lanes, Space, Verdict

MAX_STATES = 20_000


def shortest(
    space: Space, failing: list[int], verdict: Verdict, max_states: int = MAX_STATES
) -> list[int]:
    """A shortest list of steps whose run ends with this verdict (failing itself at worst)."""
    with Lanes(space.lanes) as lanes:
        return _breadth_first(space, failing, verdict, max_states, lanes)


def _breadth_first(
    space: Space, failing: list[int], verdict: Verdict, max_states: int, lanes: Lanes
) -> list[int]:
    seen: set[Hashable] = set()
    frontier: list[list[int]] = [[]]
    for _ in range(len(failing) + 1):
        deeper: list[list[int]] = []
        for prefix in frontier:
            run = space.replay(prefix, lanes)
            try:
                key = run.key()
                if key in seen:
                    continue
                seen.add(key)
                if len(seen) > max_states:
                    return failing
                ready = run.eligible()
                if not ready and run.verdict() == verdict:
                    return prefix
                deeper.extend([*prefix, who] for who in ready)
            finally:
                run.close()
        frontier = deeper
    return failing
