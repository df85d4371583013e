"""How the command line writes plans, experiments and runs as text, and its progress lines."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.experiment import ExperimentPlan, ExperimentProgress, ExperimentResult
    from core.result import Progress, RunResult

# core.experiment loads with the experiment command only: `main.py run` needs none of it.


def plan_dict(plan: ExperimentPlan) -> dict[str, Any]:
    return {
        "spec": plan.spec.to_dict(),
        "total_trials": plan.total_trials,
        "skipped": [s.to_dict() for s in plan.skipped],
        "notes": list(plan.notes),
        "cells": [c.to_dict() for c in plan.cells],
    }


def format_plan(plan: ExperimentPlan) -> str:
    spec = plan.spec
    lines = [
        f"plan       {_count(len(plan.cells), 'cell')} × {_count(spec.trials, 'trial')} = "
        f"{_count(plan.total_trials, 'run')}, "
        f"{spec.parallel} at a time, seed {spec.seed}"
    ]
    for cell in plan.cells:
        lines.append(f"  {cell.index:>3}  {cell.label}")
    lines += _skipped_and_notes(plan)
    return "\n".join(lines)


def _skipped_and_notes(plan: ExperimentPlan) -> list[str]:
    lines = [f"skipped    {skip.reason}" for skip in plan.skipped]
    lines += [f"note       {note}" for note in plan.notes]
    return lines


def experiment_progress_bar() -> Callable[[ExperimentProgress], None]:
    def show(progress: ExperimentProgress) -> None:
        width = 30
        filled = width * progress.done // progress.total if progress.total else width
        eta = "--:--" if progress.eta_s is None else _clock(progress.eta_s)
        print(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total} "
            f"trials, {_clock(progress.elapsed_s)} elapsed, ETA {eta}   ",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def format_experiment(result: ExperimentResult) -> str:
    from core.experiment import COUNTED_OUTCOMES, NO_FAULT, POOL_QUEUE

    spec = result.spec
    state = "CANCELLED, " if result.cancelled else ""
    lines = [
        f"experiment {state}{result.trials_done}/{result.trials_total} runs "
        f"({_count(len(result.cells), 'cell')} × {_count(spec.trials, 'trial')}) "
        f"in {result.elapsed_s:.1f} s, "
        f"seed {spec.seed}, {spec.parallel} at a time",
        "rates      per flag (a deadlock + lost trial counts for both), "
        "[95% Wilson score interval]",
    ]
    width = max((len(o) for o in COUNTED_OUTCOMES), default=0)
    for cell_result in result.cells:
        strategy, queue_kind, start_method, workers, items, fault = cell_result.cell.coordinates
        lines.append("")
        lines.append(
            f"{strategy}  "
            + ("own pool" if queue_kind == POOL_QUEUE else f"{queue_kind} queue")
            + f", {start_method}, {workers} workers, {items} items"
            + ("" if fault == NO_FAULT else f", fault {fault}")
        )
        n = cell_result.n
        elapsed = cell_result.median_elapsed_s
        speed = cell_result.median_items_per_s
        lines.append(
            f"  {n} trials"
            + ("" if elapsed is None else f", median {elapsed:.3f} s")
            + ("" if speed is None else f", median {speed:,.0f} items/s")
        )
        for outcome, rate in cell_result.rates().items():
            if rate.count == 0 and outcome != "ok":
                continue
            value = rate.rate
            percent = "    -" if value is None else f"{value * 100:5.1f}%"
            lines.append(
                f"  {outcome:<{width}}  {rate.count:>4}/{n:<4} {percent}  "
                f"[{rate.low * 100:5.1f}–{rate.high * 100:5.1f}]"
            )
        if cell_result.explorer is not None:
            lines.append(f"  explorer: {cell_result.explorer}")
    skipped = _skipped_and_notes(result.plan)
    if skipped:
        lines.append("")
        lines += skipped
    return "\n".join(lines)


def progress_printer() -> Any:
    def show(progress: Progress) -> None:
        print(
            f"\r{progress.processed}/{progress.items} processed,"
            f" {progress.items_per_s:,.0f} items/s, queue {progress.queue_depth},"
            f" {progress.elapsed_s:.1f} s   ",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


def format_summary(result: RunResult, show_stacks: bool = False) -> str:
    p = result.params
    lines = [
        f"strategy   {p.strategy} ({p.queue_kind or 'pool'} queue, {p.start_method}, "
        f"{p.workers} workers, {p.items} items, {p.producer} producer"
        + (f", fault {p.fault})" if p.fault else ")"),
        "outcome    " + " + ".join([result.outcomes[0].upper(), *result.outcomes[1:]]),
        f"processed  {result.processed} / {result.items}"
        + _unprocessed(result)
        + (f"   duplicated: {_ids(result.duplicates)}" if result.duplicates else ""),
        f"elapsed    {result.elapsed_s:.2f} s",
        "workers",
    ]
    for worker in result.workers:
        code = f", exit code {worker.exit_code}" if worker.exit_code is not None else ""
        lines.append(
            f"  {worker.index:>3}  pid {worker.pid or '-':>7}  processed {worker.processed:>8}  "
            f"{worker.state}{code}"
        )
    lines.append(f"diagnosis  {result.diagnosis}")
    if result.stack_dumps:
        if show_stacks:
            for index, dump in sorted(result.stack_dumps.items()):
                lines.append(f"--- stack of worker {index} ---")
                lines.append(dump.rstrip())
        else:
            lines.append(
                f"stacks     {len(result.stack_dumps)} stuck worker(s) dumped; see --stacks"
            )
    return "\n".join(lines)


def _unprocessed(result: RunResult) -> str:
    """The items a run did not process: lost ones by id, a cancelled run's by count."""
    if not result.lost:
        return ""
    if result.outcome == "cancelled":
        return f"   not processed (cancelled): {len(result.lost)}"
    return f"   lost: {_ids(result.lost)}"


def _ids(ids: list[int], limit: int = 20) -> str:
    shown = ", ".join(map(str, ids[:limit]))
    return shown if len(ids) <= limit else f"{shown}, … ({len(ids)})"
