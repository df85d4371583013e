"""Crashed and duplicated verdicts, from loops that really crash or repeat work."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from core import STRATEGIES, RunParams, run
from core.strategies import Strategy
from tests.core import faulty_loops


@pytest.fixture
def faulty_strategies() -> Iterator[None]:
    base = STRATEGIES["sentinel-per-worker"]
    added = {
        "test-raises": dataclasses.replace(
            base, id="test-raises", loop=faulty_loops.raises_on_item_5
        ),
        "test-duplicates": dataclasses.replace(
            base, id="test-duplicates", loop=faulty_loops.processes_item_0_twice
        ),
    }
    STRATEGIES.update(added)
    yield
    for key in added:
        del STRATEGIES[key]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("queue_kind", ["mp", "manager"])
def test_a_worker_that_raises_is_crashed_with_its_traceback(
    faulty_strategies: None, queue_kind: str
) -> None:
    result = run(RunParams(strategy="test-raises", items=20, workers=2, queue_kind=queue_kind))
    assert result.outcome == "crashed", result.diagnosis
    crashed = [w for w in result.workers if w.state == "crashed"]
    assert len(crashed) == 1
    assert crashed[0].error is not None
    assert "ValueError: cannot handle item 5" in crashed[0].error
    assert "raises_on_item_5" in crashed[0].error  # the traceback, not just the message
    if queue_kind == "mp":
        assert crashed[0].exit_code == 1
    assert 5 in result.dropped, "the crashed worker took item 5 and never processed it"
    assert "cannot handle item 5" in result.diagnosis


@pytest.mark.timeout(60)
def test_an_item_processed_twice_is_duplicated(faulty_strategies: None) -> None:
    result = run(RunParams(strategy="test-duplicates", items=30, workers=3, queue_kind="mp"))
    assert result.outcomes == ["duplicated"], result.diagnosis
    assert result.duplicates == [0]
    assert result.records.times_processed[0] == 2
    assert result.lost == []
    assert "processed more than once" in result.diagnosis


def test_strategy_registry_is_complete() -> None:
    for strategy in STRATEGIES.values():
        assert isinstance(strategy, Strategy)
        assert strategy.id and strategy.title and strategy.explanation and strategy.docs_note
        assert (strategy.loop is None) != (strategy.pool_driver is None)
        assert strategy.queue_kinds
        # A loop shows its def; a pool shows the code a user writes (its harness runs it).
        assert "def " in strategy.source or (strategy.is_pool and strategy.main_code)
