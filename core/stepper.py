"""Step mode's controller: lets one queue operation through the gate at a time.

It runs in a thread of the main process beside the monitor. For each step of
the schedule it waits until the named participant stands at the gate,
checks that it is about to do what the schedule says, lets it go and
records what it got (core.schedule.Step). A get() on a queue its own
bookkeeping knows is empty is not let go: the step reads "blocked", and the
worker stays at the gate until an item arrives. Likewise the main process's
q.join() while some put has no task_done() yet.

Its bookkeeping: the items in the queue are the producer's settled puts
plus the workers' settled puts minus what was taken. Every put is settled
(core.cpython.settle_puts), so this count is what any process would see.
With feeder steps (StepControl.feeder_steps, mp queues only) a put only
fills its process's feeder buffer: an item counts once its feeder's flush
step (F1..Fn, FP) wrote it, and a feeder is offered while its process has
puts it has not flushed, even after that process's loop ended (its exit
waits for the feeder); a prefill's items, too, wait for FP's flushes.

After the last step the gate opens: with free_after the run goes on freely;
otherwise every participant must have ended or be blocked in get() on an
empty queue, which they then enter for real, and the monitor proves the
deadlock as in any run. A step that cannot happen stops the run there (a
cancel) and StepControl.divergence says which step and why.

Interactive (StepControl.interactive, the window's step mode): after the
replay, the controller publishes who stands at the gate with which
operation (StepControl.offers) and moves whom the caller asks for, until
nobody can move but into a blocked get() (then as above) or the caller
asks to run freely (the gate opens).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import NoReturn

from core.backends import Need, get_backend
from core.control import RunControl
from core.errors import ParamError
from core.gate import (
    EXIT,
    FLUSH,
    GET,
    ITEM,
    JOIN,
    KNOWN,
    OP_NAMES,
    POLL_S,
    PUT,
    TASK_DONE,
    describe,
)
from core.ledger import W_FIELDS, W_PID
from core.params import RunParams
from core.procs import pid_alive
from core.runstate import RunSetup, RunState
from core.schedule import (
    PRODUCER,
    RUN_FREELY,
    Divergence,
    Offer,
    Schedule,
    Step,
    StepControl,
    feeder_of,
    op_text,
    owner_of,
    participant,
    who_of,
)
from core.strategies import STRATEGIES, Strategy
from core.text import Sentence, translatable

NOT_STEPPABLE_POOL = translatable(
    "core", "step mode cannot step {strategy}: its pool hands out the items, not a queue of ours"
)
NO_PRODUCER_STEPS = translatable(
    "core", "{who} moves, but {strategy} has no main-process step while the workers run"
)
NOT_STEPPABLE_REQUEUE = translatable(
    "core",
    "step mode cannot step {strategy}: its join() waits for Redis processing lists, "
    "which a step cannot count",
)
NOT_STEPPABLE_FAULT = translatable("core", "step mode runs without an injected fault")
NOT_STEPPABLE_REMOTE = translatable(
    "core",
    "step mode cannot step workers on other hosts: their queue operations do not pass "
    "through this machine's gate; set the remote workers to 0",
)
GONE = translatable("core", "{who} has ended")
ABOUT_TO = translatable("core", "{who} is about to run {actual}, the schedule says {expected}")
GOT = translatable("core", "{who} {op} got {actual}, the schedule says {expected}")
STILL_MOVES = translatable("core", "the schedule ends, but {who} can still run {op}")
NOTHING_TO_FLUSH = translatable("core", "{who} has nothing to flush")
FEEDER_NEEDS_MP = translatable(
    "core",
    "feeder steps need an mp or joinable queue: a {queue} queue's put is complete when it returns",
)
BLOCKED = "blocked"
FEEDER_QUEUES = ("mp", "joinable")  # the queues whose put leaves the write to a feeder thread


# What a schedule file says of the run it steps, by the names RunParams gives them.
_SHARED_FIELDS = ("strategy", "workers", "items", "producer", "queue_kind", "batch_size")


def schedule_params(schedule: Schedule, base: RunParams | None = None) -> RunParams:
    """The run a schedule describes: its strategy, size, producer and queue; the rest from base.

    A schedule replays without a fault (step mode refuses them). ParamError
    if the producer moves in a run where it has nothing to do while the
    workers run (prefilled, no finish step).
    """
    strategy = STRATEGIES.get(schedule.strategy)
    if strategy is not None and schedule.producer != "concurrent" and strategy.finish is None:
        for step in schedule.steps:
            if step.who == PRODUCER:
                raise ParamError(Sentence.of(NO_PRODUCER_STEPS, who=step.who, strategy=strategy.id))
    shared = {name: getattr(schedule, name) for name in _SHARED_FIELDS}
    if schedule.feeder == "steps" and strategy is not None:
        shared["queue_kind"] = feeder_queue(strategy, schedule.queue_kind)
    return (base or RunParams()).replace(fault=None, **shared)


def schedule_of(params: RunParams, steps: Sequence[Step], feeder: str = "settled") -> Schedule:
    """Steps taken in a run of params, as a schedule file holds them."""
    shared = {name: getattr(params, name) for name in _SHARED_FIELDS}
    return Schedule(**shared, steps=tuple(steps), feeder=feeder)


def feeder_queue(strategy: Strategy, queue_kind: str | None) -> str:
    """The queue a run with feeder steps uses: queue_kind, else the first mp one it runs on."""
    if queue_kind is not None:
        return queue_kind
    kinds = [kind for kind in strategy.queue_kinds if kind in FEEDER_QUEUES]
    return kinds[0] if kinds else strategy.default_backend


def refuse_feeder_steps(queue_kind: str) -> None:
    """ParamError unless feeder steps can be taken on this queue (it has feeder threads)."""
    if queue_kind not in FEEDER_QUEUES:
        raise ParamError(Sentence.of(FEEDER_NEEDS_MP, queue=queue_kind))


def refuse_unsteppable(strategy: Strategy, fault: object) -> None:
    """ParamError if step mode cannot control this run."""
    if strategy.is_pool or strategy.pool_driver is not None:
        raise ParamError(Sentence.of(NOT_STEPPABLE_POOL, strategy=strategy.id))
    if Need.REQUEUE in strategy.needs:
        raise ParamError(Sentence.of(NOT_STEPPABLE_REQUEUE, strategy=strategy.id))
    if fault is not None:
        raise ParamError(NOT_STEPPABLE_FAULT)


def refuse_remote_steps(queue_kind: str) -> None:
    """ParamError if the run's backend waits for workers on other hosts (a shared Redis)."""
    remote = getattr(get_backend(queue_kind), "remote", None)
    if remote is not None and getattr(remote, "count", 0) > 0:
        raise ParamError(NOT_STEPPABLE_REMOTE)


class _Stopped(Exception):
    """The run is ending (a verdict, a cancel): the controller gives up."""


class _Diverged(Exception):
    pass


class Stepper:
    """Replays StepControl.replay through the run's gate; run() is the thread's target."""

    def __init__(self, setup: RunSetup, state: RunState, control: RunControl) -> None:
        assert setup.gate is not None and control.stepping is not None
        self.gate = setup.gate
        self.setup = setup
        self.state = state
        self.control = control
        self.stepping: StepControl = control.stepping
        self.workers = setup.workers
        self.in_queue = 0
        self.unfinished = 0  # puts not yet matched by a task_done(): what q.join() waits for
        self.blocked: set[int] = set()  # shown blocked (get, join) until that can change
        self.owners = [*range(self.workers), setup.producer_slot]
        self.feeders = [self.gate.feeder(s) for s in self.owners] if self.gate.feeders else []
        self.unflushed = dict.fromkeys(self.owners, 0)  # puts a feeder has not written yet
        # Who stands at the gate with which operation (None: ended); absent: on its way.
        self.waiting: dict[int, tuple[int, str | None] | None] = {}

    def run(self) -> None:
        try:
            self._replay()
        except _Stopped:
            pass
        except _Diverged:
            self.control.cancel()
        finally:
            self.state.controlled.clear()
            self.gate.open()  # nobody is left waiting for a turn that never comes
            self.stepping.close()

    def _replay(self) -> None:
        producer = self.setup.producer_slot
        self._await(producer)  # prefill: every item is in; concurrent: at its first put
        self.in_queue = self.unfinished = self.state.puts
        if self.feeders:  # prefilled items wait in P's feeder buffer too
            self.in_queue, self.unflushed[producer] = 0, self.state.puts
        for number, step in enumerate(self.stepping.replay, 1):
            self._step(number, step)
        if self.stepping.interactive:
            self._interact()
            return
        if self.stepping.free_after:
            return
        for slot in [*self.owners, *filter(self._flushes, self.feeders)]:
            waiting = self._await(slot)
            if waiting is not None and not self._blocks(waiting[0]):
                op = op_text(OP_NAMES[waiting[0]], waiting[1])
                self._diverge(
                    len(self.stepping.replay) + 1,
                    Sentence.of(STILL_MOVES, who=self._who(slot), op=op),
                )

    def _step(self, number: int, step: Step) -> None:
        slot = self._slot(step.who)
        if slot in self.feeders and not self._flushes(slot):
            self._diverge(number, Sentence.of(NOTHING_TO_FLUSH, who=step.who))
        waiting = self._await(slot)
        if waiting is None:
            self._diverge(number, Sentence.of(GONE, who=step.who))
        actual_op = op_text(OP_NAMES[waiting[0]], waiting[1])
        expected_op = op_text(step.op, step.arg)
        if actual_op != expected_op:
            self._diverge(
                number,
                Sentence.of(ABOUT_TO, who=step.who, actual=actual_op, expected=expected_op),
            )
        taken = self._move(slot, waiting)
        if taken is None:
            self._diverge(number, Sentence.of(GONE, who=step.who))
        if taken.result != step.result:
            self._diverge(
                number,
                Sentence.of(
                    GOT, who=step.who, op=actual_op, actual=taken.result, expected=step.result
                ),
            )

    def _move(self, slot: int, waiting: tuple[int, str | None]) -> Step | None:
        """Let slot run the operation it waits with and record it; None if it died meanwhile."""
        op, arg = waiting
        if self._blocks(op):
            result = BLOCKED
            self.blocked.add(slot)
        else:
            del self.waiting[slot]
            self.gate.release(slot, known_empty=self.in_queue == 0)
            if not self._until(lambda: self.gate.wait_done(slot), slot):
                return None
            kind, value = self.gate.result(slot)
            result = describe(kind, value)
            if op == PUT:
                self.unfinished += 1
                if self.feeders:
                    self.unflushed[slot] += 1  # in its feeder's buffer, not in the queue yet
                else:
                    self._queued()
            elif op == FLUSH:
                self.unflushed[self._owner(slot)] -= 1
                self._queued()
            elif op == TASK_DONE:
                self.unfinished -= 1
                if self.unfinished == 0:
                    self.blocked.discard(self.setup.producer_slot)  # q.join() returns now
            elif kind in (ITEM, KNOWN) and OP_NAMES[op].startswith("get"):
                self.in_queue -= 1
        step = Step(who=self._who(slot), op=OP_NAMES[op], result=result, arg=arg)
        self.stepping.record(step)
        return step

    def _queued(self) -> None:
        """An item reached the queue: a get may take it now."""
        self.in_queue += 1
        self.blocked.difference_update(range(self.workers))

    def _owner(self, feeder: int) -> int:
        owner = self.gate.owner(feeder)
        assert owner is not None
        return owner

    def _flushes(self, feeder: int) -> bool:
        """The feeder has an item to write: it comes to the gate (or is there)."""
        return self.unflushed[self._owner(feeder)] > 0

    def _interact(self) -> None:
        """Move whom the caller asks, one operation at a time, until nobody can move."""
        slots = [*self.owners, *self.feeders]
        while True:
            offers = self._arrivals(slots)
            settled = (
                s in self.waiting or (s in self.feeders and not self._flushes(s)) for s in slots
            )
            if all(settled) and not any(not offer.blocks for offer in offers):
                return  # all ended or blocked in get(): the gate opens, the monitor decides
            self.stepping.offer(offers)
            request = self.stepping.next_request(POLL_S)
            if self.state.shutting_down.is_set() or self.control.cancelled:
                raise _Stopped
            if request == RUN_FREELY:
                return
            slot = self._requested(request)
            if slot is None or slot in self.blocked:
                continue  # unknown, or a get already shown blocked: nothing to do
            if slot in self.feeders and not self._flushes(slot):
                continue  # nothing to write: it will not come
            waiting = self._await(slot)
            if waiting is not None:
                self._move(slot, waiting)

    def _arrivals(self, slots: list[int]) -> tuple[Offer, ...]:
        """Take note of who reached the gate meanwhile; what the live ones wait to run."""
        offers = []
        for slot in slots:
            if slot not in self.waiting:
                if self.gate.wait_arrival(slot, timeout=0):
                    op, arg = self.gate.next_op(slot)
                    self.waiting[slot] = None if op == EXIT else (op, arg)
                elif not self._alive(slot):
                    self.waiting[slot] = None
            waiting = self.waiting.get(slot)
            if waiting is not None:
                op, arg = waiting
                offers.append(Offer(self._who(slot), OP_NAMES[op], arg, self._blocks(op)))
        return tuple(offers)

    def _requested(self, who: str | None) -> int | None:
        owner = (owner_of(who) if self.feeders else None) if who is not None else None
        base = owner or who
        if base is None or not (base == PRODUCER or (base[:1] == "W" and base[1:].isdigit())):
            return None
        slot = self._slot(base)
        if not (0 <= slot < self.workers or slot == self.setup.producer_slot):
            return None
        return slot if owner is None else self.gate.feeder(slot)

    def _blocks(self, op: int) -> bool:
        return (op == GET and self.in_queue == 0) or (op == JOIN and self.unfinished > 0)

    def _await(self, slot: int) -> tuple[int, str | None] | None:
        """What slot waits to do at the gate, once it is there (None: it ended or died)."""
        if slot not in self.waiting:
            if self._until(lambda: self.gate.wait_arrival(slot), slot):
                op, arg = self.gate.next_op(slot)
                self.waiting[slot] = None if op == EXIT else (op, arg)
            else:
                self.waiting[slot] = None
        return self.waiting[slot]

    def _until(self, event: Callable[[], bool], slot: int) -> bool:
        """Poll event until it happens (True); False if slot died first; stop if the run ends."""
        while not event():
            if self.state.shutting_down.is_set() or self.control.cancelled:
                raise _Stopped
            if not self._alive(slot):
                return False
        return True

    def _alive(self, slot: int) -> bool:
        if slot in self.feeders:  # P's lives as long as the run; a worker's, as its process
            owner = self._owner(slot)
            return owner == self.setup.producer_slot or self._alive(owner)
        if slot == self.setup.producer_slot:
            return any(t.is_alive() for t in self.state.threads if t.name.endswith("producer"))
        if slot in self.state.task_errors:
            return False  # its Pool task failed: it never reaches the gate
        if slot < len(self.state.processes):
            return self.state.processes[slot].exitcode is None
        pid = int(self.state.ledger.table[slot * W_FIELDS + W_PID])
        return pid <= 0 or pid_alive(pid)

    def _slot(self, who: str) -> int:
        owner = owner_of(who)
        if owner is not None:
            return self.gate.feeder(self._slot(owner))
        index = participant(who)
        return self.setup.producer_slot if index < 0 else index

    def _who(self, slot: int) -> str:
        if slot in self.feeders:
            return feeder_of(self._who(self._owner(slot)))
        return who_of(-1 if slot == self.setup.producer_slot else slot)

    def _diverge(self, number: int, reason: Sentence) -> NoReturn:
        self.stepping.divergence = Divergence(number, str(reason))
        raise _Diverged


def start_stepper(setup: RunSetup, state: RunState, control: RunControl) -> threading.Thread:
    thread = threading.Thread(target=Stepper(setup, state, control).run, name="queuescope-stepper")
    thread.daemon = True
    state.controlled.set()
    state.threads.append(thread)
    thread.start()
    return thread
