"""Step-mode schedules: which participant moves, the operation, what it got.

A schedule is the exact interleaving of one controlled run, as a small JSON
file that step mode replays on real processes and the explorer writes:

    {"format": "queuescope-schedule", "version": 1,
     "strategy": "seed-while-not-empty",
     "params": {"workers": 2, "items": 2, "producer": "prefill", "queue": "manager"},
     "steps": [{"who": "W1", "op": "empty", "result": "False"},
               {"who": "W2", "op": "get", "result": "blocked"},
               {"who": "P", "op": "put", "arg": "item 0", "result": "ok"}, ...]}

who is W1..Wn (a worker) or P (the main process: the concurrent producer's
puts, and the strategy's finish step once the workers run); op is one of OPS;
result is how core.gate describes what the operation returned ("False",
"item 7", "'end'", "Empty", "blocked", "ok"). "queue" is optional (the
strategy's default backend). StepControl is how a run is told to replay a
schedule and how it reports the steps it took.

"batch_size" is optional (default 1000): the batched strategy's items per
queue object. "feeder" is optional too: "settled" (the default) or "steps", the faithful
fidelity of an mp queue, where a put returns once the item is in its
process's feeder buffer and each feeder thread's write to the pipe is a
step of its own: who F1..Fn (W1..Wn's feeder) or FP (P's), op "flush", arg
the item it writes.

The strategy of a loop file (core.user_loops) is "loop:FILE:FUNCTION"; a
relative FILE is relative to the schedule file's folder (the explorer writes
absolute ones). Reading a schedule never loads its loop file: the command
line does that (core.cli_loops.schedule_strategy) when it replays one.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.ops import OPS as OPS  # defined for the worker side
from core.text import Sentence, shown, translatable

FORMAT = "queuescope-schedule"
VERSION = 1
PRODUCER = "P"
PRODUCERS = ("prefill", "concurrent")
FEEDER_MODES = ("settled", "steps")  # an mp queue's fidelity: puts settled, or flushes as steps
FEEDER = "F"  # F1..Fn, FP: the feeder thread of W1..Wn, P
FEEDER_BASE = 1000  # participant(): F1 -> FEEDER_BASE, FP -> FEEDER_BASE - 1
MAX_WORKERS = 64
MAX_ITEMS = 10_000
DEFAULT_BATCH_SIZE = 1000  # RunParams.batch_size (core.params sits above this module)
MAX_BATCH_SIZE = 1_000_000
MAX_STEPS = 100_000

_OP_TEXT = {
    "empty": "q.empty()",
    "qsize": "q.qsize()",
    "get": "q.get()",
    "get_timeout": "q.get(timeout)",
    "get_nowait": "q.get_nowait()",
    "put": "q.put({arg})",
    "task_done": "q.task_done()",
    "is_set": "stop.is_set()",
    "join": "q.join()",
    "set": "stop.set()",
    "flush": "flush({arg})",
}

NOT_A_SCHEDULE = translatable("core", "{path} is not a schedule: {reason}")
BAD_JSON = translatable("core", "not valid JSON (truncated or malformed) at line {line}")
NOT_AN_OBJECT = translatable("core", "the file holds no JSON object")
WRONG_FORMAT = translatable("core", "its format is {found}, not {expected}")
UNKNOWN_VERSION = translatable(
    "core", "format version {found} is unknown (this build reads {known})"
)
BAD_FIELD = translatable("core", "{field} is {value}, expected {expected}")
BAD_STEP = translatable("core", "step {index}: {reason}")
NO_SUCH_WORKER = translatable("core", "worker {who} does not exist in a run of {workers} workers")
FLUSH_BY_FEEDER = translatable(
    "core", "{who} cannot run {op}: a flush is a feeder's (F1..Fn, FP) and a feeder only flushes"
)
FLUSH_WITHOUT_FEEDER_STEPS = translatable(
    "core", "{who} flushes, but the schedule's params.feeder is not steps"
)


class ScheduleError(ValueError):
    """A schedule file that cannot be replayed; str() is one line."""


def op_text(op: str, arg: str | None = None) -> str:
    """How a step's operation is shown: q.get(), q.put(item 3), stop.is_set()."""
    return _OP_TEXT[op].format(arg=arg or "")


@dataclass(frozen=True)
class Step:
    """One operation of one participant and what it got."""

    who: str  # W1..Wn or P; F1..Fn or FP (feeders)
    op: str
    result: str
    arg: str | None = None  # what a put put

    def __str__(self) -> str:
        return f"{self.who} {op_text(self.op, self.arg)} -> {self.result}"

    def to_dict(self) -> dict[str, str]:
        data = {"who": self.who, "op": self.op}
        if self.arg is not None:
            data["arg"] = self.arg
        data["result"] = self.result
        return data


@dataclass(frozen=True)
class Schedule:
    strategy: str
    workers: int
    items: int
    producer: str = "prefill"
    queue_kind: str | None = None
    steps: tuple[Step, ...] = ()
    feeder: str = "settled"  # one of FEEDER_MODES
    batch_size: int = DEFAULT_BATCH_SIZE  # items per queue object of the batched strategy

    def to_dict(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "workers": self.workers,
            "items": self.items,
            "producer": self.producer,
        }
        if self.queue_kind is not None:
            params["queue"] = self.queue_kind
        if self.feeder != "settled":
            params["feeder"] = self.feeder
        if self.batch_size != DEFAULT_BATCH_SIZE:
            params["batch_size"] = self.batch_size
        return {
            "format": FORMAT,
            "version": VERSION,
            "strategy": self.strategy,
            "params": params,
            "steps": [step.to_dict() for step in self.steps],
        }


def dumps(schedule: Schedule) -> str:
    """The file's text: one line per step, so a schedule reads (and diffs) step by step."""
    data = schedule.to_dict()
    steps = data.pop("steps")
    head = [f" {json.dumps(key)}: {json.dumps(value)}," for key, value in data.items()]
    body = ",\n".join(f"  {json.dumps(step)}" for step in steps)
    return "{\n" + "\n".join(head) + '\n "steps": [\n' + body + ("\n" if body else "") + " ]\n}\n"


def dump(schedule: Schedule, path: str | Path) -> None:
    Path(path).write_text(dumps(schedule), encoding="utf-8")


def load(path: str | Path) -> Schedule:
    """Read and check a schedule file; ScheduleError says in one line why it cannot be used."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = str(error)
        raise ScheduleError(
            str(Sentence.of(NOT_A_SCHEDULE, path=str(path), reason=reason))
        ) from None
    try:
        return loads(text)
    except ScheduleError as error:
        raise ScheduleError(
            str(Sentence.of(NOT_A_SCHEDULE, path=str(path), reason=str(error)))
        ) from None


def loads(text: str) -> Schedule:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScheduleError(str(Sentence.of(BAD_JSON, line=error.lineno))) from None
    return from_dict(data)


def from_dict(data: Any) -> Schedule:
    if not isinstance(data, dict):
        raise ScheduleError(NOT_AN_OBJECT)
    if data.get("format") != FORMAT:
        raise ScheduleError(
            str(Sentence.of(WRONG_FORMAT, found=shown(data.get("format")), expected=FORMAT))
        )
    if data.get("version") != VERSION:
        raise ScheduleError(
            str(Sentence.of(UNKNOWN_VERSION, found=shown(data.get("version")), known=VERSION))
        )
    params = _field(data, "params", dict, "params")
    workers = _count(params, "workers", MAX_WORKERS)
    producer = params.get("producer", "prefill")
    if producer not in PRODUCERS:
        raise _bad("params.producer", producer, " | ".join(PRODUCERS))
    queue_kind = params.get("queue")
    if queue_kind is not None and not isinstance(queue_kind, str):
        raise _bad("params.queue", queue_kind, "a queue kind")
    feeder = params.get("feeder", "settled")
    if feeder not in FEEDER_MODES:
        raise _bad("params.feeder", feeder, " | ".join(FEEDER_MODES))
    raw_steps = _field(data, "steps", list, "a list of steps")
    if len(raw_steps) > MAX_STEPS:
        raise _bad("steps", f"{len(raw_steps)} steps", f"at most {MAX_STEPS}")
    steps = tuple(
        _step(index + 1, raw, workers, feeder == "steps") for index, raw in enumerate(raw_steps)
    )
    return Schedule(
        strategy=_field(data, "strategy", str, "a strategy id"),
        workers=workers,
        items=_count(params, "items", MAX_ITEMS),
        producer=producer,
        queue_kind=queue_kind,
        steps=steps,
        feeder=feeder,
        batch_size=_count(params, "batch_size", MAX_BATCH_SIZE, DEFAULT_BATCH_SIZE),
    )


def _step(index: int, raw: Any, workers: int, feeder_steps: bool) -> Step:
    try:
        if not isinstance(raw, dict):
            raise ScheduleError(NOT_AN_OBJECT)
        who = _field(raw, "who", str, "W1..Wn or P")
        op = raw.get("op")
        if op not in OPS:
            raise _bad("op", op, " | ".join(OPS))
        result = _field(raw, "result", str, "a result")
        arg = raw.get("arg")
        if arg is not None and not isinstance(arg, str):
            raise _bad("arg", arg, "a string")
        owner = owner_of(who) or who
        is_worker = owner[:1] == "W" and owner[1:].isdigit() and 1 <= int(owner[1:]) <= workers
        if owner != PRODUCER and not is_worker:
            raise ScheduleError(str(Sentence.of(NO_SUCH_WORKER, who=shown(who), workers=workers)))
        if (op == "flush") != (owner != who):
            raise ScheduleError(str(Sentence.of(FLUSH_BY_FEEDER, who=who, op=op)))
        if op == "flush" and not feeder_steps:
            raise ScheduleError(str(Sentence.of(FLUSH_WITHOUT_FEEDER_STEPS, who=who)))
        return Step(who=who, op=op, result=result, arg=arg)
    except ScheduleError as error:
        raise ScheduleError(str(Sentence.of(BAD_STEP, index=index, reason=str(error)))) from None


def _field(data: dict[str, Any], name: str, kind: type, expected: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kind):
        raise _bad(name, value, expected)
    return value


def _count(params: dict[str, Any], name: str, limit: int, default: int | None = None) -> int:
    value = params.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= limit:
        raise _bad(f"params.{name}", value, f"an integer from 1 to {limit}")
    return value


def _bad(name: str, value: Any, expected: str) -> ScheduleError:
    return ScheduleError(
        str(Sentence.of(BAD_FIELD, field=name, value=shown(value), expected=expected))
    )


def participant(who: str) -> int:
    """W1 -> 0, W2 -> 1, ...; the producer P -> -1; a feeder: FEEDER_BASE + its owner's."""
    owner = owner_of(who)
    if owner is not None:
        return FEEDER_BASE + participant(owner)
    return -1 if who == PRODUCER else int(who[1:]) - 1


def who_of(index: int) -> str:
    if index >= FEEDER_BASE - 1:
        return feeder_of(who_of(index - FEEDER_BASE))
    return PRODUCER if index < 0 else f"W{index + 1}"


def feeder_of(who: str) -> str:
    """The feeder thread of who's process: W2 -> F2, P -> FP."""
    return FEEDER + (who if who == PRODUCER else who[1:])


def owner_of(who: str) -> str | None:
    """Whose feeder who is (F2 -> W2, FP -> P); None if who is no feeder."""
    if who[:1] != FEEDER or len(who) < 2:
        return None
    rest = who[1:]
    return PRODUCER if rest == PRODUCER else f"W{rest}"


@dataclass(frozen=True)
class Divergence:
    """Where a replay stopped: the 1-based step that could not happen, and why."""

    step: int
    reason: str

    def __str__(self) -> str:
        return f"step {self.step}: {self.reason}"


@dataclass(frozen=True)
class Offer:
    """A participant standing at the gate and the operation it waits to run.

    blocks: a get() on a queue that is empty now; advancing it records "blocked".
    """

    who: str
    op: str
    arg: str | None = None
    blocks: bool = False

    def __str__(self) -> str:
        return f"{self.who} \u25b8 {op_text(self.op, self.arg)}"


RUN_FREELY = "*"  # the request that opens the gate for good


@dataclass(eq=False)
class StepControl:
    """A controlled run's channel: the steps to replay in, the steps taken out.

    Given to a run through RunControl.stepping. replay is followed step by
    step; then, with interactive, the run waits for requests from another
    thread (advance(who), run_freely()); otherwise, with free_after, the run
    goes on freely. taken, offers and divergence are written by the run's
    controller thread and may be read at any time; on_change (if given) is
    called in that thread after each of their changes.
    """

    replay: tuple[Step, ...] = ()
    free_after: bool = False
    interactive: bool = False
    feeder_steps: bool = False  # each mp queue feeder's write is a step (F1..Fn, FP)
    on_change: Callable[[], None] | None = None
    taken: list[Step] = field(default_factory=list)
    divergence: Divergence | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    _offers: tuple[Offer, ...] = ()
    _requests: queue.SimpleQueue[str] = field(default_factory=queue.SimpleQueue)
    _over: threading.Event = field(default_factory=threading.Event)

    def record(self, step: Step) -> None:
        with self.lock:
            self.taken.append(step)
        self._changed()

    def steps(self) -> list[Step]:
        with self.lock:
            return list(self.taken)

    # --- the caller's side (interactive) ---------------------------------------

    def advance(self, who: str) -> None:
        """Ask for one operation of who (W1..Wn, P, or a feeder); ignored if it cannot move."""
        self._requests.put(who)

    def run_freely(self) -> None:
        """Open the gate: the run goes on to its end unstepped."""
        self._requests.put(RUN_FREELY)

    def offers(self) -> tuple[Offer, ...]:
        """Who stands at the gate now and what it waits to run; empty once stepping is over."""
        with self.lock:
            return self._offers

    @property
    def stepping_over(self) -> bool:
        """The controller takes no more requests (the gate is open or the run ended)."""
        return self._over.is_set()

    # --- the controller's side ---------------------------------------------------

    def next_request(self, timeout: float) -> str | None:
        try:
            return self._requests.get(timeout=timeout)
        except queue.Empty:
            return None

    def offer(self, offers: tuple[Offer, ...]) -> None:
        with self.lock:
            if offers == self._offers:
                return
            self._offers = offers
        self._changed()

    def close(self) -> None:
        with self.lock:
            self._offers = ()
        self._over.set()
        self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
