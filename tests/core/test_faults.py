"""Injected faults get the right outcome, a diagnosis that names them, exact accounting."""

from __future__ import annotations

import pytest

from core import ParamError, RunParams, run, validate
from core.faults import Fault
from core.states import EventKind, WorkerStatus

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
            fault=Fault.parse(fault),
            watchdog_s=1.5,
        )
    )
    assert result.outcome == headline, result.diagnosis
    assert flags <= set(result.outcomes)
    assert f"injected fault {fault}".lower() in result.diagnosis.lower()
    # Every crashed worker has a crash line; nobody is blocked without a proven deadlock.
    crashed_workers = {w.index for w in result.workers if w.state == WorkerStatus.CRASHED}
    crash_events = {e.worker for e in result.timeline if e.kind == EventKind.CRASHED}
    assert crashed_workers <= crash_events, result.timeline
    assert all(e.kind != EventKind.BLOCKED for e in result.timeline)
    assert all(w.state != WorkerStatus.BLOCKED for w in result.workers)
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
        fault_value = Fault.parse(fault)  # a bad kind or ARG fails here, where it is typed
        validate(
            RunParams(strategy="sentinel-per-worker", items=ITEMS, workers=3, fault=fault_value)
        )


def test_fault_defaults_are_filled_in() -> None:
    params = validate(
        RunParams(strategy="sentinel-per-worker", items=ITEMS, fault=Fault.parse("kill"))
    )
    assert params.fault == Fault.parse("kill:20")
    params = validate(
        RunParams(strategy="sentinel-per-worker", items=ITEMS, fault=Fault.parse("slow"))
    )
    assert params.fault == Fault.parse("slow:1")


@pytest.mark.timeout(90)
def test_faults_are_an_experiment_axis() -> None:
    from core.experiment import ExperimentSpec, run_experiment

    result = run_experiment(
        ExperimentSpec(
            strategies=("sentinel-per-worker",),
            items=(30,),
            faults=("none", "raise:3"),
            trials=3,
            start_methods=("forkserver",),
        )
    )
    by_fault = {cell.cell.coordinates.fault: cell for cell in result.cells}
    assert set(by_fault) == {"none", "raise:3"}
    assert by_fault["none"].counts()["ok"] == 3
    assert by_fault["raise:3"].counts()["crashed"] == 3
    assert by_fault["raise:3"].cell.params.fault == Fault.parse("raise:3")


def test_an_unknown_fault_in_a_spec_is_rejected() -> None:
    from core.experiment import ExperimentSpecError, spec_from_dict

    with pytest.raises(ExperimentSpecError, match="unknown fault 'melt'"):
        spec_from_dict({"strategies": ["sentinel-per-worker"], "faults": ["melt:3"]})
    with pytest.raises(ExperimentSpecError, match="between 0 and 9"):
        from core.experiment import plan_experiment

        plan_experiment(
            spec_from_dict(
                {"strategies": ["sentinel-per-worker"], "items": 10, "faults": ["kill:50"]}
            )
        )


@pytest.mark.timeout(60)
def test_cli_run_takes_a_fault() -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [
            sys.executable,
            str(root / "main.py"),
            "run",
            "--strategy",
            "sentinel-per-worker",
            "--items",
            "30",
            "--fault",
            "kill:7",
            "--json",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["outcome"] == "crashed"
    assert result["lost"] == [7]
    assert result["params"]["fault"] == "kill:7"
    bad = subprocess.run(
        [
            sys.executable,
            str(root / "main.py"),
            "run",
            "--strategy",
            "sentinel-per-worker",
            "--fault",
            "kill:99999",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1
