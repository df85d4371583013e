"""Exports: a run's records (CSV), its result (JSON), its trace (Chrome trace event JSON),
and an experiment's cells and trials (JSON, CSV).

The trace opens in Perfetto (ui.perfetto.dev) and chrome://tracing:

- the main process (a synthetic pid, MAIN_PID) carries the queue-depth and processed counters
  ("C" events), the main process's own timeline events and the verdict;
- every worker is a thread (tid = its 1-based index) of its real process
  (pid = the worker's pid; a worker that never started sits under MAIN_PID);
- every processed item is one "X" complete event on its worker's track,
  from the record's t_start to t_done. A record keeps one processing per
  item (an item processed twice shows its last processing, with
  times_processed 2). Spans that would overlap on one track (only possible
  when records disagree, e.g. an item taken by two workers) go to an extra
  track of that worker ("worker N, overlapping"), so no track has
  overlapping spans;
- an item that was started but not finished when the run ended is an "X"
  span up to the end of the run, category "item.unfinished"; an item taken
  and never processed (dropped) is an instant "dropped item N" at its take;
- the timeline's state changes (took item, saw q.empty() == True, waiting in
  q.get(), blocked in q.get() forever once a deadlock is proven, exited,
  crashed, ...) are instant ("i") events on the worker's track.

Times are microseconds since the run started; an event whose time is not a
finite number is left out (the JSON stays strict: no NaN, no Infinity).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from core.experiment.plan import COORDINATE_COLUMNS, Cell
from core.experiment.results import COUNTED_OUTCOMES, CellResult, ExperimentResult, TrialSummary
from core.outputs import json_safe
from core.result import STATUS_DROPPED, STATUS_LABELS, RunResult

# Perfetto treats pid 0 and tid 0 as the kernel's idle task ("swapper") and
# merges or renames their tracks, so the main process gets a synthetic pid
# just above Linux's largest pid_max (never a worker's real pid), with the
# main-thread convention tid == pid. Worker tids (1..256), the extra tracks and
# UNATTRIBUTED_TID are all distinct, so tids are unique across the whole trace.
MAIN_PID = 4_194_305
MAIN_TID = MAIN_PID
UNATTRIBUTED_TID = 9_999  # items processed by a pool process that had no worker row
LANE_TID_STEP = 10_000  # extra tracks of a worker: tid = index + lane × this

RECORD_COLUMNS = (
    "item",
    "worker",
    "pid",
    "taken_at_s",
    "processing_ms",
    "times_processed",
    "status",
)


# --- one run ------------------------------------------------------------------


def write_records_csv(result: RunResult, out: IO[str]) -> None:
    """Per-item records, one row per item (status says processed, dropped, left ...)."""
    records = result.records.rows()
    rows = (["" if r[c] is None else r[c] for c in RECORD_COLUMNS] for r in records)
    _write_csv(out, RECORD_COLUMNS, rows)


def write_run_json(result: RunResult, out: IO[str], include_records: bool = True) -> None:
    """The RunResult as one JSON object (RunResult.to_dict), records included by default."""
    json.dump(result.to_dict(include_records=include_records), out, allow_nan=False)
    out.write("\n")


def chrome_trace(result: RunResult) -> dict[str, Any]:
    """The run as a Chrome trace event JSON object (see the module docstring)."""
    return {
        "traceEvents": list(trace_events(result)),
        "displayTimeUnit": "ms",
        "otherData": _trace_metadata(result),
    }


def write_chrome_trace(result: RunResult, out: IO[str]) -> None:
    """chrome_trace(result), written event by event (a million items stay cheap)."""
    out.write('{"displayTimeUnit": "ms", "otherData": ')
    json.dump(_trace_metadata(result), out, allow_nan=False)
    out.write(', "traceEvents": [\n')
    first = True
    for event in trace_events(result):
        if not first:
            out.write(",\n")
        first = False
        out.write(json.dumps(event, separators=(",", ":"), allow_nan=False))
    out.write("\n]}\n")


def trace_events(result: RunResult) -> Iterator[dict[str, Any]]:
    """Every trace event of the run: metadata first, then spans, instants, counters."""
    tracks = _Tracks(result)
    spans = _item_spans(result, tracks)
    instants = list(_instants(result, tracks))
    yield from tracks.metadata()
    yield from spans
    yield from instants
    yield from _counters(result)
    end = _us(_run_end(result))
    yield {
        "name": "verdict: " + " + ".join(result.outcomes),
        "cat": "run",
        "ph": "i",
        "s": "g",
        "ts": end,
        "pid": MAIN_PID,
        "tid": MAIN_TID,
        "args": {"diagnosis": result.diagnosis},
    }


def _trace_metadata(result: RunResult) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "generator": "QueueScope",
        "strategy": result.params.strategy,
        "outcome": result.outcome,
        "outcomes": result.outcomes,
        "items": result.items,
        "processed": result.processed,
        "elapsed_s": round(result.elapsed_s, 6),
        "diagnosis": result.diagnosis,
        "params": result.params.to_dict(),
        "started_at": result.started_at,
    }
    safe: dict[str, Any] = json_safe(metadata)
    return safe


def _run_end(result: RunResult) -> float:
    """Seconds from the start to the end of the run; 0 if that is not a finite number."""
    return result.elapsed_s if math.isfinite(result.elapsed_s) else 0.0


def _us(seconds: float) -> float:
    """Seconds as microseconds, kept to whole nanoseconds."""
    return round(seconds * 1e9) / 1000.0


class _Tracks:
    """pid/tid of every track, and the metadata events that name them."""

    def __init__(self, result: RunResult) -> None:
        self.result = result
        self.pid_of: dict[int, int] = {}
        for worker in result.workers:
            self.pid_of[worker.index] = worker.pid or MAIN_PID
        self.names: dict[tuple[int, int], str] = {(MAIN_PID, MAIN_TID): "main (producer, monitor)"}
        self.sort: dict[tuple[int, int], int] = {(MAIN_PID, MAIN_TID): 0}
        for worker in result.workers:
            note = "" if worker.pid else " (never started)"
            key = (self.pid_of[worker.index], worker.index)
            self.names[key] = f"worker {worker.index}{note}"
            self.sort[key] = worker.index

    def track(self, worker: int, lane: int = 0) -> tuple[int, int]:
        """pid, tid of a worker's track (worker 0: items no worker row claimed)."""
        if worker <= 0 or worker not in self.pid_of:
            key = (MAIN_PID, UNATTRIBUTED_TID + lane * LANE_TID_STEP)
            name = "items of pool processes without a worker row"
            index = UNATTRIBUTED_TID
        else:
            key = (self.pid_of[worker], worker + lane * LANE_TID_STEP)
            name = f"worker {worker}"
            index = worker
        if key not in self.names:
            self.names[key] = name + (f", overlapping records {lane + 1}" if lane else "")
            self.sort[key] = index + lane * LANE_TID_STEP
        return key

    def metadata(self) -> Iterator[dict[str, Any]]:
        workers_by_pid: dict[int, list[int]] = {}
        for index, pid in self.pid_of.items():
            if pid != MAIN_PID:
                workers_by_pid.setdefault(pid, []).append(index)
        p = self.result.params
        yield _meta("process_name", MAIN_PID, MAIN_TID, name=f"QueueScope run: {p.strategy}")
        yield _meta("process_sort_index", MAIN_PID, MAIN_TID, sort_index=0)
        for pid, indexes in sorted(workers_by_pid.items(), key=lambda kv: min(kv[1])):
            label = ", ".join(map(str, sorted(indexes)))
            plural = "s" if len(indexes) > 1 else ""
            # Process-wide metadata on the process's main thread (tid == pid).
            yield _meta("process_name", pid, pid, name=f"worker{plural} {label} (pid {pid})")
            yield _meta("process_sort_index", pid, pid, sort_index=min(indexes))
        for (pid, tid), name in sorted(self.names.items()):
            yield _meta("thread_name", pid, tid, name=name)
            yield _meta("thread_sort_index", pid, tid, sort_index=self.sort[(pid, tid)])


def _meta(kind: str, pid: int, tid: int, **args: Any) -> dict[str, Any]:
    return {"name": kind, "ph": "M", "pid": pid, "tid": tid, "args": args}


def _item_spans(result: RunResult, tracks: _Tracks) -> list[dict[str, Any]]:
    records = result.records
    end_ns = round(_run_end(result) * 1e9)
    by_worker: dict[int, list[tuple[int, int, int, bool]]] = {}
    for i in range(len(records)):
        start = records.t_start[i]
        if not math.isfinite(start):
            continue
        done = records.t_done[i]
        times = records.times_processed[i]
        if times >= 1 and math.isfinite(done):
            start_ns, done_ns, unfinished = round(start * 1e9), round(done * 1e9), False
            # A second processing still under way: t_start is newer than t_done.
            done_ns = max(done_ns, start_ns)
        elif times == 0:
            start_ns, unfinished = round(start * 1e9), True
            done_ns = max(end_ns, start_ns)
        else:
            continue
        by_worker.setdefault(records.worker[i], []).append((start_ns, done_ns, i, unfinished))

    events: list[dict[str, Any]] = []
    for worker, spans in sorted(by_worker.items()):
        spans.sort()
        lane_ends: list[int] = []
        for start_ns, done_ns, i, unfinished in spans:
            # The first track free at this span's start (track 0 unless records disagree).
            lane = next((k for k, end in enumerate(lane_ends) if end <= start_ns), len(lane_ends))
            if lane == len(lane_ends):
                lane_ends.append(done_ns)
            lane_ends[lane] = done_ns
            pid, tid = tracks.track(worker, lane)
            item = records.item[i]
            args: dict[str, Any] = {
                "item": item,
                "times_processed": records.times_processed[i],
                "status": STATUS_LABELS[records.status[i]],
            }
            taken = records.t_take[i]
            if math.isfinite(taken):
                args["taken_at_ms"] = round(taken * 1000.0, 6)
            events.append(
                {
                    "name": f"item {item}" + (" (unfinished)" if unfinished else ""),
                    "cat": "item.unfinished" if unfinished else "item",
                    "ph": "X",
                    "ts": start_ns / 1000.0,
                    "dur": (done_ns - start_ns) / 1000.0,
                    "pid": pid,
                    "tid": tid,
                    "args": args,
                }
            )
    return events


def _instants(result: RunResult, tracks: _Tracks) -> Iterator[dict[str, Any]]:
    for event in result.timeline:
        if not math.isfinite(event.t):
            continue
        pid, tid = (MAIN_PID, MAIN_TID) if event.worker <= 0 else tracks.track(event.worker)
        args: dict[str, Any] = {"kind": event.kind}
        if event.item is not None:
            args["item"] = event.item
        yield {
            "name": event.text or event.kind,
            "cat": f"state.{event.kind}",
            "ph": "i",
            "s": "t",
            "ts": _us(event.t),
            "pid": pid,
            "tid": tid,
            "args": args,
        }
    records = result.records
    for i in range(len(records)):
        if records.status[i] != STATUS_DROPPED or not math.isfinite(records.t_take[i]):
            continue
        pid, tid = tracks.track(records.worker[i])
        yield {
            "name": f"dropped item {records.item[i]}",
            "cat": "item.dropped",
            "ph": "i",
            "s": "t",
            "ts": _us(records.t_take[i]),
            "pid": pid,
            "tid": tid,
            "args": {"item": records.item[i], "status": STATUS_LABELS[STATUS_DROPPED]},
        }


def _counters(result: RunResult) -> Iterator[dict[str, Any]]:
    for t, depth, processed in result.depth_samples:
        if not math.isfinite(t):
            continue
        ts = _us(t)
        yield {
            "name": "queue depth",
            "ph": "C",
            "ts": ts,
            "pid": MAIN_PID,
            "tid": MAIN_TID,
            "args": {"depth": depth},
        }
        yield {
            "name": "processed",
            "ph": "C",
            "ts": ts,
            "pid": MAIN_PID,
            "tid": MAIN_TID,
            "args": {"processed": processed},
        }


# --- an experiment -------------------------------------------------------------


def write_experiment_json(
    result: ExperimentResult, out: IO[str], include_trials: bool = True
) -> None:
    """The experiment as one JSON object: spec, notes, skipped, and cells with their trials."""
    json.dump(result.to_dict(include_trials=include_trials), out, indent=1, allow_nan=False)
    out.write("\n")


# Where a cell sits in the grid; both CSVs start with these, so they join on them.
CELL_COORDINATES = ("cell", *COORDINATE_COLUMNS)

CELL_COLUMNS = (
    *CELL_COORDINATES,
    "work_ms",
    "trials",
    *(f"{o}_{part}" for o in COUNTED_OUTCOMES for part in ("count", "rate", "low", "high")),
    "elapsed_median_s",
    "elapsed_min_s",
    "elapsed_max_s",
    "items_per_s_median",
)

EXPLORER_COLUMN = "explorer"

TRIAL_COLUMNS = (
    *CELL_COORDINATES,
    "trial",
    "seed",
    "outcome",
    "outcomes",
    "processed",
    "lost",
    "duplicated",
    "elapsed_s",
    "items_per_s",
)


def write_experiment_csv(result: ExperimentResult, out: IO[str]) -> None:
    """One row per cell: counts and rates (with their 95 % Wilson interval) per outcome.

    With the explorer's column asked for (spec.explorer), it comes last.
    """
    rows = (_cell_row(cell_result) for cell_result in result.cells)
    if result.spec.explorer:
        columns = (*CELL_COLUMNS, EXPLORER_COLUMN)
        rows = ([*row, cell.explorer or ""] for row, cell in zip(rows, result.cells, strict=True))
        _write_csv(out, columns, rows)
        return
    _write_csv(out, CELL_COLUMNS, rows)


def write_trials_csv(result: ExperimentResult, out: IO[str]) -> None:
    """One row per trial, with its cell's coordinates (a tidy table for analysis)."""
    rows = (
        _trial_row(cell_result.cell, trial)
        for cell_result in result.cells
        for trial in cell_result.trials
    )
    _write_csv(out, TRIAL_COLUMNS, rows)


def _write_csv(out: IO[str], columns: Sequence[str], rows: Iterable[Iterable[Any]]) -> None:
    """A header row of the column names, then the rows."""
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)


def _cell_row(cell_result: CellResult) -> list[Any]:
    cell = cell_result.cell
    row: list[Any] = [cell.index, *cell.coordinates, cell.params.work_ms, cell_result.n]
    for rate in cell_result.rates().values():
        value = rate.rate
        row += [
            rate.count,
            "" if value is None else round(value, 6),
            round(rate.low, 6),
            round(rate.high, 6),
        ]
    elapsed = cell_result.elapsed()
    if elapsed is None:
        row += ["", "", ""]
    else:
        row += [round(elapsed[k], 6) for k in ("median", "min", "max")]
    speed = cell_result.median_items_per_s
    row.append("" if speed is None else round(speed, 3))
    return row


def _trial_row(cell: Cell, trial: TrialSummary) -> list[Any]:
    return [
        cell.index,
        *cell.coordinates,
        trial.trial,
        trial.seed,
        trial.outcome,
        "+".join(trial.outcomes),
        trial.processed,
        trial.lost,
        trial.duplicated,
        round(trial.elapsed_s, 6),
        round(trial.items_per_s, 3),
    ]
