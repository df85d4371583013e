"""A worker inside q.get() is waiting; only the deadlock proof makes it blocked."""

from __future__ import annotations

import pytest

from core import RunParams, run
from core.states import EventKind, WorkerState, WorkerStatus
from core.timeline import BLOCKED_FOREVER, WAITING_IN_GET


def test_a_table_worker_in_get_is_waiting() -> None:
    assert WorkerState.BLOCKING_GET.status == WorkerStatus.WAITING_GET
    assert EventKind.WAITING.status == WorkerStatus.WAITING_GET
    assert EventKind.BLOCKED.status == WorkerStatus.BLOCKED
    assert str(WAITING_IN_GET) == "waiting in q.get()"
    assert str(BLOCKED_FOREVER) == "blocked in q.get() forever: deadlock proven"


@pytest.mark.timeout(60)
def test_a_healthy_run_is_never_blocked() -> None:
    result = run(RunParams(strategy="sentinel-per-worker", items=300, work_ms=1))
    assert result.outcome == "ok"
    assert all(e.kind != EventKind.BLOCKED for e in result.timeline)
    assert all("blocked" not in e.text for e in result.timeline)
    assert all(w.state != WorkerStatus.BLOCKED for w in result.workers)


@pytest.mark.timeout(120)
def test_the_proof_blocks_each_stuck_worker_at_its_time() -> None:
    for _ in range(5):
        result = run(RunParams(strategy="seed-single-sentinel", workers=5, watchdog_s=30))
        if result.outcome == "deadlock":
            break
    else:
        pytest.skip("no deadlock in 5 runs")
    stuck = {w.index for w in result.workers if w.state == WorkerStatus.BLOCKED}
    assert stuck
    assert all(w.state != WorkerStatus.WAITING_GET for w in result.workers)
    blocked = [e for e in result.timeline if e.kind == EventKind.BLOCKED]
    assert {e.worker for e in blocked} == stuck
    assert len(blocked) == len(stuck)
    proven_at = blocked[0].t
    assert all(e.t == proven_at for e in blocked)
    assert proven_at <= result.elapsed_s
    for worker in stuck:
        waits = [e.t for e in result.timeline if e.worker == worker and e.kind == EventKind.WAITING]
        assert waits and max(waits) <= proven_at, "waiting first, blocked from the proof on"
    assert "blocked in q.get() on an empty queue" in result.diagnosis


@pytest.mark.timeout(60)
def test_a_pool_task_error_is_a_crash_line_per_worker() -> None:
    result = run(RunParams(strategy="mp-queue-into-pool", items=20))
    assert "crashed" in result.outcomes
    crashed = {w.index for w in result.workers if w.state == WorkerStatus.CRASHED}
    lines = [e for e in result.timeline if e.kind == EventKind.CRASHED]
    assert crashed and crashed <= {e.worker for e in lines}
    assert all(e.text.startswith("crashed: its pool task failed: ") for e in lines)
