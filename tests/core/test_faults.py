"""Injected faults get the right outcome, a diagnosis that names them, exact accounting."""

from __future__ import annotations

import pytest

from core import ParamError, RunParams, run, validate

ITEMS = 40
CASES = [
    # (strategy, queue kind, fault, headline outcome, outcome flags that must be there)
    ("sentinel-per-worker", "mp", "kill:10", "crashed", {"crashed", "lost"}),
    ("sentinel-per-worker", "manager", "kill:10", "crashed", {"crashed", "lost"}),
    ("sentinel-per-worker", "mp", "raise:10", "crashed", {"crashed", "lost"}),
    ("sentinel-per-worker", "manager", "raise:10", "crashed", {"crashed", "lost"}),
    ("sentinel-per-worker", "mp", "stop:10", "stalled", {"stalled"}),
    ("sentinel-per-worker", "manager", "stop:10", "stalled", {"stalled"}),
    ("sentinel-per-worker", "mp", "unpicklable:10", "crashed", {"crashed", "lost"}),
    ("sentinel-per-worker", "manager", "unpicklable:10", "crashed", {"crashed", "lost"}),
    ("sentinel-per-worker", "mp", "big-payload:200000", "ok", {"ok"}),
    ("sentinel-per-worker", "manager", "big-payload:200000", "ok", {"ok"}),
    ("sentinel-per-worker", "mp", "slow:2", "ok", {"ok"}),
    ("joinable-task-done", "joinable", "slow:1", "ok", {"ok"}),
    ("pool-imap-unordered", None, "kill:10", "crashed", {"crashed", "lost"}),
    ("process-pool-executor", None, "kill:10", "crashed", {"crashed", "lost"}),
    ("pool-imap-unordered", None, "big-payload:200000", "ok", {"ok"}),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("strategy", "queue_kind", "fault", "headline", "flags"),
    CASES,
    ids=[f"{s}-{q}-{f}" for s, q, f, _, _ in CASES],
)
def test_fault_outcome(
    strategy: str, queue_kind: str | None, fault: str, headline: str, flags: set[str]
) -> None:
    result = run(
        RunParams(
            strategy=strategy,
            queue_kind=queue_kind,
            items=ITEMS,
            workers=3,
            fault=fault,
            watchdog_s=1.5,
        )
    )
    assert result.outcome == headline, result.diagnosis
    assert flags <= set(result.outcomes)
    assert f"injected fault {fault}".lower() in result.diagnosis.lower()
    # Exact accounting: every item is processed, dropped or left; nothing twice.
    assert result.processed + len(result.lost) == ITEMS
    assert result.duplicates == []
    kind = fault.split(":")[0]
    if kind in ("kill", "raise") and strategy == "sentinel-per-worker":
        # The faulty worker took item 10 and never finished it; everything else was done.
        assert result.lost == [10]
        assert result.dropped == [10]
        crashed = [w for w in result.workers if w.state == "crashed"]
        assert len(crashed) == 1 and crashed[0].last_item == 10
        if kind == "kill" and queue_kind == "mp":
            assert crashed[0].exit_code == -9
        if kind == "raise":
            assert crashed[0].error and "InjectedFault" in crashed[0].error
    if kind == "stop":
        stopped = [w for w in result.workers if w.state == "stopped"]
        assert len(stopped) == 1
        assert "stopped (SIGSTOP)" in result.diagnosis
        assert "deadlock" not in result.outcomes
        assert result.records.times_processed[10] == 0  # held by the paused worker
    if kind == "unpicklable":
        assert result.error and "cannot pickle item 10" in result.error
        assert 10 in result.lost
        if queue_kind == "mp":
            # The feeder thread drops only that item and sends the rest.
            assert result.lost == [10]
            assert "feeder thread" in result.diagnosis


BAD_FAULTS = [
    ("explode:3", "unknown fault"),
    ("kill:x", "whole number"),
    ("kill:40", "between 0 and 39"),
    ("raise:-1", "between 0 and 39"),
    ("slow:4", "between 1 and 3"),
    ("big-payload:0", "bytes"),
]


@pytest.mark.parametrize(("fault", "message"), BAD_FAULTS)
def test_bad_fault_is_rejected(fault: str, message: str) -> None:
    with pytest.raises(ParamError, match=message):
        validate(RunParams(strategy="sentinel-per-worker", items=ITEMS, workers=3, fault=fault))


def test_fault_defaults_are_filled_in() -> None:
    params = validate(RunParams(strategy="sentinel-per-worker", items=ITEMS, fault="kill"))
    assert params.fault == "kill:20"
    params = validate(RunParams(strategy="sentinel-per-worker", items=ITEMS, fault="slow"))
    assert params.fault == "slow:1"
