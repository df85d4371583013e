"""Reading results back: a run and an experiment through their JSON exports and from_dict."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pytest

from core import RunParams, RunResult, run
from core.errors import ParamError
from core.experiment import ExperimentResult, ExperimentSpec, run_experiment
from core.export import write_experiment_json, write_run_json
from core.faults import Fault
from core.result import ItemRecords, ResultDataError
from core.states import EventKind, WorkerStatus


def _strict_loads(text: str) -> Any:
    def refuse(token: str) -> None:
        raise ValueError(token)

    return json.loads(text, parse_constant=refuse)


def _run_json(result: RunResult) -> Any:
    out = io.StringIO()
    write_run_json(result, out)
    return _strict_loads(out.getvalue())


def _same_records(a: ItemRecords, b: ItemRecords) -> None:
    assert len(a) == len(b)
    for name in ("item", "worker", "pid", "times_processed", "status"):
        assert list(getattr(a, name)) == list(getattr(b, name)), name
    for i in range(len(a)):
        took, took_back = a.t_take[i], b.t_take[i]
        assert math.isnan(took) == math.isnan(took_back)
        if not math.isnan(took):
            assert took_back == pytest.approx(took, abs=1e-6)
        processing = a.t_done[i] - a.t_start[i]
        processing_back = b.t_done[i] - b.t_start[i]
        assert math.isnan(processing) == math.isnan(processing_back)
        if not math.isnan(processing):
            assert processing_back == pytest.approx(processing, abs=1e-6)


@pytest.mark.timeout(60)
def test_a_run_comes_back_from_its_json() -> None:
    result = run(
        RunParams(
            strategy="seed-empty-after-get",
            items=60,
            workers=3,
            start_method="forkserver",
            fault=Fault("stop", 59),
            watchdog_s=1.0,
        )
    )
    back = RunResult.from_dict(_run_json(result))

    assert back.params == result.params
    for name in (
        "outcome",
        "outcomes",
        "items",
        "processed",
        "lost",
        "dropped",
        "left_in_queue",
        "duplicates",
        "diagnosis",
        "error",
        "stack_dumps",
        "started_at",
    ):
        assert getattr(back, name) == getattr(result, name), name
    assert back.elapsed_s == pytest.approx(result.elapsed_s, abs=1e-6)
    assert back.workers == result.workers
    assert all(isinstance(w.state, WorkerStatus) for w in back.workers)
    assert [(e.t, e.worker, e.kind, e.item, e.text) for e in back.timeline] == [
        (e.t, e.worker, e.kind, e.item, e.text) for e in result.timeline
    ]
    assert all(isinstance(e.kind, EventKind) for e in back.timeline)
    assert back.depth_samples == [tuple(s) for s in result.depth_samples]
    _same_records(result.records, back.records)
    # Kept as text only: the window shows the English diagnosis of an opened file.
    assert back.diagnosis_sentences == ()
    # And it writes the same JSON again.
    assert _run_json(back) == _run_json(result)


@pytest.mark.timeout(120)
def test_an_experiment_comes_back_from_its_json() -> None:
    spec = ExperimentSpec(
        strategies=("sentinel-per-worker", "seed-empty-after-get"),
        items=(30,),
        start_methods=("forkserver",),
        trials=2,
        watchdog_s=10.0,
    )
    result = run_experiment(spec)
    out = io.StringIO()
    write_experiment_json(result, out)
    back = ExperimentResult.from_dict(_strict_loads(out.getvalue()))

    assert back.spec == result.spec
    assert back.plan.cells == result.plan.cells
    # items_per_s is computed from the elapsed time, which the file keeps to the microsecond.
    assert [[_trial(t.to_dict()) for t in c.trials] for c in back.cells] == [
        [_trial(t.to_dict()) for t in c.trials] for c in result.cells
    ]
    assert [c.counts() for c in back.cells] == [c.counts() for c in result.cells]
    assert (back.cancelled, back.trials_done, back.trials_total, back.started_at) == (
        result.cancelled,
        result.trials_done,
        result.trials_total,
        result.started_at,
    )
    again = io.StringIO()
    write_experiment_json(back, again)
    written, rewritten = _strict_loads(out.getvalue()), _strict_loads(again.getvalue())
    medians = []
    for cells in (written["cells"], rewritten["cells"]):
        # The median of two trials' rounded times may differ from the rounded median by 1 µs.
        medians.append([cell.pop("elapsed_s")["median"] for cell in cells])
        for cell in cells:
            del cell["items_per_s"]
            cell["runs"] = [_trial(t) for t in cell["runs"]]
    assert rewritten == written
    assert medians[1] == pytest.approx(medians[0], abs=2e-6)


def _trial(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "items_per_s"}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d.pop("outcome"), "the key 'outcome' is missing"),
        (lambda d: d.update(items="100"), "result.items: unexpected value '100'"),
        (lambda d: d["workers"][0].update(state="dancing"), "result.workers[0].state"),
        (lambda d: d["timeline"].append({"t": 0, "worker": 1, "kind": "x"}), "timeline"),
        (lambda d: d["params"].update(workers=0), "workers must be between"),
        (lambda d: d.update(outcome="fine"), "result.outcome"),
        (lambda d: d["records"].append({"item": 1}), "records[1]"),
    ],
)
def test_malformed_run_data_is_refused_with_a_message(change: Any, says: str) -> None:
    good = {
        "outcome": "ok",
        "outcomes": ["ok"],
        "items": 1,
        "processed": 1,
        "lost": [],
        "dropped": [],
        "left_in_queue": [],
        "duplicates": [],
        "workers": [
            {"index": 1, "pid": 5, "processed": 1, "taken": 1, "state": "exited", "exit_code": 0}
        ],
        "diagnosis": "fine",
        "elapsed_s": 0.1,
        "error": None,
        "params": RunParams(items=1, workers=1).to_dict(),
        "stack_dumps": {},
        "timeline": [],
        "depth_samples": [[0.0, 1, 0]],
        "started_at": 1.0,
        "records": [
            {
                "item": 0,
                "worker": 1,
                "pid": 5,
                "taken_at_s": 0.01,
                "processing_ms": 1.0,
                "times_processed": 1,
                "status": "processed",
            }
        ],
    }
    assert RunResult.from_dict(good).processed == 1
    change(good)
    with pytest.raises(ParamError) as error:
        RunResult.from_dict(good)
    assert says in str(error.value)


@pytest.mark.parametrize("data", [[], "text", 3, None])
def test_data_that_is_not_an_object_is_refused(data: Any) -> None:
    with pytest.raises(ResultDataError):
        RunResult.from_dict(data)
    with pytest.raises(ResultDataError):
        ExperimentResult.from_dict(data)
