"""The main process's side of a strategy: it puts the items, or drives the pool.

A queue strategy gets its items (then its sentinels, then its finish step)
from produce(), run in the producer thread; a pool strategy's driver runs in
drive_pool() instead and pulls its items from the producer. Either way the
Producer is the host the strategy's own main-process step talks to
(core.hosts.FinishHost, core.hosts.PoolHost).
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.context import BaseContext
from typing import Any

from core.chunks import chunked
from core.cpython import settle_puts
from core.faults import BigItem, UnpicklableItem
from core.gate import EMPTY, JOIN, PUT, SET
from core.launcher import Launcher
from core.ledger import W_FIELDS, W_PID, W_STATE, W_T_CHANGE
from core.queues import FeederAtGate
from core.runstate import RunSetup, RunState
from core.states import WorkerState
from core.worker import init_worker

_PUT_BLOCK = 1024  # prefill: items between checks of shutting_down


class Producer:
    """Puts a queue strategy's items in order, or runs a pool strategy's driver."""

    def __init__(self, setup: RunSetup, state: RunState, launcher: Launcher) -> None:
        self.setup = setup
        self.state = state
        self.launcher = launcher
        self._put: Callable[[Any], None] | None = None  # a controlled run's put, once open

    # --- queue strategies: the producer thread -----------------------------------

    def produce(self) -> None:
        state = self.state
        try:
            if self.setup.gate is not None:
                self._put = self._settled_put()
            if self.setup.params.producer == "prefill":
                state.phase = "producing"
                self._put_items()
                self._put_sentinels()
                self._start_workers()
                state.phase = "running"
            else:
                self._start_workers()
                state.phase = "producing"
                self._put_items()
                self._put_sentinels()
                state.phase = "running"
            finish = self.setup.strategy.finish
            if finish is not None and not state.shutting_down.is_set():
                state.phase = "finishing"
                finish(self)
                state.phase = "running"
            if not state.shutting_down.is_set():
                state.nothing_more_to_put.set()
        except Exception:
            if not state.shutting_down.is_set():
                state.producer_error = traceback.format_exc()
        finally:
            if self.setup.gate is not None:
                self.setup.gate.exit(self.setup.producer_slot)

    def _start_workers(self) -> None:
        self.launcher.start_workers()
        if self._put is not None:
            self._put = self._at_gate(self._put)  # from now on every put is a step

    def _settled_put(self) -> Callable[[Any], None]:
        """Step mode's put: it returns once the item is readable by the workers.

        With feeder steps, once it is in the feeder's buffer: the write is FP's
        step, prefilled items' too.
        """
        raw_put = self.state.queue.put
        gate = self.setup.gate
        if gate is not None and gate.feeders:
            feeder = FeederAtGate(self.state.queue, gate, gate.feeder(self.setup.producer_slot))
            return lambda obj: feeder.put(raw_put, obj)
        settled = settle_puts(self.state.queue)

        def put_settled(obj: Any) -> None:
            raw_put(obj)
            settled()

        return put_settled

    def _at_gate(self, call: Callable[[Any], Any], op: int = PUT) -> Callable[[Any], Any]:
        """call(arg) as a step of the main process at the gate (step mode, workers running)."""
        gate, stopped = self.setup.gate, self.state.shutting_down.is_set
        assert gate is not None
        slot = self.setup.producer_slot

        def step(arg: Any = None) -> Any:
            return gate.step(slot, op, arg, lambda _: call(arg), stopped)

        return step

    def feeder_failed(self, error: BaseException, obj: object) -> None:
        """An mp queue's feeder thread could not send obj: the run's evidence."""
        # Not fatal to the run: the feeder goes on with the next items, as it
        # does outside the lab; the verdict reports it.
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
        if self.state.feeder_error is None:
            self.state.feeder_error = (
                f"the queue's feeder thread could not send item {obj!r}: {text} "
                "(multiprocessing drops such an item and only prints the error)"
            )

    def _item_source(self, counted: bool = True) -> Iterator[int]:
        """Items in order, at the requested rate, until told to stop; counted: each as a put."""
        params, state = self.setup.params, self.state
        rate = params.rate if self._paced() else None
        start = time.monotonic()
        make = self._item_maker()
        for item in range(params.items):
            if rate is not None:
                delay = start + item / rate - time.monotonic()
                if delay > 0 and state.shutting_down.wait(delay):
                    return
            elif item % 1024 == 0 and state.shutting_down.is_set():
                return
            yield make(item) if make else item
            if counted:
                state.puts += 1

    def _paced(self) -> bool:
        """Items go in at the requested rate (step mode sets its own pace)."""
        params = self.setup.params
        return (
            params.producer == "concurrent" and self.setup.gate is None and params.rate is not None
        )

    def _item_maker(self) -> Callable[[int], int] | None:
        """What the producer puts for item i under a producer-side fault."""
        fault = self.setup.fault
        if fault is None:
            return None
        if fault.kind == "big-payload":
            payload = b"x" * fault.value
            return lambda i: BigItem(i, payload)
        if fault.kind == "unpicklable":
            return lambda i: UnpicklableItem(i) if i == fault.value else i
        return None

    def _put_items(self) -> None:
        put = self._put or self.state.queue.put
        if self.setup.strategy.batches:
            self._put_batches(put)
            return
        if self._put is None and self.setup.params.producer == "prefill" and not self._item_maker():
            self._prefill(put)
            return
        for item in self._item_source():
            put(item)

    def _put_batches(self, put: Callable[[list[int]], None]) -> None:
        """Lists of batch_size items, each one put: puts counts queue objects, as the
        deadlock proof compares it with the objects the workers took."""
        size, state = self.setup.params.batch_size, self.state
        if not self._paced() and not self._item_maker():
            for plain in self._ranges(size):
                put(plain)
                state.puts += 1
            return
        batch: list[int] = []
        for item in self._item_source(counted=False):
            batch.append(item)
            if len(batch) == size:
                put(batch)
                state.puts += 1
                batch = []
        if batch and not state.shutting_down.is_set():
            put(batch)
            state.puts += 1

    def _prefill(self, put: Callable[[int], None]) -> None:
        """Plain ints before any worker runs: the bare loop, counted per block.

        In prefill the workers start after the puts, so nobody reads the count
        meanwhile; _item_source's generator cost ~0.15 us per item, a quarter
        of an mp queue's put, on the path to the first item taken.
        """
        n = self.setup.params.items
        state = self.state
        for start in range(0, n, _PUT_BLOCK):
            if state.shutting_down.is_set():
                return
            stop = min(n, start + _PUT_BLOCK)
            item = start
            try:
                for item in range(start, stop):
                    put(item)
            except BaseException:
                state.puts = item  # items before the one that failed went in
                raise
            state.puts = stop

    def _put_sentinels(self) -> None:
        strategy = self.setup.strategy
        count = {"none": 0, "one": 1, "per-worker": self.workers}[strategy.sentinels]
        for _ in range(count):
            self.put(strategy.sentinel)

    # --- FinishHost: what a strategy's finish step calls -------------------------

    @property
    def workers(self) -> int:
        return self.setup.workers

    def put(self, obj: Any) -> None:
        (self._put or self.state.queue.put)(obj)
        self.state.puts += 1

    def join_queue(self) -> bool:
        session = self.state.session
        assert session is not None

        def join(_: object = None) -> bool:
            return session.join_queue(self.state.queue, self.state.shutting_down.is_set)

        return bool(self._stepped(join, JOIN)())

    def wait_until_empty(self) -> bool:
        shutting_down = self.state.shutting_down

        def is_empty(_: object = None) -> bool:
            return bool(self.state.queue.empty())

        empty = self._stepped(is_empty, EMPTY)
        while not shutting_down.is_set():
            if empty():
                return True
            if self.setup.gate is None or self.setup.gate.is_open:
                shutting_down.wait(0.01)  # step mode: each poll waits for its turn instead
        return False

    def set_stop(self) -> None:
        def set_event(_: object = None) -> None:
            self.state.workers_stop_event.set()

        self._stepped(set_event, SET)()

    def _stepped(self, call: Callable[[Any], Any], op: int) -> Callable[..., Any]:
        """A finish step's operation: at the gate in step mode, else as it is."""
        return call if self.setup.gate is None else self._at_gate(call, op)

    # --- pool strategies: the pool driver thread ---------------------------------

    def drive_pool(self) -> None:
        state = self.state
        try:
            assert self.setup.strategy.pool_driver is not None
            self.setup.strategy.pool_driver(self)
            if not state.shutting_down.is_set():
                state.nothing_more_to_put.set()
                now = time.monotonic()
                for worker in range(self.workers):
                    row = worker * W_FIELDS
                    if state.ledger.table[row + W_PID] > 0:
                        state.ledger.table[row + W_STATE] = float(WorkerState.EXITED)
                        state.ledger.table[row + W_T_CHANGE] = now
        except Exception:
            if not state.shutting_down.is_set():
                state.driver_error = traceback.format_exc()
        finally:
            state.pool_driver_returned.set()

    # --- PoolHost: what a pool strategy's driver calls ---------------------------

    @property
    def ctx(self) -> BaseContext:
        return self.setup.ctx

    @property
    def initializer(self) -> Callable[..., None]:
        return init_worker

    @property
    def initargs(self) -> tuple[Any, ...]:
        owner = self.launcher.owner
        return (self.state.ledger.handles, self.setup.run_dir, self.setup.work, True, owner)

    @property
    def items(self) -> Iterator[int]:
        def source() -> Iterator[int]:
            yield from self._item_source()
            self.state.nothing_more_to_put.set()

        return source()

    @property
    def chunksize(self) -> int:
        return self.setup.params.chunksize

    @property
    def chunks(self) -> Iterator[list[int]]:
        size = self.chunksize
        if self._paced() or self._item_maker():
            return chunked(self.items, size)

        def counted() -> Iterator[list[int]]:
            for chunk in self._ranges(size):
                yield chunk
                self.state.puts += len(chunk)
            if not self.state.shutting_down.is_set():
                self.state.nothing_more_to_put.set()

        return counted()

    def _ranges(self, size: int) -> Iterator[list[int]]:
        """Plain ints in lists of size, each a range made in C, as the bare scripts make
        them (item by item through _item_source cost ~0.15 s per million); until told to stop."""
        n, stopping = self.setup.params.items, self.state.shutting_down.is_set
        for first in range(0, n, size):
            if stopping():
                return
            yield list(range(first, min(n, first + size)))

    def attach(self, pool_object: Any) -> None:
        self.state.driver_pool = pool_object
        self.state.phase = "running"

    def cancelled(self) -> bool:
        return self.state.shutting_down.is_set()
