"""Step mode is deterministic with the main process's steps too, on every backend.

JoinableQueue + join and the drain-then-event strategy have steps of P while
the workers run (q.join(), the drain's q.empty() polls, stop.set()). Each
schedule here comes from the model, some with the "blocked" steps an
interactive run records; each is replayed REPLAYS times per backend the
strategy runs on (see ONE_BACKEND) and per start method, and must take the same steps and end
with the model's verdict every time, leaving nothing running.
"""

from __future__ import annotations

import pytest

from core.control import RunControl
from core.engine import run
from core.schedule import Schedule, Step, StepControl
from core.stepper import schedule_params
from core.strategies import STRATEGIES
from tests.core.step_helpers import assert_nothing_left_running, model_schedule

REPLAYS = 20
START_METHODS = ("spawn", "forkserver")
JOIN_BLOCKED = Step("P", "join", "blocked")
GET_BLOCKED = Step("W1", "get", "blocked")

# (name, strategy, producer, the model's choices among who may move, blocked step inserted at)
CASES = [
    ("join-blocked", "joinable-task-done", "prefill", [], (JOIN_BLOCKED, 3)),
    (
        "get-blocked",
        "joinable-task-done",
        "concurrent",
        [1, 0, 1, 1, 0, 2, 2, 0, 1],
        (GET_BLOCKED, 0),
    ),
    ("drain-prefill", "stop-event", "prefill", [2, 2, 0, 1, 1, 2, 0, 0, 1, 1, 2], None),
    (
        "drain-concurrent",
        "stop-event",
        "concurrent",
        [0, 0, 1, 2, 2, 1, 0, 2, 0, 1, 0, 2, 1, 1],
        None,
    ),
]
# The concurrent drain differs from the prefilled one in its producer, not its
# queue: its default backend is enough (and keeps the test time down).
ONE_BACKEND = {"drain-concurrent"}
RUNS = [
    (name, queue_kind, start_method)
    for name, strategy, _, _, _ in CASES
    for queue_kind in STRATEGIES[strategy].queue_kinds[: 1 if name in ONE_BACKEND else None]
    for start_method in START_METHODS
]


def case_schedule(name: str) -> tuple[Schedule, tuple[str, ...]]:
    """The case's schedule (with its blocked step) and the model's outcomes."""
    _, strategy, producer, choices, blocked = next(case for case in CASES if case[0] == name)
    schedule, model = model_schedule(strategy, 2, 2, producer, choices)
    try:
        outcomes = model.verdict().outcomes
    finally:
        model.close()
    steps = list(schedule.steps)
    if blocked is not None:
        step, at = blocked
        steps.insert(at, step)
    return Schedule(schedule.strategy, 2, 2, producer, None, tuple(steps)), outcomes


def test_the_schedules_hold_the_main_process_steps_they_are_about() -> None:
    ops = {name: {str(step) for step in case_schedule(name)[0].steps} for name, *_ in CASES}
    assert {"P q.join() -> blocked", "P q.join() -> ok"} <= ops["join-blocked"]
    assert {"W1 q.get() -> blocked", "P q.put(None) -> ok"} <= ops["get-blocked"]
    for drain in ("drain-prefill", "drain-concurrent"):
        assert {
            "P q.empty() -> False",
            "P q.empty() -> True",
            "P stop.set() -> ok",
            "W1 stop.is_set() -> False",
            "W1 stop.is_set() -> True",
        } <= ops[drain]


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize(("name", "queue_kind", "start_method"), RUNS)
def test_a_schedule_with_main_process_steps_forces_the_same_run_every_time(
    name: str, queue_kind: str, start_method: str
) -> None:
    schedule, outcomes = case_schedule(name)
    params = schedule_params(schedule).replace(queue_kind=queue_kind, start_method=start_method)
    seen = set()
    for _ in range(REPLAYS):
        stepping = StepControl(replay=schedule.steps)
        result = run(params, control=RunControl(stepping))
        assert_nothing_left_running()
        assert stepping.divergence is None, stepping.divergence
        assert tuple(stepping.steps()) == schedule.steps
        seen.add((tuple(sorted(result.outcomes)), tuple(result.lost)))
    assert seen == {(tuple(sorted(outcomes)), ())}
