"""Injected faults: what can go wrong with a worker or the producer, on purpose.

A fault is written KIND[:ARG], for example "kill:10" (SIGKILL the worker that
takes item 10, right after it took it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.text import Sentence, translatable

PIPE_BUFFER_BYTES = 65536  # Linux's default pipe capacity


@dataclass(frozen=True)
class FaultKind:
    name: str
    arg_name: str  # what ARG means
    help: str
    expected: str
    effect: str  # help with {arg} for ARG: the diagnosis fills in the value


FAULT_KINDS: dict[str, FaultKind] = {
    f.name: f
    for f in (
        FaultKind(
            "kill",
            translatable("core", "item"),
            translatable("core", "SIGKILL the worker right after it takes item ARG"),
            translatable("core", "crashed"),
            translatable("core", "SIGKILL the worker right after it takes item {arg}"),
        ),
        FaultKind(
            "raise",
            translatable("core", "item"),
            translatable("core", "the worker raises an exception on item ARG"),
            translatable("core", "crashed"),
            translatable("core", "the worker raises an exception on item {arg}"),
        ),
        FaultKind(
            "stop",
            translatable("core", "item"),
            translatable("core", "SIGSTOP (pause) the worker right after it takes item ARG"),
            translatable("core", "stalled"),
            translatable("core", "SIGSTOP (pause) the worker right after it takes item {arg}"),
        ),
        FaultKind(
            "unpicklable",
            translatable("core", "item"),
            translatable("core", "the producer puts an unpicklable object as item ARG"),
            translatable("core", "crashed"),
            translatable("core", "the producer puts an unpicklable object as item {arg}"),
        ),
        FaultKind(
            "big-payload",
            translatable("core", "bytes"),
            translatable("core", "every item carries ARG bytes (default 1 MiB)"),
            translatable("core", "as without"),
            translatable("core", "every item carries {arg} bytes (default 1 MiB)"),
        ),
        FaultKind(
            "slow",
            translatable("core", "worker"),
            translatable("core", "worker ARG (1-based) works 100x slower"),
            translatable("core", "ok"),
            translatable("core", "worker {arg} (1-based) works 100x slower"),
        ),
    )
}
SLOW_FACTOR = 100
SLOW_MIN_MS = 1.0  # a slow worker is slow even when items take no work


@dataclass(frozen=True)
class Fault:
    kind: str
    arg: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.arg}"

    @property
    def item(self) -> int:
        """The item the fault hits; -1 for faults that are not about one item."""
        return self.arg if FAULT_KINDS[self.kind].arg_name == "item" else -1


def parse_fault(text: str, items: int, workers: int) -> Fault:
    """Parse KIND[:ARG]; raise ParamError (a ValueError) with a one-line message."""
    # Here, not at the top: workers import this module and never parse faults.
    from core.params import ParamError

    kind, _, raw_arg = text.partition(":")
    if kind not in FAULT_KINDS:
        raise ParamError(
            Sentence.of(
                translatable("core", "unknown fault {kind}; valid: {valid}"),
                kind=repr(kind),
                valid=", ".join(FAULT_KINDS),
            )
        )
    meaning = FAULT_KINDS[kind].arg_name
    default = {"item": items // 2, "bytes": 1 << 20, "worker": 1}[meaning]
    try:
        arg = int(raw_arg) if raw_arg else default
    except ValueError:
        raise ParamError(
            Sentence.of(
                translatable("core", "fault {kind} takes a whole number ({meaning}), got {value}"),
                kind=kind,
                meaning=Sentence(meaning),
                value=repr(raw_arg),
            )
        ) from None
    if meaning == "item" and not 0 <= arg < items:
        raise ParamError(
            Sentence.of(
                translatable("core", "fault {kind} needs an item between 0 and {last}, got {arg}"),
                kind=kind,
                last=items - 1,
                arg=arg,
            )
        )
    if meaning == "worker" and not 1 <= arg <= workers:
        raise ParamError(
            Sentence.of(
                translatable("core", "fault {kind} needs a worker between 1 and {last}, got {arg}"),
                kind=kind,
                last=workers,
                arg=arg,
            )
        )
    if meaning == "bytes" and not 1 <= arg <= 64 << 20:
        raise ParamError(
            Sentence.of(
                translatable("core", "fault {kind} needs 1 to {last} bytes, got {arg}"),
                kind=kind,
                last=64 << 20,
                arg=arg,
            )
        )
    return Fault(kind, arg)


class BigItem(int):
    """An item id that travels with a payload (the big-payload fault)."""

    payload: bytes

    def __new__(cls, value: int, payload: bytes) -> BigItem:
        item = super().__new__(cls, value)
        item.payload = payload
        return item

    def __reduce__(self) -> tuple[Any, ...]:
        return (BigItem, (int(self), self.payload))


class UnpicklableItem(int):
    """An item id whose pickling fails (the unpicklable fault)."""

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError(f"cannot pickle item {int(self)} (an injected unpicklable item)")


class InjectedFault(RuntimeError):
    """Raised inside a worker by the raise fault."""
