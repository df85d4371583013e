"""Properties over many real runs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import RunParams, run


@pytest.mark.timeout(600)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    items=st.integers(min_value=0, max_value=2000),
    workers=st.integers(min_value=1, max_value=8),
    producer=st.sampled_from(["prefill", "concurrent"]),
    queue_kind=st.sampled_from(["mp", "manager", "joinable"]),
)
def test_sentinel_per_worker_never_loses_or_duplicates(
    items: int, workers: int, producer: str, queue_kind: str
) -> None:
    result = run(
        RunParams(
            strategy="sentinel-per-worker",
            items=items,
            workers=workers,
            producer=producer,
            queue_kind=queue_kind,
            start_method="forkserver",
        )
    )
    assert result.outcomes == ["ok"], result.diagnosis
    assert result.processed == items
    assert result.lost == [] and result.duplicates == []
    assert list(result.records.times_processed) == [1] * items
    assert sorted(result.records.item) == list(range(items))
    # Every record names the worker that did it, and that worker's pid.
    pids = {w.index: w.pid for w in result.workers}
    for worker, pid in zip(result.records.worker, result.records.pid, strict=True):
        assert 1 <= worker <= workers
        assert pid == pids[worker]
    assert sum(w.processed for w in result.workers) == items


@pytest.mark.timeout(300)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    workers=st.integers(min_value=2, max_value=6),
    items=st.integers(min_value=1, max_value=300),
)
def test_seed_empty_after_get_loses_what_it_took(workers: int, items: int) -> None:
    result = run(
        RunParams(strategy="seed-empty-after-get", items=items, workers=workers, queue_kind="mp")
    )
    # Whatever the interleaving, the first loop drops at least the item taken last.
    assert "lost" in result.outcomes
    assert result.dropped
    assert items - 1 in result.lost
    assert result.outcome in ("deadlock", "lost")
