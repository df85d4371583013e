"""How a run ends: who is freed by reference counting, and what workers leave behind."""

from __future__ import annotations

import gc
import weakref
from types import SimpleNamespace
from typing import Any

import pytest

import core.engine as engine
from core import RunParams, run
from core.faults import Fault


@pytest.fixture
def collections(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(engine, "gc", SimpleNamespace(collect=lambda: calls.append(1)))
    return calls


@pytest.fixture
def runners(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[Any]]:
    refs: list[weakref.ref[Any]] = []
    execute = engine._Run.execute

    def watched(self: Any) -> Any:
        result = execute(self)
        refs.append(weakref.ref(self))
        refs.append(weakref.ref(self.state.queue))
        return result

    monkeypatch.setattr(engine._Run, "execute", watched)
    return refs


@pytest.mark.parametrize("strategy", ["sentinel-per-worker", "sentinel-reput"])
def test_a_process_run_is_freed_without_a_collection(
    strategy: str, collections: list[int], runners: list[weakref.ref[Any]]
) -> None:
    gc.disable()  # only reference counting may free the run and its queue
    try:
        result = run(RunParams(strategy=strategy, items=300, queue_kind="mp"))
        assert result.outcome == "ok"
        assert [ref() for ref in runners] == [None, None]
    finally:
        gc.enable()
    assert collections == []
    # A forked-style exit kept the workers' exit codes (and their queue flushes).
    assert [w.exit_code for w in result.workers] == [0, 0, 0]
    assert result.processed == 300


def test_a_pool_run_is_still_collected(collections: list[int]) -> None:
    result = run(RunParams(strategy="pool-imap-unordered", items=50))
    assert result.outcome == "ok"
    assert collections == [1]


def test_a_crashing_loop_still_exits_1() -> None:
    result = run(RunParams(strategy="sentinel-per-worker", items=30, fault=Fault.parse("raise:5")))
    assert "crashed" in result.outcomes
    assert 1 in [w.exit_code for w in result.workers]
