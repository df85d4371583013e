"""Plain-words diagnosis of a run, built only from the recorded evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.ledger import (
    W_FIELDS,
    W_ITEM_AT_EMPTY,
    W_LAST_EMPTY,
    W_SENTINELS,
    W_STATE,
)
from core.states import WorkerState

if TYPE_CHECKING:
    from core.faults import Fault
    from core.params import RunParams
    from core.result import WorkerSummary
    from core.strategies import Strategy


@dataclass
class Evidence:
    strategy: Strategy
    params: RunParams
    outcomes: list[str]
    table: list[float]
    workers: list[WorkerSummary]
    dropped: list[int]
    left: list[int]
    duplicates: list[int]
    taker: list[int]  # 1-based worker that took each dropped item
    error: str | None
    puts: int
    phase: str
    fault: Fault | None = None


def format_ids(ids: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown if len(ids) <= limit else f"{shown}, … ({len(ids)} in all)"


def _workers_phrase(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"worker {numbers[0]} is"
    listed = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
    return f"workers {listed} are"


def diagnose(ev: Evidence) -> str:
    sentences: list[str] = []
    table = ev.table

    def col(worker: int, field: int) -> Any:
        return table[(worker - 1) * W_FIELDS + field]

    if "cancelled" in ev.outcomes:
        sentences.append("cancelled before the run ended")
    if ev.fault is not None:
        from core.faults import FAULT_KINDS, PIPE_BUFFER_BYTES

        what = FAULT_KINDS[ev.fault.kind].help.replace("ARG", str(ev.fault.arg))
        sentences.append(f"injected fault {ev.fault}: {what}")
        if ev.fault.kind == "big-payload" and ev.fault.arg > PIPE_BUFFER_BYTES:
            sentences.append(
                "each item is larger than the pipe buffer, so a process cannot exit while items "
                "it put are unread (the docs' join-before-drain deadlock); here only the main "
                "process puts items, and it never joins before the workers drain the queue"
            )
    stopped = [w.index for w in ev.workers if w.state == "stopped"]
    if stopped:
        sentences.append(
            f"{_workers_phrase(stopped)} stopped (SIGSTOP): alive but unable to run, so no "
            "deadlock can be proven"
        )

    for summary in ev.workers:
        if summary.state != "crashed":
            continue
        if summary.error and summary.pid is None:
            sentences.append(
                f"worker {summary.index}'s task never reached a process: {summary.error}"
                + (
                    " (the post's pattern never calls .get() on the AsyncResult, so there this "
                    "error is silent and the workers simply never run)"
                    if "inheritance" in summary.error
                    else ""
                )
            )
        elif summary.error:
            last = summary.error.strip().splitlines()[-1]
            where = (
                f" while holding item {summary.last_item}" if summary.last_item is not None else ""
            )
            sentences.append(f"worker {summary.index} raised{where}: {last}")
        else:
            code = f" with exit code {summary.exit_code}" if summary.exit_code is not None else ""
            where = (
                f" while holding item {summary.last_item}" if summary.last_item is not None else ""
            )
            sentences.append(f"worker {summary.index} died{code}{where} without reporting it")
    if ev.error and not any(w.error == ev.error for w in ev.workers):
        last_line = ev.error.strip().splitlines()[-1]
        if "feeder thread" in last_line:
            sentences.append(last_line)
        else:
            sentences.append(f"the main process failed: {last_line}")

    by_worker: dict[int, list[int]] = {}
    for item, worker in zip(ev.dropped, ev.taker, strict=True):
        by_worker.setdefault(worker, []).append(item)
    for worker, items in sorted(by_worker.items()):
        if worker <= 0:
            sentences.append(f"items {format_ids(items)} were taken but never processed")
            continue
        saw_empty = col(worker, W_LAST_EMPTY) == 1.0 and int(col(worker, W_ITEM_AT_EMPTY)) in items
        state = int(col(worker, W_STATE))
        noun = "item" if len(items) == 1 else "items"
        if saw_empty and state == WorkerState.EXITED:
            sentences.append(
                f"worker {worker} took {noun} {format_ids(items)}, saw q.empty() == True and "
                "exited without processing it"
            )
        else:
            sentences.append(
                f"worker {worker} took {noun} {format_ids(items)} but never processed it"
            )

    if ev.left:
        reason = ""
        if all(w.state in ("exited", "crashed") for w in ev.workers):
            reason = " after every worker had left"
        sentences.append(
            f"{len(ev.left)} item(s) were never taken and stay in the queue{reason}: "
            f"{format_ids(ev.left)}"
        )

    if ev.duplicates:
        sentences.append(f"items {format_ids(ev.duplicates)} were processed more than once")

    blocked = [w.index for w in ev.workers if w.state == WorkerState.BLOCKING_GET.label]
    if "deadlock" in ev.outcomes:
        exited_on_sentinel = [
            w.index for w in ev.workers if w.state == "exited" and col(w.index, W_SENTINELS) > 0
        ]
        if ev.strategy.sentinels == "one" and exited_on_sentinel:
            sentences.append(
                f"worker {exited_on_sentinel[0]} took the only {ev.strategy.sentinel!r} sentinel "
                "and exited"
            )
        raced = [w for w in blocked if col(w, W_LAST_EMPTY) == 0.0]
        if ev.strategy.id == "seed-while-not-empty" and raced:
            sentences.append(
                f"{_workers_phrase(raced).rsplit(' ', 1)[0]} saw q.empty() == False, then another "
                "worker took the last item before their q.get() (check-then-act race)"
            )
        sentences.append(
            f"{_workers_phrase(blocked)} blocked in q.get() on an empty queue; the producer is "
            "done: deadlock"
        )
    elif "stalled" in ev.outcomes:
        stuck = [f"worker {w.index} {w.state}" for w in ev.workers if w.state not in ("exited",)]
        sentences.append(
            f"no progress for {ev.params.watchdog_s:g} s and no proof of deadlock"
            + (f" ({', '.join(stuck)})" if stuck else "")
            + f"; the main process was {ev.phase}: stalled"
        )
    elif ev.phase == "finishing" and "cancelled" not in ev.outcomes:
        sentences.append("the main process was still waiting for the workers when none was left")

    if ev.outcomes == ["ok"]:
        done = (
            f"every item ({ev.params.items}) was processed exactly once and all "
            f"{len(ev.workers)} workers exited"
        )
        sentences = [*sentences[: 1 if ev.fault else 0], done]
    if not sentences:
        sentences = [", ".join(ev.outcomes)]
    text = "; ".join(sentences)
    return text[0].upper() + text[1:] + "."
