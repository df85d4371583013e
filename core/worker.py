"""Code that runs inside worker processes.

Spawned workers import this module (and so the core package) only: keep it
on the standard library so a worker starts fast and never loads Qt.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import random
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from core import cpython, lifeline
from core.chunks import BatchChunks, ChunkRecorder, plain_run
from core.faults import SLOW_FACTOR, SLOW_MIN_MS, BigItem, InjectedFault
from core.interrupts import unshield
from core.ledger import (
    NO_ITEM,
    W_FIELDS,
    W_ITEM,
    W_PID,
    W_PROCESSED,
    W_QT_IMPORTED,
    W_STATE,
    W_T_CHANGE,
    W_T_EXITED,
    W_T_STARTED,
    W_TAKEN,
    Ledger,
    LedgerHandles,
)
from core.queues import ChunkedQueue, GatedEvent, GatedQueue, InstrumentedQueue
from core.states import WorkerState

if TYPE_CHECKING:
    from core.backends.base import QueueHandle
    from core.gate import Gate
    from core.lifeline import ProcessId


@dataclass(frozen=True)
class WorkSpec:
    """What process(item) does: sleep or burn CPU for work_ms (+ jitter), and the fault."""

    work_ms: float = 0.0
    kind: str = "sleep"
    jitter_ms: float = 0.0
    seed: int = 0
    fault_kind: str = ""
    fault_item: int = -1  # the item a kill/stop/raise fault hits
    slow_worker: int = -1  # 0-based worker of the slow fault

    def for_worker(self, worker: int) -> WorkSpec:
        if worker != self.slow_worker:
            return self
        return replace(self, work_ms=max(self.work_ms, SLOW_MIN_MS) * SLOW_FACTOR)

    @property
    def idle(self) -> bool:
        """process(item) does nothing: no work, no jitter."""
        return self.work_ms <= 0 and self.jitter_ms <= 0

    @property
    def fault_signal(self) -> int:
        """The signal a worker sends itself after taking fault_item; 0 for none."""
        return {"kill": signal.SIGKILL, "stop": signal.SIGSTOP}.get(self.fault_kind, 0)


@dataclass(frozen=True)
class LoopOptions:
    """What a worker loop may need besides the queue (timeouts, a stop event)."""

    timeout: float = 0.5
    stop: Any = None


# The per-item paths below are what the lab's evidence costs: on an mp queue an
# item costs ~17 us of IPC, so they have ~1.7 us to stay within 10 %. Every view
# and index is bound once, and work that does nothing reads the clock once.
_monotonic = time.monotonic


class _Process:
    """process(item): does the per-item work and records it in the ledger.

    With no work to do (work_ms and jitter 0) processing is a no-op, and an
    item's done time is recorded equal to its start time (one clock read).
    """

    def __init__(
        self, ledger: Ledger, worker: int, work: WorkSpec, count_for_worker: bool = True
    ) -> None:
        self.ledger = ledger
        self.count_for_worker = count_for_worker
        self.slot = ledger.process_count
        self.row = worker * W_FIELDS
        self.work = work.for_worker(worker)
        self.idle = self.work.idle
        self.raise_item = work.fault_item if work.fault_kind == "raise" else -1
        self._t0 = ledger.t0
        self._t_start = ledger.t_start
        self._t_done = ledger.t_done
        self._table = ledger.table
        self._processed_at = self.row + W_PROCESSED

    def __call__(self, data: Any) -> None:
        if data.__class__ is not int and data.__class__ is not BigItem:
            return  # the post's loops "process" whatever they got
        if data == self.raise_item:
            raise InjectedFault(f"injected fault: raise on item {data}")
        start = _monotonic() - self._t0
        self._t_start[data] = start
        if self.idle:
            self._t_done[data] = start
        else:
            _do_work(self.work, data)
            self._t_done[data] = _monotonic() - self._t0
        self.slot[data] += 1
        if self.count_for_worker:
            self._table[self._processed_at] += 1


def _do_work(work: WorkSpec, item: int) -> None:
    seconds = work.work_ms / 1000.0
    if work.jitter_ms > 0:
        seconds += random.Random(work.seed * 1_000_003 + item).uniform(0, work.jitter_ms) / 1000.0
    if work.kind == "cpu":
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            pass
    else:
        time.sleep(seconds)


_PROCESSING = float(WorkerState.PROCESSING)
_IDLE = float(WorkerState.IDLE)
_LEDGER: Ledger | None = None
_WORK = WorkSpec()
_POOL_SLOT = -1
_POOL: _PoolItem | None = None
_UNSLOTTED: Any = None
_GATE: Gate | None = None


def init_worker(
    handles: LedgerHandles,
    run_dir: str,
    work: WorkSpec,
    pool_process: bool,
    owner: ProcessId,
    gate: Gate | None = None,
) -> None:
    """Process initializer: end with the main process, attach the ledger, arm stack dumps.

    Inherited signal handlers go back to the defaults (a forked worker must
    end on SIGTERM), and Ctrl-C is ignored: the parent owns cleanup, so a
    terminal's SIGINT must not kill workers half-way through a write (or
    print tracebacks). The run directory may be gone already (a pool
    replacing a worker while the run is reaped): then there are no dumps.
    """
    global _LEDGER, _WORK, _POOL_SLOT, _POOL, _UNSLOTTED, _GATE
    become_child(owner)
    lifeline.announce(run_dir)
    _LEDGER = Ledger(handles)
    _WORK = work
    _GATE = gate  # a controlled run's (step mode): every queue operation waits there
    try:
        dump = open(os.path.join(run_dir, f"stack-{os.getpid()}.txt"), "w")  # noqa: SIM115
    except OSError:
        pass
    else:
        faulthandler.register(signal.SIGUSR1, file=dump, all_threads=True)
    if pool_process:
        slot = _LEDGER.claim_pool_slot()
        _POOL_SLOT = slot if slot < _LEDGER.workers else -1
        if _POOL_SLOT >= 0:
            _mark_started(_LEDGER, _POOL_SLOT, WorkerState.IDLE)
            _POOL = _PoolItem(_LEDGER, _POOL_SLOT, work)
        else:
            _UNSLOTTED = _Process(_LEDGER, 0, work, count_for_worker=False)


def become_child(owner: ProcessId) -> None:
    """First in any child of a run: default signals, no Ctrl-C, end with the main process."""
    lifeline.reset_inherited_signals()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    unshield()  # started with SIGINT and SIGTERM blocked: they meet the handlers above now
    lifeline.arm(owner)


def _mark_started(ledger: Ledger, worker: int, state: WorkerState) -> None:
    row = worker * W_FIELDS
    now = time.monotonic()
    table = ledger.table
    table[row + W_PID] = os.getpid()
    table[row + W_QT_IMPORTED] = 1.0 if "PySide6" in sys.modules else 0.0
    table[row + W_T_STARTED] = now
    table[row + W_ITEM] = NO_ITEM
    table[row + W_STATE] = float(state)
    table[row + W_T_CHANGE] = now


def _mark_final(ledger: Ledger, worker: int, state: WorkerState) -> None:
    row = worker * W_FIELDS
    now = time.monotonic()
    ledger.table[row + W_T_EXITED] = now
    ledger.table[row + W_STATE] = float(state)
    ledger.table[row + W_T_CHANGE] = now


Loop = Callable[[Any, Callable[[Any], None], LoopOptions], None]


def run_loop(loop: Loop, worker: int, handle: QueueHandle, options: LoopOptions) -> bool:
    """One worker: attach to the run's queue and run the strategy's loop on it, instrumented.

    The loop travels by reference (module and name), so any importable loop
    function works. Returns False if the loop raised; the traceback is kept
    in the ledger.
    """
    ledger = _LEDGER
    assert ledger is not None, "init_worker() did not run in this process"
    _mark_started(ledger, worker, WorkerState.STARTING)
    gate = _GATE
    queue: InstrumentedQueue
    # Bound methods, not the objects: CPython calls an object's __call__ through a
    # slower slot (~40 ns more per item; a batched run makes a call per item).
    process: Callable[[Any], None] = _Process(ledger, worker, _WORK).__call__
    batches: BatchChunks | None = None
    if gate is None and ledger.chunk_size and _WORK.for_worker(worker).idle:
        # Batches recorded as chunks (core.chunks); the fault's batch item by item.
        batches = BatchChunks(ledger, worker, process, _WORK.fault_item)
        queue = ChunkedQueue(
            handle.attach(), ledger, worker, batches, _WORK.fault_item, _WORK.fault_signal
        )
        process = batches.__call__
    elif gate is None:
        queue = InstrumentedQueue(
            handle.attach(), ledger, worker, _WORK.fault_item, _WORK.fault_signal
        )
    else:
        queue = GatedQueue(handle.attach(), ledger, worker, gate)
        if options.stop is not None:
            options = replace(options, stop=GatedEvent(options.stop, queue))
    try:
        loop(queue, process, options)
        if batches is not None:
            batches.close()
    except BaseException:
        if batches is not None:
            batches.close()  # what it processed of its batch, item by item
        ledger.write_traceback(worker, traceback.format_exc())
        _mark_final(ledger, worker, WorkerState.CRASHED)
        if gate is not None:
            gate.exit(worker)
        return False
    _mark_final(ledger, worker, WorkerState.EXITED)
    if gate is not None:
        gate.exit(worker)
    return True


def process_main(
    handles: LedgerHandles,
    run_dir: str,
    work: WorkSpec,
    owner: ProcessId,
    loop: Loop,
    worker: int,
    handle: QueueHandle,
    options: LoopOptions,
    gate: Gate | None = None,
) -> None:
    """Target of a Process worker (backends that launch processes)."""
    init_worker(handles, run_dir, work, False, owner, gate)
    code = 0 if run_loop(loop, worker, handle, options) else 1
    _exit_without_teardown(code)
    if code:
        sys.exit(code)


def _exit_without_teardown(code: int) -> None:
    """End this worker as a forked one ends: without the interpreter's teardown.

    A spawned worker otherwise frees every module it imported on its way out
    (~10-15 ms each, three workers on two cores), and the run's verdict waits
    for that. First what multiprocessing does after a target returns: its
    finalizers (they flush what this worker put on a queue) and the std
    streams. Returns instead if the loop left threads of its own running:
    the normal exit waits for them.
    """
    cpython.run_exit_finalizers()
    if threading.active_count() > 1:
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


class _PoolItem:
    """A pool process's per-item recording, bound once (process_item's hot path)."""

    def __init__(self, ledger: Ledger, slot: int, work: WorkSpec) -> None:
        row = slot * W_FIELDS
        self.table = ledger.table
        self.take_count = ledger.take_count
        self.process_count = ledger.process_count
        self.taker = ledger.taker
        self.t_take = ledger.t_take
        self.t_start = ledger.t_start
        self.t_done = ledger.t_done
        self.t0 = ledger.t0
        self.state_at = row + W_STATE
        self.item_at = row + W_ITEM
        self.change_at = row + W_T_CHANGE
        self.taken_at = row + W_TAKEN
        self.processed_at = row + W_PROCESSED
        self.taker_id = slot + 1
        self.signal_item = work.fault_item if work.fault_signal else -1
        self.signal = work.fault_signal
        self.raise_item = work.fault_item if work.fault_kind == "raise" else -1
        self.work = work.for_worker(slot)
        self.idle = self.work.idle
        # Whole chunks in one record when nothing happens per item (core.chunks).
        self.chunks = ChunkRecorder(ledger, slot) if ledger.chunk_size and self.idle else None
        self.fault_item = work.fault_item if work.fault_kind else -1


def process_chunk(chunk: list[int]) -> list[int]:
    """The pool strategies' task: one chunk of items, as Pool and ProcessPoolExecutor
    build them from (items, chunksize); returns what mapping process_item returns.

    Recorded as one chunk (core.chunks) when nothing happens per item; else
    (work, the fault's chunk, a process without a row) item by item.
    """
    pool = _POOL
    base = _take_chunk(pool, chunk) if pool is not None else -1
    if pool is None or base < 0:
        for item in chunk:
            process_item(item)
        return chunk
    recorder, table = pool.chunks, pool.table
    assert recorder is not None  # _take_chunk recorded the chunk with it
    done = _monotonic()
    recorder.done(base, done)
    table[pool.processed_at] += len(chunk)
    table[pool.item_at] = chunk[-1]
    table[pool.state_at] = _IDLE
    table[pool.change_at] = done
    return chunk


def _take_chunk(pool: _PoolItem, chunk: list[int]) -> int:
    """Record the chunk taken as one chunk: its record's offset, or -1 to go item by item."""
    recorder = pool.chunks
    if recorder is None or not plain_run(chunk):
        return -1
    first, count = chunk[0], len(chunk)
    if first <= pool.fault_item < first + count:
        return -1  # the fault's chunk: exactly what per-item recording shows
    table = pool.table
    now = _monotonic()
    table[pool.state_at] = _PROCESSING  # first: a death from here on is one while processing
    table[pool.item_at] = first
    table[pool.change_at] = now
    base = recorder.take(first, count, now)
    if base >= 0:
        table[pool.taken_at] += count
    return base


def process_item(item: int) -> int:
    """The per-item function of the pool strategies (imap_unordered, executor.map).

    Taken and started are one moment here (the pool hands the item over and
    it starts at once): one clock read, two more only when there is work.
    """
    pool = _POOL
    if pool is None:
        return _unslotted_item(item)
    table = pool.table
    now = _monotonic()
    table[pool.state_at] = _PROCESSING
    table[pool.item_at] = item
    table[pool.change_at] = now
    pool.take_count[item] += 1
    pool.taker[item] = pool.taker_id
    started = now - pool.t0
    pool.t_take[item] = started
    table[pool.taken_at] += 1
    if item == pool.signal_item:
        os.kill(os.getpid(), pool.signal)
    if item == pool.raise_item:
        raise InjectedFault(f"injected fault: raise on item {item}")
    pool.t_start[item] = started
    if pool.idle:
        done = now
    else:
        _do_work(pool.work, item)
        done = _monotonic()
    pool.t_done[item] = done - pool.t0
    pool.process_count[item] += 1
    table[pool.processed_at] += 1
    table[pool.state_at] = _IDLE
    table[pool.change_at] = done
    return item


def _unslotted_item(item: int) -> int:
    """A pool process that replaced a dead one has no row of its own."""
    ledger = _LEDGER
    assert ledger is not None, "init_worker() did not run in this process"
    ledger.take_count[item] += 1
    ledger.t_take[item] = _monotonic() - ledger.t0
    if item == _WORK.fault_item and _WORK.fault_signal:
        os.kill(os.getpid(), _WORK.fault_signal)
    _UNSLOTTED(item)
    return item


def attach_ledger(ledger: Ledger, work: WorkSpec) -> None:
    """A worker on another host (core.remote_worker): its own ledger, which it publishes."""
    global _LEDGER, _WORK
    _LEDGER, _WORK = ledger, work
