"""Run parameters: one schema that every reader of a parameter follows.

Each parameter's type, range, default, help and command-line flag are
declared once, in PARAMS. validate() (core.validation), the spec reader
(core.experiment), the CLI's options, the window's saved settings and its
widget ranges all come from it, so a value is judged the same way wherever
it is typed. This module is data: it never imports the strategy catalog or
the queue backends (those add the choices that depend on them).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import ParamError
from core.faults import Fault
from core.text import Sentence, Value, shown, translatable

MAX_ITEMS = 10_000_000
MAX_WORKERS = 256
MAX_WORK_MS = 60_000.0
MAX_SECONDS = 3600.0
MIN_RATE = 0.01  # items/s: slower would leave a run waiting ages (or overflow a timeout)
MAX_RATE = 1_000_000_000.0
MAX_CHUNKSIZE = 1_000_000
MAX_SEED = 2**63 - 1
START_METHODS = ("spawn", "forkserver", "fork")
PRODUCERS = ("prefill", "concurrent")
WORK_KINDS = ("sleep", "cpu")
POOL_QUEUE = "pool"  # what a pool-driven strategy shows where others name their queue backend


def platform_start_method() -> str:
    """Python's own default start method here (QueueScope's default is spawn)."""
    import multiprocessing

    return (
        multiprocessing.get_start_method(allow_none=True)
        or multiprocessing.get_all_start_methods()[0]
    )


@dataclass(frozen=True)
class RunParams:
    strategy: str = "seed-empty-after-get"
    items: int = 100
    workers: int = 3
    queue_kind: str | None = None  # a backend name; None: the strategy's own default
    start_method: str = "spawn"
    producer: str = "prefill"
    rate: float | None = None  # items/s for the concurrent producer; None: as fast as possible
    work_ms: float = 0.0
    work_kind: str = "sleep"
    jitter_ms: float = 0.0
    seed: int = 0
    watchdog_s: float = 5.0
    get_timeout_s: float = 0.5
    chunksize: int = 1
    batch_size: int = 1000
    fault: Fault | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["fault"] = str(self.fault) if self.fault else None
        return data

    def replace(self, **changes: Any) -> RunParams:
        return dataclasses.replace(self, **changes)


_TYPE_NAMES = {
    bool: translatable("core", "a boolean"),
    int: translatable("core", "an integer"),
    float: translatable("core", "a number"),
    str: translatable("core", "a string"),
    list: translatable("core", "a list"),
    dict: translatable("core", "an object"),
    type(None): translatable("core", "null"),
}


def type_name(value: Any) -> Sentence | str:
    """How a message names the type of a value read from a file."""
    name = _TYPE_NAMES.get(type(value))
    return type(value).__name__ if name is None else Sentence(name)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _error(template: str, /, **args: Value) -> ParamError:
    return ParamError(Sentence.of(template, **args))


@dataclass(frozen=True)
class Param:
    """One parameter: its type, range or choices, default, help and flag.

    check() turns a value (typed in code, read from a file or a setting)
    into the parameter's type or raises ParamError with one line that
    names the parameter. Choices that depend on the catalog (strategies,
    queue backends) are passed in by the caller.
    """

    name: str
    kind: type
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    low_excluded: bool = False  # the range is (low, high]: low itself is refused
    choices: tuple[str, ...] = ()
    unknown: str = ""  # the marked "unknown ... {value}; valid: {valid}" message
    optional: bool = False  # None is a value (no rate, the strategy's own queue)
    flag: str = ""
    metavar: str | None = None

    @property
    def option(self) -> str:
        """The command-line option: --work-ms for work_ms."""
        return self.flag or "--" + self.name.replace("_", "-")

    def check(self, value: Any, choices: Sequence[str] | None = None, key: str = "") -> Any:
        """key: how messages name the parameter, when not by its name (a spec's axis)."""
        if value is None and self.optional:
            return None
        value = self.coerce(value, key)
        valid = tuple(choices) if choices is not None else self.choices
        if valid and value not in valid:
            raise _error(self.unknown, value=shown(value), valid=", ".join(valid))
        self.check_range(value, key)
        return value

    def coerce(self, value: Any, key: str = "") -> Any:
        """value as this parameter's type; ints are accepted for floats, bools never."""
        if self.kind is int:
            if is_int(value):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise self._type_error(
                translatable("core", "{key}: expected an integer, got {type} {value}"), value, key
            )
        if self.kind is float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self._type_error(
                    translatable("core", "{key}: expected a number, got {type} {value}"), value, key
                )
            if not math.isfinite(value):
                raise _error(
                    translatable("core", "{key}: expected a finite number, got {value}"),
                    key=key or self.name,
                    value=shown(value),
                )
            return float(value)
        if not isinstance(value, str):
            raise self._type_error(
                translatable("core", "{key}: expected a string, got {type} {value}"), value, key
            )
        return value

    def check_range(self, value: Any, key: str = "") -> None:
        if self.low is None or self.high is None:
            return
        too_low = value <= self.low if self.low_excluded else value < self.low
        if not too_low and value <= self.high:
            return
        if self.kind is int:
            template = translatable("core", "{key} must be between {low} and {high}, got {value}")
        elif self.low_excluded:
            template = translatable("core", "{key} must be > {low} and <= {high}, got {value}")
        else:
            template = translatable("core", "{key} must be >= {low} and <= {high}, got {value}")
        raise _error(
            template,
            key=key or self.name,
            low=_number(self.low),
            high=_number(self.high),
            value=shown(value),
        )

    def _type_error(self, template: str, value: Any, key: str) -> ParamError:
        return _error(template, key=key or self.name, type=type_name(value), value=shown(value))


def _choice(name: str, default: str, choices: tuple[str, ...], unknown: str, help: str) -> Param:
    return Param(name, str, default, help, choices=choices, unknown=unknown)


PARAMS: dict[str, Param] = {
    p.name: p
    for p in (
        Param(
            "strategy",
            str,
            RunParams.strategy,
            translatable("core", "a strategy id (see 'strategies')"),
            unknown=translatable("core", "unknown strategy {value}; valid: {valid}"),
            metavar="ID",
        ),
        Param(
            "items",
            int,
            RunParams.items,
            translatable("core", "how many items the producer puts"),
            0,
            MAX_ITEMS,
        ),
        Param(
            "workers",
            int,
            RunParams.workers,
            translatable("core", "how many worker processes take items"),
            1,
            MAX_WORKERS,
        ),
        Param(
            "queue_kind",
            str,
            RunParams.queue_kind,
            translatable("core", "queue kind"),
            unknown=translatable("core", "unknown queue kind {value}; valid: {valid}"),
            optional=True,
            flag="--queue",
        ),
        _choice(
            "start_method",
            RunParams.start_method,
            START_METHODS,
            translatable("core", "unknown start method {value}; valid: {valid}"),
            translatable("core", "how worker processes start"),
        ),
        _choice(
            "producer",
            RunParams.producer,
            PRODUCERS,
            translatable("core", "unknown producer {value}; valid: {valid}"),
            translatable(
                "core", "prefill: all items before the workers start; concurrent: while they run"
            ),
        ),
        Param(
            "rate",
            float,
            RunParams.rate,
            translatable("core", "items/s of the concurrent producer"),
            MIN_RATE,
            MAX_RATE,
            optional=True,
        ),
        Param(
            "work_ms",
            float,
            RunParams.work_ms,
            translatable("core", "per-item work in ms"),
            0.0,
            MAX_WORK_MS,
            metavar="MS",
        ),
        _choice(
            "work_kind",
            RunParams.work_kind,
            WORK_KINDS,
            translatable("core", "unknown work kind {value}; valid: {valid}"),
            translatable("core", "what the per-item work does: sleep or busy CPU"),
        ),
        Param(
            "jitter_ms",
            float,
            RunParams.jitter_ms,
            translatable("core", "random extra work per item, up to this many ms"),
            0.0,
            MAX_WORK_MS,
            metavar="MS",
        ),
        Param(
            "seed",
            int,
            RunParams.seed,
            translatable("core", "seed of the jitter"),
            0,
            MAX_SEED,
            metavar="K",
        ),
        Param(
            "watchdog_s",
            float,
            RunParams.watchdog_s,
            translatable("core", "seconds without progress before a run is called stalled"),
            0.0,
            MAX_SECONDS,
            low_excluded=True,
            metavar="S",
        ),
        Param(
            "get_timeout_s",
            float,
            RunParams.get_timeout_s,
            translatable("core", "the timeout of the loops that call get(timeout)"),
            0.0,
            MAX_SECONDS,
            low_excluded=True,
            metavar="S",
        ),
        Param(
            "chunksize",
            int,
            RunParams.chunksize,
            translatable("core", "items per task of the pool strategies"),
            1,
            MAX_CHUNKSIZE,
        ),
        Param(
            "batch_size",
            int,
            RunParams.batch_size,
            translatable("core", "items per batch of the batched strategy"),
            1,
            MAX_CHUNKSIZE,
        ),
    )
}
"""Every RunParams field but fault (a value object, see core.faults), in field order."""
