"""Run parameters and their validation (shared by the CLI, the window and experiments)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

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
    """A run parameter is out of range or does not fit the chosen strategy."""


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
        raise ParamError(f"unknown strategy {params.strategy!r}; valid: {', '.join(STRATEGIES)}")
    strategy = get_strategy(params.strategy)
    if not 0 <= params.items <= MAX_ITEMS:
        raise ParamError(f"items must be between 0 and {MAX_ITEMS:,}, got {params.items}")
    if not 1 <= params.workers <= MAX_WORKERS:
        raise ParamError(f"workers must be between 1 and {MAX_WORKERS}, got {params.workers}")
    queue_kind = params.queue_kind or strategy.queue_kinds[0]
    if queue_kind not in strategy.queue_kinds:
        raise ParamError(
            f"strategy {strategy.id} does not support queue kind {queue_kind!r}; "
            f"it supports: {', '.join(strategy.queue_kinds)}"
        )
    if params.start_method not in START_METHODS:
        raise ParamError(
            f"unknown start method {params.start_method!r}; valid: {', '.join(START_METHODS)}"
        )
    if params.producer not in PRODUCERS:
        raise ParamError(f"unknown producer {params.producer!r}; valid: {', '.join(PRODUCERS)}")
    if params.rate is not None and not params.rate > 0:
        raise ParamError(f"rate must be > 0 items/s, got {params.rate}")
    if params.work_kind not in WORK_KINDS:
        raise ParamError(f"unknown work kind {params.work_kind!r}; valid: {', '.join(WORK_KINDS)}")
    if params.work_ms < 0 or params.jitter_ms < 0:
        raise ParamError("work and jitter must be >= 0 ms")
    if not params.watchdog_s > 0:
        raise ParamError(f"watchdog must be > 0 s, got {params.watchdog_s}")
    if not params.get_timeout_s > 0:
        raise ParamError(f"get timeout must be > 0 s, got {params.get_timeout_s}")
    if params.chunksize < 1:
        raise ParamError(f"chunksize must be >= 1, got {params.chunksize}")
    fault = params.fault
    if fault:
        from core.faults import parse_fault

        try:
            fault = str(parse_fault(fault, params.items, params.workers))
        except ValueError as error:
            raise ParamError(str(error)) from None
    return params.replace(queue_kind=queue_kind, fault=fault or None)
