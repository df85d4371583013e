"""Starts a run's workers: opens its queue backend, then Process workers or Pool tasks.

It also starts the run's journal (core.journal): whatever the run creates
from here on is noted there, and every child it starts is given the main
process's identity so it ends with it (core.lifeline).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import resource
import traceback
from collections.abc import Callable
from multiprocessing import forkserver

from core import cpython, journal, lifeline
from core.backends import Launch, Need, get_backend
from core.errors import ParamError
from core.interrupts import shielded
from core.lifeline import ProcessId
from core.runstate import RunSetup, RunState
from core.text import Sentence, translatable
from core.worker import LoopOptions, init_worker, process_main, run_loop

NO_REMOTE = translatable(
    "core",
    "strategy {strategy} cannot have remote workers: they need a Redis list as the queue, "
    "processes of their own (not Pool tasks) and no more than --workers",
)
# Open files a run needs, estimated from what runs used (pipes, sentinels, the
# forkserver's per-child pipe) with room to spare.
FILES_PER_RUN = 32
FILES_PER_PROCESS = 4
TOO_FEW_OPEN_FILES = translatable(
    "core",
    "too few open files allowed for {processes} processes at once: about {needed} needed, "
    "the limit is {limit} (ulimit -n); raise it, or use fewer workers or parallel trials",
)


def ensure_open_files(processes: int) -> None:
    """Raise the soft open-file limit for `processes` children at once, or refuse: ParamError.

    Out of file descriptors, the forkserver dies with a traceback and the run
    crashes half-started; a clear error before the run is better.
    """
    needed = FILES_PER_RUN + FILES_PER_PROCESS * processes
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    if hard == resource.RLIM_INFINITY or hard >= needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        return
    raise ParamError(
        Sentence.of(TOO_FEW_OPEN_FILES, processes=processes, needed=needed, limit=soft)
    )


# Tasks (processes and threads: RLIMIT_NPROC counts both) a run adds, from the
# peaks runs reached under each start method and queue, with room to spare.
TASKS_PER_WORKER = 2  # its process, and the Manager's thread that serves it
# The Manager and its threads; the producer, feeder and monitor threads; a
# Pool's threads and a pool worker respawned in place of one that ended.
TASKS_PER_RUN = 8
TASKS_SHARED = 2  # the forkserver and the resource tracker, one each for all runs
# CAP_SYS_ADMIN and CAP_SYS_RESOURCE: either one lifts the process limit.
_LIMIT_EXEMPT_CAPABILITIES = (1 << 21) | (1 << 24)
TOO_FEW_PROCESSES = translatable(
    "core",
    "too few processes allowed for {workers} workers at once: about {needed} more needed, "
    "{free} of the limit of {limit} are free (ulimit -u); raise it, or use fewer workers "
    "or parallel trials",
)


def ensure_process_room(workers: int, runs: int = 1) -> None:
    """Raise the soft process limit for `runs` runs of `workers` workers at once, or refuse.

    Raises ParamError. Past the limit, a fork fails wherever it happens: the
    forkserver's own prints a traceback and exits, and the run crashes
    half-started; a clear error before the run is better.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    if soft == resource.RLIM_INFINITY or _exempt_from_process_limit():
        return
    needed = (TASKS_PER_WORKER * workers + TASKS_PER_RUN) * runs + TASKS_SHARED
    in_use = _tasks_of_user(os.getuid())
    if in_use + needed <= soft:
        return
    if hard == resource.RLIM_INFINITY or in_use + needed <= hard:
        resource.setrlimit(resource.RLIMIT_NPROC, (in_use + needed, hard))
        return
    raise ParamError(
        Sentence.of(
            TOO_FEW_PROCESSES,
            workers=workers * runs,
            needed=needed,
            free=max(soft - in_use, 0),
            limit=soft,
        )
    )


def _exempt_from_process_limit() -> bool:
    """Root, or a process with either capability: the kernel does not apply the limit."""
    if os.getuid() == 0:
        return True
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/self/status", encoding="ascii", errors="replace") as status,
    ):
        for line in status:
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) & _LIMIT_EXEMPT_CAPABILITIES)
    return False


def _tasks_of_user(uid: int) -> int:
    """Processes and threads whose real uid is uid: what RLIMIT_NPROC counts."""
    tasks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                tasks += int(fields["Threads"])
        except (OSError, KeyError, ValueError, IndexError):
            continue  # gone meanwhile, or not ours to read
    return tasks


class Launcher:
    """Opens the queue (and its stop event, and the post's Pool) and starts the workers."""

    def __init__(
        self, setup: RunSetup, state: RunState, cancelled: Callable[[], bool] = lambda: False
    ) -> None:
        self.setup = setup
        self.state = state
        self.cancelled = cancelled  # a wait for remote workers ends early on a cancel
        self.owner = ProcessId.current()
        if setup.ctx.get_start_method() == "forkserver":
            # Up front, so the journal lists the temp dir it makes in this process.
            # If it cannot start, the first worker's start fails too: the run's evidence.
            with contextlib.suppress(Exception):
                forkserver.ensure_running()
        journal.begin(setup.run_dir)

    def open_queue(self, on_feeder_error: Callable[[BaseException, object], None]) -> None:
        # The Manager, a Pool and a forkserver start here: shielded from Ctrl-C.
        with shielded():
            self._open_queue(on_feeder_error)
        if self.remote_workers:
            self._invite_remote_workers()  # not shielded: a wait Ctrl-C may cut short

    @property
    def remote_workers(self) -> int:
        """How many of the run's workers join from other hosts: the last ones."""
        return int(getattr(self.state.session, "remote_count", 0))

    def _invite_remote_workers(self) -> None:
        """The run's parameters as JSON for remote workers: a strategy id, or a loop file's
        name and hash (the worker must have the same file); never code."""
        setup, state, session = self.setup, self.state, self.state.session
        strategy = setup.strategy
        if state.task_pool is not None or self.remote_workers > setup.workers:
            raise ParamError(Sentence.of(NO_REMOTE, strategy=strategy.id))
        loop = None
        if strategy.id.startswith("loop:"):  # a loop file's (core.user_loops, loaded then)
            from core.user_loops import UserLoop, loop_hash

            assert isinstance(strategy.loop, UserLoop)
            path, function = strategy.loop.path, strategy.loop.function
            loop = {"file": os.path.basename(path), "function": function, "sha256": loop_hash(path)}
        job = {
            "strategy": None if loop else strategy.id,
            "loop": loop,
            "items": setup.params.items,
            "workers": setup.workers,
            "timeout": setup.params.get_timeout_s,
            "stop_event": state.workers_stop_event is not None,
            "work": dataclasses.asdict(setup.work),
        }
        first = setup.workers - self.remote_workers
        session.invite_remote(job, first, setup.t0, self.cancelled)  # type: ignore[union-attr]

    def _open_queue(self, on_feeder_error: Callable[[BaseException, object], None]) -> None:
        setup, state = self.setup, self.state
        backend = get_backend(setup.params.queue_kind or setup.strategy.default_backend)
        state.session = backend.open(setup.ctx, setup.run_dir)
        state.queue = state.session.make_queue()
        # An mp queue pickles in a background thread, which by default only
        # prints a failure (CPython gh-74599): make it the run's evidence.
        cpython.hook_feeder_errors(state.queue, on_feeder_error)
        if Need.REQUEUE in setup.strategy.needs:
            state.session.requeue_vanished()  # type: ignore[attr-defined]
        if Need.STOP_EVENT in setup.strategy.needs:
            state.workers_stop_event = state.session.make_event()
        if setup.strategy.launch_on(backend) is Launch.POOL_TASKS:
            # The post's order: Pool first, then the puts, then apply_async.
            state.task_pool = cpython.start_pool(
                setup.ctx,
                setup.workers,
                init_worker,
                (state.ledger.handles, setup.run_dir, setup.work, False, self.owner, setup.gate),
            )

    def start_workers(self) -> None:
        setup, state = self.setup, self.state
        options = LoopOptions(timeout=setup.params.get_timeout_s, stop=state.workers_stop_event)
        assert state.session is not None, "open_queue() first"
        handle = state.session.handle(state.queue)
        if state.task_pool is not None:
            for index in range(setup.workers):
                state.tasks.append(
                    state.task_pool.apply_async(
                        run_loop,
                        (setup.strategy.loop, index, handle, options),
                        error_callback=self._task_failed(index),
                    )
                )
            return
        for index in range(setup.workers - self.remote_workers):
            with state.starting:
                if state.shutting_down.is_set():
                    return  # cancelled (or timed out) while starting: start no more
                process = setup.ctx.Process(  # type: ignore[attr-defined]
                    target=process_main,
                    args=(
                        state.ledger.handles,
                        setup.run_dir,
                        setup.work,
                        self.owner,
                        setup.strategy.loop,
                        index,
                        handle,
                        options,
                        setup.gate,
                    ),
                    name=f"queuescope-worker-{index + 1}",
                    daemon=True,
                )
                with shielded():
                    process.start()
                state.processes.append(process)
        with state.starting:
            if self.remote_workers and not state.shutting_down.is_set():
                state.session.start_remote()  # type: ignore[attr-defined]

    def _task_failed(self, index: int) -> Callable[[BaseException], None]:
        def record(error: BaseException) -> None:
            self.state.task_errors[index] = "".join(
                traceback.format_exception_only(type(error), error)
            ).strip()

        return record


# From the first run on, before it creates its ledger's lock: see core.journal.
journal.watch_named_resources()
lifeline.reset_signals_in_forked_children()
