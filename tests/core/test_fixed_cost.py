"""What a run no longer does when nobody needs it, and that it still does it when needed.

- The batched producer and the pools' chunks make a batch as a range (in C)
  unless items are paced or faulted; the lists are the same either way.
- The verdict's ledger is the shared memory itself when no writer is left
  (no copy), and a private copy while a worker may still write (a deadlock).
- The final per-item records are built on first read, once, in the reading thread.
"""

from __future__ import annotations

import pickle
import threading
from array import array
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.engine import run
from core.ledger import Ledger
from core.params import RunParams
from core.producer import Producer
from core.result import ItemRecords, LazyItemRecords
from tests.core.step_helpers import assert_nothing_left_running


def producer_for(items: int, batch_size: int, rate: float | None) -> Producer:
    params = SimpleNamespace(
        items=items, batch_size=batch_size, chunksize=batch_size, producer="concurrent", rate=rate
    )
    setup = SimpleNamespace(params=params, gate=None, fault=None)
    state = SimpleNamespace(
        shutting_down=threading.Event(), nothing_more_to_put=threading.Event(), puts=0
    )
    producer = Producer.__new__(Producer)
    producer.setup, producer.state = setup, state  # type: ignore[assignment]
    return producer


@settings(max_examples=60, deadline=None)
@given(items=st.integers(0, 3000), batch_size=st.integers(2, 1200))
def test_batches_are_the_same_lists_made_in_c_or_item_by_item(items: int, batch_size: int) -> None:
    fast, paced = producer_for(items, batch_size, None), producer_for(items, batch_size, 1e12)
    assert not fast._paced() and paced._paced()
    made: list[list[int]] = []
    expected: list[list[int]] = []
    fast._put_batches(made.append)
    paced._put_batches(expected.append)
    assert made == expected
    assert [i for batch in made for i in batch] == list(range(items))
    assert fast.state.puts == paced.state.puts == len(made)


@settings(max_examples=40, deadline=None)
@given(items=st.integers(0, 3000), chunksize=st.integers(1, 1200))
def test_a_pools_chunks_are_the_same_lists_made_in_c_or_item_by_item(
    items: int, chunksize: int
) -> None:
    fast, paced = producer_for(items, chunksize, None), producer_for(items, chunksize, 1e12)
    made, expected = list(fast.chunks), list(paced.chunks)
    assert made == expected
    assert [i for chunk in made for i in chunk] == list(range(items))
    assert fast.state.puts == paced.state.puts == items
    assert fast.state.nothing_more_to_put.is_set() and paced.state.nothing_more_to_put.is_set()


def test_a_pools_chunks_stop_when_the_run_shuts_down() -> None:
    producer = producer_for(10_000, 100, None)
    taken = []
    for chunk in producer.chunks:
        taken.append(chunk)
        if len(taken) == 2:
            producer.state.shutting_down.set()
    assert len(taken) == 2 and producer.state.puts == 200
    assert not producer.state.nothing_more_to_put.is_set()


def test_the_batched_producer_stops_between_batches_when_the_run_shuts_down() -> None:
    producer = producer_for(10_000, 100, None)
    made: list[list[int]] = []

    def put(batch: list[int]) -> None:
        made.append(batch)
        if len(made) == 3:
            producer.state.shutting_down.set()

    producer._put_batches(put)
    assert len(made) == 3 and producer.state.puts == 3


@pytest.fixture(name="freezes")
def record_freezes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, bool]]:
    """(writers_left, whether the frozen ledger shares the live memory) per run."""
    seen: list[tuple[bool, bool]] = []
    frozen = Ledger.frozen

    def watched(self: Ledger, writers_left: bool = True) -> Ledger:
        copy = frozen(self, writers_left)
        seen.append((writers_left, copy.handles.memory is self.handles.memory))
        return copy

    monkeypatch.setattr(Ledger, "frozen", watched)
    return seen


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "strategy", ["sentinel-per-worker-batched", "sentinel-per-worker", "pool-imap-unordered"]
)
def test_an_ok_run_keeps_its_evidence_without_a_copy(
    strategy: str, freezes: list[tuple[bool, bool]]
) -> None:
    result = run(RunParams(strategy=strategy, items=5000, workers=2, batch_size=100))
    assert result.outcomes == ["ok"], result.diagnosis
    assert freezes == [(False, True)]
    assert result.processed == 5000 and list(result.records.times_processed) == [1] * 5000
    assert_nothing_left_running()


@pytest.mark.timeout(60)
def test_a_deadlocked_runs_evidence_is_copied_while_its_workers_live(
    freezes: list[tuple[bool, bool]],
) -> None:
    result = run(RunParams(strategy="seed-single-sentinel", items=50, workers=3))
    assert "deadlock" in result.outcomes, result.diagnosis
    assert freezes == [(True, False)]
    assert_nothing_left_running()


def built_once() -> tuple[LazyItemRecords, list[int]]:
    calls: list[int] = []

    def build() -> ItemRecords:
        calls.append(1)
        return ItemRecords(item=array("i", [0, 1]), status=array("b", [0, 2]))

    return LazyItemRecords(build), calls


def test_records_are_built_on_first_read_once_whatever_thread_reads_them() -> None:
    records, calls = built_once()
    assert calls == []
    lengths: list[int] = []
    threads = [threading.Thread(target=lambda: lengths.append(len(records))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert lengths == [2] * 8 and calls == [1]
    assert list(records.status) == [0, 2] and calls == [1]
    with pytest.raises(AttributeError):
        records.no_such_column  # noqa: B018


def test_lazy_records_compare_and_pickle_as_plain_records() -> None:
    records, _ = built_once()
    plain = ItemRecords(item=array("i", [0, 1]), status=array("b", [0, 2]))
    assert records == plain and plain == records
    assert records != ItemRecords()
    restored: Any = pickle.loads(pickle.dumps(built_once()[0]))
    assert type(restored) is ItemRecords and restored == plain
