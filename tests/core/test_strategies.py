"""Every strategy runs in real processes and its verdict agrees with the evidence."""

from __future__ import annotations

import json

import pytest

from core import STRATEGIES, RunParams, run
from core.result import (
    STATUS_DROPPED,
    STATUS_DUPLICATED,
    STATUS_LEFT,
    STATUS_PROCESSED,
    RunResult,
)


def assert_accounted(result: RunResult) -> None:
    """Every item is processed, dropped, left or duplicated: nothing unaccounted."""
    records = result.records
    assert len(records) == result.items
    statuses = list(records.status)
    assert statuses.count(STATUS_DROPPED) == len(result.dropped)
    assert statuses.count(STATUS_LEFT) == len(result.left_in_queue)
    assert statuses.count(STATUS_DUPLICATED) == len(result.duplicates)
    assert statuses.count(STATUS_PROCESSED) + len(result.duplicates) == result.processed
    assert result.processed + len(result.lost) == result.items
    assert sorted(result.dropped + result.left_in_queue) == result.lost
    assert sum(w.processed for w in result.workers) >= result.processed or any(
        w.state == "crashed" for w in result.workers
    )
    json.dumps(result.to_dict(include_records=True))


@pytest.mark.timeout(60)
@pytest.mark.parametrize("strategy_id", list(STRATEGIES))
def test_every_strategy_runs_and_accounts_for_every_item(strategy_id: str) -> None:
    strategy = STRATEGIES[strategy_id]
    result = run(RunParams(strategy=strategy_id, items=100, workers=3, watchdog_s=10))
    assert result.outcome in strategy.expected_outcomes | {"lost"}, result.diagnosis
    assert set(result.outcomes) <= strategy.expected_outcomes | {"lost"}
    assert_accounted(result)
    assert result.diagnosis


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "strategy_id", [s for s, v in STRATEGIES.items() if v.expected == "correct"]
)
def test_correct_patterns_are_ok(strategy_id: str) -> None:
    result = run(RunParams(strategy=strategy_id, items=300, workers=3))
    assert result.outcomes == ["ok"], result.diagnosis
    assert result.processed == 300
    # A pool may finish before its last process has even started.
    assert all(w.state in ("exited", "never started") for w in result.workers)
    assert any(w.state == "exited" for w in result.workers)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("queue_kind", ["manager", "mp"])
def test_seed_empty_after_get_always_drops_its_tail(queue_kind: str) -> None:
    for _ in range(3):
        result = run(RunParams(strategy="seed-empty-after-get", queue_kind=queue_kind))
        assert "lost" in result.outcomes
        assert result.dropped, "the first loop takes its last item(s) and drops them"
        assert max(result.lost) == 99
        assert result.left_in_queue == []
        for item in result.dropped:
            assert (
                f"took item {item}" in result.diagnosis or f"took items {item}" in result.diagnosis
            )
        assert "saw q.empty() == True" in result.diagnosis
        if result.outcome == "deadlock":
            assert "blocked in q.get()" in result.diagnosis
        assert_accounted(result)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("workers", [5, 6])
def test_single_sentinel_with_many_workers_is_a_proven_deadlock(workers: int) -> None:
    deadlocks = 0
    for _ in range(3):
        result = run(RunParams(strategy="seed-single-sentinel", workers=workers, watchdog_s=30))
        blocked = [w for w in result.workers if w.state == "blocked in get()"]
        exited = [w for w in result.workers if w.state == "exited"]
        assert len(blocked) + len(exited) == workers
        # One worker leaves on 'end'; any other leaves only when empty() answered
        # True right after its take, dropping that item.
        assert len(result.dropped) == len(exited) - 1
        if result.outcome == "deadlock":
            deadlocks += 1
            assert result.elapsed_s < 10  # proven, far sooner than the watchdog
            assert blocked
            assert "'end' sentinel" in result.diagnosis
            # Each stuck worker's stack shows where it waits.
            assert set(result.stack_dumps) == {w.index for w in blocked}
            assert all("get" in dump for dump in result.stack_dumps.values())
        else:
            # Every worker took one of the last objects at once and saw empty():
            # the post's author saw this too ("sometimes it exits").
            assert result.outcome == "lost"
            assert not blocked
    assert deadlocks >= 1


@pytest.mark.timeout(60)
def test_deadlock_is_proven_before_the_watchdog() -> None:
    result = run(RunParams(strategy="seed-empty-after-get", watchdog_s=20))
    if result.outcome != "deadlock":  # the rare run where every worker saw empty() at once
        result = run(RunParams(strategy="seed-empty-after-get", watchdog_s=20))
    assert result.outcome == "deadlock"
    assert result.elapsed_s < 5


@pytest.mark.timeout(60)
def test_mp_queue_into_pool_surfaces_the_runtime_error() -> None:
    result = run(RunParams(strategy="mp-queue-into-pool"))
    assert result.outcome == "crashed"
    assert result.error is not None
    assert "Queue objects should only be shared between processes through inheritance" in (
        result.error
    )
    assert "inheritance" in result.diagnosis
    assert result.left_in_queue == list(range(100))


@pytest.mark.timeout(60)
def test_get_timeout_loses_items_to_a_slow_producer() -> None:
    result = run(
        RunParams(
            strategy="get-timeout",
            queue_kind="mp",
            items=6,
            producer="concurrent",
            rate=4,
            get_timeout_s=0.1,
        )
    )
    assert "lost" in result.outcomes
    assert result.left_in_queue, "workers left before the producer was done"
    assert "never taken" in result.diagnosis


@pytest.mark.timeout(60)
def test_no_progress_without_proof_is_stalled() -> None:
    # A producer that pauses longer than the watchdog: workers wait, but the
    # producer is not done, so nothing proves a deadlock.
    result = run(
        RunParams(
            strategy="sentinel-per-worker",
            queue_kind="mp",
            items=3,
            producer="concurrent",
            rate=0.2,
            watchdog_s=1.0,
        )
    )
    assert result.outcome == "stalled", result.diagnosis
    assert "no proof of deadlock" in result.diagnosis
    assert 1.0 <= result.elapsed_s < 4.0


@pytest.mark.timeout(60)
def test_fork_runs_headless() -> None:
    result = run(RunParams(strategy="seed-sentinel-per-worker", start_method="fork"))
    assert result.outcome == "ok"


@pytest.mark.timeout(60)
def test_forkserver_runs() -> None:
    result = run(
        RunParams(strategy="sentinel-per-worker", queue_kind="mp", start_method="forkserver")
    )
    assert result.outcome == "ok"


@pytest.mark.timeout(60)
def test_timeline_and_depth_samples_tell_the_story() -> None:
    result = run(RunParams(strategy="seed-empty-after-get", items=50, work_ms=2))
    kinds = {event.kind for event in result.timeline}
    assert {"took", "exited"} <= kinds
    assert "saw-empty" in kinds
    assert result.depth_samples
    assert result.depth_samples[0][1] >= 0
    times = [event.t for event in result.timeline]
    assert all(t >= 0 for t in times)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("strategy_id", ["pool-imap-unordered", "process-pool-executor"])
def test_pools_with_big_chunks(strategy_id: str) -> None:
    result = run(RunParams(strategy=strategy_id, items=5000, chunksize=1000))
    assert result.outcomes == ["ok"], result.diagnosis
    assert result.processed == 5000


def test_the_code_shown_has_the_main_processs_end_step() -> None:
    """Loops 3 and 4 share one loop: what differs is how many 'end' the main process puts."""
    loop_3 = STRATEGIES["seed-single-sentinel"].source
    loop_4 = STRATEGIES["seed-sentinel-per-worker"].source
    assert loop_3 != loop_4
    assert "q.put('end')  # one, after the items" in loop_3
    assert "for _ in range(workers):" not in loop_3
    assert "for _ in range(workers):" in loop_4 and "q.put('end')" in loop_4
    assert "def seed_single_sentinel(q, process, opts):" in loop_3


@pytest.mark.parametrize("strategy_id", ["pool-imap-unordered", "process-pool-executor"])
def test_pool_strategies_show_the_users_pattern_not_the_harness(strategy_id: str) -> None:
    strategy = STRATEGIES[strategy_id]
    assert strategy.pool_driver is not None  # the harness still runs
    assert "run.attach" not in strategy.source and "run." not in strategy.source
    assert "with " in strategy.source and "(process, items" in strategy.source
