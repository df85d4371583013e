"""A model of one run: the strategy's own loop in threads, one queue operation at a time.

Each worker is a thread that runs the strategy's loop function unchanged
against a ModelQueue. Every operation first parks its thread (a lock of its
own) and hands the baton back; ModelRun.step(who) lets exactly one parked
participant run its operation and then the loop's own code up to its next
operation. So one thread runs at a time and the sequence of participants
stepped fully determines the run. The producer P (concurrent) is no
thread while it puts: those steps are the items and then the strategy's
sentinels; a prefilled queue holds both before the workers start. A
strategy's finish step (q.join(), the drain's q.empty() polls, stop.set(),
its own puts) runs next in a thread of its own, as P, exactly like a
worker: through a ModelHost, the FinishHost the real producer is.

Puts are settled: empty() and qsize() see an item as soon as its put step
ends, as in step mode. A blocking get() on an empty queue cannot be stepped
until an item arrives, and q.join() until every put has its task_done();
get(timeout) and get_nowait() on an empty queue answer Empty when stepped
(a timeout is a choice the scheduler makes).

Faithful (an mp queue's feeder threads, Space.feeder "steps"): a put only
appends to its process's feeder buffer (a prefill's too, to P's), and the
feeder of each process that put (F1..Fn, FP: feeder(who)) is a participant
that moves the oldest buffered item into the queue. Until then empty()
answers True and get() blocks; qsize() counts the buffered items, as an mp
queue's does. A feeder can always move while it holds items, so a run ends
with every buffer flushed (a real process's exit waits for its feeder).
Worker threads are Lanes that a search reuses run after run (starting a
thread costs more than a whole run of these loops). close() ends the run:
parked workers wake to Abort, which no loop catches, and it waits until
each has left its loop; closing the Lanes joins their threads.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial
from multiprocessing.context import BaseContext
from typing import Any

from core.backends.base import Launch, Need
from core.gate import OP_NAMES, describe, encode
from core.params import RunParams
from core.schedule import FEEDER_BASE, Schedule, Step, who_of
from core.stepper import refuse_unsteppable
from core.strategies import Strategy
from core.worker import LoopOptions

PRODUCER = -1
FLUSH = "flush"
_NOTHING = ("nothing",)  # a worker holds no value it got
EMPTY_RESULT = "Empty"
ERROR_RESULT = "error"


class Abort(BaseException):
    """Ends a worker thread of a run that is over; no loop catches it."""


def check_explorable(strategy: Strategy) -> None:
    """ParamError for what step mode cannot replay (pools)."""
    refuse_unsteppable(strategy, None)


def queue_reaches_workers(strategy: Strategy) -> bool:
    """False where no worker ever gets the queue: an inherited-only queue in a Pool task.

    The real run fails while the pool pickles each task (RuntimeError), so
    every worker crashes before its first operation; the model's do too.
    """
    return not (strategy.launch is Launch.POOL_TASKS and Need.INHERITED_QUEUE in strategy.needs)


def _refuse_the_queue() -> None:
    raise RuntimeError("Queue objects should only be shared between processes through inheritance")


def shown(value: Any, op: str) -> str:
    """A value as a step shows it (core.gate's words): item 3, 'STOP', False, ok."""
    return describe(*encode(value, OP_NAMES.index(op)))


def feeder(who: int) -> int:
    """The participant that is who's feeder thread (faithful runs)."""
    return FEEDER_BASE + who


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

    def task_done(self) -> None:
        self._run.operate(self._worker, "task_done", None)


class ModelEvent:
    """The strategy's stop event as a worker sees it: is_set() is a step."""

    def __init__(self, run: ModelRun, worker: int) -> None:
        self._run = run
        self._worker = worker

    def is_set(self) -> bool:
        return bool(self._run.operate(self._worker, "is_set", None))


class ModelHost:
    """What a strategy's finish step asks of the run (core.hosts.FinishHost), as P's steps."""

    def __init__(self, run: ModelRun) -> None:
        self._run = run

    @property
    def workers(self) -> int:
        return self._run.workers

    def put(self, obj: Any) -> None:
        self._run.operate(PRODUCER, "put", obj)

    def join_queue(self) -> bool:
        self._run.operate(PRODUCER, "join", None)
        return True

    def wait_until_empty(self) -> bool:
        while not self._run.operate(PRODUCER, "empty", None):
            pass
        return True

    def set_stop(self) -> None:
        self._run.operate(PRODUCER, "set", None)

    def cancelled(self) -> bool:
        return False  # a model run ends by close(): the step's thread sees Abort

    @property
    def ctx(self) -> BaseContext:
        return multiprocessing.get_context("spawn")


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
        batch_size: int = RunParams.batch_size,
        faithful: bool = False,
    ) -> None:
        lanes_needed = workers + (strategy.finish is not None)
        assert strategy.loop is not None and (lanes is None or len(lanes) >= lanes_needed)
        self.strategy = strategy
        self.workers = workers
        self.items = items
        self.producer = producer
        self.batch_size = batch_size
        sentinels = {"none": 0, "one": 1, "per-worker": workers}[strategy.sentinels]
        puts: list[Any] = [*_objects(strategy, items, batch_size), *[strategy.sentinel] * sentinels]
        self.faithful = faithful
        # Feeder buffers, by owner (faithful): what a process put and its feeder has not written.
        self.buffers = {owner: deque[Any]() for owner in (*range(workers), PRODUCER)}
        prefill = puts if producer == "prefill" else []
        self.queue: deque[Any] = deque(() if faithful else prefill)
        self.buffers[PRODUCER].extend(prefill if faithful else ())
        self.to_put: deque[Any] = deque(() if producer == "prefill" else puts)
        self.unfinished = len(prefill)  # puts without a task_done(): what join() waits for
        self.stop_set = False
        self.processed = [0] * items
        self.taken: set[int] = set()
        self.steps: list[Step] = []
        self._workers = [_Worker() for _ in range(workers)]
        self._finisher = _Worker() if strategy.finish is not None else None
        self._finish_started = False
        self._back = threading.Lock()
        self._back.acquire()
        self._result = ""
        self._aborting = False
        self._own_lanes = lanes is None
        self._lanes = lanes or Lanes(lanes_needed)

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
        if self._finisher is not None and not self.to_put:
            self._start_finish()  # prefilled: the finish step runs once the workers do

    def close(self) -> None:
        """End every worker's loop, one by one, and wait until it has left it."""
        self._aborting = True
        for worker in self._threads():
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
        finisher = self._finisher
        if self.to_put or (
            finisher is not None
            and finisher.pending is not None
            and (finisher.pending != "join" or self.unfinished == 0)
        ):
            ready.append(PRODUCER)
        ready.extend(feeder(owner) for owner, buffer in self.buffers.items() if buffer)
        return ready

    def step(self, who: int) -> Step:
        """Let one participant run its operation (and its code up to the next one)."""
        if who >= FEEDER_BASE - 1:
            obj = self.buffers[who - FEEDER_BASE].popleft()
            self.queue.append(obj)
            done = Step(who_of(who), FLUSH, shown(None, "put"), shown(obj, "empty"))
        elif who == PRODUCER and self.to_put:
            obj = self.to_put.popleft()
            self._put(PRODUCER, obj)
            done = Step("P", "put", shown(None, "put"), shown(obj, "empty"))
            if not self.to_put and self._finisher is not None:
                self._start_finish()
        else:
            worker = self._participant(who)
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
        if who >= FEEDER_BASE - 1:
            return FLUSH if self.buffers[who - FEEDER_BASE] else None
        if who == PRODUCER and self.to_put:
            return "put"
        return self._participant(who).pending

    def key(self) -> Hashable:
        """The run's state: what decides every future step and the verdict."""
        finisher = self._finisher
        return (
            tuple(self.queue),
            len(self.to_put),
            self.unfinished,
            self.stop_set,
            None if finisher is None else (finisher.pending, finisher.arg, finisher.ended),
            tuple((w.pending, w.held, w.ended, w.crashed) for w in self._workers),
            tuple(self.processed),
            tuple(sorted(self.taken)),
            tuple(tuple(buffer) for buffer in self.buffers.values()) if self.faithful else (),
        )

    def verdict(self) -> Verdict:
        """Outcomes from the same facts as a real run: item fates, blocked and crashed workers."""
        left = {obj for obj in self.queue if obj.__class__ is int}
        left.update(item for obj in self.queue if obj.__class__ is tuple for item in obj)
        dropped = {item for item in self.taken if self.processed[item] == 0} - left
        outcomes = []
        waiting_join = self._finisher is not None and self._finisher.pending == "join"
        if (self.blocked() or waiting_join) and not self.to_put:
            outcomes.append("deadlock")
        if left or dropped:
            outcomes.append("lost")
        if any(count > 1 for count in self.processed):
            outcomes.append("duplicated")
        if any(worker.crashed for worker in self._threads()):
            outcomes.append("crashed")
        return Verdict(tuple(outcomes) or ("ok",), tuple(sorted(left | dropped)))

    def schedule(self) -> Schedule:
        return Schedule(
            strategy=self.strategy.id,
            workers=self.workers,
            items=self.items,
            producer=self.producer,
            steps=tuple(self.steps),
            feeder="steps" if self.faithful else "settled",
            batch_size=self.batch_size,
        )

    # --- the worker threads' side -----------------------------------------------

    def _threads(self) -> list[_Worker]:
        """The participants running in threads: the workers, and a started finish step."""
        finisher = self._finisher
        return [*self._workers, *([finisher] if finisher and self._finish_started else [])]

    def _participant(self, who: int) -> _Worker:
        if who == PRODUCER:
            assert self._finisher is not None
            return self._finisher
        return self._workers[who]

    def _start_finish(self) -> None:
        """Run the strategy's finish step up to its first operation, in a thread of its own."""
        self._finish_started = True
        self._lanes.run(self.workers, self._finish)
        self._back.acquire()

    def _finish(self) -> None:
        finish = self.strategy.finish
        assert finish is not None
        self._run_participant(PRODUCER, lambda: finish(ModelHost(self)))

    def _main(self, index: int) -> None:
        loop = self.strategy.loop
        assert loop is not None
        if not queue_reaches_workers(self.strategy):
            self._run_participant(index, _refuse_the_queue)
            return
        options = LoopOptions(stop=ModelEvent(self, index))
        self._run_participant(
            index, lambda: loop(ModelQueue(self, index), self._processor(index), options)
        )

    def _run_participant(self, who: int, body: Callable[[], None]) -> None:
        worker = self._participant(who)
        try:
            body()
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
        worker = self._participant(index)
        worker.pending, worker.arg = op, arg
        self._back.release()
        worker.go.acquire()
        if self._aborting:
            raise Abort
        worker.pending = worker.arg = None
        try:
            value = self._apply(index, op, arg)
        except queue.Empty:
            self._result = EMPTY_RESULT
            raise
        if op.startswith("get"):
            worker.held = value
            if value.__class__ is int:
                self.taken.add(value)
            elif value.__class__ is tuple:  # a batch
                self.taken.update(value)
        self._result = shown(value, op)
        return value

    def _put(self, who: int, obj: Any) -> None:
        (self.buffers[who] if self.faithful else self.queue).append(obj)
        self.unfinished += 1

    def _apply(self, who: int, op: str, arg: Any) -> Any:
        if op == "empty":
            return not self.queue
        if op == "qsize":
            return len(self.queue) + sum(len(buffer) for buffer in self.buffers.values())
        if op == "put":
            self._put(who, arg)
            return None
        if op == "task_done":
            self.unfinished -= 1
            return None
        if op == "is_set":
            return self.stop_set
        if op == "set":
            self.stop_set = True
            return None
        if op == "join":
            return None  # only stepped once nothing is unfinished
        if not self.queue:  # get_nowait, get_timeout (a plain get is never stepped then)
            raise queue.Empty
        return self.queue.popleft()


def _objects(strategy: Strategy, items: int, batch_size: int) -> list[Any]:
    """What the producer puts before its sentinels: the items, or (a batched strategy)
    tuples of batch_size of them, each one queue element (hashable, for the run's key)."""
    if not strategy.batches:
        return list(range(items))
    return [tuple(range(s, min(items, s + batch_size))) for s in range(0, items, batch_size)]


@dataclass(frozen=True)
class Space:
    """What is explored: a strategy's loop with so many workers and items."""

    strategy: Strategy
    workers: int
    items: int
    producer: str = "prefill"
    feeder: str = "settled"  # "steps": faithful to an mp queue's feeder threads
    batch_size: int = RunParams.batch_size

    @property
    def faithful(self) -> bool:
        return self.feeder == "steps"

    @property
    def lanes(self) -> int:
        """Threads a run needs: a worker each, and the finish step's."""
        return self.workers + (self.strategy.finish is not None)

    @property
    def participants(self) -> list[int]:
        """Who may move at all: the workers, and P unless it has nothing to do."""
        moves = self.producer != "prefill" or self.strategy.finish is not None
        owners = [*range(self.workers), *([PRODUCER] if moves else [])]
        feeders = [feeder(who) for who in (*range(self.workers), PRODUCER)]
        return [*owners, *(feeders if self.faithful else [])]

    def run(self, lanes: Lanes | None = None) -> ModelRun:
        """A new run of this space (not started)."""
        return ModelRun(
            self.strategy,
            self.workers,
            self.items,
            self.producer,
            lanes,
            batch_size=self.batch_size,
            faithful=self.faithful,
        )

    def replay(self, choices: list[int], lanes: Lanes | None = None) -> ModelRun:
        """A started run after the given steps; the caller closes it."""
        run = self.run(lanes)
        run.start()
        for who in choices:
            run.step(who)
        return run
