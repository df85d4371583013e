"""Run parameters and their validation (shared by the CLI, the window and experiments)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from core.text import Sentence, translatable

MAX_ITEMS = 10_000_000
MAX_WORKERS = 256
QUEUE_KINDS = ("manager", "mp", "joinable")
START_METHODS = ("spawn", "forkserver", "fork")
PRODUCERS = ("prefill", "concurrent")
WORK_KINDS = ("sleep", "cpu")


def platform_start_method() -> str:
    """Python's own default start method here (QueueScope's default is spawn)."""
    import multiprocessing

    return (
        multiprocessing.get_start_method(allow_none=True)
        or multiprocessing.get_all_start_methods()[0]
    )


class ParamError(ValueError):
    """A run parameter is out of range or does not fit the chosen strategy.

    str(error) is the English message; error.sentence is the same message in
    translatable parts, for the window.
    """

    def __init__(self, message: str | Sentence) -> None:
        self.sentence = message if isinstance(message, Sentence) else Sentence(message)
        super().__init__(self.sentence.render())


@dataclass(frozen=True)
class RunParams:
    strategy: str = "seed-empty-after-get"
    items: int = 100
    workers: int = 3
    queue_kind: str | None = None  # None: the strategy's own default
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
    fault: str | None = None  # KIND[:ARG], see core.faults

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> RunParams:
        return dataclasses.replace(self, **changes)


def validate(params: RunParams) -> RunParams:
    """Check every field; return the params with the queue kind resolved.

    Raises ParamError with a one-line, user-facing message.
    """
    from core.strategies import STRATEGIES, get_strategy

    if params.strategy not in STRATEGIES:
        raise _error(
            translatable("core", "unknown strategy {value}; valid: {valid}"),
            value=repr(params.strategy),
            valid=", ".join(STRATEGIES),
        )
    strategy = get_strategy(params.strategy)
    if not 0 <= params.items <= MAX_ITEMS:
        raise _error(
            translatable("core", "items must be between 0 and {max}, got {value}"),
            max=f"{MAX_ITEMS:,}",
            value=params.items,
        )
    if not 1 <= params.workers <= MAX_WORKERS:
        raise _error(
            translatable("core", "workers must be between 1 and {max}, got {value}"),
            max=MAX_WORKERS,
            value=params.workers,
        )
    queue_kind = params.queue_kind or strategy.queue_kinds[0]
    if queue_kind not in strategy.queue_kinds:
        raise _error(
            translatable(
                "core",
                "strategy {strategy} does not support queue kind {value}; it supports: {valid}",
            ),
            strategy=strategy.id,
            value=repr(queue_kind),
            valid=", ".join(strategy.queue_kinds),
        )
    if params.start_method not in START_METHODS:
        raise _error(
            translatable("core", "unknown start method {value}; valid: {valid}"),
            value=repr(params.start_method),
            valid=", ".join(START_METHODS),
        )
    if params.producer not in PRODUCERS:
        raise _error(
            translatable("core", "unknown producer {value}; valid: {valid}"),
            value=repr(params.producer),
            valid=", ".join(PRODUCERS),
        )
    if params.rate is not None and not params.rate > 0:
        raise _error(
            translatable("core", "rate must be > 0 items/s, got {value}"), value=params.rate
        )
    if params.work_kind not in WORK_KINDS:
        raise _error(
            translatable("core", "unknown work kind {value}; valid: {valid}"),
            value=repr(params.work_kind),
            valid=", ".join(WORK_KINDS),
        )
    if params.work_ms < 0 or params.jitter_ms < 0:
        raise _error(translatable("core", "work and jitter must be >= 0 ms"))
    if not params.watchdog_s > 0:
        raise _error(
            translatable("core", "watchdog must be > 0 s, got {value}"), value=params.watchdog_s
        )
    if not params.get_timeout_s > 0:
        raise _error(
            translatable("core", "get timeout must be > 0 s, got {value}"),
            value=params.get_timeout_s,
        )
    if params.chunksize < 1:
        raise _error(
            translatable("core", "chunksize must be >= 1, got {value}"), value=params.chunksize
        )
    fault = params.fault
    if fault:
        from core.faults import parse_fault

        fault = str(parse_fault(fault, params.items, params.workers))
    return params.replace(queue_kind=queue_kind, fault=fault or None)


def _error(template: str, /, **args: str | int | float) -> ParamError:
    return ParamError(Sentence.of(template, **args))
