"""Exports: Chrome trace of real runs (valid, one span per processed item, no overlap),
records CSV, result JSON, and an experiment's cells and trials."""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import json
import math
from collections.abc import Iterator
from typing import Any

import pytest

from core import STRATEGIES, RunParams, RunResult, export, run
from core.experiment import ExperimentResult, ExperimentSpec, plan_experiment
from core.export import (
    CELL_COLUMNS,
    MAIN_PID,
    MAIN_TID,
    TRIAL_COLUMNS,
    UNATTRIBUTED_TID,
    chrome_trace,
)
from core.result import (
    STATUS_DROPPED,
    STATUS_DUPLICATED,
    STATUS_IN_FLIGHT,
    STATUS_PROCESSED,
    ItemRecords,
    TimelineEvent,
    WorkerSummary,
)
from core.states import EventKind, WorkerStatus
from tests.core import faulty_loops
from tests.fakes import fake_experiment

# Every test is bounded; the real-run tests set their own, longer, bound.
pytestmark = pytest.mark.timeout(60)

NAME_EVENTS = {"process_name", "thread_name"}
SORT_EVENTS = {"process_sort_index", "thread_sort_index"}


def check_trace(trace: dict[str, Any]) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """Assert the trace is well-formed; return the X events of every track, in time order."""
    json.dumps(trace, allow_nan=False)  # strict JSON: no NaN or Infinity anywhere
    events = trace["traceEvents"]
    assert isinstance(events, list) and events
    named_threads: set[tuple[int, int]] = set()
    named_processes: set[int] = set()
    used_tracks: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for event in events:
        assert isinstance(event["name"], str) and event["name"], event
        assert _is_int(event["pid"]) and _is_int(event["tid"]), event
        # Perfetto takes pid 0 / tid 0 for the kernel's idle task and merges their tracks.
        assert 0 < event["pid"] < 2**32 and 0 < event["tid"] < 2**32, event
        track = (event["pid"], event["tid"])
        ph = event["ph"]
        if ph == "M":
            assert event["name"] in NAME_EVENTS | SORT_EVENTS, event
            if event["name"] in NAME_EVENTS:
                assert isinstance(event["args"]["name"], str) and event["args"]["name"]
                if event["name"] == "thread_name":
                    assert track not in named_threads, f"thread named twice: {event}"
                    named_threads.add(track)
                else:
                    assert event["pid"] not in named_processes, f"process named twice: {event}"
                    named_processes.add(event["pid"])
            else:
                assert _is_int(event["args"]["sort_index"])
            continue
        assert _is_number(event["ts"]) and event["ts"] >= 0, event
        if ph == "X":
            assert _is_number(event["dur"]) and event["dur"] >= 0, event
            spans.setdefault(track, []).append(event)
            used_tracks.add(track)
        elif ph == "i":
            assert event["s"] in ("g", "p", "t"), event
            used_tracks.add(track)
        elif ph == "C":
            assert isinstance(event["args"], dict) and event["args"], event
            assert all(_is_number(v) for v in event["args"].values()), event
        else:
            raise AssertionError(f"unexpected phase {ph!r}: {event}")
    assert used_tracks <= named_threads, f"unnamed tracks: {used_tracks - named_threads}"
    assert {pid for pid, _ in named_threads} <= named_processes
    for track, track_spans in spans.items():
        track_spans.sort(key=lambda e: (e["ts"], e["dur"]))
        for earlier, later in itertools.pairwise(track_spans):
            assert later["ts"] >= earlier["ts"] + earlier["dur"] - 1e-6, (
                f"overlap on track {track}: {earlier} and {later}"
            )
    return spans


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return _is_int(value) or (isinstance(value, float) and math.isfinite(value))


def _x_events(trace: dict[str, Any], cat: str = "item") -> list[dict[str, Any]]:
    return [e for e in trace["traceEvents"] if e["ph"] == "X" and e["cat"] == cat]


def _round_trip(result: RunResult) -> dict[str, Any]:
    """write_chrome_trace streams; it must write exactly what chrome_trace returns."""
    out = io.StringIO()
    export.write_chrome_trace(result, out)
    written: dict[str, Any] = json.loads(out.getvalue())
    assert written == json.loads(json.dumps(chrome_trace(result)))
    return written


# --- traces of real runs -----------------------------------------------------------


@pytest.mark.timeout(60)
def test_trace_of_the_posts_first_loop() -> None:
    result = run(
        RunParams(strategy="seed-empty-after-get", items=60, workers=3, start_method="forkserver")
    )
    assert "lost" in result.outcomes
    trace = _round_trip(result)
    spans = check_trace(trace)

    processed = [i for i in range(60) if result.records.times_processed[i] >= 1]
    items = _x_events(trace)
    assert len(items) == len(processed) == result.processed
    assert sorted(e["args"]["item"] for e in items) == processed
    assert sum(len(s) for s in spans.values()) == len(items)  # nothing unfinished here
    # Each worker's spans sit on its own track, one span per item it processed.
    for worker in result.workers:
        on_track = [e for e in items if e["tid"] == worker.index]
        assert len(on_track) == worker.processed
        if worker.pid:
            assert {e["pid"] for e in on_track} <= {worker.pid}
    # The dropped tail item is marked where it was taken.
    dropped = [e for e in trace["traceEvents"] if e.get("cat") == "item.dropped"]
    assert sorted(e["args"]["item"] for e in dropped) == result.dropped
    # State changes of the timeline, the queue-depth counter, and the verdict.
    kinds = {e["cat"] for e in trace["traceEvents"] if e["ph"] == "i"}
    assert {"state.saw-empty", "state.exited"} <= kinds
    if "deadlock" in result.outcomes:
        assert "state.blocked" in kinds
    depth = [e for e in trace["traceEvents"] if e["ph"] == "C" and e["name"] == "queue depth"]
    assert len(depth) == len(result.depth_samples) > 0
    assert [e["ts"] for e in depth] == sorted(e["ts"] for e in depth)
    verdict = [e for e in trace["traceEvents"] if e["name"].startswith("verdict:")]
    assert len(verdict) == 1 and "lost" in verdict[0]["name"]
    assert trace["otherData"]["outcomes"] == result.outcomes


@pytest.mark.timeout(60)
def test_trace_of_sentinel_per_worker() -> None:
    result = run(
        RunParams(
            strategy="sentinel-per-worker",
            items=200,
            workers=3,
            queue_kind="mp",
            start_method="forkserver",
            work_ms=0.5,
        )
    )
    assert result.outcomes == ["ok"], result.diagnosis
    trace = _round_trip(result)
    spans = check_trace(trace)
    items = _x_events(trace)
    assert len(items) == 200
    assert sorted(e["args"]["item"] for e in items) == list(range(200))
    for worker in result.workers:
        track = (worker.pid or 0, worker.index)
        assert len(spans.get(track, [])) == worker.processed
        # A span lasts at least the work (0.5 ms) and no span outlives the run.
        assert all(e["dur"] >= 400 for e in spans.get(track, []))
    end = result.elapsed_s * 1e6
    assert all(e["ts"] + e["dur"] <= end + 1000 for e in items)
    names = {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in trace["traceEvents"]
        if e["name"] == "thread_name"
    }
    assert names[(result.workers[0].pid, 1)] == "worker 1"


@pytest.fixture
def duplicating_strategy() -> Iterator[str]:
    STRATEGIES["test-duplicates"] = dataclasses.replace(
        STRATEGIES["sentinel-per-worker"],
        id="test-duplicates",
        loop=faulty_loops.processes_item_0_twice,
    )
    yield "test-duplicates"
    del STRATEGIES["test-duplicates"]


@pytest.mark.timeout(60)
def test_an_item_processed_twice_by_one_worker_does_not_overlap(duplicating_strategy: str) -> None:
    result = run(
        RunParams(
            strategy=duplicating_strategy,
            items=30,
            workers=2,
            queue_kind="mp",
            start_method="forkserver",
        )
    )
    assert result.outcomes == ["duplicated"], result.diagnosis
    trace = _round_trip(result)
    check_trace(trace)
    items = _x_events(trace)
    assert len(items) == 30  # one span per record: the item's last processing
    (twice,) = [e for e in items if e["args"]["item"] == 0]
    assert twice["args"]["times_processed"] == 2 and twice["args"]["status"] == "duplicated"


# --- traces of records that disagree (built by hand) ---------------------------------


def _result(
    rows: list[tuple[int, float, float, int, int]],
    workers: int = 2,
    elapsed: float = 1.0,
    timeline: list[TimelineEvent] | None = None,
) -> RunResult:
    """A RunResult from (worker, t_start, t_done, times_processed, status) rows."""
    records = ItemRecords()
    pids = [0] + [1000 + w for w in range(1, workers + 1)]
    for item, (worker, start, done, times, status) in enumerate(rows):
        records.item.append(item)
        records.worker.append(worker)
        records.pid.append(pids[worker])
        records.t_take.append(start - 0.001 if not math.isnan(start) else 0.05)
        records.t_start.append(start)
        records.t_done.append(done)
        records.times_processed.append(times)
        records.status.append(status)
    return RunResult(
        params=RunParams(strategy="sentinel-per-worker", items=len(rows), workers=workers),
        outcome="ok",
        outcomes=["ok"],
        items=len(rows),
        processed=sum(1 for r in rows if r[3]),
        lost=[],
        dropped=[],
        left_in_queue=[],
        duplicates=[],
        workers=[
            WorkerSummary(
                index=w, pid=pids[w], processed=0, taken=0, state=WorkerStatus.EXITED, exit_code=0
            )
            for w in range(1, workers + 1)
        ],
        diagnosis="made by hand",
        elapsed_s=elapsed,
        records=records,
        timeline=timeline or [],
        depth_samples=[(0.0, len(rows), 0), (elapsed, 0, len(rows))],
        stack_dumps={},
    )


def test_overlapping_records_go_to_an_extra_track() -> None:
    nan = math.nan
    result = _result(
        [
            (1, 0.10, 0.20, 1, STATUS_PROCESSED),
            (1, 0.15, 0.25, 2, STATUS_DUPLICATED),  # taken twice: overlaps the one before
            (1, 0.30, 0.40, 1, STATUS_PROCESSED),
            (2, 0.10, 0.12, 1, STATUS_PROCESSED),
            (2, 0.50, nan, 0, STATUS_IN_FLIGHT),  # started, never finished
            (0, 0.60, 0.70, 1, STATUS_PROCESSED),  # a pool process with no worker row
            (1, nan, nan, 0, STATUS_DROPPED),
        ],
        timeline=[TimelineEvent(0.0, 0, EventKind.STARTED, None, "producer started")],
    )
    trace = chrome_trace(result)
    spans = check_trace(trace)
    assert len(_x_events(trace)) == 5
    assert [e["args"]["item"] for e in spans[(1001, 1)]] == [0, 2]
    lanes = [track for track in spans if track[0] == 1001 and track != (1001, 1)]
    assert len(lanes) == 1 and [e["args"]["item"] for e in spans[lanes[0]]] == [1]
    (unfinished,) = _x_events(trace, "item.unfinished")
    assert unfinished["args"]["item"] == 4
    assert unfinished["ts"] == pytest.approx(500_000) and unfinished["dur"] == pytest.approx(
        500_000
    )
    assert [e["args"]["item"] for e in spans[(MAIN_PID, UNATTRIBUTED_TID)]] == [5]
    (dropped,) = [e for e in trace["traceEvents"] if e.get("cat") == "item.dropped"]
    assert dropped["args"]["item"] == 6 and dropped["tid"] == 1
    main = [e for e in trace["traceEvents"] if e.get("cat") == "state.started"]
    assert main[0]["pid"] == MAIN_PID and main[0]["tid"] == MAIN_TID


# --- records CSV and result JSON -----------------------------------------------------


def test_records_csv_and_result_json() -> None:
    result = _result([(1, 0.1, 0.2, 1, STATUS_PROCESSED), (2, 0.1, 0.3, 1, STATUS_PROCESSED)])
    out = io.StringIO()
    export.write_records_csv(result, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["item"] for r in rows] == ["0", "1"]
    assert float(rows[1]["processing_ms"]) == pytest.approx(200.0)
    out = io.StringIO()
    export.write_run_json(result, out)
    data = json.loads(out.getvalue())
    assert data["outcome"] == "ok" and len(data["records"]) == 2
    out = io.StringIO()
    export.write_run_json(result, out, include_records=False)
    assert "records" not in json.loads(out.getvalue())


# --- an experiment's exports ----------------------------------------------------------


def _experiment(faults: tuple[str, ...] = ("none",)) -> ExperimentResult:
    """The post's first loop loses and deadlocks in each of its 3 trials; the docs recipe is ok."""
    plan = plan_experiment(
        ExperimentSpec(
            strategies=("sentinel-per-worker", "seed-empty-after-get"), faults=faults, trials=3
        )
    )
    outcomes = [
        [("deadlock", "lost") if cell.coordinates.strategy == "seed-empty-after-get" else ("ok",)]
        * 3
        for cell in plan.cells
    ]
    return fake_experiment(plan, outcomes, diagnosis="", started_at=0.0)


def test_experiment_json_csv_and_trials_csv() -> None:
    result = _experiment()
    out = io.StringIO()
    export.write_experiment_json(result, out)
    data = json.loads(out.getvalue())
    assert data["spec"]["strategies"] == ["sentinel-per-worker", "seed-empty-after-get"]
    assert [c["trials"] for c in data["cells"]] == [3, 3]
    assert data["cells"][1]["counts"]["deadlock"] == 3
    assert data["cells"][1]["rates"]["lost"]["low"] > 0.4
    assert [r["seed"] for r in data["cells"][0]["runs"]] == [
        result.plan.trial_seed(0, t) for t in range(3)
    ]

    out = io.StringIO()
    export.write_experiment_csv(result, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(CELL_COLUMNS)
    assert [r["strategy"] for r in rows] == ["sentinel-per-worker", "seed-empty-after-get"]
    assert rows[0]["ok_count"] == "3" and float(rows[0]["ok_rate"]) == 1.0
    assert rows[1]["lost_count"] == "3" and rows[1]["ok_count"] == "0"
    assert float(rows[1]["elapsed_median_s"]) == pytest.approx(0.2)

    out = io.StringIO()
    export.write_trials_csv(result, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(TRIAL_COLUMNS)
    assert len(rows) == 6
    assert {r["outcomes"] for r in rows} == {"ok", "deadlock+lost"}


def test_both_csvs_tell_cells_apart_by_fault() -> None:
    """With a fault axis, cells share every other coordinate: the fault column separates them."""
    result = _experiment(faults=("none", "kill:5"))
    cells, trials = io.StringIO(), io.StringIO()
    export.write_experiment_csv(result, cells)
    export.write_trials_csv(result, trials)
    cell_rows = list(csv.DictReader(io.StringIO(cells.getvalue())))
    trial_rows = list(csv.DictReader(io.StringIO(trials.getvalue())))
    coordinates = [(r["strategy"], r["fault"]) for r in cell_rows]
    assert len(set(coordinates)) == len(cell_rows) == 4
    assert {r["fault"] for r in cell_rows} == {"none", "kill:5"}
    assert {(r["cell"], r["fault"]) for r in trial_rows} == {
        (r["cell"], r["fault"]) for r in cell_rows
    }
