"""The verdict: from a run's frozen evidence to its RunResult, with no side effects.

build_result() starts no process and reads no clock: everything it needs is
in its Findings, taken once the run was watched to its end and its ledger
frozen, so the same findings always give the same result.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from core.chunks import done_once_in_chunks, expand_chunks
from core.diagnosis import (
    Evidence,
    diagnose_sentences,
    missing_working_directory,
    render_diagnosis,
)
from core.faults import Fault
from core.ledger import Ledger, worker_row
from core.params import RunParams
from core.records import all_once, final_records
from core.result import LazyItemRecords, RunResult, TimelineEvent, WorkerSummary
from core.states import WorkerState, WorkerStatus
from core.strategies import Strategy
from core.timeline import final_events, item_or_none


@dataclass(frozen=True, eq=False)
class Findings:
    """A run's evidence, fixed once it is over."""

    params: RunParams
    strategy: Strategy
    fault: Fault | None
    watch_verdict: str  # the monitor's word: ok, cancelled, crashed, deadlock or stalled
    ledger: Ledger  # the frozen copy
    table: list[float]  # the worker state table, as frozen
    exit_codes: list[int | None]  # per started worker process, in worker order
    dead: dict[int, int | None]  # worker -> exit code, died without recording it
    task_errors: dict[int, str]  # worker -> a Pool task's error
    os_states: dict[int, str]  # worker -> /proc state letter at the verdict
    producer_error: str | None
    driver_error: str | None
    feeder_error: str | None
    puts: int
    phase: str
    timeline: list[TimelineEvent]
    depth_samples: list[tuple[float, int, int]]
    stack_dumps: dict[int, str]
    elapsed_s: float
    started_at: float
    server_lost: tuple[int, str] | None = None  # items processed by then, and why
    held: dict[int, list[Any]] = field(default_factory=dict)  # vanished worker -> its items
    moved_back: list[tuple[int, Any]] = field(default_factory=list)  # (worker, item) requeued


def build_result(findings: Findings) -> RunResult:
    """The run's outcomes, per-item fate, worker summaries and diagnosis."""
    f = findings
    n = f.params.items
    dropped: list[int] = []
    left: list[int] = []
    duplicates: list[int] = []
    processed_items = n
    if not done_once_in_chunks(f.ledger):  # else the chunk records say it all
        expand_chunks(f.ledger)  # chunk records into the per-item columns read below
        dropped, left, duplicates, processed_items = _item_fates(f.ledger, n)
    lost = sorted(dropped + left)
    records = LazyItemRecords(
        functools.partial(final_records, f.ledger, n, f.params.workers, dropped, left, duplicates)
    )
    workers, crashed = _worker_summaries(f)
    error = f.producer_error or f.driver_error or f.feeder_error
    if error or f.server_lost:
        crashed = True
    if f.task_errors and not error:
        error = next(iter(f.task_errors.values()))
    outcomes = _outcomes(f.watch_verdict, crashed, lost, duplicates)
    evidence = Evidence(
        strategy=f.strategy,
        params=f.params,
        outcomes=outcomes,
        table=f.table,
        workers=workers,
        dropped=dropped,
        left=left,
        duplicates=duplicates,
        taker=[f.ledger.taker[i] for i in dropped],
        error=error,
        puts=f.puts,
        phase=f.phase,
        fault=f.fault,
        missing_cwd=missing_working_directory() if error else None,
        server_lost=f.server_lost,
        held=f.held,
        moved_back=f.moved_back,
    )
    sentences = tuple(diagnose_sentences(evidence))  # built once; the text is its rendering
    statuses = [summary.state for summary in workers]
    timeline = [*f.timeline, *final_events(f.timeline, f.table, statuses, f.ledger.t0)]
    return RunResult(
        params=f.params,
        outcome=outcomes[0],
        outcomes=outcomes,
        items=n,
        processed=processed_items,
        lost=lost,
        dropped=dropped,
        left_in_queue=left,
        duplicates=duplicates,
        workers=workers,
        diagnosis=render_diagnosis(sentences),
        diagnosis_sentences=sentences,
        elapsed_s=f.elapsed_s,
        records=records,
        timeline=timeline,
        depth_samples=f.depth_samples,
        stack_dumps=f.stack_dumps,
        error=error,
        started_at=f.started_at,
    )


def _item_fates(ledger: Ledger, n: int) -> tuple[list[int], list[int], list[int], int]:
    """Dropped (taken, never processed), left in the queue, duplicated; and processed."""
    take = ledger.take_count
    done = ledger.process_count
    dropped: list[int] = []
    left: list[int] = []
    duplicates: list[int] = []
    processed_items = n
    if n and not (all_once(done, n) and all_once(take, n)):
        processed_items = 0
        for i in range(n):
            times = done[i]
            if times:
                processed_items += 1
                if times > 1 or take[i] > 1:
                    duplicates.append(i)
            elif take[i]:
                dropped.append(i)
            else:
                left.append(i)
    return dropped, left, duplicates, processed_items


def _worker_summaries(f: Findings) -> tuple[list[WorkerSummary], bool]:
    """One summary per worker, and whether any of them crashed."""
    workers: list[WorkerSummary] = []
    crashed = False
    table = f.table
    for w in range(f.params.workers):
        row = worker_row(table, w)
        state = WorkerState(row.state)
        exit_code: int | None = None
        if w < len(f.exit_codes):
            exit_code = f.exit_codes[w]
        error = f.ledger.read_traceback(w) or f.task_errors.get(w)
        status = state.status
        if w in f.dead:
            crashed = True
            status = WorkerStatus.CRASHED
            exit_code = f.dead[w] if f.dead[w] is not None else exit_code
        elif state in (WorkerState.CRASHED, WorkerState.VANISHED) or w in f.task_errors:
            crashed = True
            status = state.status if state == WorkerState.VANISHED else WorkerStatus.CRASHED
        pid = row.pid
        if state == WorkerState.STARTING and not pid and status != WorkerStatus.CRASHED:
            status = WorkerStatus.NEVER_STARTED
        if f.os_states.get(w) == "T" and status != WorkerStatus.CRASHED:
            status = WorkerStatus.STOPPED  # SIGSTOP: alive, but cannot run
        if status == WorkerStatus.WAITING_GET and f.watch_verdict == "deadlock":
            status = WorkerStatus.BLOCKED  # proven: nothing will ever reach its get()
        workers.append(
            WorkerSummary(
                index=w + 1,
                pid=pid or None,
                processed=row.processed,
                taken=row.taken,
                state=status,
                exit_code=exit_code,
                last_item=item_or_none(row.item),
                error=error or None,
                qt_imported=row.qt_imported,
            )
        )
    return workers, crashed


def _outcomes(
    watch_verdict: str, crashed: bool, lost: list[int], duplicates: list[int]
) -> list[str]:
    """Every outcome that applies, the headline first."""
    outcomes: list[str] = []
    if watch_verdict == "cancelled":
        outcomes.append("cancelled")
    if crashed or watch_verdict == "crashed":
        outcomes.append("crashed")
    if watch_verdict in ("deadlock", "stalled"):
        outcomes.append(watch_verdict)
    if lost and watch_verdict != "cancelled":
        outcomes.append("lost")
    if duplicates:
        outcomes.append("duplicated")
    if not outcomes:
        outcomes.append("ok")
    return outcomes
