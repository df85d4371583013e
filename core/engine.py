"""Runs one experiment: starts the workers, watches the evidence, decides, cleans up."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import weakref
from array import array
from collections.abc import Callable, Iterator
from multiprocessing.connection import wait as wait_for_any
from typing import Any

from core.diagnosis import Evidence, diagnose, diagnose_sentences
from core.faults import BigItem, UnpicklableItem, parse_fault
from core.ledger import (
    SENTINEL_ITEM,
    W_FIELDS,
    W_ITEM,
    W_ITEM_AT_EMPTY,
    W_LAST_EMPTY,
    W_PID,
    W_PROCESSED,
    W_PUTS,
    W_QT_IMPORTED,
    W_STATE,
    W_T_CHANGE,
    W_T_LAST_EMPTY,
    W_TAKEN,
    Ledger,
)
from core.params import ParamError, RunParams, validate
from core.procs import helper_pids, kill_and_reap, pid_alive, pid_state
from core.queues import QueueKind, make_queue_kind
from core.result import (
    STATUS_DROPPED,
    STATUS_DUPLICATED,
    STATUS_IN_FLIGHT,
    STATUS_LEFT,
    STATUS_PROCESSED,
    ItemRecords,
    Progress,
    RunResult,
    TimelineEvent,
    WorkerSummary,
    WorkerView,
)
from core.states import FINAL_STATES, WorkerState
from core.strategies import Strategy, get_strategy
from core.text import Sentence, translatable
from core.worker import LoopOptions, WorkSpec, init_worker, process_main, run_loop

POLL_S = 0.02
CONFIRM_S = 0.04  # a deadlock must look the same on two polls this far apart
LIVENESS_EVERY_S = 0.2
MAX_TIMELINE = 100_000
DUMP_WAIT_S = 0.5
DUMP_POLL_S = 0.01
SHUTDOWN_WAIT_S = 5.0
_DIFF_BLOCK = 1024  # items per compared block of the progress diff
_FINAL_SLICE = 65_536  # items per C loop when building the final records
_PUT_BLOCK = 1024  # prefill: items between checks of stop

ProgressCallback = Callable[[Progress], None]

# Timeline event text. Fixed sentences are built once: the monitor makes an
# event on every state change it sees.
TOOK_ITEM = translatable("core", "took item {item}")
STARTED_PID = translatable("core", "started (pid {pid})")
TOOK_SENTINEL = Sentence(translatable("core", "took a sentinel"))
BLOCKED_IN_GET = Sentence(translatable("core", "blocked in q.get()"))
SAW_EMPTY = Sentence(translatable("core", "saw q.empty() == True"))
_STATE_SENTENCES = {state: Sentence(state.label) for state in WorkerState}
_EVENT_KINDS = {
    WorkerState.STARTING: "started",
    WorkerState.BLOCKING_GET: "blocked",
    WorkerState.TIMED_GET: "timed-get",
    WorkerState.PROCESSING: "took",
    WorkerState.IDLE: "idle",
    WorkerState.EXITED: "exited",
    WorkerState.CRASHED: "crashed",
}

_run_lock = threading.Lock()
_gc_lock = threading.Lock()


class RunInProgress(RuntimeError):
    """Raised when a run is started while another one is still going."""


def run(
    params: RunParams,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    progress_interval_s: float = 1 / 30,
) -> RunResult:
    """Run one experiment to its verdict; every child process is gone on return.

    Raises ParamError for bad parameters and RunInProgress if a run is going.
    """
    with exclusive_runs():
        return run_unlocked(params, on_progress, cancel, progress_interval_s)


@contextlib.contextmanager
def exclusive_runs() -> Iterator[None]:
    """Hold the one-run-at-a-time lock (a run, or a whole experiment of runs).

    Raises RunInProgress at once if another holder has it.
    """
    if not _run_lock.acquire(blocking=False):
        raise RunInProgress(
            translatable("core", "a run is already in progress; wait for it or cancel it")
        )
    try:
        yield
    finally:
        _run_lock.release()


def run_unlocked(
    params: RunParams,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    progress_interval_s: float = 1 / 30,
) -> RunResult:
    """run() without the lock: for a caller that holds exclusive_runs() itself.

    Several may go at once (an experiment's parallel trials): each run only
    ever stops and reaps the processes it started.
    """
    params = validate(params)
    if params.start_method == "fork" and threading.active_count() > 1:
        raise ParamError(
            "start method fork is refused in a process with threads (the child would inherit "
            "locks held by other threads); use spawn or forkserver"
        )
    runner = _Run(params, on_progress, cancel or threading.Event(), progress_interval_s)
    result = runner.execute()
    # Named semaphores (queues, locks, events) are unlinked from /dev/shm when
    # their objects are freed; Pool and Manager objects sit in reference
    # cycles, so collect now rather than at some later, unknown time. A run
    # without them is freed by reference counting: a full collection would
    # only walk the caller's heap (~20 ms in the window) for nothing.
    in_cycles = runner.pool is not None or runner.pool_object is not None
    freed = weakref.ref(runner)
    del runner
    if in_cycles or freed() is not None:
        # gc.collect() returns at once while another thread collects; parallel
        # runs take turns so each one's collection really happens.
        with _gc_lock:
            gc.collect()
    return result


class _Run:
    def __init__(
        self,
        params: RunParams,
        on_progress: ProgressCallback | None,
        cancel: threading.Event,
        progress_interval_s: float,
    ) -> None:
        self.params = params
        self.strategy: Strategy = get_strategy(params.strategy)
        self.on_progress = on_progress
        self.cancel = cancel
        self.progress_interval_s = progress_interval_s
        self.ctx = multiprocessing.get_context(params.start_method)
        self.workers = params.workers
        self.ledger = Ledger.create(params.items, params.workers, self.ctx.Lock())
        self.run_dir = tempfile.mkdtemp(prefix="queuescope-run-")
        self.fault = (
            parse_fault(params.fault, params.items, params.workers) if params.fault else None
        )
        self.work = WorkSpec(
            params.work_ms,
            params.work_kind,
            params.jitter_ms,
            params.seed,
            fault_kind=self.fault.kind if self.fault else "",
            fault_item=self.fault.item if self.fault else -1,
            slow_worker=self.fault.arg - 1 if self.fault and self.fault.kind == "slow" else -1,
        )
        self.os_states: dict[int, str] = {}  # worker -> /proc state letter at the verdict
        self.stop = threading.Event()  # tells our own threads to give up
        # Held while a worker process starts: cleanup waits for a start in progress.
        self.starting = threading.Lock()
        self.producer_done = threading.Event()
        self.phase = "starting"
        self.puts = 0
        self.producer_error: str | None = None
        self.feeder_error: str | None = None
        self.kind: QueueKind | None = None
        self.queue: Any = None
        self.stop_event: Any = None
        self.pool: Any = None
        self.processes: list[Any] = []
        self._ended: set[Any] = set()  # sentinels of worker processes seen ending
        self.tasks: list[Any] = []
        self.task_errors: dict[int, str] = {}
        self.pool_object: Any = None  # pool strategies: the Pool or executor
        self.driver_done = threading.Event()
        self.driver_error: str | None = None
        self.threads: list[threading.Thread] = []
        self.dead: dict[int, int | None] = {}  # worker -> exit code, died without saying so
        self.timeline: list[TimelineEvent] = []
        self.depth_samples: list[tuple[float, int, int]] = []
        self.t0 = 0.0

    # --- public -----------------------------------------------------------------

    def execute(self) -> RunResult:
        self.t0 = self.ledger.t0  # one time zero for records, timeline and samples
        started_at = time.time()
        verdict = "ok"
        dumps: dict[int, str] = {}
        # The live ledger holds a lock that workers rebuild from its name when they
        # start; it must outlive cleanup, or a worker still starting up (a cancel
        # or watchdog during start-up) finds the name unlinked and dies with a
        # FileNotFoundError traceback instead of being stopped quietly.
        live_ledger = self.ledger
        try:
            try:
                self._start()
                verdict = self._monitor()
            except Exception:
                self.producer_error = self.producer_error or traceback.format_exc()
                verdict = "crashed"
            elapsed = time.monotonic() - self.t0
            self.os_states = self._os_states()
            if verdict in ("deadlock", "stalled"):
                dumps = self._dump_stacks()
            # The verdict's evidence is what the ledger held now; cleanup must not
            # change it (a worker may still finish an item before it is stopped).
            self.ledger = self.ledger.frozen()
            table = list(self.ledger.table)
        finally:
            self._cleanup()
            del live_ledger
        return self._result(verdict, elapsed, table, dumps, started_at)

    # --- start-up ---------------------------------------------------------------

    def _start(self) -> None:
        if self.strategy.pool_driver is not None:
            thread = threading.Thread(target=self._drive_pool, name="queuescope-pool-driver")
        else:
            self._open_queue()
            thread = threading.Thread(target=self._produce, name="queuescope-producer")
        thread.daemon = True
        self.threads.append(thread)
        thread.start()

    def _open_queue(self) -> None:
        kind_name = self.params.queue_kind or self.strategy.queue_kinds[0]
        self.kind = make_queue_kind(kind_name, self.ctx)
        self.queue = self.kind.make_queue()
        if hasattr(self.queue, "_on_queue_feeder_error"):
            # An mp queue pickles in a background thread, which by default only
            # prints a failure (CPython gh-74599): make it the run's evidence.
            self.queue._on_queue_feeder_error = self._feeder_failed
        if self.strategy.uses_stop_event:
            self.stop_event = self.kind.make_event()
        if self.kind.uses_pool or self.strategy.pool_launcher:
            # The post's order: Pool first, then the puts, then apply_async.
            self.pool = self.ctx.Pool(
                self.workers,
                initializer=init_worker,
                initargs=(self.ledger.handles, self.run_dir, self.work, False),
            )

    def _start_workers(self) -> None:
        options = LoopOptions(timeout=self.params.get_timeout_s, stop=self.stop_event)
        if self.pool is not None:
            for index in range(self.workers):
                self.tasks.append(
                    self.pool.apply_async(
                        run_loop,
                        (self.strategy.loop, index, self.queue, options),
                        error_callback=self._task_failed(index),
                    )
                )
            return
        for index in range(self.workers):
            with self.starting:
                if self.stop.is_set():
                    return  # cancelled (or timed out) while starting: start no more
                process = self.ctx.Process(  # type: ignore[attr-defined]
                    target=process_main,
                    args=(
                        self.ledger.handles,
                        self.run_dir,
                        self.work,
                        self.strategy.loop,
                        index,
                        self.queue,
                        options,
                    ),
                    name=f"queuescope-worker-{index + 1}",
                    daemon=True,
                )
                process.start()
                self.processes.append(process)

    def _task_failed(self, index: int) -> Callable[[BaseException], None]:
        def record(error: BaseException) -> None:
            self.task_errors[index] = "".join(
                traceback.format_exception_only(type(error), error)
            ).strip()

        return record

    # --- the main process's side of a queue strategy ----------------------------

    def _produce(self) -> None:
        try:
            if self.params.producer == "prefill":
                self.phase = "producing"
                self._put_items()
                self._put_sentinels()
                self._start_workers()
                self.phase = "running"
            else:
                self._start_workers()
                self.phase = "producing"
                self._put_items()
                self._put_sentinels()
                self.phase = "running"
            if self.strategy.finish is not None and not self.stop.is_set():
                self.phase = "finishing"
                self.strategy.finish(self)
                self.phase = "running"
            if not self.stop.is_set():
                self.producer_done.set()
        except Exception:
            if not self.stop.is_set():
                self.producer_error = traceback.format_exc()

    def _item_source(self) -> Iterator[int]:
        """Items in order, at the requested rate, until told to stop."""
        rate = self.params.rate if self.params.producer == "concurrent" else None
        start = time.monotonic()
        make = self._item_maker()
        for item in range(self.params.items):
            if rate is not None:
                delay = start + item / rate - time.monotonic()
                if delay > 0 and self.stop.wait(delay):
                    return
            elif item % 1024 == 0 and self.stop.is_set():
                return
            yield make(item) if make else item
            self.puts += 1

    def _item_maker(self) -> Callable[[int], int] | None:
        """What the producer puts for item i under a producer-side fault."""
        fault = self.fault
        if fault is None:
            return None
        if fault.kind == "big-payload":
            payload = b"x" * fault.arg
            return lambda i: BigItem(i, payload)
        if fault.kind == "unpicklable":
            return lambda i: UnpicklableItem(i) if i == fault.arg else i
        return None

    def _feeder_failed(self, error: BaseException, obj: object) -> None:
        # Not fatal to the run: the feeder goes on with the next items, as it
        # does outside the lab; the verdict reports it.
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
        if self.feeder_error is None:
            self.feeder_error = (
                f"the queue's feeder thread could not send item {obj!r}: {text} "
                "(multiprocessing drops such an item and only prints the error)"
            )

    def _put_items(self) -> None:
        put = self.queue.put
        if self.params.producer == "prefill" and self._item_maker() is None:
            self._prefill(put)
            return
        for item in self._item_source():
            put(item)

    def _prefill(self, put: Callable[[int], None]) -> None:
        """Plain ints before any worker runs: the bare loop, counted per block.

        In prefill the workers start after the puts, so nobody reads the count
        meanwhile; _item_source's generator cost ~0.15 us per item, a quarter
        of an mp queue's put, on the path to the first item taken.
        """
        n = self.params.items
        for start in range(0, n, _PUT_BLOCK):
            if self.stop.is_set():
                return
            stop = min(n, start + _PUT_BLOCK)
            item = start
            try:
                for item in range(start, stop):
                    put(item)
            except BaseException:
                self.puts = item  # items before the one that failed went in
                raise
            self.puts = stop

    def _put_sentinels(self) -> None:
        count = {"none": 0, "one": 1, "per-worker": self.workers}[self.strategy.sentinels]
        for _ in range(count):
            self.put(self.strategy.sentinel)

    # Used by a strategy's finish step.
    def put(self, obj: Any) -> None:
        self.queue.put(obj)
        self.puts += 1

    def join_queue(self) -> bool:
        assert self.kind is not None
        return self.kind.join_queue(self.queue, self.stop.is_set)

    def wait_until_empty(self) -> bool:
        while not self.stop.is_set():
            if self.queue.empty():
                return True
            self.stop.wait(0.01)
        return False

    def set_stop(self) -> None:
        self.stop_event.set()

    def cancelled(self) -> bool:
        return self.stop.is_set()

    # --- pool strategies --------------------------------------------------------

    @property
    def initializer(self) -> Callable[..., None]:
        return init_worker

    @property
    def initargs(self) -> tuple[Any, ...]:
        return (self.ledger.handles, self.run_dir, self.work, True)

    @property
    def items(self) -> Iterator[int]:
        def source() -> Iterator[int]:
            yield from self._item_source()
            self.producer_done.set()

        return source()

    @property
    def chunksize(self) -> int:
        return self.params.chunksize

    def attach(self, pool_object: Any) -> None:
        self.pool_object = pool_object
        self.phase = "running"

    def _drive_pool(self) -> None:
        try:
            assert self.strategy.pool_driver is not None
            self.strategy.pool_driver(self)
            if not self.stop.is_set():
                self.producer_done.set()
                now = time.monotonic()
                for worker in range(self.workers):
                    row = worker * W_FIELDS
                    if self.ledger.table[row + W_PID] > 0:
                        self.ledger.table[row + W_STATE] = float(WorkerState.EXITED)
                        self.ledger.table[row + W_T_CHANGE] = now
        except Exception:
            if not self.stop.is_set():
                self.driver_error = traceback.format_exc()
        finally:
            self.driver_done.set()

    # --- watching ---------------------------------------------------------------

    def _monitor(self) -> str:
        ledger = self.ledger
        workers = self.workers
        last_progress = 0.0
        last_liveness = 0.0
        last_change = time.monotonic()
        last_signature: tuple[Any, ...] | None = None
        candidate: tuple[tuple[Any, ...], float] | None = None
        proof: tuple[Any, ...]
        previous_states: list[tuple[int, int]] = [(-1, -1)] * workers
        previous_empty = [0.0] * workers
        self._seen = bytes(max(self.params.items, 1) * 4)
        events: list[TimelineEvent] = []
        last_processed = 0
        last_rate_t = time.monotonic()
        rate = 0.0
        while True:
            if self._sleep():
                return "cancelled"
            now = time.monotonic()
            # Counters first, states second: a worker leaves BLOCKING_GET before
            # it counts what it took, so this order can never invent a deadlock.
            producer_done = self.producer_done.is_set()
            puts = self.puts
            counters = list(ledger.table)
            table = list(ledger.table)
            taken = sum(int(counters[w * W_FIELDS + W_TAKEN]) for w in range(workers))
            worker_puts = sum(int(counters[w * W_FIELDS + W_PUTS]) for w in range(workers))
            processed = sum(int(table[w * W_FIELDS + W_PROCESSED]) for w in range(workers))
            states = [int(table[w * W_FIELDS + W_STATE]) for w in range(workers)]

            if now - last_liveness >= LIVENESS_EVERY_S:
                last_liveness = now
                self._check_liveness(table)
            final = [
                states[w] in FINAL_STATES or w in self.dead or w in self.task_errors
                for w in range(workers)
            ]
            for w in range(workers):
                row = w * W_FIELDS
                key = (states[w], int(table[row + W_ITEM]))
                if key != previous_states[w]:
                    previous_states[w] = key
                    events.append(self._state_event(w, table))
                if table[row + W_T_LAST_EMPTY] != previous_empty[w]:
                    previous_empty[w] = table[row + W_T_LAST_EMPTY]
                    if table[row + W_LAST_EMPTY] == 1.0:
                        events.append(
                            TimelineEvent(
                                self._rel(table[row + W_T_LAST_EMPTY]),
                                w + 1,
                                "saw-empty",
                                _item_or_none(table[row + W_ITEM_AT_EMPTY]),
                                SAW_EMPTY.template,
                                SAW_EMPTY,
                            )
                        )
            depth = puts + worker_puts - taken
            self.depth_samples.append((now - self.t0, depth, processed))

            if self.producer_error or self.driver_error:
                self._flush_events(events)
                return "crashed"
            if self.strategy.pool_driver is not None:
                if self.driver_done.is_set():
                    self._flush_events(events)
                    return "ok"
            elif all(final) and (producer_done or self.phase == "finishing"):
                self._flush_events(events)
                return "ok"

            live = [w for w in range(workers) if not final[w]]
            if (
                producer_done
                and live
                and puts + worker_puts == taken
                and all(states[w] == WorkerState.BLOCKING_GET for w in live)
            ):
                proof = (
                    taken,
                    worker_puts,
                    tuple(table[w * W_FIELDS + W_T_CHANGE] for w in live),
                )
                if candidate is not None and candidate[0] == proof:
                    if now - candidate[1] >= CONFIRM_S:
                        self._flush_events(events)
                        return "deadlock"
                else:
                    candidate = (proof, now)
            else:
                candidate = None

            signature = (puts, taken, processed, worker_puts, tuple(states), tuple(final))
            if signature != last_signature:
                last_signature = signature
                last_change = now
            elif now - last_change >= self.params.watchdog_s:
                self._flush_events(events)
                return "stalled"

            if now - last_progress >= self.progress_interval_s:
                if now - last_rate_t > 0:
                    rate = (processed - last_processed) / (now - last_rate_t)
                last_processed, last_rate_t = processed, now
                last_progress = now
                self._emit_progress(now, puts, taken, processed, rate, depth, table, events)
                events = []

    def _sleep(self) -> bool:
        """Wait one poll, or less: wake as soon as a worker process ends.

        A run's verdict waits for its last worker to finish, and a fixed sleep
        made every run pay up to another POLL_S for it. True if cancelled
        (noticed within POLL_S while worker processes run).
        """
        running = [p.sentinel for p in list(self.processes) if p.sentinel not in self._ended]
        if not running:
            return self.cancel.wait(POLL_S)
        self._ended.update(wait_for_any(running, POLL_S))
        return self.cancel.is_set()

    def _rel(self, t: float) -> float:
        return max(0.0, t - self.t0)

    def _state_event(self, w: int, table: list[float]) -> TimelineEvent:
        row = w * W_FIELDS
        state = WorkerState(int(table[row + W_STATE]))
        item = _item_or_none(table[row + W_ITEM])
        if state == WorkerState.PROCESSING and table[row + W_ITEM] == SENTINEL_ITEM:
            sentence = TOOK_SENTINEL
        elif state == WorkerState.PROCESSING and item is not None:
            sentence = Sentence(TOOK_ITEM, (("item", item),))
        elif state == WorkerState.BLOCKING_GET:
            sentence = BLOCKED_IN_GET
        elif state == WorkerState.STARTING and table[row + W_PID] > 0:
            sentence = Sentence(STARTED_PID, (("pid", int(table[row + W_PID])),))
        else:
            # also PROCESSING with no item yet: a pool process marks the state first
            sentence = _STATE_SENTENCES[state]
        return TimelineEvent(
            self._rel(table[row + W_T_CHANGE]),
            w + 1,
            _EVENT_KINDS[state],
            item,
            sentence.render(),
            sentence,
        )

    def _flush_events(self, events: list[TimelineEvent]) -> None:
        room = MAX_TIMELINE - len(self.timeline)
        if room > 0:
            self.timeline.extend(events[:room])

    def _check_liveness(self, table: list[float]) -> None:
        """Find workers that died without recording it (killed, os._exit)."""
        for w in range(self.workers):
            if w in self.dead or int(table[w * W_FIELDS + W_STATE]) in FINAL_STATES:
                continue
            if self.processes:
                if w >= len(self.processes):
                    continue
                exit_code = self.processes[w].exitcode
                if exit_code is not None:
                    self.dead[w] = exit_code
                continue
            state = int(table[w * W_FIELDS + W_STATE])
            if state == WorkerState.IDLE:
                continue  # a pool process between items may exit as the pool shuts down
            pid = int(table[w * W_FIELDS + W_PID])
            if pid > 0 and not pid_alive(pid):
                self.dead[w] = None

    def _emit_progress(
        self,
        now: float,
        puts: int,
        taken: int,
        processed: int,
        rate: float,
        depth: int,
        table: list[float],
        events: list[TimelineEvent],
    ) -> None:
        self._flush_events(events)
        if self.on_progress is None:
            return  # the headless CLI: nobody reads records before the result
        new_records = self._new_records()
        views = []
        for w in range(self.workers):
            row = w * W_FIELDS
            state = WorkerState(int(table[row + W_STATE]))
            label = "crashed" if w in self.dead else state.label
            pid = int(table[row + W_PID])
            views.append(
                WorkerView(
                    index=w + 1,
                    state=label,
                    item=_item_or_none(table[row + W_ITEM]),
                    pid=pid or None,
                    processed=int(table[row + W_PROCESSED]),
                    since_s=self._rel(table[row + W_T_CHANGE]),
                )
            )
        self.on_progress(
            Progress(
                elapsed_s=now - self.t0,
                items=self.params.items,
                put=puts,
                taken=taken,
                processed=processed,
                items_per_s=rate,
                queue_depth=depth,
                workers=views,
                new_records=new_records,
                new_events=list(events),
                phase=self.phase,
            )
        )

    def _new_records(self) -> ItemRecords:
        """Records of the items processed since the last call (a diff, no IPC).

        A block whose items all went from 0 to 1 (the usual case) is copied as
        slices; a partly changed one goes item by item.
        """
        n = self.params.items
        current = bytes(self.ledger.process_count)
        previous = self._seen
        records = ItemRecords()
        if not n or current == previous:
            return records
        pids = self._worker_pids()
        take_count = self.ledger.take_count
        view = memoryview(current).cast("i")
        old = memoryview(previous).cast("i")
        for start in range(0, n, _DIFF_BLOCK):
            stop = min(n, start + _DIFF_BLOCK)
            now_block = current[start * 4 : stop * 4]
            old_block = previous[start * 4 : stop * 4]
            if now_block == old_block:
                continue
            ones = _ones(stop - start)
            if (
                now_block == ones
                and old_block == _zeros(stop - start)
                and take_count[start:stop].tobytes() == ones
            ):
                self._copy_records(records, start, stop, pids)
            else:
                changed = [i for i in range(start, stop) if view[i] != old[i]]
                self._append_records(records, changed, pids)
        self._seen = current
        return records

    def _copy_records(self, records: ItemRecords, start: int, stop: int, pids: list[int]) -> None:
        """Append items start..stop-1, each taken and processed once, as slices."""
        ledger = self.ledger
        count = stop - start
        records.item.extend(range(start, stop))
        records.worker.frombytes(ledger.taker[start:stop].cast("B"))
        _extend_pids(records, ledger.taker[start:stop].cast("B"), pids)
        records.t_take.frombytes(ledger.t_take[start:stop].cast("B"))
        records.t_start.frombytes(ledger.t_start[start:stop].cast("B"))
        records.t_done.frombytes(ledger.t_done[start:stop].cast("B"))
        records.times_processed.frombytes(_ones(count))
        records.status.frombytes(bytes(count))  # STATUS_PROCESSED is 0

    def _records_for(self, items: list[int]) -> ItemRecords:
        """Records of a few items (progress); statuses as of now."""
        records = ItemRecords()
        self._append_records(records, items, self._worker_pids())
        return records

    def _append_records(self, records: ItemRecords, items: list[int], pids: list[int]) -> None:
        ledger = self.ledger
        for i in items:
            taker = ledger.taker[i]
            times = ledger.process_count[i]
            taken = ledger.take_count[i]
            records.item.append(i)
            records.worker.append(taker)
            records.pid.append(pids[taker])
            records.t_take.append(ledger.t_take[i])
            records.t_start.append(ledger.t_start[i])
            records.t_done.append(ledger.t_done[i])
            records.times_processed.append(times)
            if times > 1 or taken > 1:
                records.status.append(STATUS_DUPLICATED)
            elif times == 1:
                records.status.append(STATUS_PROCESSED)
            else:
                records.status.append(STATUS_IN_FLIGHT if taken else STATUS_LEFT)

    def _final_records(
        self, dropped: list[int], left: list[int], duplicates: list[int]
    ) -> ItemRecords:
        """Every item's record, copied in bulk from the ledger (fast at 1M items)."""
        n = self.params.items
        ledger = self.ledger
        records = ItemRecords()
        records.worker.frombytes(ledger.taker[:n].cast("B"))
        pids = self._worker_pids()
        # In slices: one C loop over a million items would hold the GIL for
        # tens of ms, and the window's thread would miss its frames meanwhile.
        for start in range(0, n, _FINAL_SLICE):
            stop = min(n, start + _FINAL_SLICE)
            records.item.extend(range(start, stop))
            _extend_pids(records, ledger.taker[start:stop].cast("B"), pids)
        records.t_take.frombytes(ledger.t_take[:n].cast("B"))
        records.t_start.frombytes(ledger.t_start[:n].cast("B"))
        records.t_done.frombytes(ledger.t_done[:n].cast("B"))
        records.times_processed.frombytes(ledger.process_count[:n].cast("B"))
        records.status.frombytes(bytes(n))  # STATUS_PROCESSED is 0
        for status, items in (
            (STATUS_DROPPED, dropped),
            (STATUS_LEFT, left),
            (STATUS_DUPLICATED, duplicates),
        ):
            for i in items:
                records.status[i] = status
        return records

    def _worker_pids(self) -> list[int]:
        """pid by 1-based worker number; index 0 (nobody) maps to 0."""
        table = self.ledger.table
        return [0] + [int(table[w * W_FIELDS + W_PID]) for w in range(self.workers)]

    # --- the end ----------------------------------------------------------------

    def _os_states(self) -> dict[int, str]:
        states = {}
        for w in range(self.workers):
            pid = int(self.ledger.table[w * W_FIELDS + W_PID])
            if pid > 0:
                states[w] = pid_state(pid)
        return states

    def _dump_stacks(self) -> dict[int, str]:
        """Ask every stuck worker for a faulthandler dump of all its threads."""
        targets: dict[int, int] = {}
        for w in range(self.workers):
            row = w * W_FIELDS
            state = int(self.ledger.table[row + W_STATE])
            pid = int(self.ledger.table[row + W_PID])
            stopped = self.os_states.get(w) == "T"  # cannot answer a signal
            if pid > 0 and state not in FINAL_STATES and w not in self.dead and not stopped:
                targets[w] = pid
        for pid in set(targets.values()):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGUSR1)
        dumps: dict[int, str] = {}
        deadline = time.monotonic() + DUMP_WAIT_S
        pending = dict(targets)
        last_read: dict[int, str] = {}
        while pending and time.monotonic() < deadline:
            # A dump is written from a C signal handler in well under a ms: a
            # finer poll ends this wait (and the verdict's cleanup) sooner.
            time.sleep(DUMP_POLL_S)
            for w, pid in list(pending.items()):
                path = os.path.join(self.run_dir, f"stack-{pid}.txt")
                text = ""
                with contextlib.suppress(OSError), open(path) as dump:
                    text = dump.read()
                # faulthandler writes as it walks the stack: done once it stops growing.
                if text.strip() and text == last_read.get(w):
                    dumps[w + 1] = text
                    del pending[w]
                last_read[w] = text
        for w in pending:
            if last_read.get(w, "").strip():
                dumps[w + 1] = last_read[w]
        return dumps

    def _cleanup(self) -> None:
        """Stop everything this run started; no child process survives it."""
        self.stop.set()
        # A worker the producer thread is starting right now is finished and
        # listed before we go on, and none starts after this (stop is set): every
        # worker is stopped before the queue's semaphores are unlinked.
        with self.starting:
            pass
        pids = {int(self.ledger.table[w * W_FIELDS + W_PID]) for w in range(self.workers)}
        pids.discard(0)
        pids.update(p.pid for p in self.processes if p.pid)
        for w, letter in self.os_states.items():
            pid = int(self.ledger.table[w * W_FIELDS + W_PID])
            if letter == "T" and _is_ours(pid):
                # A stopped process cannot act on SIGTERM (a pool's terminate() would
                # wait for it), and SIGCONT would let it run on: SIGKILL works at once.
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        if self.pool is not None:
            pids.update(p.pid for p in getattr(self.pool, "_pool", []) if p.pid)
            self._bounded(self.pool.terminate)
        pool_object = self.pool_object
        if pool_object is not None:
            if hasattr(pool_object, "terminate"):  # multiprocessing.Pool
                pids.update(p.pid for p in pool_object._pool if p.pid)
                self._bounded(pool_object.terminate)
            else:  # ProcessPoolExecutor
                processes = dict(pool_object._processes or {})
                pids.update(processes)
                for process in processes.values():
                    with contextlib.suppress(Exception):
                        process.kill()
                self._bounded(lambda: pool_object.shutdown(wait=True, cancel_futures=True))
        # Workers that recorded their own end are exiting: let them, so their
        # real exit code is kept rather than our SIGTERM.
        deadline = time.monotonic() + SHUTDOWN_WAIT_S / 2
        for w, process in enumerate(self.processes):
            if int(self.ledger.table[w * W_FIELDS + W_STATE]) in FINAL_STATES:
                process.join(max(0.0, deadline - time.monotonic()))
        for process in self.processes:
            if process.pid:
                pids.add(process.pid)
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + SHUTDOWN_WAIT_S
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)
        if self.queue is not None and self.kind is not None:
            with contextlib.suppress(Exception):
                self.kind.discard(self.queue)
            if "_on_queue_feeder_error" in vars(self.queue):
                # queue -> our bound method -> us -> queue: without this cycle the
                # queue and its semaphores go as soon as the run's last reference does.
                del self.queue._on_queue_feeder_error
        if self.kind is not None:
            with contextlib.suppress(Exception):
                self._bounded(self.kind.close)
        for thread in self.threads:
            thread.join(SHUTDOWN_WAIT_S)
        leftovers = {pid for pid in pids if pid_alive(pid) and _is_ours(pid)}
        kill_and_reap(leftovers)
        multiprocessing.active_children()  # reaps what multiprocessing started
        shutil.rmtree(self.run_dir, ignore_errors=True)

    @staticmethod
    def _bounded(action: Callable[[], Any], timeout: float = SHUTDOWN_WAIT_S) -> None:
        thread = threading.Thread(target=_quietly, args=(action,), daemon=True)
        thread.start()
        thread.join(timeout)

    def _result(
        self,
        verdict: str,
        elapsed: float,
        table: list[float],
        dumps: dict[int, str],
        started_at: float,
    ) -> RunResult:
        n = self.params.items
        ledger = self.ledger
        take = ledger.take_count
        done = ledger.process_count
        dropped: list[int] = []
        left: list[int] = []
        duplicates: list[int] = []
        processed_items = n
        if n and not (bytes(done) == _ones(n) and bytes(take) == _ones(n)):
            processed_items = 0
            for i in range(n):
                times = done[i]
                if times:
                    processed_items += 1
                    if times > 1 or take[i] > 1:
                        duplicates.append(i)
                elif take[i]:
                    dropped.append(i)
                else:
                    left.append(i)
        lost = sorted(dropped + left)
        records = self._final_records(dropped, left, duplicates)

        workers: list[WorkerSummary] = []
        crashed = False
        for w in range(self.workers):
            row = w * W_FIELDS
            state = WorkerState(int(table[row + W_STATE]))
            exit_code: int | None = None
            if w < len(self.processes):
                exit_code = self.processes[w].exitcode
            error = ledger.read_traceback(w) or self.task_errors.get(w)
            label = state.label
            if w in self.dead:
                crashed = True
                label = "crashed"
                exit_code = self.dead[w] if self.dead[w] is not None else exit_code
            elif state == WorkerState.CRASHED or w in self.task_errors:
                crashed = True
                label = "crashed"
            pid = int(table[row + W_PID])
            if state == WorkerState.STARTING and not pid and label != "crashed":
                label = "never started"
            if self.os_states.get(w) == "T" and label != "crashed":
                label = "stopped"  # SIGSTOP: alive, but cannot run
            workers.append(
                WorkerSummary(
                    index=w + 1,
                    pid=pid or None,
                    processed=int(table[row + W_PROCESSED]),
                    taken=int(table[row + W_TAKEN]),
                    state=label,
                    exit_code=exit_code,
                    last_item=_item_or_none(table[row + W_ITEM]),
                    error=error or None,
                    qt_imported=table[row + W_QT_IMPORTED] == 1.0,
                )
            )
        error = self.producer_error or self.driver_error or self.feeder_error
        if error:
            crashed = True
        if self.task_errors and not error:
            error = next(iter(self.task_errors.values()))

        outcomes: list[str] = []
        if verdict == "cancelled":
            outcomes.append("cancelled")
        if crashed or verdict == "crashed":
            outcomes.append("crashed")
        if verdict in ("deadlock", "stalled"):
            outcomes.append(verdict)
        if lost and verdict != "cancelled":
            outcomes.append("lost")
        if duplicates:
            outcomes.append("duplicated")
        if not outcomes:
            outcomes.append("ok")

        evidence = Evidence(
            strategy=self.strategy,
            params=self.params,
            outcomes=outcomes,
            table=table,
            workers=workers,
            dropped=dropped,
            left=left,
            duplicates=duplicates,
            taker=[ledger.taker[i] for i in dropped],
            error=error,
            puts=self.puts,
            phase=self.phase,
            fault=self.fault,
        )
        return RunResult(
            params=self.params,
            outcome=outcomes[0],
            outcomes=outcomes,
            items=n,
            processed=processed_items,
            lost=lost,
            dropped=dropped,
            left_in_queue=left,
            duplicates=duplicates,
            workers=workers,
            diagnosis=diagnose(evidence),
            diagnosis_sentences=tuple(diagnose_sentences(evidence)),
            elapsed_s=elapsed,
            records=records,
            timeline=self.timeline,
            depth_samples=self.depth_samples,
            stack_dumps=dumps,
            error=error,
            started_at=started_at,
        )


def _quietly(action: Callable[[], Any]) -> None:
    with contextlib.suppress(Exception):
        action()


def _is_ours(pid: int) -> bool:
    """pid is our child, or a child of our forkserver (where forkserver workers live)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
    except OSError:
        return False
    return parent == os.getpid() or parent in helper_pids()


_ONES: dict[int, bytes] = {}


def _ones(n: int) -> bytes:
    """n int32 ones: what process_count (or take_count) holds when all went once."""
    if n not in _ONES:
        if len(_ONES) > 4:  # the run's size and a few diff block sizes
            _ONES.clear()
        _ONES[n] = array("i", [1]).tobytes() * n
    return _ONES[n]


def _zeros(n: int) -> bytes:
    return bytes(n * 4)


def _extend_pids(records: ItemRecords, takers: memoryview, pids: list[int]) -> None:
    """Append the pid of each taker (native int32s) to records.pid.

    With fewer than 256 workers a taker is its low byte: each byte of the
    pid column is one bytes.translate of those, 10x faster than a lookup
    per item (3 ms per 100k items) after every run.
    """
    if len(pids) > 256:
        records.pid.extend(map(pids.__getitem__, takers.cast("i")))
        return
    low = bytes(takers[0 if sys.byteorder == "little" else 3 :: 4])
    column = bytearray(len(takers))
    for k in range(4):
        shift = 8 * k if sys.byteorder == "little" else 8 * (3 - k)
        table = bytes((pid >> shift) & 0xFF for pid in pids) + bytes(256 - len(pids))
        column[k::4] = low.translate(table)
    records.pid.frombytes(column)


def _item_or_none(value: float) -> int | None:
    return int(value) if value >= 0 else None
