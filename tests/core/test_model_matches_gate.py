"""The explorer's model and the step-mode gate agree: the same schedule, the same run.

Hypothesis picks a queue strategy the explorer accepts, a size and a
producer, and steps the model with its own choices among who may move, then
on fairly (round robin) until nobody can: a complete schedule. That schedule
is replayed on real processes on every backend the strategy runs on; each
operation must get what it got in the model, and the real run must end
with the model's outcomes and item fates.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.control import RunControl
from core.engine import run
from core.explorer.model import ModelRun, Verdict
from core.explorer.session import refusal
from core.result import RunResult
from core.schedule import Schedule, Step, StepControl
from core.stepper import schedule_params
from core.strategies import STRATEGIES
from tests.core.step_helpers import assert_nothing_left_running, model_schedule

MP_QUEUE_INTO_POOL = "mp-queue-into-pool"  # its queue never reaches a Pool task
EXPLORABLE = sorted(s.id for s in STRATEGIES.values() if refusal(s, 1, 1) is None)
RANDOM_STEPS = 40  # chosen by hypothesis; then round robin to the end


def fates(result: RunResult) -> tuple[list[int], list[int], list[int], list[int]]:
    return (
        sorted(result.lost),
        sorted(result.dropped),
        sorted(result.left_in_queue),
        sorted(result.duplicates),
    )


def model_fates(model: ModelRun) -> tuple[list[int], list[int], list[int], list[int]]:
    left = {obj for obj in model.queue if obj.__class__ is int}
    dropped = {item for item in model.taken if model.processed[item] == 0} - left
    duplicates = [item for item, count in enumerate(model.processed) if count > 1]
    return sorted(left | dropped), sorted(dropped), sorted(left), duplicates


@pytest.mark.slow
@pytest.mark.timeout(180)
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@pytest.mark.parametrize("strategy", EXPLORABLE)
@given(
    workers=st.integers(min_value=1, max_value=3),
    items=st.integers(min_value=1, max_value=4),
    producer=st.sampled_from(["prefill", "concurrent"]),
    start_method=st.sampled_from(["spawn", "forkserver"]),
    choices=st.lists(st.integers(min_value=0, max_value=3), max_size=RANDOM_STEPS),
)
def test_a_random_schedule_runs_the_same_in_the_model_and_on_real_processes(
    strategy: str, workers: int, items: int, producer: str, start_method: str, choices: list[int]
) -> None:
    schedule, model = model_schedule(strategy, workers, items, producer, choices)
    try:
        verdict, expected_fates = model.verdict(), model_fates(model)
    finally:
        model.close()
    for queue_kind in STRATEGIES[strategy].queue_kinds:
        stepping = StepControl(replay=schedule.steps)
        params = schedule_params(schedule).replace(queue_kind=queue_kind, start_method=start_method)
        result = run(params, control=RunControl(stepping))
        assert_nothing_left_running()
        where = f"{queue_kind}: {result.outcomes} {result.diagnosis}"
        assert stepping.divergence is None, f"{where}: {stepping.divergence}"
        assert tuple(stepping.steps()) == schedule.steps, where
        assert sorted(result.outcomes) == sorted(verdict.outcomes), where
        assert tuple(result.lost) == verdict.lost, where
        assert fates(result) == expected_fates, where


# --- what the property found -------------------------------------------------------


def test_the_model_crashes_every_worker_a_pool_task_cannot_hand_the_queue_to() -> None:
    with ModelRun(STRATEGIES[MP_QUEUE_INTO_POOL], 2, 2, "prefill") as model:
        assert model.eligible() == [] and model.crashed() == [0, 1]
        assert model.verdict() == Verdict(("lost", "crashed"), (0, 1))


@pytest.mark.timeout(60)
def test_a_concurrent_producer_is_stepped_to_the_end_when_no_pool_task_starts() -> None:
    schedule, model = model_schedule(MP_QUEUE_INTO_POOL, 2, 2, "concurrent", [])
    verdict = model.verdict()
    model.close()
    assert [step.who for step in schedule.steps] == ["P"] * 4  # 2 items, 2 STOPs
    stepping = StepControl(replay=schedule.steps)
    result = run(schedule_params(schedule).replace(queue_kind="mp"), control=RunControl(stepping))
    assert stepping.divergence is None and tuple(stepping.steps()) == schedule.steps
    assert sorted(result.outcomes) == sorted(verdict.outcomes) == ["crashed", "lost"]
    assert result.lost == [0, 1]


@pytest.mark.timeout(60)
def test_a_step_of_a_worker_whose_pool_task_failed_diverges_instead_of_waiting() -> None:
    # The model once stepped these workers: the controller waited forever for
    # W1 at the gate while the producer waited for its next put's turn.
    steps = (Step("P", "put", "ok", "item 0"), Step("W1", "get", "item 0"))
    schedule = Schedule(MP_QUEUE_INTO_POOL, 2, 2, "concurrent", "mp", steps)
    stepping = StepControl(replay=steps)
    result = run(schedule_params(schedule), control=RunControl(stepping))
    assert stepping.divergence is not None and stepping.divergence.step == 2
    assert "W1 has ended" in stepping.divergence.reason
    assert result.outcome == "cancelled"
