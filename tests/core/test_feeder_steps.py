"""Feeder steps: an mp queue's feeder-thread writes as steps of their own, on real processes."""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import time
from pathlib import Path

import pytest

from core import cli
from core.control import RunControl
from core.engine import run
from core.errors import ParamError
from core.explorer.confirm import confirm
from core.explorer.model import Space, Verdict, feeder
from core.explorer.search import exhaustive
from core.explorer.session import ExploreRequest, explore
from core.result import RunResult
from core.schedule import (
    Offer,
    Schedule,
    ScheduleError,
    Step,
    StepControl,
    dumps,
    from_dict,
    load,
    loads,
)
from core.stepper import schedule_params
from core.strategies import STRATEGIES

REPLAYS = 20
BOUND_S = 30.0

# get_nowait, 2 workers, 2 prefilled items: W1 takes item 0, then both workers see
# Empty while item 1 still waits in the main process's feeder buffer.
NOWAIT_LOSS = Schedule(
    "get-nowait",
    workers=2,
    items=2,
    queue_kind="mp",
    feeder="steps",
    steps=(
        Step("FP", "flush", "ok", "item 0"),
        Step("W1", "get_nowait", "item 0"),
        Step("W1", "get_nowait", "Empty"),
        Step("W2", "get_nowait", "Empty"),
        Step("FP", "flush", "ok", "item 1"),
    ),
)


def replay(
    schedule: Schedule, start_method: str = "spawn", free_after: bool = False
) -> tuple[RunResult, StepControl]:
    stepping = StepControl(
        replay=schedule.steps, free_after=free_after, feeder_steps=schedule.feeder == "steps"
    )
    params = schedule_params(schedule).replace(start_method=start_method)
    return run(params, control=RunControl(stepping)), stepping


@pytest.mark.parametrize("start_method", ["spawn", "forkserver"])
def test_a_loss_that_exists_only_before_the_flush_replays_identically(start_method: str) -> None:
    seen = set()
    for _ in range(REPLAYS):
        result, stepping = replay(NOWAIT_LOSS, start_method)
        assert stepping.divergence is None
        seen.add((tuple(stepping.steps()), tuple(result.outcomes), tuple(result.lost)))
    assert seen == {(NOWAIT_LOSS.steps, ("lost",), (1,))}


def test_with_settled_puts_the_same_interleaving_loses_nothing() -> None:
    settled = dataclasses.replace(
        NOWAIT_LOSS, feeder="settled", steps=tuple(s for s in NOWAIT_LOSS.steps if s.op != "flush")
    )
    _, stepping = replay(settled)
    assert stepping.divergence is not None
    assert "W1 q.get_nowait() got item 1, the schedule says Empty" in str(stepping.divergence)
    result, stepping = replay(
        dataclasses.replace(settled, steps=settled.steps[:1]), free_after=True
    )
    assert stepping.divergence is None
    assert result.outcomes == ["ok"] and not result.lost


def test_a_flush_step_that_cannot_happen_diverges() -> None:
    extra = dataclasses.replace(
        NOWAIT_LOSS, steps=(*NOWAIT_LOSS.steps, Step("FP", "flush", "ok", "item 2"))
    )
    _, stepping = replay(extra)
    assert str(stepping.divergence) == "step 6: FP has nothing to flush"
    short = dataclasses.replace(NOWAIT_LOSS, steps=NOWAIT_LOSS.steps[:-1])
    _, stepping = replay(short)
    assert (
        str(stepping.divergence) == "step 5: the schedule ends, but FP can still run flush(item 1)"
    )


def test_a_worker_that_ends_with_unflushed_puts_waits_for_its_feeders_step() -> None:
    # The re-put sentinel: W1 gets the sentinel and puts it back; its loop ends, its
    # process waits in its exit for F1, which the schedule then flushes.
    schedule = Schedule(
        "sentinel-reput",
        workers=2,
        items=1,
        queue_kind="mp",
        feeder="steps",
        steps=(
            Step("FP", "flush", "ok", "item 0"),
            Step("FP", "flush", "ok", "'STOP'"),
            Step("W1", "get", "item 0"),
            Step("W1", "get", "'STOP'"),
            Step("W1", "put", "ok", "'STOP'"),
            Step("F1", "flush", "ok", "'STOP'"),
            Step("W2", "get", "'STOP'"),
            Step("W2", "put", "ok", "'STOP'"),
            Step("F2", "flush", "ok", "'STOP'"),
        ),
    )
    result, stepping = replay(schedule)
    assert stepping.divergence is None, stepping.divergence
    assert result.outcomes == ["ok"]


def test_cancel_during_a_flush_step_leaves_nothing_running() -> None:
    stepping = StepControl(interactive=True, feeder_steps=True)
    control = RunControl(stepping)
    params = schedule_params(NOWAIT_LOSS)
    outcome: list[RunResult] = []
    thread = threading.Thread(target=lambda: outcome.append(run(params, control=control)))
    thread.start()
    deadline = time.monotonic() + BOUND_S
    while not any(o.who == "FP" for o in stepping.offers()) and time.monotonic() < deadline:
        thread.join(0.01)
    assert Offer("FP", "flush", "item 0") in stepping.offers()
    control.cancel()
    thread.join(BOUND_S)
    assert not thread.is_alive() and outcome[0].outcome == "cancelled"


def test_feeder_steps_are_refused_on_a_manager_queue() -> None:
    stepping = StepControl(feeder_steps=True)
    params = schedule_params(NOWAIT_LOSS).replace(queue_kind="manager")
    with pytest.raises(ParamError, match="feeder steps need an mp or joinable queue"):
        run(params, control=RunControl(stepping))


def test_an_unknown_feeder_value_is_refused_in_one_line(tmp_path: Path) -> None:
    data = NOWAIT_LOSS.to_dict()
    data["params"]["feeder"] = "sometimes"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(
        ScheduleError, match=re.escape("params.feeder is 'sometimes', expected settled | steps")
    ):
        load(path)
    code = cli.main(["run", "--schedule", str(path)])
    assert code == 2


def test_flush_steps_need_feeder_steps_and_a_feeder() -> None:
    data = NOWAIT_LOSS.to_dict()
    assert data["params"]["feeder"] == "steps"
    assert loads(dumps(NOWAIT_LOSS)) == NOWAIT_LOSS
    del data["params"]["feeder"]
    with pytest.raises(ScheduleError, match="step 1: FP flushes, but"):
        from_dict(data)
    data["params"]["feeder"] = "steps"
    data["steps"][0]["who"] = "W1"
    with pytest.raises(ScheduleError, match="step 1: W1 cannot run flush"):
        from_dict(data)


# --- the model: the explorer with feeder steps ------------------------------------


def _failures(strategy: str, producer: str, feeder: str) -> set[Verdict]:
    space = Space(STRATEGIES[strategy], 2, 3, producer, feeder)
    search = exhaustive(space, every_failure=True)
    assert search.exhaustive
    return set(search.failures)


@pytest.mark.parametrize(
    ("strategy", "producer"), [("get-nowait", "prefill"), ("stop-event", "concurrent")]
)
def test_losses_that_exist_only_before_the_flush_are_found_with_feeder_steps(
    strategy: str, producer: str
) -> None:
    assert not _failures(strategy, producer, "settled")
    assert Verdict(("lost",), (2,)) in _failures(strategy, producer, "steps")


def test_correct_strategies_stay_correct_with_feeder_steps() -> None:
    for strategy in ("sentinel-reput", "sentinel-per-worker", "joinable-task-done"):
        for producer in ("prefill", "concurrent"):
            assert not _failures(strategy, producer, "steps"), (strategy, producer)


def test_loop_1_sees_empty_while_the_producers_items_wait_in_its_feeder() -> None:
    space = Space(STRATEGIES["seed-empty-after-get"], 2, 3, "concurrent", "steps")
    fp = feeder(-1)
    run = space.replay([-1, -1, -1, fp, 0, 0])
    try:
        assert [str(step) for step in run.steps[-2:]] == [
            "W1 q.get() -> item 0",
            "W1 q.empty() -> True",  # items 1 and 2 were put, and wait in P's feeder buffer
        ]
        while ready := run.eligible():
            run.step(ready[-1])
        verdict = run.verdict()
        schedule = dataclasses.replace(run.schedule(), queue_kind="mp")
    finally:
        run.close()
    assert verdict.failed and 0 in verdict.lost
    assert schedule.feeder == "steps"
    confirmation = confirm(schedule, verdict)
    assert confirmation.agreed, confirmation


def test_the_explorer_finds_and_confirms_loop_1_with_feeder_steps() -> None:
    request = ExploreRequest("seed-empty-after-get", 2, 3, "concurrent", feeder="steps")
    exploration = explore(request)
    assert exploration.schedule is not None
    assert exploration.schedule.feeder == "steps" and exploration.schedule.queue_kind == "mp"
    assert any(step.op == "flush" for step in exploration.schedule.steps)
    assert exploration.confirmation is not None and exploration.confirmation.agreed


def test_explore_refuses_an_unknown_feeder_value(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_code:
        cli.main(["explore", "--strategy", "seed-empty-after-get", "--feeder", "sometimes"])
    assert exit_code.value.code == 2
    assert "--feeder: invalid choice: 'sometimes'" in capsys.readouterr().err
