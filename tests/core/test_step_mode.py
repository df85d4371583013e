"""Step mode: schedules as files, and their replay through the gate on real processes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

import resources
from core import cli
from core.control import RunControl
from core.engine import run
from core.errors import ParamError
from core.faults import Fault
from core.params import RunParams
from core.result import RunResult
from core.schedule import (
    Schedule,
    ScheduleError,
    Step,
    StepControl,
    dumps,
    load,
    loads,
)
from core.stepper import schedule_params

SHIPPED = sorted(resources.path("schedules").glob("*.json"))
REPLAYS = 20
BACKENDS = ("manager", "mp")
START_METHODS = ("spawn", "forkserver")


def replay(
    schedule: Schedule, queue: str, start_method: str = "spawn", free_after: bool = False
) -> tuple[RunResult, StepControl]:
    stepping = StepControl(replay=schedule.steps, free_after=free_after)
    params = schedule_params(schedule).replace(queue_kind=queue, start_method=start_method)
    return run(params, control=RunControl(stepping)), stepping


# --- the file format -------------------------------------------------------------


def test_a_schedule_survives_a_round_trip() -> None:
    schedule = Schedule(
        strategy="seed-while-not-empty",
        workers=2,
        items=2,
        producer="concurrent",
        queue_kind="mp",
        steps=(Step("P", "put", "ok", "item 0"), Step("W2", "get", "blocked")),
    )
    assert loads(dumps(schedule)) == schedule
    assert str(schedule.steps[0]) == "P q.put(item 0) -> ok"


def test_every_shipped_schedule_loads() -> None:
    names = {path.stem for path in SHIPPED}
    assert {
        "loop1-lost-and-deadlock",
        "loop2-deadlock",
        "loop3-deadlock",
        "final-code-concurrent-lost",
        "get-nowait-concurrent-lost",
        "get-timeout-concurrent-lost",
    } <= names
    for path in SHIPPED:
        assert load(path).steps


def _shipped(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((resources.path("schedules") / f"{name}.json").read_text())
    return data


BAD = [
    ("malformed", lambda: "{not json", "not valid JSON"),
    ("truncated", lambda: json.dumps(_shipped("loop2-deadlock"))[:-40], "not valid JSON"),
    ("unknown version", lambda: json.dumps({**_shipped("loop2-deadlock"), "version": 9}), "9"),
    ("other format", lambda: json.dumps({**_shipped("loop2-deadlock"), "format": "x"}), "'x'"),
    (
        "no such worker",
        lambda: json.dumps(
            {**_shipped("loop2-deadlock"), "steps": [{"who": "W3", "op": "get", "result": "ok"}]}
        ),
        "W3",
    ),
    (
        "unknown op",
        lambda: json.dumps(
            {**_shipped("loop2-deadlock"), "steps": [{"who": "W1", "op": "pop", "result": "x"}]}
        ),
        "pop",
    ),
    ("not an object", lambda: "[1, 2]", "no JSON object"),
]


@pytest.mark.parametrize(("case", "make", "said"), BAD, ids=[case for case, _, _ in BAD])
def test_bad_schedules_are_refused_in_one_line(case: str, make: object, said: str) -> None:
    with pytest.raises(ScheduleError) as refused:
        loads(make())  # type: ignore[operator]
    assert said in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(("case", "make", "said"), BAD, ids=[case for case, _, _ in BAD])
def test_the_cli_refuses_a_bad_schedule_with_one_line_and_exit_2(
    case: str, make: object, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(make())  # type: ignore[operator]
    assert cli.main(["run", "--schedule", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert said in err


def test_the_cli_refuses_producer_steps_where_the_producer_has_nothing_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Loop 2, prefilled: the main process does nothing while the workers run.
    steps = [{"who": "P", "op": "put", "arg": "item 0", "result": "ok"}]
    path = tmp_path / "producer.json"
    path.write_text(json.dumps({**_shipped("loop2-deadlock"), "steps": steps}))
    assert cli.main(["run", "--schedule", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "P moves, but seed-while-not-empty has no main-process step" in err


def test_the_cli_refuses_a_schedule_for_another_strategy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = resources.path("schedules") / "loop2-deadlock.json"
    code = cli.main(["run", "--strategy", "sentinel-per-worker", "--schedule", str(path)])
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "seed-while-not-empty" in err


def test_the_cli_needs_a_strategy_or_a_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run"]) == 2
    assert cli.main(["run", "--strategy", "sentinel-per-worker", "--free-after"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


def test_pool_strategies_and_faults_are_not_stepped() -> None:
    stepping = RunControl(StepControl())
    with pytest.raises(ParamError):
        run(RunParams(strategy="pool-imap-unordered", items=2, workers=2), control=stepping)
    with pytest.raises(ParamError):
        faulty = RunParams(strategy="seed-while-not-empty", items=2, workers=2)
        run(faulty.replace(fault=Fault.parse("slow:1")), control=stepping)


# --- replays on real processes -----------------------------------------------------


def test_the_cli_replays_loop_2_into_its_deadlock(capsys: pytest.CaptureFixture[str]) -> None:
    path = resources.path("schedules") / "loop2-deadlock.json"
    assert cli.main(["run", "--schedule", str(path), "--queue", "mp", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["outcome"] == "deadlock"
    assert payload["schedule"]["diverged"] is None
    assert payload["schedule"]["steps"][5] == "W1 q.get() -> blocked"


@pytest.mark.parametrize("start_method", START_METHODS)
@pytest.mark.parametrize("queue", BACKENDS)
@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_a_shipped_schedule_forces_the_same_run_every_time(
    path: Path, queue: str, start_method: str
) -> None:
    schedule = load(path)
    seen = set()
    for _ in range(REPLAYS):
        result, stepping = replay(schedule, queue, start_method)
        assert stepping.divergence is None, stepping.divergence
        assert tuple(stepping.steps()) == schedule.steps
        seen.add((tuple(result.outcomes), tuple(result.lost)))
    assert len(seen) == 1
    outcomes, lost = seen.pop()
    assert outcomes != ("ok",)  # every shipped schedule forces a failure
    assert ("lost" in outcomes) == bool(lost)


def test_a_step_that_cannot_happen_stops_the_run_and_says_why() -> None:
    schedule = load(resources.path("schedules") / "loop2-deadlock.json")
    wrong = (*schedule.steps[:2], Step("W1", "get", "item 1"), *schedule.steps[3:])
    result, stepping = replay(replace(schedule, steps=wrong), "mp")
    assert result.outcome == "cancelled"
    assert stepping.divergence is not None
    assert stepping.divergence.step == 3
    assert "item 0" in stepping.divergence.reason


def test_a_worker_that_is_not_at_that_operation_diverges() -> None:
    schedule = load(resources.path("schedules") / "loop2-deadlock.json")
    wrong = (Step("W1", "get", "item 0"),)
    _, stepping = replay(replace(schedule, steps=wrong), "manager")
    assert stepping.divergence is not None
    assert stepping.divergence.step == 1
    assert "q.empty()" in stepping.divergence.reason


def test_a_schedule_that_ends_early_diverges_unless_the_run_goes_on_freely() -> None:
    schedule = load(resources.path("schedules") / "loop2-deadlock.json")
    prefix = replace(schedule, steps=schedule.steps[:3])
    _, stepping = replay(prefix, "mp")
    assert stepping.divergence is not None and stepping.divergence.step == 4
    result, stepping = replay(prefix, "mp", free_after=True)
    assert stepping.divergence is None
    assert result.outcome in ("ok", "deadlock")


def test_a_concurrent_producer_moves_in_steps() -> None:
    steps = (
        Step("P", "put", "ok", "item 0"),
        Step("W1", "empty", "False"),
        Step("W2", "empty", "False"),
        Step("W1", "get", "item 0"),
        Step("W2", "get", "blocked"),
        Step("P", "put", "ok", "item 1"),
        Step("W2", "get", "item 1"),
        Step("W1", "empty", "True"),
        Step("W2", "empty", "True"),
    )
    schedule = Schedule("seed-while-not-empty", 2, 2, "concurrent", None, steps)
    for queue in BACKENDS:
        result, stepping = replay(schedule, queue)
        assert stepping.divergence is None, stepping.divergence
        assert tuple(stepping.steps()) == steps
        assert result.outcome == "ok"


def test_cancel_while_the_controller_waits_for_a_turn_leaves_nothing_running() -> None:
    # W1 takes item 0 and works on it for a minute: step 3 waits for its next turn.
    steps = (
        Step("W1", "empty", "False"),
        Step("W1", "get", "item 0"),
        Step("W1", "empty", "False"),
    )
    stepping = StepControl(replay=steps)
    control = RunControl(stepping)

    def cancel_after_two_steps(_: object) -> None:
        if len(stepping.steps()) >= 2:
            control.cancel()

    params = RunParams(
        strategy="seed-while-not-empty", workers=2, items=2, queue_kind="mp", work_ms=60_000
    )
    result = run(params, cancel_after_two_steps, control)
    assert result.outcome == "cancelled"
    assert len(stepping.steps()) == 2
    assert stepping.divergence is None
