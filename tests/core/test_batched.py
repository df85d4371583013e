"""The batched STOP recipe: lists of items through the queue, one STOP per worker.

It ends correctly on every backend it runs on, a killed worker loses its
whole batch and the evidence names every item of it, the explorer's model
treats a batch as one queue element, and a model schedule replays on real
processes in step mode (a batch's put and get are one step each).
"""

from __future__ import annotations

import json

import pytest

from core.control import RunControl
from core.engine import run
from core.explorer.model import ModelRun, Space
from core.explorer.search import exhaustive
from core.faults import Fault
from core.params import RunParams
from core.schedule import DEFAULT_BATCH_SIZE, ScheduleError, StepControl, dumps, loads
from core.stepper import schedule_params
from core.strategies import get_strategy
from tests.core.cli_helpers import cli
from tests.core.test_strategies import assert_accounted

BATCHED = "sentinel-per-worker-batched"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("queue_kind", get_strategy(BATCHED).queue_kinds)
def test_it_ends_ok_with_every_item_processed_once(queue_kind: str) -> None:
    # 1,050 items in batches of 100: the last batch is a short one.
    result = run(RunParams(strategy=BATCHED, items=1050, batch_size=100, queue_kind=queue_kind))
    assert result.outcomes == ["ok"], result.diagnosis
    assert result.processed == 1050
    assert_accounted(result)


@pytest.mark.timeout(60)
def test_a_killed_worker_loses_its_whole_batch_and_the_evidence_names_it() -> None:
    params = RunParams(
        strategy=BATCHED, items=50, workers=2, batch_size=10, fault=Fault.parse("kill:23")
    )
    result = run(params)
    assert "crashed" in result.outcomes and "lost" in result.outcomes
    assert result.lost == list(range(20, 30))
    assert result.dropped == list(range(20, 30))  # taken by the dead worker, never processed
    assert_accounted(result)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("producer", ["prefill", "concurrent"])
def test_the_explorer_finds_no_failure_with_a_batch_as_one_element(producer: str) -> None:
    space = Space(get_strategy(BATCHED), workers=2, items=3, producer=producer, batch_size=2)
    search = exhaustive(space)
    assert search.exhaustive and not search.found, search.verdict
    with ModelRun(space.strategy, 2, 3, producer, batch_size=2) as model:
        assert len(model.queue) + len(model.to_put) == 2 + 2  # two batches, two STOPs


@pytest.mark.timeout(60)
def test_a_model_schedule_replays_on_real_processes_a_batch_a_step() -> None:
    with ModelRun(get_strategy(BATCHED), 2, 3, "concurrent", batch_size=2) as model:
        while model.eligible():
            model.step(model.eligible()[-1])
        schedule = model.schedule()
        assert model.verdict().outcomes == ("ok",)
    puts = [step for step in schedule.steps if step.who == "P" and step.op == "put"]
    assert len(puts) == 4  # two batches and two STOPs
    # A batch's put and get name its items, on the model's tuples as on the real lists.
    assert [step.arg for step in puts[:2]] == ["items 0–1", "item 2"]
    gets = [step.result for step in schedule.steps if step.op == "get"]
    assert sorted(gets) == ["'STOP'", "'STOP'", "item 2", "items 0–1"]
    assert schedule.batch_size == 2
    stepping = StepControl(replay=schedule.steps)
    params = schedule_params(schedule).replace(queue_kind="mp")
    assert params.batch_size == 2
    result = run(params, control=RunControl(stepping))
    assert stepping.divergence is None, stepping.divergence
    assert tuple(stepping.steps()) == schedule.steps
    assert result.outcomes == ["ok"], result.diagnosis


def test_a_schedule_file_keeps_its_batch_size_and_names_a_bad_one() -> None:
    assert RunParams.batch_size == DEFAULT_BATCH_SIZE
    with ModelRun(get_strategy(BATCHED), 2, 3, "prefill", batch_size=2) as model:
        schedule = model.schedule()
    text = dumps(schedule)
    assert '"batch_size": 2' in text
    assert loads(text).batch_size == 2
    assert '"batch_size"' not in dumps(schedule.__class__(BATCHED, 2, 3))  # the default is implied
    with pytest.raises(ScheduleError, match=r"params\.batch_size.*from 1 to"):
        loads(text.replace('"batch_size": 2', '"batch_size": 0'))


@pytest.mark.timeout(120)
def test_explore_takes_a_batch_size_and_refuses_a_bad_one() -> None:
    args = ("explore", "--strategy", BATCHED, "--workers", "2", "--items", "3", "--json")
    whole = cli(*args)
    per_item = cli(*args, "--batch-size", "1")
    assert whole.returncode == per_item.returncode == 0, whole.stderr + per_item.stderr
    # Three batches of one item have more interleavings than one batch of three.
    assert '"found": false' in whole.stdout and '"found": false' in per_item.stdout
    assert _schedules(per_item.stdout) > _schedules(whole.stdout)
    bad = cli(*args, "--batch-size", "0")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "queuescope: error: --batch-size must be from 1 to 1000000, not 0"
    ]


def _schedules(json_text: str) -> int:
    return int(json.loads(json_text)["schedules"])
