"""A finished run's lanes are rebuilt in steps between events, and end as a one-shot build would."""

from __future__ import annotations

from array import array
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from core.params import RunParams
from core.result import ItemRecords, RunResult, WorkerSummary
from core.states import WorkerStatus
from gui.lanes import WorkerLanes
from gui.span_rebuild import SpanRebuild
from gui.spans import SpanLane, lane_cap, spans_by_worker

WORKERS = 3


def records_of(n: int, seed: int = 1) -> ItemRecords:
    """n items over WORKERS workers: out of order in places, some not done, some twice."""
    rng = np.random.default_rng(seed)
    take = np.cumsum(rng.exponential(2e-6, n))
    start = take + rng.exponential(1e-6, n)
    start[rng.integers(0, n, n // 50)] -= 3e-5  # starts out of record order
    done = start + rng.exponential(1e-6, n)
    done[rng.integers(0, n, n // 100)] = np.nan  # not done yet
    start[rng.integers(0, n, n // 200)] = start[0]  # ties
    times = np.ones(n, dtype=np.int32)
    times[rng.integers(0, n, n // 100)] = 0
    times[rng.integers(0, n, n // 100)] = 2
    worker = rng.integers(0, WORKERS + 1, n).astype(np.int32)  # 0: nobody took it

    def column(typecode: str, values: np.ndarray) -> array[Any]:
        out = array(typecode)
        out.frombytes(values.tobytes())
        return out

    return ItemRecords(
        item=column("i", np.arange(n, dtype=np.int32)),
        worker=column("i", worker),
        pid=column("i", worker + 100),
        t_take=column("d", take),
        t_start=column("d", start),
        t_done=column("d", done),
        times_processed=column("i", times),
        status=column("b", np.zeros(n, dtype=np.int8)),
    )


def one_shot(records: ItemRecords, gaps: list[float]) -> list[SpanLane]:
    """The build the rebuild must equal: each lane at its gap, every span added at once."""
    lanes = [SpanLane(gap) for gap in gaps]
    for worker, spans in spans_by_worker(records, len(gaps)).items():
        lanes[worker - 1].add(spans, lane_cap(len(gaps)))
    return lanes


def assert_same_lanes(got: list[SpanLane], expected: list[SpanLane]) -> None:
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.gap == theirs.gap
        for a, b in zip(mine.spans.columns(), theirs.spans.columns(), strict=True):
            assert a.dtype == b.dtype
            assert np.array_equal(a, b, equal_nan=True)


@pytest.mark.parametrize("gap", [0.0, 1e-6, 4e-5])
def test_a_stepped_rebuild_equals_the_one_shot_build(gap: float) -> None:
    records = records_of(60_000)
    gaps = [gap] * WORKERS
    rebuild = SpanRebuild(records, gaps, block=1_000)
    steps = 0
    while rebuild.step():
        steps += 1
    assert steps > 60  # a step per block, then the merges
    assert_same_lanes(rebuild.lanes, one_shot(records, gaps))


def finished_run(records: ItemRecords) -> RunResult:
    return RunResult(
        params=RunParams("sentinel-per-worker", items=len(records), workers=WORKERS),
        outcome="ok",
        outcomes=["ok"],
        items=len(records),
        processed=len(records),
        lost=[],
        dropped=[],
        left_in_queue=[],
        duplicates=[],
        workers=[WorkerSummary(w, 100 + w, 0, 0, WorkerStatus.EXITED, 0) for w in (1, 2, 3)],
        diagnosis="A sentence.",
        elapsed_s=float(np.nanmax(np.frombuffer(records.t_done))),
        records=records,
        timeline=[],
        depth_samples=[],
        stack_dumps={},
    )


@pytest.mark.timeout(60)
def test_a_million_items_are_rebuilt_between_events(qtbot: Any) -> None:
    lanes = WorkerLanes()
    qtbot.addWidget(lanes)
    lanes.reset(WORKERS, 1_000_000)
    records = records_of(1_000_000)
    ticks: list[bool] = []
    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: ticks.append(lanes.is_rebuilding()))
    ticker.start()
    with qtbot.waitSignal(lanes.redrawn, timeout=30_000):
        lanes.finish(finished_run(records))
        assert lanes.is_rebuilding()  # finish() returned before the work was done
        assert not any(len(lane.spans) for lane in lanes.span_lanes)  # still the live ones
    ticker.stop()
    assert not lanes.is_rebuilding()
    assert ticks.count(True) >= 3  # the event loop ran between the steps
    assert_same_lanes(lanes.span_lanes, one_shot(records, [0.0] * WORKERS))
    assert lanes.span_bar.isVisible()


def test_a_new_run_cancels_a_rebuild(qtbot: Any) -> None:
    lanes = WorkerLanes()
    qtbot.addWidget(lanes)
    lanes.reset(WORKERS, 200_000)
    lanes.finish(finished_run(records_of(200_000)))
    assert lanes.is_rebuilding()
    lanes.reset(2, 10)
    assert not lanes.is_rebuilding()
    turns: list[int] = []
    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: turns.append(1))
    ticker.start()
    qtbot.waitUntil(lambda: len(turns) >= 50)  # turns in which a live rebuild would have landed
    ticker.stop()
    assert len(lanes.span_lanes) == 2
    assert not any(len(lane.spans) for lane in lanes.span_lanes)
