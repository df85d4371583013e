"""A model of one run: the strategy's own loop in threads, one queue operation at a time.

Each worker is a thread that runs the strategy's loop function unchanged
against a ModelQueue. Every operation first parks its thread (a lock of its
own) and hands the baton back; ModelRun.step(who) lets exactly one parked
participant run its operation and then the loop's own code up to its next
operation. So one thread runs at a time and the sequence of participants
stepped fully determines the run. The producer P (concurrent) is no
thread: its steps are its puts, the items and then the strategy's
sentinels; a prefilled queue holds both before the workers start.

Puts are settled: empty() and qsize() see an item as soon as its put step
ends, as in step mode. A blocking get() on an empty queue cannot be stepped
until an item arrives; get(timeout) and get_nowait() on an empty queue
answer Empty when stepped (a timeout is a choice the scheduler makes).
Worker threads are Lanes that a search reuses run after run (starting a
thread costs more than a whole run of these loops). close() ends the run:
parked workers wake to Abort, which no loop catches, and it waits until
each has left its loop; closing the Lanes joins their threads.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import Any

from core.gate import OP_NAMES, describe, encode
from core.schedule import Schedule, Step, who_of
from core.stepper import refuse_unsteppable
from core.strategies import Strategy
from core.worker import LoopOptions

PRODUCER = -1
_NOTHING = ("nothing",)  # a worker holds no value it got
EMPTY_RESULT = "Empty"
ERROR_RESULT = "error"


class Abort(BaseException):
    """Ends a worker thread of a run that is over; no loop catches it."""


def check_explorable(strategy: Strategy) -> None:
    """ParamError for what step mode cannot replay (pools, a finish step)."""
    refuse_unsteppable(strategy, None)


def shown(value: Any, op: str) -> str:
    """A value as a step shows it (core.gate's words): item 3, 'STOP', False, ok."""
    return describe(*encode(value, OP_NAMES.index(op)))


@dataclass(frozen=True)
class Verdict:
    """A finished model run's outcomes (core.result's names) and lost item ids."""

    outcomes: tuple[str, ...]
    lost: tuple[int, ...]

    @property
    def failed(self) -> bool:
        return self.outcomes != ("ok",)


class ModelQueue:
    """The queue a worker loop sees: each call is one scheduled step."""

    def __init__(self, run: ModelRun, worker: int) -> None:
        self._run = run
        self._worker = worker

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        op = "get" if block and timeout is None else "get_nowait" if not block else "get_timeout"
        return self._run.operate(self._worker, op, None)

    def get_nowait(self) -> Any:
        return self._run.operate(self._worker, "get_nowait", None)

    def put(self, obj: Any) -> None:
        self._run.operate(self._worker, "put", obj)

    def empty(self) -> bool:
        return bool(self._run.operate(self._worker, "empty", None))

    def qsize(self) -> int:
        return int(self._run.operate(self._worker, "qsize", None))


class Lanes:
    """Worker threads that run one task at a time, run after run; close() joins them."""

    def __init__(self, count: int) -> None:
        self._tasks: list[Callable[[], None] | None] = [None] * count
        self._ready = [threading.Lock() for _ in range(count)]
        self._threads = []
        for index, ready in enumerate(self._ready):
            ready.acquire()
            thread = threading.Thread(
                target=self._serve, args=(index,), name=f"queuescope-model-W{index + 1}"
            )
            thread.daemon = True
            thread.start()
            self._threads.append(thread)

    def __len__(self) -> int:
        return len(self._threads)

    def __enter__(self) -> Lanes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, index: int, task: Callable[[], None]) -> None:
        self._tasks[index] = task
        self._ready[index].release()

    def close(self) -> None:
        for index in range(len(self._threads)):
            self._tasks[index] = None
            self._ready[index].release()
        for thread in self._threads:
            thread.join()

    def _serve(self, index: int) -> None:
        while True:
            self._ready[index].acquire()
            task = self._tasks[index]
            if task is None:
                return
            task()


class _Worker:
    def __init__(self) -> None:
        self.go = threading.Lock()
        self.go.acquire()
        self.pending: str | None = None
        self.arg: Any = None
        self.held: Any = _NOTHING
        self.ended = False
        self.crashed = False


class ModelRun:
    """One run of the model; start() it, step() participants, close() it (or use `with`)."""

    def __init__(
        self,
        strategy: Strategy,
        workers: int,
        items: int,
        producer: str,
        lanes: Lanes | None = None,
    ) -> None:
        assert strategy.loop is not None and (lanes is None or len(lanes) >= workers)
        self.strategy = strategy
        self.workers = workers
        self.items = items
        self.producer = producer
        sentinels = {"none": 0, "one": 1, "per-worker": workers}[strategy.sentinels]
        puts: list[Any] = [*range(items), *[strategy.sentinel] * sentinels]
        self.queue: deque[Any] = deque(puts if producer == "prefill" else ())
        self.to_put: deque[Any] = deque(() if producer == "prefill" else puts)
        self.processed = [0] * items
        self.taken: set[int] = set()
        self.steps: list[Step] = []
        self._workers = [_Worker() for _ in range(workers)]
        self._back = threading.Lock()
        self._back.acquire()
        self._result = ""
        self._aborting = False
        self._own_lanes = lanes is None
        self._lanes = lanes or Lanes(workers)

    def __enter__(self) -> ModelRun:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the scheduler's side ---------------------------------------------------

    def start(self) -> None:
        """Start the workers one by one; each runs up to its first operation."""
        for index in range(self.workers):
            self._lanes.run(index, partial(self._main, index))
            self._back.acquire()

    def close(self) -> None:
        """End every worker's loop, one by one, and wait until it has left it."""
        self._aborting = True
        for worker in self._workers:
            if not worker.ended:
                worker.go.release()
                self._back.acquire()
        if self._own_lanes:
            self._lanes.close()

    def eligible(self) -> list[int]:
        """Who can move now: workers in index order, then the producer."""
        has_item = bool(self.queue)
        ready = [
            index
            for index, worker in enumerate(self._workers)
            if worker.pending is not None and (has_item or worker.pending != "get")
        ]
        if self.to_put:
            ready.append(PRODUCER)
        return ready

    def step(self, who: int) -> Step:
        """Let one participant run its operation (and its code up to the next one)."""
        if who == PRODUCER:
            obj = self.to_put.popleft()
            self.queue.append(obj)
            done = Step("P", "put", shown(None, "put"), shown(obj, "empty"))
        else:
            worker = self._workers[who]
            op, arg = worker.pending, worker.arg
            assert op is not None
            worker.go.release()
            self._back.acquire()
            done = Step(who_of(who), op, self._result, shown(arg, "empty") if op == "put" else None)
        self.steps.append(done)
        return done

    def blocked(self) -> list[int]:
        """Workers waiting in get() on an empty queue."""
        if self.queue:
            return []
        return [i for i, worker in enumerate(self._workers) if worker.pending == "get"]

    def crashed(self) -> list[int]:
        """Workers whose loop raised."""
        return [i for i, worker in enumerate(self._workers) if worker.crashed]

    def pending(self, who: int) -> str | None:
        return "put" if who == PRODUCER else self._workers[who].pending

    def key(self) -> Hashable:
        """The run's state: what decides every future step and the verdict."""
        return (
            tuple(self.queue),
            len(self.to_put),
            tuple((w.pending, w.held, w.ended, w.crashed) for w in self._workers),
            tuple(self.processed),
            tuple(sorted(self.taken)),
        )

    def verdict(self) -> Verdict:
        """Outcomes from the same facts as a real run: item fates, blocked and crashed workers."""
        left = {obj for obj in self.queue if obj.__class__ is int}
        dropped = {item for item in self.taken if self.processed[item] == 0} - left
        outcomes = []
        if self.blocked() and not self.to_put:
            outcomes.append("deadlock")
        if left or dropped:
            outcomes.append("lost")
        if any(count > 1 for count in self.processed):
            outcomes.append("duplicated")
        if any(worker.crashed for worker in self._workers):
            outcomes.append("crashed")
        return Verdict(tuple(outcomes) or ("ok",), tuple(sorted(left | dropped)))

    def schedule(self) -> Schedule:
        return Schedule(
            strategy=self.strategy.id,
            workers=self.workers,
            items=self.items,
            producer=self.producer,
            steps=tuple(self.steps),
        )

    # --- the worker threads' side -----------------------------------------------

    def _main(self, index: int) -> None:
        worker = self._workers[index]
        loop = self.strategy.loop
        assert loop is not None
        try:
            loop(ModelQueue(self, index), self._processor(index), LoopOptions())
        except Abort:
            pass
        except Exception:
            worker.crashed = True
        finally:
            worker.pending = None
            worker.ended = True
            self._back.release()

    def _processor(self, index: int) -> Callable[[Any], None]:
        worker = self._workers[index]

        def process(data: Any) -> None:
            worker.held = _NOTHING
            if data.__class__ is int and 0 <= data < self.items:
                self.processed[data] += 1

        return process

    def operate(self, index: int, op: str, arg: Any) -> Any:
        """Park until stepped, then run op on the model queue (in the worker's thread)."""
        worker = self._workers[index]
        worker.pending, worker.arg = op, arg
        self._back.release()
        worker.go.acquire()
        if self._aborting:
            raise Abort
        worker.pending = worker.arg = None
        try:
            value = self._apply(op, arg)
        except queue.Empty:
            self._result = EMPTY_RESULT
            raise
        if op.startswith("get"):
            worker.held = value
            if value.__class__ is int:
                self.taken.add(value)
        self._result = shown(value, op)
        return value

    def _apply(self, op: str, arg: Any) -> Any:
        if op == "empty":
            return not self.queue
        if op == "qsize":
            return len(self.queue)
        if op == "put":
            self.queue.append(arg)
            return None
        if not self.queue:  # get_nowait, get_timeout (a plain get is never stepped then)
            raise queue.Empty
        return self.queue.popleft()


@dataclass(frozen=True)
class Space:
    """What is explored: a strategy's loop with so many workers and items."""

    strategy: Strategy
    workers: int
    items: int
    producer: str = "prefill"

    def replay(self, choices: list[int], lanes: Lanes | None = None) -> ModelRun:
        return replay(self.strategy, self.workers, self.items, self.producer, choices, lanes)


def replay(
    strategy: Strategy,
    workers: int,
    items: int,
    producer: str,
    choices: list[int],
    lanes: Lanes | None = None,
) -> ModelRun:
    """A started run after the given steps; the caller closes it."""
    run = ModelRun(strategy, workers, items, producer, lanes)
    run.start()
    for who in choices:
        run.step(who)
    return run
