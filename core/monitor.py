"""The monitor: watches a run's evidence until it can name how the run ended.

Every poll it reads the ledger, notes the workers' state changes on the
timeline, and asks in turn: did the main process's side crash, did the run
finish, is it provably deadlocked, has it stalled past the watchdog? Then it
reports progress. Each question is one short step of watch(), in the manner
of concurrent.futures.process._ExecutorManagerThread.

The deadlock proof: the producer put everything it ever will, every object
put was taken, and every worker still alive is blocked in q.get(), the same
way on two polls CONFIRM_S apart (no worker changed state in between).
Until then a worker in q.get() is only waiting; the proof's poll puts a
"blocked" event per stuck worker on the timeline, at the proof's time.

Every crash gets an event: a worker that raised (its own record), one found
dead by the liveness check (killed, os._exit) and a pool task that failed.
The liveness check also finds workers stopped by SIGSTOP: from then on they
are "stopped" in progress snapshots, with an event when first seen. Neither
the proof nor the watchdog reads that (a stopped worker is never proven
deadlocked: such a run ends stalled).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_for_any
from typing import Any

from core.control import RunControl
from core.ledger import (
    W_FIELDS,
    W_ITEM,
    W_LAST_EMPTY,
    W_PID,
    W_PROCESSED,
    W_PUTS,
    W_STATE,
    W_T_CHANGE,
    W_T_LAST_EMPTY,
    W_TAKEN,
)
from core.procs import pid_alive, pid_state
from core.records import RecordReader
from core.result import Progress, TimelineEvent, WorkerView
from core.runstate import RunSetup, RunState
from core.states import FINAL_STATES, WorkerState, WorkerStatus
from core.timeline import (
    MAX_TIMELINE,
    blocked_event,
    crash_event,
    died,
    item_or_none,
    raised,
    saw_empty_event,
    since,
    state_event,
    stopped_event,
    task_failed,
)
from core.timeline import POLL_S as POLL_S  # defined with the events it samples

CONFIRM_S = 0.04  # a deadlock must look the same on two polls this far apart
LIVENESS_EVERY_S = 0.2

ProgressCallback = Callable[[Progress], None]


@dataclass
class _Reading:
    """One poll's look at the run, read in the order the deadlock proof needs."""

    now: float
    nothing_more_to_put: bool
    puts: int  # objects the producer put
    taken: int  # objects the workers took, sentinels included
    worker_puts: int  # objects the workers put back
    processed: int
    states: list[int]
    table: list[float]
    final: list[bool] = field(default_factory=list)  # per worker: it will take no more

    @property
    def depth(self) -> int:
        return self.puts + self.worker_puts - self.taken


class Monitor:
    """Polls the ledger and the run state; watch() returns the watch's verdict word."""

    def __init__(
        self,
        setup: RunSetup,
        state: RunState,
        control: RunControl,
        on_progress: ProgressCallback | None,
        progress_interval_s: float,
    ) -> None:
        self.setup = setup
        self.state = state
        self.control = control  # the caller's way in: cancel
        self.on_progress = on_progress
        self.progress_interval_s = progress_interval_s
        self.records = RecordReader(setup.params.items, setup.workers)
        self._ended: set[Any] = set()  # sentinels of worker processes seen ending
        self._events: list[TimelineEvent] = []  # not yet on the timeline
        self._previous_states: list[tuple[int, int]] = [(-1, -1)] * setup.workers
        self._previous_empty = [0.0] * setup.workers
        self._task_errors_seen: set[int] = set()
        self._stopped: dict[int, float] = {}  # worker -> when first seen stopped (SIGSTOP)
        self._candidate: tuple[tuple[Any, ...], float] | None = None  # a deadlock to confirm
        self._last_signature: tuple[Any, ...] | None = None
        self._last_progress = 0.0
        self._last_liveness = 0.0
        self._last_server_check = 0.0
        self._last_processed = 0
        self._rate = 0.0
        self._last_change = self._last_rate_t = 0.0

    def watch(self) -> str:
        """Poll until the run ends: ok, cancelled, crashed, deadlock or stalled."""
        self._last_change = time.monotonic()
        self._last_rate_t = time.monotonic()
        while True:
            if self._sleep():
                return "cancelled"
            reading = self._read()
            self._check_liveness(reading)
            self._note_final(reading)
            self._note_state_changes(reading)
            self._sample_depth(reading)
            verdict = (
                self._check_server_lost(reading)
                or self._check_crashed()
                or self._check_finished(reading)
                or self._check_deadlock(reading)
                or self._check_stalled(reading)
            )
            if verdict:
                self._flush_events()
                return verdict
            self._report_progress(reading)

    # --- each poll's steps, in order ---------------------------------------------

    def _sleep(self) -> bool:
        """Wait one poll, or less: wake as soon as a worker process ends.

        A run's verdict waits for its last worker to finish, and a fixed sleep
        made every run pay up to another POLL_S for it; a pool strategy's ends
        when its driver returns, so that wakes the monitor too. True if
        cancelled (noticed within POLL_S while worker processes or a pool run).
        """
        processes = list(self.state.processes)
        running = [p.sentinel for p in processes if p.sentinel not in self._ended]
        driver_returned = self.state.pool_driver_returned
        if not running and self.setup.strategy.pool_driver is not None:
            if not driver_returned.is_set():
                driver_returned.wait(POLL_S)
            return self.control.cancelled
        if not running:
            return self.control.wait_cancelled(POLL_S)
        self._ended.update(wait_for_any(running, POLL_S))
        return self.control.cancelled

    def _read(self) -> _Reading:
        state, table_view, workers = self.state, self.state.ledger.table, self.setup.workers
        mirror = getattr(state.session, "mirror", None)
        if mirror is not None:  # evidence a queue server holds (remote workers)
            with contextlib.suppress(Exception):  # no answer: _check_server_lost says so
                mirror(state.ledger, self.setup.t0)
        now = time.monotonic()
        # Counters first, states second: a worker leaves BLOCKING_GET before
        # it counts what it took, so this order can never invent a deadlock.
        nothing_more_to_put = state.nothing_more_to_put.is_set()
        puts = state.puts
        counters = list(table_view)
        table = list(table_view)
        return _Reading(
            now=now,
            nothing_more_to_put=nothing_more_to_put,
            puts=puts,
            taken=sum(int(counters[w * W_FIELDS + W_TAKEN]) for w in range(workers)),
            worker_puts=sum(int(counters[w * W_FIELDS + W_PUTS]) for w in range(workers)),
            processed=sum(int(table[w * W_FIELDS + W_PROCESSED]) for w in range(workers)),
            states=[int(table[w * W_FIELDS + W_STATE]) for w in range(workers)],
            table=table,
        )

    def _check_liveness(self, reading: _Reading) -> None:
        """Now and then, find workers that died without recording it, or are stopped."""
        if reading.now - self._last_liveness < LIVENESS_EVERY_S:
            return
        self._last_liveness = reading.now
        state, table = self.state, reading.table
        for w in range(self.setup.workers):
            if w in state.dead or int(table[w * W_FIELDS + W_STATE]) in FINAL_STATES:
                continue
            pid = int(table[w * W_FIELDS + W_PID])
            os_state = pid_state(pid) if pid > 0 else ""
            self._note_stopped(w, reading, os_state == "T")
            if state.processes:
                if w >= len(state.processes):
                    continue
                exit_code = state.processes[w].exitcode
                if exit_code is not None:
                    state.dead[w] = exit_code
                    self._note_died(w, reading, exit_code)
                continue
            if int(table[w * W_FIELDS + W_STATE]) == WorkerState.IDLE:
                continue  # a pool process between items may exit as the pool shuts down
            if pid > 0 and os_state in ("", "Z", "X") and not pid_alive(pid):
                state.dead[w] = None
                self._note_died(w, reading, None)

    def _note_stopped(self, w: int, reading: _Reading, stopped: bool) -> None:
        if not stopped:
            self._stopped.pop(w, None)  # never stopped, or continued (SIGCONT)
        elif w not in self._stopped:
            self._stopped[w] = reading.now
            item = item_or_none(reading.table[w * W_FIELDS + W_ITEM])
            self._events.append(stopped_event(w, since(reading.now, self.setup.t0), item))

    def _note_died(self, w: int, reading: _Reading, exit_code: int | None) -> None:
        item = item_or_none(reading.table[w * W_FIELDS + W_ITEM])
        t = since(reading.now, self.setup.t0)
        self._events.append(crash_event(w, t, died(exit_code), item))

    def _note_final(self, reading: _Reading) -> None:
        state, states = self.state, reading.states
        reading.final = [
            states[w] in FINAL_STATES or w in state.dead or w in state.task_errors
            for w in range(self.setup.workers)
        ]

    def _note_state_changes(self, reading: _Reading) -> None:
        table, t0 = reading.table, self.setup.t0
        for w in range(self.setup.workers):
            row = w * W_FIELDS
            key = (reading.states[w], int(table[row + W_ITEM]))
            if key != self._previous_states[w]:
                self._previous_states[w] = key
                event = state_event(w, table, t0)
                if reading.states[w] == WorkerState.CRASHED:
                    error = self.state.ledger.read_traceback(w)
                    event = crash_event(w, event.t, raised(error), event.item) if error else event
                self._events.append(event)
            if table[row + W_T_LAST_EMPTY] != self._previous_empty[w]:
                self._previous_empty[w] = table[row + W_T_LAST_EMPTY]
                if table[row + W_LAST_EMPTY] == 1.0:
                    self._events.append(saw_empty_event(w, table, t0))
        for w, error in list(self.state.task_errors.items()):
            if w not in self._task_errors_seen:
                self._task_errors_seen.add(w)
                t = since(reading.now, t0)
                self._events.append(crash_event(w, t, task_failed(error)))

    def _sample_depth(self, reading: _Reading) -> None:
        sample = (reading.now - self.setup.t0, reading.depth, reading.processed)
        self.state.depth_samples.append(sample)

    def _check_server_lost(self, reading: _Reading) -> str | None:
        """A queue server that went away ends the run (asked now and then, or on a crash)."""
        ask = getattr(self.state.session, "server_lost", None)
        if ask is None:
            return None
        crash_seen = self.state.producer_error is not None or any(
            state == WorkerState.CRASHED for state in reading.states
        )
        if not crash_seen and reading.now - self._last_server_check < LIVENESS_EVERY_S:
            return None
        self._last_server_check = reading.now
        reason = ask()
        if reason is None:
            return None
        self.state.server_lost = (reading.processed, str(reason))
        return "crashed"

    def _check_crashed(self) -> str | None:
        """The main process's side (producer or pool driver) raised."""
        crashed = self.state.producer_error or self.state.driver_error
        return "crashed" if crashed else None

    def _check_finished(self, reading: _Reading) -> str | None:
        state = self.state
        if self.setup.strategy.pool_driver is not None:
            return "ok" if state.pool_driver_returned.is_set() else None
        producer_through = reading.nothing_more_to_put or state.phase == "finishing"
        return "ok" if all(reading.final) and producer_through else None

    def _check_deadlock(self, reading: _Reading) -> str | None:
        """Everything put was taken and every live worker waits in q.get(): twice.

        Never while step mode holds the workers at its gate: waiting there is
        waiting for a turn, not being blocked.
        """
        if self.state.controlled.is_set():
            self._candidate = None
            return None
        live = [w for w in range(self.setup.workers) if not reading.final[w]]
        if not (
            reading.nothing_more_to_put
            and live
            and reading.puts + reading.worker_puts == reading.taken
            and all(reading.states[w] == WorkerState.BLOCKING_GET for w in live)
        ):
            self._candidate = None
            return None
        # Confirm on a later poll at least CONFIRM_S on: the same counts, and
        # no live worker changed state in between.
        t_change = tuple(reading.table[w * W_FIELDS + W_T_CHANGE] for w in live)
        proof = (reading.taken, reading.worker_puts, t_change)
        if self._candidate is None or self._candidate[0] != proof:
            self._candidate = (proof, reading.now)
            return None
        if reading.now - self._candidate[1] < CONFIRM_S:
            return None
        if not self._server_agrees(reading, live):
            self._candidate = None
            return None
        proven_at = since(reading.now, self.setup.t0)
        self._events.extend(blocked_event(w, proven_at) for w in live)
        return "deadlock"

    def _server_agrees(self, reading: _Reading, live: list[int]) -> bool:
        """A queue server's own word, when the backend can give it (Redis: CLIENT LIST)."""
        ask = getattr(self.state.session, "workers_blocked", None)
        if ask is None:
            return True
        pids = [int(reading.table[w * W_FIELDS + W_PID]) for w in live]
        try:
            return bool(ask(pids, live))
        except Exception:
            return False  # the server did not answer: no proof from it

    def _check_stalled(self, reading: _Reading) -> str | None:
        """Nothing changed at all for the watchdog's time (not counting step mode's turns)."""
        r = reading
        if self.state.controlled.is_set():
            self._last_change = r.now
            return None
        signature = (r.puts, r.taken, r.processed, r.worker_puts, tuple(r.states), tuple(r.final))
        if signature != self._last_signature:
            self._last_signature = signature
            self._last_change = r.now
            return None
        return "stalled" if r.now - self._last_change >= self.setup.params.watchdog_s else None

    def _report_progress(self, reading: _Reading) -> None:
        now = reading.now
        if now - self._last_progress < self.progress_interval_s:
            return
        if now - self._last_rate_t > 0:
            self._rate = (reading.processed - self._last_processed) / (now - self._last_rate_t)
        self._last_processed, self._last_rate_t = reading.processed, now
        self._last_progress = now
        events = self._events
        self._flush_events()
        self._events = []
        if self.on_progress is None:
            return  # the headless CLI: nobody reads records before the result
        new_records = self.records.new_records(self.state.ledger)
        self.on_progress(
            Progress(
                elapsed_s=now - self.setup.t0,
                items=self.setup.params.items,
                put=reading.puts,
                taken=reading.taken,
                processed=reading.processed,
                items_per_s=self._rate,
                queue_depth=reading.depth,
                workers=self._views(reading.table),
                new_records=new_records,
                new_events=list(events),
                phase=self.state.phase,
            )
        )

    # --- helpers -----------------------------------------------------------------

    def _flush_events(self) -> None:
        timeline = self.state.timeline
        room = MAX_TIMELINE - len(timeline)
        if room > 0:
            timeline.extend(self._events[:room])

    def _views(self, table: list[float]) -> list[WorkerView]:
        views = []
        for w in range(self.setup.workers):
            row = w * W_FIELDS
            status = WorkerState(int(table[row + W_STATE])).status
            changed_at = table[row + W_T_CHANGE]
            if w in self.state.dead:
                status = WorkerStatus.CRASHED
            elif w in self._stopped and status not in (WorkerStatus.EXITED, WorkerStatus.CRASHED):
                status, changed_at = WorkerStatus.STOPPED, self._stopped[w]
            pid = int(table[row + W_PID])
            views.append(
                WorkerView(
                    index=w + 1,
                    state=status,
                    item=item_or_none(table[row + W_ITEM]),
                    pid=pid or None,
                    processed=int(table[row + W_PROCESSED]),
                    since_s=since(changed_at, self.setup.t0),
                )
            )
        return views
