"""Injected faults: what can go wrong with a worker or the producer, on purpose.

A fault is written KIND[:ARG], for example "kill:10" (SIGKILL the worker that
takes item 10, right after it took it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PIPE_BUFFER_BYTES = 65536  # Linux's default pipe capacity


@dataclass(frozen=True)
class FaultKind:
    name: str
    arg_name: str  # what ARG means
    help: str
    expected: str


FAULT_KINDS: dict[str, FaultKind] = {
    f.name: f
    for f in (
        FaultKind("kill", "item", "SIGKILL the worker right after it takes item ARG", "crashed"),
        FaultKind("raise", "item", "the worker raises an exception on item ARG", "crashed"),
        FaultKind(
            "stop", "item", "SIGSTOP (pause) the worker right after it takes item ARG", "stalled"
        ),
        FaultKind(
            "unpicklable", "item", "the producer puts an unpicklable object as item ARG", "crashed"
        ),
        FaultKind(
            "big-payload", "bytes", "every item carries ARG bytes (default 1 MiB)", "as without"
        ),
        FaultKind("slow", "worker", "worker ARG (1-based) works 100x slower", "ok"),
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
    """Parse KIND[:ARG]; raise ValueError with a one-line message."""
    kind, _, raw_arg = text.partition(":")
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault {kind!r}; valid: {', '.join(FAULT_KINDS)}")
    meaning = FAULT_KINDS[kind].arg_name
    default = {"item": items // 2, "bytes": 1 << 20, "worker": 1}[meaning]
    try:
        arg = int(raw_arg) if raw_arg else default
    except ValueError:
        raise ValueError(
            f"fault {kind} takes a whole number ({meaning}), got {raw_arg!r}"
        ) from None
    if meaning == "item" and not 0 <= arg < items:
        raise ValueError(f"fault {kind} needs an item between 0 and {items - 1}, got {arg}")
    if meaning == "worker" and not 1 <= arg <= workers:
        raise ValueError(f"fault {kind} needs a worker between 1 and {workers}, got {arg}")
    if meaning == "bytes" and not 1 <= arg <= 64 << 20:
        raise ValueError(f"fault {kind} needs 1 to {64 << 20} bytes, got {arg}")
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
