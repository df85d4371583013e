"""Injected faults: what can go wrong with a worker or the producer, on purpose.

A fault is written KIND[:ARG], for example "kill:10" (SIGKILL the worker that
takes item 10, right after it took it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import ParamError
from core.text import Sentence, shown, translatable

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
    """An injected fault, KIND[:ARG], parsed once (Fault.parse) where it is typed.

    arg None stands for the kind's default; resolved() fills it in and checks
    it against the run's items and workers.
    """

    kind: str
    arg: int | None = None

    def __str__(self) -> str:
        return self.kind if self.arg is None else f"{self.kind}:{self.arg}"

    @property
    def value(self) -> int:
        """ARG of a resolved fault (see resolved())."""
        if self.arg is None:
            raise ValueError(f"fault {self.kind} has no ARG yet: resolve it against a run")
        return self.arg

    @property
    def item(self) -> int:
        """The item the fault hits; -1 for faults that are not about one item."""
        if self.arg is None or FAULT_KINDS[self.kind].arg_name != "item":
            return -1
        return self.arg

    @classmethod
    def parse(cls, text: str) -> Fault:
        """KIND[:ARG] as a Fault; raise ParamError (a ValueError) with a one-line message."""
        kind, _, raw_arg = text.partition(":")
        if kind not in FAULT_KINDS:
            raise ParamError(
                Sentence.of(
                    translatable("core", "unknown fault {kind}; valid: {valid}"),
                    kind=shown(kind),
                    valid=", ".join(FAULT_KINDS),
                )
            )
        if not raw_arg:
            return cls(kind)
        try:
            return cls(kind, int(raw_arg))
        except ValueError:
            raise ParamError(
                Sentence.of(
                    translatable(
                        "core", "fault {kind} takes a whole number ({meaning}), got {value}"
                    ),
                    kind=kind,
                    meaning=Sentence(FAULT_KINDS[kind].arg_name),
                    value=shown(raw_arg),
                )
            ) from None

    def resolved(self, items: int, workers: int) -> Fault:
        """This fault with its ARG filled in and checked against the run's size.

        A big payload is also checked against the memory there is (see payload_budget()).
        """
        meaning = FAULT_KINDS[self.kind].arg_name
        if meaning == "item" and items < 1:
            raise ParamError(
                Sentence.of(
                    translatable("core", "fault {kind} needs at least one item"), kind=self.kind
                )
            )
        low, high = arg_range(self.kind, items, workers)
        arg = self.arg if self.arg is not None else default_arg(self.kind, items)
        if low <= arg <= high:
            if meaning == "bytes":
                check_payload_memory(self.kind, arg, items)
            return Fault(self.kind, arg)
        template = {
            "item": translatable(
                "core", "fault {kind} needs an item between 0 and {last}, got {arg}"
            ),
            "worker": translatable(
                "core", "fault {kind} needs a worker between 1 and {last}, got {arg}"
            ),
            "bytes": translatable("core", "fault {kind} needs 1 to {last} bytes, got {arg}"),
        }[meaning]
        raise ParamError(Sentence.of(template, kind=self.kind, last=high, arg=shown(arg)))


MAX_PAYLOAD_BYTES = 64 << 20
MEMINFO = "/proc/meminfo"
MB = 1 << 20


def payload_budget() -> int | None:
    """Bytes all of a run's payloads may take: half of MemAvailable; None if unknown.

    Every item may be held at once, with its own copy of the payload, in
    another process (a Manager's server unpickles each one).
    """
    try:
        with open(MEMINFO, encoding="ascii") as meminfo:
            for line in meminfo:
                name, _, rest = line.partition(":")
                if name == "MemAvailable":
                    return int(rest.split()[0]) * 1024 // 2
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_payload_memory(kind: str, payload: int, items: int) -> None:
    """Refuse payloads that all items together could not fit into memory (ParamError)."""
    budget = payload_budget()
    if budget is None or payload * items <= budget:
        return
    raise ParamError(
        Sentence.of(
            translatable(
                "core",
                "fault {kind}: {items:,} items of {payload:,} bytes need {need:,} MB, more than "
                "half of the available memory ({available:,} MB)",
            ),
            kind=kind,
            items=items,
            payload=payload,
            need=-(-payload * items // MB),
            available=budget * 2 // MB,
        )
    )


def arg_range(kind: str, items: int, workers: int) -> tuple[int, int]:
    """The ARG values a fault of this kind accepts in a run of this size."""
    meaning = FAULT_KINDS[kind].arg_name
    if meaning == "item":
        return 0, items - 1
    if meaning == "worker":
        return 1, workers
    return 1, MAX_PAYLOAD_BYTES


def default_arg(kind: str, items: int) -> int:
    """ARG when none is given: the middle item, 1 MiB, worker 1."""
    return {"item": items // 2, "bytes": 1 << 20, "worker": 1}[FAULT_KINDS[kind].arg_name]


def parse_fault(text: str, items: int, workers: int) -> Fault:
    """Parse KIND[:ARG] and check it against the run's size (ParamError if not)."""
    return Fault.parse(text).resolved(items, workers)


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
