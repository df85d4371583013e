"""Chunk records give the same evidence as per-item records (core.chunks).

The same runs, recorded per chunk and per item (PER_ITEM_ENV), give the
same per-item statuses, takers, counts, verdicts, lost and duplicate lists,
worker summaries and exported columns; only the times differ, and those stay
consistent within each chunk's window. One worker makes the runs repeat
exactly. A worker killed while it holds a chunk (not by a fault) leaves every
item of the chunk named dropped by it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import RunParams, run
from core.chunks import (
    PER_ITEM_ENV,
    ChunkRecorder,
    chunked,
    done_once_in_chunks,
    expand_chunks,
)
from core.diagnosis import error_line
from core.export import write_records_csv
from core.faults import Fault
from core.ledger import Ledger
from core.records import all_once
from core.result import STATUS_LEFT, STATUS_PROCESSED, RunResult
from core.strategies import get_strategy, register_strategy, unregister_strategy
from tests.core import chunk_loops
from tests.core.test_strategies import assert_accounted

POOLS = ("pool-imap-unordered", "process-pool-executor")
BATCHED = "sentinel-per-worker-batched"
ITEMS = 1050  # ten chunks of 100 and a short one


def _params(strategy: str, **changes: Any) -> RunParams:
    # The watchdog ends the pool runs whose lost task leaves imap_unordered waiting.
    base = RunParams(strategy=strategy, items=ITEMS, workers=1, watchdog_s=3.0, chunksize=100)
    if strategy == BATCHED or strategy.startswith("test-batched"):
        base = base.replace(batch_size=100, queue_kind="mp")
    return base.replace(**changes)


def _both(params: RunParams, monkeypatch: pytest.MonkeyPatch) -> tuple[RunResult, RunResult]:
    """The run recorded per chunk, then the same run recorded per item."""
    monkeypatch.delenv(PER_ITEM_ENV, raising=False)
    per_chunk = run(params)
    monkeypatch.setenv(PER_ITEM_ENV, "1")
    per_item = run(params)
    monkeypatch.delenv(PER_ITEM_ENV)
    return per_chunk, per_item


def _items(result: RunResult) -> list[tuple[int, int, bool, int, int]]:
    """Each item's record but its times (and its pid, which only has to be there)."""
    r = result.records
    return [
        (r.item[i], r.worker[i], r.pid[i] != 0, r.times_processed[i], r.status[i])
        for i in range(len(r))
    ]


def _verdict(result: RunResult) -> dict[str, Any]:
    data = result.to_dict(include_records=False)
    for key in ("elapsed_s", "started_at", "timeline", "depth_samples", "stack_dumps"):
        data.pop(key, None)
    for worker in data["workers"]:
        worker["pid"] = worker["pid"] is not None
        worker["error"] = worker["error"] and error_line(worker["error"])
    data["error"] = data["error"] and error_line(data["error"])
    return data


def _exported(result: RunResult) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """The CSV rows and the JSON records, without the time taken and the pid's value."""
    out = io.StringIO()
    write_records_csv(result, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    records = result.to_dict(include_records=True)["records"]
    for row in [*rows, *records]:
        del row["taken_at_s"]
        row["pid"] = row["pid"] not in ("", None)
    return rows, records


def _assert_times_consistent(result: RunResult, chunk: int) -> None:
    """t_take <= t_start <= t_done per item; per chunk, one take and one done time."""
    r = result.records
    for i in range(len(r)):
        take, start, done = r.t_take[i], r.t_start[i], r.t_done[i]
        if not math.isnan(done):
            assert take <= start <= done, (i, take, start, done)
        else:
            assert math.isnan(start), i
    for first in range(0, len(r), chunk):
        block = range(first, min(len(r), first + chunk))
        # A pool process that replaced a dead one (no worker row) records per item.
        if all(r.status[i] == STATUS_PROCESSED and r.worker[i] for i in block):
            assert len({r.t_take[i] for i in block}) == 1, first  # recorded as one chunk
            assert len({r.t_done[i] for i in block}) == 1, first


def _assert_same(per_chunk: RunResult, per_item: RunResult, whole_verdict: bool = True) -> None:
    assert _items(per_chunk) == _items(per_item)
    if whole_verdict:
        assert _verdict(per_chunk) == _verdict(per_item)
    for key in ("outcomes", "processed", "lost", "dropped", "left_in_queue", "duplicates"):
        assert getattr(per_chunk, key) == getattr(per_item, key), key
    assert _exported(per_chunk) == _exported(per_item)
    assert_accounted(per_chunk)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("strategy", [*POOLS, BATCHED])
@pytest.mark.parametrize("fault", [None, "kill:250"])
def test_per_chunk_and_per_item_records_agree(
    strategy: str, fault: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = _params(strategy, fault=Fault.parse(fault) if fault else None)
    per_chunk, per_item = _both(params, monkeypatch)
    # A broken executor and the monitor race to say first that the worker died, in
    # either recording: the words may differ, the evidence may not.
    _assert_same(per_chunk, per_item, not (fault and strategy == "process-pool-executor"))
    _assert_times_consistent(per_chunk, 100)
    if fault and strategy == BATCHED:
        # The killed worker's batch was recorded item by item: all of it taken, none done.
        assert "crashed" in per_chunk.outcomes
        assert per_chunk.dropped == list(range(200, 300))
    elif fault:
        # The killed worker's chunk was recorded item by item: it took 200-250, item 250
        # last, and never took the rest of the chunk.
        assert "crashed" in per_chunk.outcomes
        assert per_chunk.dropped == [250]
        assert all(per_chunk.records.status[i] == STATUS_LEFT for i in range(251, 300))
    else:
        assert per_chunk.outcomes == ["ok"]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("strategy", [*POOLS, BATCHED])
def test_a_raise_fault_gives_the_same_evidence_for_its_chunk(
    strategy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    per_chunk, per_item = _both(_params(strategy, fault=Fault.parse("raise:250")), monkeypatch)
    assert _items(per_chunk)[:300] == _items(per_item)[:300]
    # The raise ends the loop, or the pool's task, at item 250; a batch was all taken.
    dropped = list(range(250, 300)) if strategy == BATCHED else [250]
    assert per_chunk.dropped == per_item.dropped == dropped
    for result in (per_chunk, per_item):
        assert "crashed" in result.outcomes
        assert_accounted(result)
        # After the fault's chunk a pool may go on a while: each later chunk whole or not at all.
        for first in range(300, ITEMS, 100):
            statuses = {result.records.status[i] for i in range(first, min(ITEMS, first + 100))}
            assert len(statuses) == 1, (first, statuses)
    if strategy == BATCHED:
        _assert_same(per_chunk, per_item)


@pytest.fixture
def chunk_strategies() -> Iterator[None]:
    batched, pool = get_strategy(BATCHED), get_strategy("pool-imap-unordered")
    loops = {
        "test-batched-dies": chunk_loops.dies_mid_batch,
        "test-batched-backwards": chunk_loops.processes_batches_backwards,
        "test-batched-twice": chunk_loops.processes_first_of_batch_twice,
    }
    for strategy_id, loop in loops.items():
        register_strategy(dataclasses.replace(batched, id=strategy_id, loop=loop))
    driver = chunk_loops.pool_dies_holding_chunk
    register_strategy(dataclasses.replace(pool, id="test-pool-dies", pool_driver=driver))
    yield
    for strategy_id in [*loops, "test-pool-dies"]:
        unregister_strategy(strategy_id)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("strategy", ["test-batched-backwards", "test-batched-twice"])
def test_a_loop_off_the_batch_order_is_recorded_item_by_item(
    chunk_strategies: None, strategy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    per_chunk, per_item = _both(_params(strategy, items=350), monkeypatch)
    _assert_same(per_chunk, per_item)
    if strategy == "test-batched-twice":
        assert per_chunk.duplicates == [0, 100, 200, 300]
    else:
        assert per_chunk.outcomes == ["ok"]


def _assert_held_chunk_named(result: RunResult, held: range) -> None:
    assert "crashed" in result.outcomes and "lost" in result.outcomes, result.diagnosis
    assert result.dropped == list(held)
    assert all(result.records.worker[i] == 1 for i in held)
    assert all(result.records.times_processed[i] == 0 for i in held)
    assert f"worker 1 took items {held[0]}, {held[1]}" in result.diagnosis.lower()
    assert f"({len(held)} in all) but never processed them" in result.diagnosis
    assert_accounted(result)


@pytest.mark.timeout(120)
def test_a_batch_held_by_a_killed_worker_is_named_dropped_whole(
    chunk_strategies: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = _params("test-batched-dies", items=300)
    per_chunk, per_item = _both(params, monkeypatch)
    _assert_held_chunk_named(per_chunk, range(100, 200))
    assert per_chunk.processed == 100
    # Per item, the items it processed before it died count as processed.
    assert per_item.dropped == list(range(chunk_loops.DIES_AT + 1, 200))


@pytest.mark.timeout(120)
def test_a_pool_chunk_held_by_a_killed_worker_is_named_dropped_whole(
    chunk_strategies: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PER_ITEM_ENV, raising=False)
    result = run(_params("test-pool-dies", items=500))
    _assert_held_chunk_named(result, range(200, 300))
    assert "worker 1 died" in result.diagnosis.lower()


# --- the expansion alone, against per-item writes (no processes) ----------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=st.integers(0, 300),
    size=st.integers(16, 64),
    fates=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.booleans()), max_size=20),
)
def test_expanded_chunks_equal_per_item_writes(
    items: int, size: int, fates: list[tuple[int, int, bool]]
) -> None:
    """Chunks taken (by worker 1-3), done or not, expanded at random moments: the per-item
    columns equal those written item by item."""
    chunked_ledger = Ledger.create(items, 3, chunk_size=size)
    plain = Ledger.create(items, 3)
    chunks = list(chunked(range(items), size))
    for index, (worker, fate, expand_now) in enumerate(fates[: len(chunks)]):
        chunk = chunks[index]
        if worker == 3:
            continue  # never taken
        recorder = ChunkRecorder(chunked_ledger, worker)
        base = recorder.take(chunk[0], len(chunk), chunked_ledger.t0 + 1.0)
        assert base >= 0
        for item in chunk:
            plain.take_count[item] += 1
            plain.taker[item] = worker + 1
        if expand_now:
            expand_chunks(chunked_ledger)
        if fate == 1:
            recorder.done(base, chunked_ledger.t0 + 2.0)
            for item in chunk:
                plain.process_count[item] += 1
    expand_chunks(chunked_ledger)
    expand_chunks(chunked_ledger)  # nothing changed since: nothing counted twice
    for column in ("take_count", "process_count", "taker"):
        assert list(getattr(chunked_ledger, column)) == list(getattr(plain, column)), column
    for item in range(items):
        done = chunked_ledger.process_count[item] == 1
        assert math.isnan(chunked_ledger.t_done[item]) != done
        if chunked_ledger.take_count[item]:
            assert chunked_ledger.t_take[item] == 1.0
            assert not done or chunked_ledger.t_start[item] == chunked_ledger.t_done[item] == 2.0


# --- real runs over sizes ---------------------------------------------------------


@pytest.mark.timeout(240)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    strategy=st.sampled_from([*POOLS, BATCHED]),
    items=st.integers(1, 400),
    workers=st.integers(1, 2),
    size=st.integers(16, 120),
)
def test_any_size_ends_ok_with_whole_chunks(
    strategy: str, items: int, workers: int, size: int
) -> None:
    params = RunParams(strategy=strategy, items=items, workers=workers, chunksize=size)
    if strategy == BATCHED:
        params = params.replace(batch_size=size, queue_kind="mp")
    result = run(params)
    assert result.outcomes == ["ok"], result.diagnosis
    assert_accounted(result)
    _assert_times_consistent(result, size)
    records = result.records
    for first in range(0, items, size):
        block = range(first, min(items, first + size))
        assert len({records.worker[i] for i in block}) == 1, first  # one taker per chunk
    assert sum(w.processed for w in result.workers) == items


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=st.integers(1, 300),
    size=st.integers(16, 64),
    done=st.lists(st.booleans(), min_size=20, max_size=20),
    extra_takes=st.lists(st.integers(0, 299), max_size=2),
    short_chunk=st.booleans(),
)
def test_the_verdicts_shortcut_says_done_once_only_when_the_expansion_would(
    items: int, size: int, done: list[bool], extra_takes: list[int], short_chunk: bool
) -> None:
    """done_once_in_chunks() before any expansion: True exactly when the expanded columns
    show every item taken once and processed once (chunks taken by one worker, done or not,
    an item taken again on its own, a chunk recorded shorter than its range)."""
    ledger = Ledger.create(items, 2, chunk_size=size)
    recorder = ChunkRecorder(ledger, 0)
    for index, chunk in enumerate(chunked(range(items), size)):
        count = len(chunk) - 1 if short_chunk and index == 0 and len(chunk) > 1 else len(chunk)
        base = recorder.take(chunk[0], count, ledger.t0 + 1.0)
        assert base >= 0
        if done[index % len(done)]:
            recorder.done(base, ledger.t0 + 2.0)
    for item in extra_takes:
        if item < items:
            ledger.take_count[item] += 1
    shortcut = done_once_in_chunks(ledger)
    expand_chunks(ledger)
    assert shortcut == (
        all_once(ledger.take_count, items) and all_once(ledger.process_count, items)
    )
    assert not done_once_in_chunks(ledger)  # expanded now: the verdict reads the columns
