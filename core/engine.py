"""Runs one experiment: starts the workers, watches the evidence, decides, cleans up.

One run, and where its data goes. Everything but the workers runs in the
main process; [name] is the module of core/ that does a step.

  [launcher] opens the queue kind: its queue, its stop event, the post's Pool
      |
      v
  producer thread       items, sentinels                    worker processes
  [producer]        ------------------------> queue ----->  (or Pool tasks, or
  (puts, finish step,                                       a pool driver's Pool
   or the pool driver)                                      or executor)
      |                                                         |
      | puts, phase, errors                  counts, states,    |
      v                                      item times         v
  RunState [runstate]                                Ledger (shared memory)
      |                                                         |
      +------------------------> [monitor] <--------------------+
                                 every POLL_S: read, note state changes,
  RunControl (cancel) ---------> check crashed / finished / deadlock /
                                 stalled, report progress ---------> on_progress(Progress)
                                     |                               (new item records
                                     | its verdict word              from [records])
                                     v
                                 freeze: /proc states and stack dumps [stacks],
                                 Ledger.frozen()
                                     |
                                     v
                                 [verdict] build_result(Findings) -> RunResult

  Step mode (RunControl.stepping): every queue operation of the workers and
  of a concurrent producer waits at [gate]; [stepper], a thread beside the
  monitor, lets one through at a time as the schedule says.

  [reaper], always (after a verdict, a cancel or an error): stops the threads,
  the pools and the workers, closes the queue, removes the run directory.

_Run is the coordinator: it builds the parts around one RunSetup and one
RunState, and runs start -> watch -> freeze -> decide, reaping in any case.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import tempfile
import threading
import time
import traceback
import weakref
from collections.abc import Iterator

from core.backends import Need, get_backend
from core.chunks import ITEM_FAULTS, MIN_CHUNK_ITEMS, per_item_forced
from core.control import RunControl
from core.errors import RUN_IN_PROGRESS, ParamError, RunCannotStart, RunInProgress
from core.gate import Gate
from core.interrupts import shielded
from core.launcher import Launcher
from core.ledger import Ledger
from core.monitor import CONFIRM_S, POLL_S, Monitor, ProgressCallback
from core.params import RunParams
from core.procs import worker_children
from core.producer import Producer
from core.reaper import Reaper
from core.result import RunResult
from core.runstate import RunSetup, RunState
from core.shm import semaphore_room
from core.stacks import dump_stacks, os_states
from core.strategies import Strategy, get_strategy
from core.validation import validate
from core.verdict import Findings, build_result
from core.worker import WorkSpec

__all__ = [
    "CONFIRM_S",
    "POLL_S",
    "ProgressCallback",
    "RunInProgress",
    "exclusive_runs",
    "run",
    "run_unlocked",
]

_run_lock = threading.Lock()
_gc_lock = threading.Lock()


def run(
    params: RunParams,
    on_progress: ProgressCallback | None = None,
    control: RunControl | None = None,
    progress_interval_s: float = 1 / 30,
) -> RunResult:
    """Run one experiment to its verdict; every child process is gone on return.

    control is how another thread cancels it. Raises ParamError for bad
    parameters and RunInProgress if a run is going.
    """
    with exclusive_runs():
        return run_unlocked(params, on_progress, control, progress_interval_s)


@contextlib.contextmanager
def exclusive_runs() -> Iterator[None]:
    """Hold the one-run-at-a-time lock (a run, or a whole experiment of runs).

    Raises RunInProgress at once if another holder has it.
    """
    if not _run_lock.acquire(blocking=False):
        raise RunInProgress(RUN_IN_PROGRESS)
    try:
        yield
    finally:
        _run_lock.release()


def run_unlocked(
    params: RunParams,
    on_progress: ProgressCallback | None = None,
    control: RunControl | None = None,
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
    try:
        runner = _Run(params, on_progress, control or RunControl(), progress_interval_s)
    except OSError as error:  # no semaphore, no resource tracker: a process limit
        raise RunCannotStart(error) from None
    result = runner.execute()
    # Named semaphores (queues, locks, events) are unlinked from /dev/shm when
    # their objects are freed; Pool and Manager objects sit in reference
    # cycles, so collect now rather than at some later, unknown time. A run
    # without them is freed by reference counting: a full collection would
    # only walk the caller's heap (~20 ms in the window) for nothing.
    in_cycles = runner.state.task_pool is not None or runner.state.driver_pool is not None
    freed = weakref.ref(runner)
    del runner
    if in_cycles or freed() is not None:
        # gc.collect() returns at once while another thread collects; parallel
        # runs take turns so each one's collection really happens.
        with _gc_lock:
            gc.collect()
    return result


def recording_chunk_size(params: RunParams, strategy: Strategy, stepped: bool) -> int:
    """Items per chunk record of this run; 0: every item is recorded on its own."""
    if stepped or per_item_forced() or params.work_ms > 0 or params.jitter_ms > 0:
        return 0
    if params.fault is not None and params.fault.kind in ITEM_FAULTS:
        return 0
    if strategy.is_pool:
        size = params.chunksize
    elif strategy.batches:
        if Need.REQUEUE in get_backend(params.queue_kind or strategy.default_backend).supports:
            return 0  # a vanished worker's batch goes back to the queue: taken twice
        size = params.batch_size
    else:
        return 0
    return size if size >= MIN_CHUNK_ITEMS else 0


# An ok run's workers have recorded their exit; the reaper would wait for them anyway.
EXITING_WAIT_S = 0.2


class _Run:
    """One run: builds its parts, then start -> watch -> freeze -> decide; always reaps."""

    def __init__(
        self,
        params: RunParams,
        on_progress: ProgressCallback | None,
        control: RunControl,
        progress_interval_s: float,
    ) -> None:
        strategy = get_strategy(params.strategy)
        ctx = multiprocessing.get_context(params.start_method)
        feeders = control.stepping is not None and control.stepping.feeder_steps
        if control.stepping is not None:  # step mode's controller: loaded for it only
            from core.stepper import refuse_feeder_steps, refuse_remote_steps, refuse_unsteppable

            refuse_unsteppable(strategy, params.fault)
            refuse_remote_steps(params.queue_kind or strategy.default_backend)
            if feeders:
                refuse_feeder_steps(params.queue_kind or strategy.default_backend)
        with semaphore_room():  # a full /dev/shm is a refusal, not a SemLock traceback
            chunk_size = recording_chunk_size(params, strategy, control.stepping is not None)
            ledger = Ledger.create(params.items, params.workers, ctx.Lock(), chunk_size)
            # Step mode: a turn at the gate for each worker and for the producer.
            gate = Gate(ctx, params.workers + 1, feeders) if control.stepping is not None else None
        run_dir = tempfile.mkdtemp(prefix="queuescope-run-")
        fault = params.fault  # resolved by validate()
        work = WorkSpec(
            params.work_ms,
            params.work_kind,
            params.jitter_ms,
            params.seed,
            fault_kind=fault.kind if fault else "",
            fault_item=fault.item if fault else -1,
            slow_worker=fault.value - 1 if fault and fault.kind == "slow" else -1,
        )
        # One time zero for records, timeline and samples: the ledger's.
        self.setup = RunSetup(params, strategy, ctx, run_dir, fault, work, ledger.t0, gate)
        self.control = control
        self.state = RunState(ledger)
        self.control = control
        self.launcher = Launcher(self.setup, self.state, lambda: control.cancelled)
        self.producer = Producer(self.setup, self.state, self.launcher)
        self.monitor = Monitor(self.setup, self.state, control, on_progress, progress_interval_s)

    def execute(self) -> RunResult:
        setup, state = self.setup, self.state
        started_at = time.time()
        verdict = "ok"
        dumps: dict[int, str] = {}
        states: dict[int, str] = {}  # worker -> /proc state letter at the verdict
        # The live ledger holds a lock that workers rebuild from its name when they
        # start; it must outlive cleanup, or a worker still starting up (a cancel
        # or watchdog during start-up) finds the name unlinked and dies with a
        # FileNotFoundError traceback instead of being stopped quietly.
        live_ledger = state.ledger
        started = False
        try:
            try:
                with semaphore_room():
                    self._start()
                started = True
                verdict = self.monitor.watch()
            except ParamError:
                raise  # a refusal (no room, an unusable queue server): no verdict to give
            except Exception:
                if not started and self.control.cancelled:
                    # A start cut short by the cancel: a terminal's Ctrl-C also
                    # ends the Manager while it starts, and its start raises.
                    verdict = "cancelled"
                else:
                    state.producer_error = state.producer_error or traceback.format_exc()
                    verdict = "crashed"
            elapsed = time.monotonic() - setup.t0
            states = os_states(state.ledger, setup.workers)
            if verdict in ("deadlock", "stalled"):
                dumps = dump_stacks(state.ledger, setup.workers, states, state.dead, setup.run_dir)
            # The verdict's evidence is what the ledger held now; cleanup must not
            # change it (a worker may still finish an item before it is stopped).
            state.ledger = state.ledger.frozen(writers_left=self._writers_left(verdict))
            table = list(state.ledger.table)
        finally:
            Reaper(setup, state, state.ledger, states).reap()
            del live_ledger
        return build_result(
            Findings(
                params=setup.params,
                strategy=setup.strategy,
                fault=setup.fault,
                watch_verdict=verdict,
                ledger=state.ledger,
                table=table,
                exit_codes=[process.exitcode for process in state.processes],
                dead=state.dead,
                task_errors=state.task_errors,
                os_states=states,
                producer_error=state.producer_error,
                driver_error=state.driver_error,
                feeder_error=state.feeder_error,
                puts=state.puts,
                phase=state.phase,
                timeline=state.timeline,
                depth_samples=state.depth_samples,
                stack_dumps=dumps,
                elapsed_s=elapsed,
                started_at=started_at,
                server_lost=state.server_lost,
                held=getattr(state.session, "held", {}),
                moved_back=getattr(state.session, "moved_back", []),
            )
        )

    def _writers_left(self, verdict: str) -> bool:
        """Whether anything may still write the ledger: a thread of the run, or a
        child process that is not one of multiprocessing's helpers (a worker, a pool's
        process, a Manager, another run's worker: all count, to be safe)."""
        if any(thread.is_alive() for thread in self.state.threads):
            return True
        deadline = time.monotonic() + EXITING_WAIT_S
        for process in self.state.processes:
            if verdict == "ok":  # each one recorded its exit: it is on its way out
                process.join(max(0.0, deadline - time.monotonic()))
            if process.exitcode is None:
                return True
        return bool(worker_children())

    def _start(self) -> None:
        """The producer thread (or the pool driver's), after opening the queue."""
        if self.setup.strategy.pool_driver is not None:
            thread = threading.Thread(
                target=self.producer.drive_pool, name="queuescope-pool-driver"
            )
        else:
            self.launcher.open_queue(on_feeder_error=self.producer.feeder_failed)
            thread = threading.Thread(target=self.producer.produce, name="queuescope-producer")
        thread.daemon = True
        self.state.threads.append(thread)
        with shielded():  # inherited by the thread, and by the workers and pools it starts
            thread.start()
            if self.setup.gate is not None:
                from core.stepper import start_stepper

                start_stepper(self.setup, self.state, self.control)
