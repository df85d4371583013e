"""Experiments: a grid of run parameters, many trials per cell, outcome rates with intervals.

A race that shows up in one run out of three is not proven or ruled out by
one run. An experiment runs every cell of a grid (strategies × worker counts
× item counts × start methods × queue kinds) many times, each trial a full
run from the engine, and reports per cell how often each outcome happened,
with a 95 % Wilson score interval.

Definitions (the GUI, the CLI and the exports all use these):

- A trial's seed is derived from the base seed, the cell's own coordinates
  (strategy, queue kind, start method, workers, items) and the trial number
  with SHA-256, so it does not depend on Python's hash randomisation, on the
  order of the grid, or on which other cells are in it. The seed drives the
  per-item jitter only: with jitter 0 it changes nothing, and re-running a
  trial with its seed repeats its parameters, not its race.
- Rates are per flag: a run has one or more outcomes (RunResult.outcomes,
  e.g. deadlock + lost); the trial counts once for each of them, so rates of
  one cell do not add up to 1. The headline (first) outcome is counted
  separately in `headline_counts`, and those do add up to the trial count.
- A trial cut short by Cancel is neither counted nor kept.
- Queue kinds a strategy does not support are skipped and listed in
  ExperimentPlan.skipped; the pool strategies run their own pool, so the
  queue-kind axis does not apply to them (one cell per other coordinate).
  A strategy left with no cell at all is an error.

Trials run in a round-robin order (trial 0 of every cell, then trial 1, ...)
so a slow drift of the machine's load spreads over all cells, and a
cancelled experiment has comparable partial results for every cell.
"""

from __future__ import annotations

import dataclasses
import difflib
import gc
import hashlib
import itertools
import json
import math
import os
import statistics
import threading
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.engine import exclusive_runs, run_unlocked
from core.faults import FAULT_KINDS
from core.params import (
    MAX_ITEMS,
    MAX_WORKERS,
    PRODUCERS,
    QUEUE_KINDS,
    START_METHODS,
    WORK_KINDS,
    ParamError,
    RunParams,
    validate,
)
from core.result import RunResult
from core.strategies import STRATEGIES, get_strategy
from core.text import Sentence, Value, translatable

SPEC_VERSION = 1
DEFAULT_TRIALS = 20
MAX_TRIALS = 10_000
MAX_PARALLEL = 64
MAX_TOTAL_TRIALS = 1_000_000
MAX_WORK_MS = 60_000.0
MAX_SECONDS = 3600.0
MAX_CHUNKSIZE = 1_000_000
MAX_SEED = 2**63 - 1

#: The outcomes an experiment counts ("cancelled" trials are not counted).
COUNTED_OUTCOMES = ("ok", "deadlock", "stalled", "lost", "duplicated", "crashed")
DEFAULT_QUEUE = "default"  # the strategy's own default queue kind
POOL_QUEUE = "pool"  # what the pool strategies use instead of a queue
SPEC_QUEUE_KINDS = (DEFAULT_QUEUE, *QUEUE_KINDS, POOL_QUEUE)

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal

RATES_DEFINITION = (
    "per flag: a trial counts once for every outcome it had (deadlock + lost counts for both), "
    "so a cell's rates need not add up to 1; headline counts the first outcome only; trials "
    "cut short by cancel are not counted"
)


class ExperimentSpecError(ParamError):
    """A malformed or out-of-range experiment spec; the message is one user-facing line."""


def _spec_error(template: str, /, **args: Value) -> ExperimentSpecError:
    return ExperimentSpecError(Sentence.of(template, **args))


def _from(source: str | None, message: Sentence) -> Sentence:
    """The message, after the file it is about when there is one."""
    if not source:
        return message
    return Sentence.of(translatable("core", "{source}: {message}"), source=source, message=message)


# --- the spec -----------------------------------------------------------------


NO_FAULT = "none"


@dataclass(frozen=True)
class ExperimentSpec:
    """What to run. Grid axes are tuples; every combination is one cell.

    Build it directly (then plan_experiment() validates it) or with
    spec_from_dict() / load_spec(), which validate at once.
    """

    strategies: tuple[str, ...]
    workers: tuple[int, ...] = (3,)
    items: tuple[int, ...] = (100,)
    start_methods: tuple[str, ...] = ("spawn",)
    queue_kinds: tuple[str, ...] = (DEFAULT_QUEUE,)
    faults: tuple[str, ...] = (NO_FAULT,)  # KIND[:ARG] (core.faults), or "none"
    trials: int = DEFAULT_TRIALS
    work_ms: float = 0.0
    work_kind: str = "sleep"
    jitter_ms: float = 0.0
    producer: str = "prefill"
    rate: float | None = None
    watchdog_s: float = 5.0
    get_timeout_s: float = 0.5
    chunksize: int = 1
    seed: int = 0
    parallel: int = 1  # trials at once

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data; spec_from_dict(spec.to_dict()) gives the spec back."""
        data: dict[str, Any] = {"version": SPEC_VERSION}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            data[f.name] = list(value) if isinstance(value, tuple) else value
        return data

    def replace(self, **changes: Any) -> ExperimentSpec:
        return dataclasses.replace(self, **changes)


_FIELDS = tuple(f.name for f in dataclasses.fields(ExperimentSpec))
_KEYS = ("version", *_FIELDS)


def spec_from_dict(data: Any, source: str | None = None) -> ExperimentSpec:
    """Check plain data (parsed JSON or TOML) and build the spec.

    A grid axis may be one value or a list of values; duplicates are dropped.
    Raises ExperimentSpecError naming the key (and source, when given).
    """

    def fail(template: str, /, **args: Value) -> ExperimentSpecError:
        return ExperimentSpecError(_from(source, Sentence.of(template, **args)))

    if not isinstance(data, Mapping):
        raise fail(
            translatable("core", "the spec must be an object (a table) of keys, got {type}"),
            type=_type_name(data),
        )
    for key in data:
        if key not in _KEYS:
            close = difflib.get_close_matches(str(key), _KEYS, n=1)
            if close:
                raise fail(
                    translatable("core", "unknown key {key} (did you mean {close}?)"),
                    key=repr(key),
                    close=repr(close[0]),
                )
            raise fail(
                translatable("core", "unknown key {key}; valid keys: {valid}"),
                key=repr(key),
                valid=", ".join(_KEYS),
            )
    if "version" in data and (not _is_int(data["version"]) or data["version"] != SPEC_VERSION):
        raise fail(
            translatable(
                "core", "version: this QueueScope reads spec version {version}, got {value}"
            ),
            version=SPEC_VERSION,
            value=repr(data["version"]),
        )
    if "strategies" not in data:
        raise fail(
            translatable("core", "missing key 'strategies' (a strategy id or a list of them)")
        )

    defaults = ExperimentSpec(strategies=())
    values: dict[str, Any] = {}
    try:
        values["strategies"] = _axis(data, "strategies", str, _check_strategy)
        values["workers"] = _axis(
            data, "workers", int, _in_range("workers", 1, MAX_WORKERS), defaults.workers
        )
        values["items"] = _axis(
            data, "items", int, _in_range("items", 0, MAX_ITEMS), defaults.items
        )
        values["start_methods"] = _axis(
            data,
            "start_methods",
            str,
            _one_of(
                translatable("core", "unknown start method {value}; valid: {valid}"), START_METHODS
            ),
            defaults.start_methods,
        )
        values["queue_kinds"] = _axis(
            data,
            "queue_kinds",
            str,
            _one_of(
                translatable("core", "unknown queue kind {value}; valid: {valid}"), SPEC_QUEUE_KINDS
            ),
            defaults.queue_kinds,
        )
        values["faults"] = _axis(data, "faults", str, _check_fault, defaults.faults)
        values["trials"] = _scalar(data, "trials", int, defaults.trials, 1, MAX_TRIALS)
        values["work_ms"] = _scalar(data, "work_ms", float, defaults.work_ms, 0.0, MAX_WORK_MS)
        values["jitter_ms"] = _scalar(
            data, "jitter_ms", float, defaults.jitter_ms, 0.0, MAX_WORK_MS
        )
        values["work_kind"] = _choice(
            data,
            "work_kind",
            translatable("core", "unknown work kind {value}; valid: {valid}"),
            WORK_KINDS,
            defaults.work_kind,
        )
        values["producer"] = _choice(
            data,
            "producer",
            translatable("core", "unknown producer {value}; valid: {valid}"),
            PRODUCERS,
            defaults.producer,
        )
        values["rate"] = _rate(data)
        values["watchdog_s"] = _scalar(
            data, "watchdog_s", float, defaults.watchdog_s, 0.0, MAX_SECONDS, open_low=True
        )
        values["get_timeout_s"] = _scalar(
            data, "get_timeout_s", float, defaults.get_timeout_s, 0.0, MAX_SECONDS, open_low=True
        )
        values["chunksize"] = _scalar(data, "chunksize", int, defaults.chunksize, 1, MAX_CHUNKSIZE)
        values["seed"] = _scalar(data, "seed", int, defaults.seed, 0, MAX_SEED)
        values["parallel"] = _scalar(data, "parallel", int, defaults.parallel, 1, MAX_PARALLEL)
    except _Invalid as error:
        raise ExperimentSpecError(_from(source, error.sentence)) from None
    return ExperimentSpec(**values)


def validate_spec(spec: ExperimentSpec) -> ExperimentSpec:
    """Check a spec built in code (a GUI's); returns it normalised (duplicates dropped)."""
    return spec_from_dict(spec.to_dict())


def parse_spec(text: str, fmt: str = "json", source: str | None = None) -> ExperimentSpec:
    """Parse spec text in "json" or "toml"; syntax errors say line and column."""
    data: Any
    if fmt == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            if "end of document" in str(error):
                lines = text.splitlines() or [""]
                message = Sentence.of(
                    translatable("core", "invalid TOML: {error} (line {line}, column {column})"),
                    error=str(error),
                    line=len(lines),
                    column=len(lines[-1]) + 1,
                )
            else:
                message = Sentence.of(
                    translatable("core", "invalid TOML: {error}"), error=str(error)
                )
            raise ExperimentSpecError(_from(source, message)) from None
    elif fmt == "json":
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as error:
            message = Sentence.of(
                translatable("core", "invalid JSON at line {line}, column {column}: {error}"),
                line=error.lineno,
                column=error.colno,
                error=error.msg,
            )
            raise ExperimentSpecError(_from(source, message)) from None
        except _Invalid as error:
            raise ExperimentSpecError(_from(source, error.sentence)) from None
    else:
        raise ValueError(f"unknown spec format {fmt!r}; use 'json' or 'toml'")
    return spec_from_dict(data, source)


def load_spec(path: str | os.PathLike[str]) -> ExperimentSpec:
    """Read a spec file: TOML if its name ends in .toml, JSON otherwise."""
    name = os.fspath(path)
    try:
        text = Path(name).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ExperimentSpecError(
            _from(name, Sentence(translatable("core", "not a UTF-8 text file")))
        ) from None
    except OSError as error:
        raise _spec_error(
            translatable("core", "cannot read spec {name}: {error}"),
            name=name,
            error=str(error.strerror or error),
        ) from None
    return parse_spec(text, spec_format(name), name)


def dump_spec(spec: ExperimentSpec, fmt: str = "json") -> str:
    """The spec as "json" or "toml" text; parse_spec reads either back to the same spec."""
    if fmt == "json":
        return json.dumps(spec.to_dict(), indent=2) + "\n"
    if fmt != "toml":
        raise ValueError(f"unknown spec format {fmt!r}; use 'json' or 'toml'")
    lines = ["# QueueScope experiment spec"]
    for key, value in spec.to_dict().items():
        if value is None:
            continue  # TOML has no null: a missing key is the default (rate: as fast as possible)
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: same escapes
    return repr(value)


def spec_format(path: str | os.PathLike[str]) -> str:
    """ "toml" for a .toml file name, "json" otherwise (as load_spec reads it)."""
    return "toml" if os.fspath(path).lower().endswith(".toml") else "json"


def save_spec(spec: ExperimentSpec, path: str | os.PathLike[str]) -> None:
    Path(path).write_text(dump_spec(spec, spec_format(path)), encoding="utf-8")


class _Invalid(ValueError):
    """A spec value is wrong; the message names the key."""

    def __init__(self, template: str, /, **args: Value) -> None:
        self.sentence = Sentence.of(template, **args)
        super().__init__(self.sentence.render())


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Invalid(translatable("core", "key {key} is given twice"), key=repr(key))
        out[key] = value
    return out


_TYPE_NAMES = {
    bool: translatable("core", "a boolean"),
    int: translatable("core", "an integer"),
    float: translatable("core", "a number"),
    str: translatable("core", "a string"),
    list: translatable("core", "a list"),
    dict: translatable("core", "an object"),
    type(None): translatable("core", "null"),
}


def _type_name(value: Any) -> Sentence | str:
    name = _TYPE_NAMES.get(type(value))
    return type(value).__name__ if name is None else Sentence(name)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _coerce(key: str, value: Any, kind: type) -> Any:
    """value as kind, or _Invalid; ints are accepted for floats, bools never."""
    if kind is int:
        if _is_int(value):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise _Invalid(
            translatable("core", "{key}: expected an integer, got {type} {value}"),
            key=key,
            type=_type_name(value),
            value=repr(value),
        )
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Invalid(
                translatable("core", "{key}: expected a number, got {type} {value}"),
                key=key,
                type=_type_name(value),
                value=repr(value),
            )
        if not math.isfinite(value):
            raise _Invalid(
                translatable("core", "{key}: expected a finite number, got {value}"),
                key=key,
                value=repr(value),
            )
        return float(value)
    if not isinstance(value, str):
        raise _Invalid(
            translatable("core", "{key}: expected a string, got {type} {value}"),
            key=key,
            type=_type_name(value),
            value=repr(value),
        )
    return value


def _axis(
    data: Mapping[str, Any],
    key: str,
    kind: type,
    check: Callable[[Any], None],
    default: tuple[Any, ...] | None = None,
) -> tuple[Any, ...]:
    if key not in data:
        assert default is not None
        return default
    raw = data[key]
    items = list(raw) if isinstance(raw, list | tuple) else [raw]
    if not items:
        raise _Invalid(
            translatable("core", "{key}: the list is empty; give at least one value"), key=key
        )
    out: list[Any] = []
    for item in items:
        value = _coerce(key, item, kind)
        check(value)
        if value not in out:
            out.append(value)
    return tuple(out)


def _scalar(
    data: Mapping[str, Any],
    key: str,
    kind: type,
    default: Any,
    low: float,
    high: float,
    open_low: bool = False,
) -> Any:
    if key not in data:
        return default
    value = _coerce(key, data[key], kind)
    too_low = value <= low if open_low else value < low
    if too_low or value > high:
        template = (
            translatable("core", "{key} must be > {low} and <= {high}, got {value}")
            if open_low
            else translatable("core", "{key} must be >= {low} and <= {high}, got {value}")
        )
        raise _Invalid(template, key=key, low=_number(low), high=_number(high), value=repr(value))
    return value


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _choice(
    data: Mapping[str, Any], key: str, unknown: str, valid: Sequence[str], default: str
) -> str:
    if key not in data:
        return default
    value: str = _coerce(key, data[key], str)
    _one_of(unknown, valid)(value)
    return value


def _rate(data: Mapping[str, Any]) -> float | None:
    value = data.get("rate")
    if value is None:
        return None
    rate: float = _coerce("rate", value, float)
    if not rate > 0:
        raise _Invalid(
            translatable("core", "rate must be > 0 items/s, got {value}"), value=repr(rate)
        )
    return rate


def _check_strategy(value: str) -> None:
    if value not in STRATEGIES:
        close = difflib.get_close_matches(value, list(STRATEGIES), n=1)
        if close:
            raise _Invalid(
                translatable(
                    "core", "unknown strategy {value} (did you mean {close}?); valid: {valid}"
                ),
                value=repr(value),
                close=repr(close[0]),
                valid=", ".join(STRATEGIES),
            )
        raise _Invalid(
            translatable("core", "unknown strategy {value}; valid: {valid}"),
            value=repr(value),
            valid=", ".join(STRATEGIES),
        )


def _check_fault(value: str) -> None:
    kind = value.partition(":")[0]
    if value != NO_FAULT and kind not in FAULT_KINDS:
        raise _Invalid(
            translatable("core", "unknown fault {kind}; valid: {valid}"),
            kind=repr(kind),
            valid=", ".join((NO_FAULT, *FAULT_KINDS)),
        )


def _in_range(name: str, low: int, high: int) -> Callable[[Any], None]:
    def check(value: int) -> None:
        if not low <= value <= high:
            raise _Invalid(
                translatable("core", "{key} must be between {low} and {high}, got {value}"),
                key=name,
                low=low,
                high=f"{high:,}",
                value=value,
            )

    return check


def _one_of(unknown: str, valid: Sequence[str]) -> Callable[[Any], None]:
    """unknown: the marked "unknown ... {value}; valid: {valid}" message."""

    def check(value: str) -> None:
        if value not in valid:
            raise _Invalid(unknown, value=repr(value), valid=", ".join(valid))

    return check


# --- the plan: cells, seeds, what is skipped -----------------------------------


@dataclass(frozen=True)
class Cell:
    """One combination of the grid. params is the run template (seed 0)."""

    index: int
    strategy: str
    queue_kind: str  # resolved: the strategy's default filled in; "pool" for pool strategies
    start_method: str
    workers: int
    items: int
    params: RunParams
    fault: str = NO_FAULT

    @property
    def key(self) -> str:
        """The cell's coordinates, as used to derive its seeds."""
        key = f"{self.strategy}|{self.queue_kind}|{self.start_method}|{self.workers}|{self.items}"
        return key if self.fault == NO_FAULT else f"{key}|{self.fault}"

    @property
    def label(self) -> str:
        return self.label_sentence.render()

    @property
    def label_sentence(self) -> Sentence:
        """label in translatable parts, for the window."""
        args: dict[str, Value] = {
            "strategy": self.strategy,
            "queue_kind": self.queue_kind,
            "start_method": self.start_method,
            "workers": self.workers,
            "items": self.items,
        }
        if self.fault == NO_FAULT:
            template = translatable(
                "core",
                "{strategy} ({queue_kind}, {start_method}, {workers} workers, {items} items)",
            )
        else:
            template = translatable(
                "core",
                "{strategy} ({queue_kind}, {start_method}, {workers} workers, {items} items, "
                "fault {fault})",
            )
            args["fault"] = self.fault
        return Sentence.of(template, **args)

    def to_dict(self) -> dict[str, Any]:
        params = self.params.to_dict()
        del params["seed"]  # every trial has its own
        return {
            "index": self.index,
            "strategy": self.strategy,
            "queue_kind": self.queue_kind,
            "start_method": self.start_method,
            "workers": self.workers,
            "items": self.items,
            "fault": self.fault,
            "params": params,
        }


_UNSET = Sentence("")


@dataclass(frozen=True)
class Skipped:
    """A strategy × queue kind combination that was left out, and why."""

    strategy: str
    queue_kind: str
    reason: str
    sentence: Sentence = _UNSET  # reason in translatable parts, for the window

    def __post_init__(self) -> None:
        if not self.sentence.template:
            object.__setattr__(self, "sentence", Sentence(self.reason))

    def to_dict(self) -> dict[str, str]:
        return {"strategy": self.strategy, "queue_kind": self.queue_kind, "reason": self.reason}


@dataclass(frozen=True)
class ExperimentPlan:
    """A validated spec expanded into cells; what run_experiment() will do."""

    spec: ExperimentSpec
    cells: tuple[Cell, ...]
    skipped: tuple[Skipped, ...]
    notes: tuple[str, ...]  # warnings worth showing before and after the run
    note_sentences: tuple[Sentence, ...] = ()  # notes in translatable parts, for the window

    def __post_init__(self) -> None:
        if len(self.note_sentences) != len(self.notes):
            object.__setattr__(self, "note_sentences", tuple(Sentence(n) for n in self.notes))

    @property
    def total_trials(self) -> int:
        return len(self.cells) * self.spec.trials

    def trial_seed(self, cell: int, trial: int) -> int:
        return trial_seed(self.spec.seed, self.cells[cell], trial)

    def trial_params(self, cell: int, trial: int) -> RunParams:
        """The exact parameters of one trial (to re-run it as a single run)."""
        return self.cells[cell].params.replace(seed=self.trial_seed(cell, trial))

    def order(self) -> Iterator[tuple[int, int]]:
        """(cell, trial) in run order: round-robin over the cells."""
        for trial in range(self.spec.trials):
            for cell in range(len(self.cells)):
                yield cell, trial


def trial_seed(base_seed: int, cell: Cell, trial: int) -> int:
    """A trial's seed: SHA-256 of the base seed, the cell's coordinates and the trial.

    Stable across processes and Python versions (no hash randomisation), and
    independent of the other cells in the grid. 48 bits: exact in JSON.
    """
    text = f"queuescope-experiment|{base_seed}|{cell.key}|{trial}"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:6], "big")


def plan_experiment(spec: ExperimentSpec) -> ExperimentPlan:
    """Validate the spec and expand it into cells. Raises ExperimentSpecError."""
    spec = validate_spec(spec)
    cells: list[Cell] = []
    skipped: list[Skipped] = []
    notes: list[Sentence] = []
    seen: set[tuple[str, str, str, int, int, str]] = set()
    for strategy_id in spec.strategies:
        strategy = get_strategy(strategy_id)
        is_pool = strategy.queue_kinds == (POOL_QUEUE,)
        if is_pool and any(q not in (DEFAULT_QUEUE, POOL_QUEUE) for q in spec.queue_kinds):
            notes.append(
                Sentence.of(
                    translatable(
                        "core",
                        "{strategy} runs its own pool: the queue-kind axis does not apply to it",
                    ),
                    strategy=strategy_id,
                )
            )
        supported: list[str] = []
        for asked in spec.queue_kinds:
            queue_kind = strategy.queue_kinds[0] if asked == DEFAULT_QUEUE or is_pool else asked
            if queue_kind not in strategy.queue_kinds:
                reason = Sentence.of(
                    translatable(
                        "core",
                        "{strategy} does not support queue kind {value} (it supports: {valid})",
                    ),
                    strategy=strategy_id,
                    value=repr(asked),
                    valid=", ".join(strategy.queue_kinds),
                )
                skipped.append(Skipped(strategy_id, asked, reason.render(), reason))
                continue
            if queue_kind not in supported:
                supported.append(queue_kind)
        if not supported:
            raise _spec_error(
                translatable(
                    "core",
                    "strategy {strategy} supports none of the queue kinds asked for ({asked}); "
                    "it supports: {valid}",
                ),
                strategy=strategy_id,
                asked=", ".join(spec.queue_kinds),
                valid=", ".join(strategy.queue_kinds),
            )
        for queue_kind in supported:
            for start_method in spec.start_methods:
                for workers in spec.workers:
                    for items, fault in itertools.product(spec.items, spec.faults):
                        coordinates = (strategy_id, queue_kind, start_method, workers, items, fault)
                        if coordinates in seen:
                            continue
                        seen.add(coordinates)
                        params = RunParams(
                            strategy=strategy_id,
                            items=items,
                            workers=workers,
                            queue_kind=None if is_pool else queue_kind,
                            start_method=start_method,
                            producer=spec.producer,
                            rate=spec.rate,
                            work_ms=spec.work_ms,
                            work_kind=spec.work_kind,
                            jitter_ms=spec.jitter_ms,
                            seed=0,
                            watchdog_s=spec.watchdog_s,
                            get_timeout_s=spec.get_timeout_s,
                            chunksize=spec.chunksize,
                            fault=None if fault == NO_FAULT else fault,
                        )
                        try:
                            validate(params)
                        except ParamError as error:
                            raise ExperimentSpecError(error.sentence) from None
                        cells.append(
                            Cell(
                                len(cells),
                                strategy_id,
                                queue_kind,
                                start_method,
                                workers,
                                items,
                                params,
                                fault,
                            )
                        )
    total = len(cells) * spec.trials
    if total > MAX_TOTAL_TRIALS:
        raise _spec_error(
            translatable(
                "core", "the grid has {cells} cells × {trials} trials = {total} runs; at most {max}"
            ),
            cells=len(cells),
            trials=spec.trials,
            total=f"{total:,}",
            max=f"{MAX_TOTAL_TRIALS:,}",
        )
    if "fork" in spec.start_methods and spec.parallel > 1:
        raise _spec_error(
            translatable(
                "core",
                "start method fork cannot run trials in parallel (a forked child would inherit "
                "locks held by the other trials' threads); use spawn or forkserver, or parallel 1",
            )
        )
    cpus = os.cpu_count() or 1
    busiest = spec.parallel * max(spec.workers)
    if spec.parallel > 1 and busiest > cpus:
        notes.append(
            Sentence.of(
                translatable(
                    "core",
                    "{parallel} trials at once × up to {workers} workers = {busiest} worker "
                    "processes on {cpus} CPUs: oversubscribed, so timings are slower and race "
                    "rates can differ from sequential trials",
                ),
                parallel=spec.parallel,
                workers=max(spec.workers),
                busiest=busiest,
                cpus=cpus,
            )
        )
    return ExperimentPlan(
        spec, tuple(cells), tuple(skipped), tuple(n.render() for n in notes), tuple(notes)
    )


# --- statistics ---------------------------------------------------------------


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95 % by default).

    Unlike p ± z·sqrt(p(1-p)/n), it stays inside [0, 1] and is not empty at
    0/n or n/n. With no trials the interval is the whole of [0, 1].
    """
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes}/{n}")
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


@dataclass(frozen=True)
class Rate:
    """count of n trials had the outcome; rate None when n is 0."""

    count: int
    n: int
    low: float
    high: float

    @property
    def rate(self) -> float | None:
        return self.count / self.n if self.n else None

    @classmethod
    def of(cls, count: int, n: int) -> Rate:
        low, high = wilson_interval(count, n)
        return cls(count, n, low, high)

    def to_dict(self) -> dict[str, Any]:
        rate = self.rate
        return {
            "count": self.count,
            "n": self.n,
            "rate": None if rate is None else round(rate, 6),
            "low": round(self.low, 6),
            "high": round(self.high, 6),
        }


# --- results ------------------------------------------------------------------


@dataclass
class TrialSummary:
    """One trial, small enough to keep thousands; run is the full result if kept."""

    cell: int
    trial: int
    seed: int
    outcome: str
    outcomes: tuple[str, ...]
    items: int
    processed: int
    lost: int
    duplicated: int
    elapsed_s: float
    diagnosis: str
    run: RunResult | None = field(default=None, repr=False, compare=False)
    # what the window translates; the JSON keeps the English diagnosis only
    diagnosis_sentences: tuple[Sentence, ...] = field(default=(), repr=False, compare=False)

    @property
    def items_per_s(self) -> float:
        return self.processed / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @classmethod
    def of(cls, cell: int, trial: int, result: RunResult, keep_run: bool) -> TrialSummary:
        return cls(
            cell=cell,
            trial=trial,
            seed=result.params.seed,
            outcome=result.outcome,
            outcomes=tuple(result.outcomes),
            items=result.items,
            processed=result.processed,
            lost=len(result.lost),
            duplicated=len(result.duplicates),
            elapsed_s=result.elapsed_s,
            diagnosis=result.diagnosis,
            run=result if keep_run else None,
            diagnosis_sentences=result.diagnosis_sentences,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "trial": self.trial,
            "seed": self.seed,
            "outcome": self.outcome,
            "outcomes": list(self.outcomes),
            "items": self.items,
            "processed": self.processed,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "elapsed_s": round(self.elapsed_s, 6),
            "items_per_s": round(self.items_per_s, 3),
            "diagnosis": self.diagnosis,
        }


@dataclass
class CellResult:
    """A cell's trials (in trial order) and what they add up to."""

    cell: Cell
    trials: list[TrialSummary] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.trials)

    def counts(self) -> dict[str, int]:
        """Trials with each outcome, per flag (a deadlock + lost trial counts for both)."""
        counts = dict.fromkeys(COUNTED_OUTCOMES, 0)
        for trial in self.trials:
            for outcome in set(trial.outcomes):
                if outcome in counts:
                    counts[outcome] += 1
        return counts

    def headline_counts(self) -> dict[str, int]:
        """Trials by their headline (first) outcome only; these add up to n."""
        counts = dict.fromkeys(COUNTED_OUTCOMES, 0)
        for trial in self.trials:
            counts[trial.outcome] = counts.get(trial.outcome, 0) + 1
        return counts

    def rates(self) -> dict[str, Rate]:
        n = self.n
        return {outcome: Rate.of(count, n) for outcome, count in self.counts().items()}

    def elapsed(self) -> dict[str, float] | None:
        """median, min and max elapsed seconds; None without trials."""
        values = [t.elapsed_s for t in self.trials]
        if not values:
            return None
        return {"median": statistics.median(values), "min": min(values), "max": max(values)}

    @property
    def median_elapsed_s(self) -> float | None:
        elapsed = self.elapsed()
        return None if elapsed is None else elapsed["median"]

    @property
    def median_items_per_s(self) -> float | None:
        values = [t.items_per_s for t in self.trials]
        return statistics.median(values) if values else None

    def snapshot(self) -> CellResult:
        return CellResult(self.cell, sorted(self.trials, key=lambda t: t.trial))

    def to_dict(self, include_trials: bool = True) -> dict[str, Any]:
        data = self.cell.to_dict()
        data["trials"] = self.n
        data["counts"] = self.counts()
        data["headline"] = self.headline_counts()
        data["rates"] = {name: rate.to_dict() for name, rate in self.rates().items()}
        elapsed = self.elapsed()
        data["elapsed_s"] = (
            None if elapsed is None else {k: round(v, 6) for k, v in elapsed.items()}
        )
        items_per_s = self.median_items_per_s
        data["items_per_s"] = {"median": None if items_per_s is None else round(items_per_s, 3)}
        if include_trials:
            data["runs"] = [t.to_dict() for t in self.trials]
        return data


@dataclass
class ExperimentResult:
    plan: ExperimentPlan
    cells: list[CellResult]
    cancelled: bool
    trials_done: int  # counted trials (those cut by cancel are not)
    trials_total: int
    elapsed_s: float
    started_at: float  # wall clock (time.time())

    @property
    def spec(self) -> ExperimentSpec:
        return self.plan.spec

    def trial(self, cell: int, trial: int) -> TrialSummary | None:
        for summary in self.cells[cell].trials:
            if summary.trial == trial:
                return summary
        return None

    def to_dict(self, include_trials: bool = True) -> dict[str, Any]:
        return {
            "spec": self.spec.to_dict(),
            "cancelled": self.cancelled,
            "trials_done": self.trials_done,
            "trials_total": self.trials_total,
            "elapsed_s": round(self.elapsed_s, 6),
            "started_at": self.started_at,
            "rates_are": RATES_DEFINITION,
            "interval": "95% Wilson score",
            "skipped": [s.to_dict() for s in self.plan.skipped],
            "notes": list(self.plan.notes),
            "cells": [c.to_dict(include_trials) for c in self.cells],
        }


@dataclass(frozen=True)
class ExperimentProgress:
    """After each trial (and once at the start, with trial None)."""

    done: int
    total: int
    elapsed_s: float
    eta_s: float | None  # None until a trial has finished
    running: int  # trials in flight
    trial: TrialSummary | None  # the one that just finished
    cell: CellResult | None  # a snapshot of its cell's results so far


ExperimentProgressCallback = Callable[[ExperimentProgress], None]


# --- running ------------------------------------------------------------------


def run_experiment(
    spec: ExperimentSpec | ExperimentPlan,
    on_progress: ExperimentProgressCallback | None = None,
    cancel: threading.Event | None = None,
    keep_runs: bool = True,
) -> ExperimentResult:
    """Run every trial of every cell; blocks until done or cancelled.

    Holds exclusive_runs() throughout, so no single run can start meanwhile
    (RunInProgress at once if one is going). Trials run one after another,
    or spec.parallel at a time on that many threads. on_progress is called
    after every trial, one call at a time, from the thread that ran it.
    Setting cancel stops the trials in flight (each returns within about a
    second, its processes gone) and starts no new one; the result then has
    cancelled=True and the trials done so far. keep_runs keeps each trial's
    full RunResult (records included) in TrialSummary.run: needed to open a
    trial's single-run views, but memory grows with items × trials.

    Raises ExperimentSpecError for a bad spec, before anything runs.
    """
    plan = spec if isinstance(spec, ExperimentPlan) else plan_experiment(spec)
    if "fork" in plan.spec.start_methods and threading.active_count() > 1:
        raise _spec_error(
            translatable(
                "core",
                "start method fork is refused in a process with threads (the child would "
                "inherit locks held by other threads); use spawn or forkserver",
            )
        )
    with exclusive_runs():
        return _Experiment(plan, on_progress, cancel or threading.Event(), keep_runs).execute()


class _Experiment:
    def __init__(
        self,
        plan: ExperimentPlan,
        on_progress: ExperimentProgressCallback | None,
        cancel: threading.Event,
        keep_runs: bool,
    ) -> None:
        self.plan = plan
        self.on_progress = on_progress
        self.cancel = cancel
        self.keep_runs = keep_runs
        self.cells = [CellResult(cell) for cell in plan.cells]
        self.jobs = plan.order()
        self.lock = threading.Lock()
        self.done = 0
        self.running = 0
        self.error: BaseException | None = None
        self.t0 = 0.0

    def execute(self) -> ExperimentResult:
        self.t0 = time.monotonic()
        started_at = time.time()
        total = self.plan.total_trials
        self._report(None, None)
        threads_wanted = min(self.plan.spec.parallel, total)
        if threads_wanted <= 1:
            self._work()
        else:
            threads = [
                threading.Thread(target=self._work, name=f"queuescope-trial-{k + 1}", daemon=True)
                for k in range(threads_wanted)
            ]
            for thread in threads:
                thread.start()
            try:
                for thread in threads:
                    while thread.is_alive():
                        thread.join(0.1)
            except BaseException:
                # KeyboardInterrupt while waiting: stop the trials, leave no child.
                self.cancel.set()
                for thread in threads:
                    thread.join()
                raise
        if threads_wanted > 1:
            # Each run collects its own cycles (queues, pools) as it ends, but a
            # gc.collect() that starts while another thread's collection is under
            # way does nothing, so a parallel run's named semaphores can outlive
            # it. Nothing else runs now: collect once more.
            gc.collect()
        if self.error is not None:
            raise self.error
        for cell in self.cells:
            cell.trials.sort(key=lambda t: t.trial)
        return ExperimentResult(
            plan=self.plan,
            cells=self.cells,
            cancelled=self.done < total,
            trials_done=self.done,
            trials_total=total,
            elapsed_s=time.monotonic() - self.t0,
            started_at=started_at,
        )

    def _next(self) -> tuple[int, int] | None:
        with self.lock:
            if self.cancel.is_set() or self.error is not None:
                return None
            job = next(self.jobs, None)
            if job is not None:
                self.running += 1
            return job

    def _work(self) -> None:
        while (job := self._next()) is not None:
            cell, trial = job
            try:
                result = run_unlocked(self.plan.trial_params(cell, trial), None, self.cancel)
            except BaseException as error:
                with self.lock:
                    self.running -= 1
                    if self.error is None:
                        self.error = error
                return
            try:
                self._record(cell, trial, result)
            except BaseException as error:  # a failing progress callback
                with self.lock:
                    if self.error is None:
                        self.error = error
                return

    def _record(self, cell: int, trial: int, result: RunResult) -> None:
        with self.lock:
            self.running -= 1
            if result.outcome == "cancelled" or "cancelled" in result.outcomes:
                return  # cut short by our cancel: not a measurement
            summary = TrialSummary.of(cell, trial, result, self.keep_runs)
            self.cells[cell].trials.append(summary)
            self.done += 1
            self._report(summary, self.cells[cell].snapshot())

    def _report(self, summary: TrialSummary | None, cell: CellResult | None) -> None:
        if self.on_progress is None:
            return
        elapsed = time.monotonic() - self.t0
        total = self.plan.total_trials
        eta = elapsed / self.done * (total - self.done) if self.done else None
        self.on_progress(
            ExperimentProgress(
                done=self.done,
                total=total,
                elapsed_s=elapsed,
                eta_s=eta,
                running=self.running,
                trial=summary,
                cell=cell,
            )
        )
