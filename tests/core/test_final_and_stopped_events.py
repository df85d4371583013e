"""Every exit the summary reports is on the timeline; a stopped worker shows while the run goes."""

from __future__ import annotations

import pytest

from core import RunParams, run
from core.faults import Fault
from core.ledger import W_FIELDS, W_STATE, W_T_CHANGE
from core.result import Progress, TimelineEvent
from core.states import EventKind, WorkerState, WorkerStatus
from core.timeline import STOPPED_BY_SIGSTOP, final_events


def test_exits_no_poll_saw_come_from_the_table() -> None:
    t0 = 100.0
    table = [0.0] * (3 * W_FIELDS)
    for w in range(3):
        table[w * W_FIELDS + W_STATE] = float(WorkerState.EXITED)
        table[w * W_FIELDS + W_T_CHANGE] = t0 + 1.5
    table[2 * W_FIELDS + W_STATE] = float(WorkerState.CRASHED)
    seen = [TimelineEvent(1.2, 1, EventKind.EXITED, None, "exited")]
    statuses = [WorkerStatus.EXITED, WorkerStatus.EXITED, WorkerStatus.CRASHED]
    added = final_events(seen, table, statuses, t0)
    assert [(e.worker, e.kind, e.t) for e in added] == [(2, EventKind.EXITED, 1.5)]


@pytest.mark.timeout(90)
@pytest.mark.parametrize(
    ("strategy", "queue_kind"),
    [
        ("pool-imap-unordered", None),
        ("process-pool-executor", None),
        ("seed-sentinel-per-worker", "manager"),  # the post's Pool.apply_async tasks
    ],
)
def test_every_worker_reported_exited_has_an_exit_line(
    strategy: str, queue_kind: str | None
) -> None:
    for items, work_ms in ((100, 0.0), (60, 1.0)):
        result = run(
            RunParams(strategy=strategy, queue_kind=queue_kind, items=items, work_ms=work_ms)
        )
        assert result.outcome == "ok", result.diagnosis
        exited = {w.index for w in result.workers if w.state == WorkerStatus.EXITED}
        assert exited
        lines = [e for e in result.timeline if e.kind == EventKind.EXITED]
        assert {e.worker for e in lines} == exited
        for event in lines:
            assert 0.0 <= event.t <= result.elapsed_s
            others = [e.t for e in result.timeline if e.worker == event.worker and e is not event]
            assert not others or max(others) <= event.t, "exited is a worker's last event"


@pytest.mark.timeout(60)
def test_a_stopped_worker_is_stopped_in_progress_before_the_verdict() -> None:
    snapshots: list[Progress] = []
    result = run(
        RunParams(
            strategy="sentinel-per-worker",
            queue_kind="mp",
            items=40,
            workers=3,
            fault=Fault.parse("stop:10"),
            watchdog_s=1.0,
        ),
        on_progress=snapshots.append,
    )
    assert result.outcome == "stalled", result.diagnosis
    assert "deadlock" not in result.outcomes
    stopped = [w.index for w in result.workers if w.state == WorkerStatus.STOPPED]
    assert len(stopped) == 1
    live = [
        (p.elapsed_s, view)
        for p in snapshots
        for view in p.workers
        if view.state == WorkerStatus.STOPPED
    ]
    assert live, "the snapshots never showed the stopped worker"
    assert {view.index for _, view in live} == set(stopped)
    assert all(view.item == 10 and view.since_s <= t for t, view in live)
    events = [e for p in snapshots for e in p.new_events if e.kind == EventKind.STOPPED]
    assert [(e.worker, e.item) for e in events] == [(stopped[0], 10)]
    assert events[0].text == str(STOPPED_BY_SIGSTOP)
    assert [e for e in result.timeline if e.kind == EventKind.STOPPED] == events
    assert EventKind.STOPPED.status == WorkerStatus.STOPPED


@pytest.mark.timeout(60)
def test_a_healthy_run_is_never_stopped() -> None:
    snapshots: list[Progress] = []
    result = run(RunParams(strategy="sentinel-per-worker", items=200, work_ms=1), snapshots.append)
    assert result.outcome == "ok"
    assert all(v.state != WorkerStatus.STOPPED for p in snapshots for v in p.workers)
    assert all(e.kind != EventKind.STOPPED for e in result.timeline)
