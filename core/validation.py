"""validate(): a RunParams checked against the schema, the catalog and the backends.

It sits above the strategy catalog and the backend registry because the
choices of two parameters come from them; every other rule is the schema's
(core.params.PARAMS), but for two about the machine: a big payload must fit
in memory (core.faults) and spawned processes need the working directory.
"""

from __future__ import annotations

import dataclasses

import core.redis_strategies  # noqa: F401 (registers the Redis-native strategies)
from core.backends import backend_names, get_backend
from core.diagnosis import MISSING_CWD, missing_working_directory
from core.errors import ParamError
from core.params import PARAMS, POOL_QUEUE, RunParams
from core.strategies import STRATEGIES
from core.text import Sentence, shown, translatable


def validate(params: RunParams) -> RunParams:
    """Check every field; return the params with the queue kind and fault resolved.

    Raises ParamError with a one-line, user-facing message.
    """
    values = {}
    for field in dataclasses.fields(params):
        name = field.name
        if name in ("queue_kind", "fault"):
            continue
        choices = tuple(STRATEGIES) if name == "strategy" else None
        values[name] = PARAMS[name].check(getattr(params, name), choices)
    strategy = STRATEGIES[values["strategy"]]
    queue_kind = params.queue_kind
    if queue_kind is not None and queue_kind != POOL_QUEUE:
        PARAMS["queue_kind"].check(queue_kind, backend_names())
    supported = strategy.queue_kinds
    queue_kind = queue_kind or supported[0]
    if queue_kind not in supported:
        raise ParamError(
            Sentence.of(
                translatable(
                    "core",
                    "strategy {strategy} does not support queue kind {value}; it supports: {valid}",
                ),
                strategy=strategy.id,
                value=shown(queue_kind),
                valid=", ".join(supported),
            )
        )
    fault = params.fault.resolved(values["items"], values["workers"]) if params.fault else None
    if fault is not None and queue_kind != POOL_QUEUE:
        refused: frozenset[str] = getattr(get_backend(queue_kind), "refused_faults", frozenset())
        if fault.kind in refused:
            raise ParamError(
                Sentence.of(
                    translatable("core", "queue kind {queue} does not take the fault {fault}"),
                    queue=queue_kind,
                    fault=fault.kind,
                )
            )
    if values["start_method"] != "fork" and (gone := missing_working_directory()) is not None:
        # spawn and forkserver start each process in the working directory
        raise ParamError(Sentence.of(MISSING_CWD, dir=gone))
    return RunParams(**values, queue_kind=queue_kind, fault=fault)
