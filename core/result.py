"""What a run produces: progress snapshots while it goes and a RunResult at the end."""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field
from typing import Any

from core.outputs import json_safe
from core.params import RunParams
from core.states import EventKind, WorkerStatus
from core.text import Sentence, translatable

# Outcome names are ids and also what the window shows (translated there).
OUTCOMES = (
    translatable("core", "ok"),
    translatable("core", "deadlock"),
    translatable("core", "stalled"),
    translatable("core", "lost"),
    translatable("core", "duplicated"),
    translatable("core", "crashed"),
    translatable("core", "cancelled"),
)
# What the main process is doing (Progress.phase); the diagnosis names it.
PHASES = (
    translatable("core", "starting"),
    translatable("core", "producing"),
    translatable("core", "running"),
    translatable("core", "finishing"),
)

# Status codes of a per-item record.
STATUS_PROCESSED = 0
STATUS_DROPPED = 1  # taken from the queue, never processed
STATUS_LEFT = 2  # never taken: still in the queue
STATUS_DUPLICATED = 3
STATUS_IN_FLIGHT = 4  # taken, still being processed (progress only)
STATUS_LABELS = (
    translatable("core", "processed"),
    translatable("core", "dropped after take"),
    translatable("core", "left in queue"),
    translatable("core", "duplicated"),
    translatable("core", "in flight"),
)


@dataclass
class ItemRecords:
    """Per-item records as parallel arrays (cheap at a million items).

    Times are seconds since the run started; NaN where a thing did not happen.
    worker is 1-based; 0 means no worker took the item (pid is then 0 too).
    """

    item: array[int] = field(default_factory=lambda: array("i"))
    worker: array[int] = field(default_factory=lambda: array("i"))
    pid: array[int] = field(default_factory=lambda: array("i"))
    t_take: array[float] = field(default_factory=lambda: array("d"))
    t_start: array[float] = field(default_factory=lambda: array("d"))
    t_done: array[float] = field(default_factory=lambda: array("d"))
    times_processed: array[int] = field(default_factory=lambda: array("i"))
    status: array[int] = field(default_factory=lambda: array("b"))

    def __len__(self) -> int:
        return len(self.item)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for i in range(len(self.item)):
            out.append(
                {
                    "item": self.item[i],
                    "worker": self.worker[i] or None,
                    "pid": self.pid[i] or None,
                    "taken_at_s": _num(self.t_take[i]),
                    "processing_ms": _num((self.t_done[i] - self.t_start[i]) * 1000.0),
                    "times_processed": self.times_processed[i],
                    "status": STATUS_LABELS[self.status[i]],
                }
            )
        return out


@dataclass
class WorkerSummary:
    index: int  # 1-based
    pid: int | None
    processed: int
    taken: int
    state: WorkerStatus
    exit_code: int | None
    last_item: int | None = None
    error: str | None = None  # traceback of a crashed worker
    qt_imported: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "pid": self.pid,
            "processed": self.processed,
            "taken": self.taken,
            "state": str(self.state),
            "exit_code": self.exit_code,
            "last_item": self.last_item,
            "error": self.error,
            "qt_imported": self.qt_imported,
        }


@dataclass
class TimelineEvent:
    t: float  # seconds since the run started
    worker: int  # 1-based; 0 for the main process
    kind: EventKind
    item: int | None = None
    text: str = ""  # English, as the CLI and the exports show it
    # the text as a marked template and its values, for the window to translate;
    # None for events made elsewhere (str(sentence) == text when present)
    sentence: Sentence | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "t": self.t,
            "worker": self.worker,
            "kind": str(self.kind),
            "item": self.item,
            "text": self.text,
        }


@dataclass
class WorkerView:
    """One worker's state in a progress snapshot."""

    index: int
    state: WorkerStatus
    item: int | None
    pid: int | None
    processed: int
    since_s: float


@dataclass
class Progress:
    elapsed_s: float
    items: int
    put: int
    taken: int
    processed: int
    items_per_s: float
    queue_depth: int
    workers: list[WorkerView]
    new_records: ItemRecords
    new_events: list[TimelineEvent]
    phase: str  # starting | producing | running | finishing


@dataclass
class RunResult:
    params: RunParams
    outcome: str
    outcomes: list[str]
    items: int
    processed: int
    lost: list[int]
    dropped: list[int]
    left_in_queue: list[int]
    duplicates: list[int]
    workers: list[WorkerSummary]
    diagnosis: str
    elapsed_s: float
    records: ItemRecords
    timeline: list[TimelineEvent]
    depth_samples: list[tuple[float, int, int]]  # (t, queue depth, processed)
    stack_dumps: dict[int, str]  # worker index -> faulthandler dump
    error: str | None = None
    started_at: float = 0.0  # wall clock (time.time()) of the start
    # diagnosis as translatable parts: render_diagnosis() gives the text back
    diagnosis_sentences: tuple[Sentence, ...] = ()

    def to_dict(self, include_records: bool = False) -> dict[str, Any]:
        """Plain JSON data: a time that is not a finite number is null."""
        data: dict[str, Any] = {
            "strategy": self.params.strategy,
            "outcome": self.outcome,
            "outcomes": self.outcomes,
            "items": self.items,
            "processed": self.processed,
            "lost": self.lost,
            "dropped": self.dropped,
            "left_in_queue": self.left_in_queue,
            "duplicates": self.duplicates,
            "workers": [w.to_dict() for w in self.workers],
            "diagnosis": self.diagnosis,
            "elapsed_s": round(self.elapsed_s, 6),
            "error": self.error,
            "params": self.params.to_dict(),
            "stack_dumps": {str(k): v for k, v in self.stack_dumps.items()},
            "timeline": [e.to_dict() for e in self.timeline],
            "depth_samples": [list(s) for s in self.depth_samples],
            "started_at": self.started_at,
        }
        data = json_safe(data)
        if include_records:
            data["records"] = self.records.rows()  # rows() is strict already, and large
        return data


def _num(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None
