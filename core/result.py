"""What a run produces: progress snapshots while it goes and a RunResult at the end."""

from __future__ import annotations

import math
import threading
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.errors import ParamError
from core.faults import Fault
from core.outputs import json_safe
from core.params import PARAMS, RunParams
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


_COLUMNS = tuple(ItemRecords.__dataclass_fields__)


class LazyItemRecords(ItemRecords):
    """Records built when a column is first read, in the reading thread.

    A run's command-line output never reads them (~35 ms at 1M items); the
    window builds them in the run's thread (core.result.built_records), not in its own.
    """

    def __init__(self, build: Callable[[], ItemRecords]) -> None:  # no dataclass fields yet
        self.__dict__["_build"] = build
        self.__dict__["_lock"] = threading.Lock()

    def __getattr__(self, name: str) -> Any:  # only for attributes not there yet
        if name not in _COLUMNS:
            raise AttributeError(name)
        with self.__dict__["_lock"]:
            build = self.__dict__.pop("_build", None)
            if build is not None:
                built = build()
                for column in _COLUMNS:
                    self.__dict__[column] = getattr(built, column)
        return self.__dict__[name]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ItemRecords):
            return NotImplemented
        return all(getattr(self, c) == getattr(other, c) for c in _COLUMNS)

    __hash__ = None  # type: ignore[assignment]  # as the dataclass's: mutable

    def __reduce__(self) -> tuple[Any, ...]:
        return (ItemRecords, tuple(getattr(self, c) for c in _COLUMNS))


def built_records(result: RunResult) -> RunResult:
    """result, its records built now (in this thread)."""
    len(result.records)
    return result


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

    @classmethod
    def from_dict(cls, data: Any) -> RunResult:
        """The result of to_dict() data (parsed JSON) back; raises ResultDataError.

        The diagnosis and the timeline's texts come back as text only (their
        sentences are not in the file); records are empty when the file has none.
        """
        return _run_result_from_dict(data)


def _num(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None


# --- reading a result back (from_dict) ------------------------------------------------


class ResultDataError(ParamError):
    """Data that is not a result this QueueScope wrote (a key missing, a wrong type)."""


class DataReader:
    """Typed access to one JSON object of a result file; errors name where and what.

    where is the object's place in the file ("workers[2]"). Keys a reader does
    not ask for are ignored, so files with more keys (a newer export) still read.
    """

    def __init__(self, data: Any, where: str = "result") -> None:
        if not isinstance(data, dict):
            raise _wrong(where, "", data)
        self.data: dict[str, Any] = data
        self.where = where

    def has(self, key: str) -> bool:
        return key in self.data

    def value(self, key: str) -> Any:
        if key not in self.data:
            raise ResultDataError(
                Sentence.of(
                    translatable("core", "{where}: the key {key} is missing"),
                    where=self.where,
                    key=repr(key),
                )
            )
        return self.data[key]

    def integer(self, key: str) -> int:
        value = self.value(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong(self.where, key, value)
        return value

    def optional_integer(self, key: str) -> int | None:
        return None if self.data.get(key) is None else self.integer(key)

    def number(self, key: str) -> float:
        value = self.value(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _wrong(self.where, key, value)
        return float(value)

    def optional_number(self, key: str) -> float:
        """NaN where the file has null (a time that did not happen)."""
        return math.nan if self.data.get(key) is None else self.number(key)

    def text(self, key: str) -> str:
        value = self.value(key)
        if not isinstance(value, str):
            raise _wrong(self.where, key, value)
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self.data.get(key) is None else self.text(key)

    def flag(self, key: str) -> bool:
        value = self.value(key)
        if not isinstance(value, bool):
            raise _wrong(self.where, key, value)
        return value

    def items(self, key: str) -> list[Any]:
        value = self.value(key)
        if not isinstance(value, list):
            raise _wrong(self.where, key, value)
        return value

    def integers(self, key: str) -> list[int]:
        values = self.items(key)
        if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
            raise _wrong(self.where, key, values)
        return values

    def texts(self, key: str) -> list[str]:
        values = self.items(key)
        if not all(isinstance(v, str) for v in values):
            raise _wrong(self.where, key, values)
        return values

    def choices(self, key: str, choices: Sequence[str]) -> list[str]:
        values = self.texts(key)
        if not all(v in choices for v in values):
            raise _wrong(self.where, key, values)
        return values

    def objects(self, key: str) -> list[DataReader]:
        return [DataReader(v, f"{self.where}.{key}[{i}]") for i, v in enumerate(self.items(key))]

    def child(self, key: str) -> DataReader:
        return DataReader(self.value(key), f"{self.where}.{key}")

    def choice(self, key: str, choices: Sequence[str]) -> str:
        value = self.text(key)
        if value not in choices:
            raise _wrong(self.where, key, value)
        return value


def _wrong(where: str, key: str, value: Any) -> ResultDataError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return ResultDataError(
        Sentence.of(
            translatable("core", "{where}: unexpected value {value}"),
            where=f"{where}.{key}" if key else where,
            value=shown,
        )
    )


def run_params_from_dict(reader: DataReader) -> RunParams:
    """RunParams from RunParams.to_dict() data, checked against the schema.

    A missing key takes the schema's default (an experiment's cells leave out
    the seed). Strategy and queue kind are not checked against the catalog here:
    core.validation.validate() does that where the catalog is known.
    """
    values: dict[str, Any] = {}
    for name, param in PARAMS.items():
        if reader.has(name):
            values[name] = param.check(reader.data[name])
    fault = reader.optional_text("fault")
    return RunParams(**values, fault=Fault.parse(fault) if fault else None)


def _worker_from_dict(reader: DataReader) -> WorkerSummary:
    return WorkerSummary(
        index=reader.integer("index"),
        pid=reader.optional_integer("pid"),
        processed=reader.integer("processed"),
        taken=reader.integer("taken"),
        state=WorkerStatus(reader.choice("state", list(WorkerStatus))),
        exit_code=reader.optional_integer("exit_code"),
        last_item=reader.optional_integer("last_item"),
        error=reader.optional_text("error"),
        qt_imported=reader.flag("qt_imported") if reader.has("qt_imported") else False,
    )


def _event_from_dict(reader: DataReader) -> TimelineEvent:
    return TimelineEvent(
        t=reader.number("t"),
        worker=reader.integer("worker"),
        kind=EventKind(reader.choice("kind", list(EventKind))),
        item=reader.optional_integer("item"),
        text=reader.text("text"),
    )


def _records_from_rows(rows: list[DataReader]) -> ItemRecords:
    """ItemRecords.rows() back as arrays.

    The rows keep the take time and how long processing took, not when it
    started: processing is taken to start at the take (what the lanes draw).
    """
    records = ItemRecords()
    for row in rows:
        took = row.optional_number("taken_at_s")
        processing_ms = row.optional_number("processing_ms")
        start = took if not math.isnan(processing_ms) else math.nan
        records.item.append(row.integer("item"))
        records.worker.append(row.optional_integer("worker") or 0)
        records.pid.append(row.optional_integer("pid") or 0)
        records.t_take.append(took)
        records.t_start.append(start)
        records.t_done.append(start + processing_ms / 1000.0)
        records.times_processed.append(row.integer("times_processed"))
        records.status.append(STATUS_LABELS.index(row.choice("status", STATUS_LABELS)))
    return records


def _run_result_from_dict(data: Any) -> RunResult:
    reader = DataReader(data)
    samples = []
    for i, sample in enumerate(reader.items("depth_samples")):
        if not (isinstance(sample, list) and len(sample) == 3):
            raise _wrong(reader.where, f"depth_samples[{i}]", sample)
        sample_reader = DataReader(dict(zip(("t", "depth", "processed"), sample, strict=True)))
        samples.append(
            (
                sample_reader.number("t"),
                sample_reader.integer("depth"),
                sample_reader.integer("processed"),
            )
        )
    dumps = reader.child("stack_dumps")
    if not all(key.isdigit() for key in dumps.data):
        raise _wrong(reader.where, "stack_dumps", list(dumps.data))
    return RunResult(
        params=run_params_from_dict(reader.child("params")),
        outcome=reader.choice("outcome", OUTCOMES),
        outcomes=reader.choices("outcomes", OUTCOMES),
        items=reader.integer("items"),
        processed=reader.integer("processed"),
        lost=reader.integers("lost"),
        dropped=reader.integers("dropped"),
        left_in_queue=reader.integers("left_in_queue"),
        duplicates=reader.integers("duplicates"),
        workers=[_worker_from_dict(w) for w in reader.objects("workers")],
        diagnosis=reader.text("diagnosis"),
        elapsed_s=reader.number("elapsed_s"),
        records=_records_from_rows(reader.objects("records"))
        if reader.has("records")
        else ItemRecords(),
        timeline=[_event_from_dict(e) for e in reader.objects("timeline")],
        depth_samples=samples,
        stack_dumps={int(key): dumps.text(key) for key in dumps.data},
        error=reader.optional_text("error"),
        started_at=reader.number("started_at") if reader.has("started_at") else 0.0,
    )
