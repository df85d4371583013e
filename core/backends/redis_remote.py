"""Workers on other hosts: a run's invitation, their evidence over the network, their end.

A remote worker (core.remote_worker) cannot reach the run's shared-memory
ledger, so it keeps a ledger of its own and publishes it to the server;
the monitor mirrors what it publishes into the run's ledger every poll, so
the verdict, the diagnosis and the exports read the same evidence as for
local workers. Keys, under the run's prefix (core.backends.redis_queue):

  job             the run's parameters, as JSON: no code and no pickle travel
  slots           the worker indices still free; a joining worker LPOPs one
  joined          each joined worker's index (RPUSH), in the order they came
  go:W            the run's go for worker W, once the workers start
  worker:W        a hash per worker: host, pid, tag and row (its state table row)
  records:W       JSON batches of item records the worker sent (the monitor pops them)
  alive:W         the heartbeat: a key with a TTL the worker refreshes; gone, and the
                  worker had not ended: it vanished (died, or lost the network)
  abort           set when the run ends: a remote worker still running exits

Times travel as seconds into the run: each side maps its own monotonic
clock to the run's time zero through the server's clock (TIME).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from core.errors import ParamError
from core.ledger import (
    W_EXIT_CODE,
    W_FIELDS,
    W_PID,
    W_STATE,
    W_T_CHANGE,
    W_T_EXITED,
    W_T_LAST_EMPTY,
    W_T_STARTED,
    Ledger,
)
from core.states import FINAL_STATES, WorkerState
from core.text import Sentence, translatable

JOB_FORMAT = 1
HEARTBEAT_TTL_S = 2.0
JOIN_POLL_S = 0.2
ABORT_WAIT_S = 2.0
RECORD_BATCHES_PER_POLL = 1000
TIME_FIELDS = (W_T_CHANGE, W_T_LAST_EMPTY, W_T_STARTED, W_T_EXITED)

WAITING = translatable(
    "core",
    "waiting up to {seconds} s for {count} remote workers; on each worker host run: "
    "python main.py worker --redis {url} --run {run} "
    "(with the password in --redis-password-file FILE or QUEUESCOPE_REDIS_PASSWORD)",
)
DID_NOT_COME = translatable(
    "core",
    "{came} of {count} remote workers joined run {run} in {seconds} s: start them with "
    "python main.py worker --redis {url} --run {run}, or wait longer with --remote-wait",
)


def server_time(client: Any) -> float:
    seconds, micros = client.time()
    return float(seconds) + float(micros) / 1e6


def server_t0(client: Any, local_t0: float) -> float:
    """A monotonic time zero of this process, as the server's clock reads it."""
    return server_time(client) - (time.monotonic() - local_t0)


def local_t0(client: Any, run_t0_on_server: float) -> float:
    """The run's time zero on this process's monotonic clock."""
    return time.monotonic() - (server_time(client) - run_t0_on_server)


def row_to_wire(row: list[float], t0: float) -> list[float | None]:
    """A state table row as it travels: times relative to t0, no NaN, no pid (sent apart)."""
    out: list[float | None] = []
    for field, value in enumerate(row):
        if field in TIME_FIELDS:
            out.append(value - t0 if value else None)
        else:
            out.append(value if math.isfinite(value) else None)
    return out


def row_from_wire(wire: list[Any], t0: float) -> list[float]:
    """The inverse of row_to_wire on the run's side (pid 0: no local process has it)."""
    if len(wire) != W_FIELDS:
        raise ValueError("a state table row of the wrong length")
    row = []
    for field, value in enumerate(wire):
        if field in TIME_FIELDS:
            row.append(t0 + float(value) if value is not None else 0.0)
        else:
            row.append(float(value) if value is not None else math.nan)
    row[W_PID] = 0.0
    return row


@dataclass(frozen=True)
class RemoteWaiting:
    """A run waiting for its remote workers: where they join, and how many came so far."""

    run_id: str
    url: str  # without the password
    count: int
    joined: int
    wait_s: float

    def command(self, loop: str | None = None) -> str:
        """What to run on a worker host (loop: that host's FILE[:FUNCTION], if the run has one).

        Never the password: the worker host gives it with --redis-password-file or
        QUEUESCOPE_REDIS_PASSWORD.
        """
        command = f"python main.py worker --redis {self.url} --run {self.run_id}"
        return command if loop is None else f"{command} --loop {loop}"


class RemoteWorkers:
    """The run's side of its remote workers: the invitation, the mirror, the end."""

    def __init__(self, admin: Any, keys: Any, url: str, count: int, wait_s: float) -> None:
        self.admin = admin
        self.keys = keys
        self.url = url  # without the password (core.backends.redis_server.redact)
        self.count = count
        self.wait_s = wait_s
        self.slots: list[int] = []
        self.tags: dict[str, int] = {}  # connection tag -> 0-based worker
        self.joined: set[int] = set()
        self.held: dict[int, list[Any]] = {}  # 1-based vanished worker -> its held items
        self.vanished: set[int] = set()
        self._open: dict[int, set[int]] = {}  # worker -> items whose take was mirrored, not done

    def invite(self, job: dict[str, Any], first_slot: int, t0: float) -> None:
        self.slots = list(range(first_slot, first_slot + self.count))
        job = {**job, "format": JOB_FORMAT, "t0": server_t0(self.admin, t0)}
        job["heartbeat_ttl_s"] = HEARTBEAT_TTL_S
        pipe = self.admin.pipeline(transaction=True)
        pipe.set(self.keys.job, json.dumps(job))
        pipe.delete(self.keys.slots)
        pipe.rpush(self.keys.slots, *self.slots)
        pipe.execute()

    def wait_joined(
        self,
        cancelled: Callable[[], bool],
        announce: Callable[[str], None],
        watch: Callable[[RemoteWaiting], None] | None = None,
    ) -> None:
        """Until every remote worker joined; ParamError if they do not in time.

        watch, if given, sees the wait when it begins and again after each join.
        """
        args = {"count": self.count, "run": self.keys.run_id, "url": self.url}
        announce(Sentence.of(WAITING, seconds=f"{self.wait_s:g}", **args).render())
        waiting = RemoteWaiting(self.keys.run_id, self.url, self.count, 0, self.wait_s)
        if watch is not None:
            watch(waiting)
        deadline = time.monotonic() + self.wait_s
        while len(self.joined) < self.count and not cancelled():
            if time.monotonic() > deadline:
                raise ParamError(
                    Sentence.of(
                        DID_NOT_COME, came=len(self.joined), seconds=f"{self.wait_s:g}", **args
                    )
                )
            came = self.admin.blpop([self.keys.joined], JOIN_POLL_S)
            if came is not None:
                self.joined.add(int(came[1]))
                if watch is not None:
                    watch(replace(waiting, joined=len(self.joined)))

    def go(self) -> None:
        pipe = self.admin.pipeline(transaction=False)
        for slot in self.slots:
            pipe.rpush(self.keys.go(slot), 1)
        pipe.execute()

    def mirror(self, ledger: Ledger, t0: float, held: Callable[[str], list[Any]]) -> None:
        """What the remote workers published since the last poll, into the run's ledger."""
        if not self.joined:
            return
        pipe = self.admin.pipeline(transaction=True)
        for slot in self.slots:
            pipe.hgetall(self.keys.worker(slot))
            pipe.lpop(self.keys.records(slot), RECORD_BATCHES_PER_POLL)
            pipe.exists(self.keys.alive(slot))
        replies = pipe.execute()
        for index, slot in enumerate(self.slots):
            worker, batches, alive = replies[3 * index : 3 * index + 3]
            if slot in self.vanished:
                continue  # what it published last is not its state any more
            batches = batches or []
            # The row is newer than records still waiting: it waits for them, or the
            # verdict could read a worker's exit before the items it did.
            drained = len(batches) < RECORD_BATCHES_PER_POLL
            try:
                self._apply(ledger, slot, worker if drained else {}, batches, t0)
            except (ValueError, TypeError, KeyError, IndexError):
                continue  # a malformed message: not evidence
            if not drained:
                continue
            state = int(ledger.table[slot * W_FIELDS + W_STATE])
            if slot in self.joined and not alive and state not in FINAL_STATES:
                self._vanished(ledger, slot, held)

    def _apply(
        self, ledger: Ledger, slot: int, worker: dict[bytes, bytes], batches: list[bytes], t0: float
    ) -> None:
        if b"tag" in worker:
            self.tags[worker[b"tag"].decode()] = slot
        open_items = self._open.setdefault(slot, set())
        for batch in batches:
            for item, takes, done, t_take, t_start, t_done in json.loads(batch):
                if not 0 <= item < ledger.items:
                    continue
                if takes:
                    ledger.take_count[item] += takes
                    ledger.taker[item] = slot + 1
                    open_items.add(item)
                if done:
                    ledger.process_count[item] += done
                    open_items.discard(item)
                for array, value in (
                    (ledger.t_take, t_take),
                    (ledger.t_start, t_start),
                    (ledger.t_done, t_done),
                ):
                    if value is not None:
                        array[item] = float(value)
        if b"row" in worker:
            row = row_from_wire(json.loads(worker[b"row"]), t0)
            start = slot * W_FIELDS
            ledger.table[start : start + W_FIELDS] = memoryview_of(row)
        if b"traceback" in worker:
            ledger.write_traceback(slot, worker[b"traceback"].decode("utf-8", "replace"))

    def _vanished(self, ledger: Ledger, slot: int, held: Callable[[str], list[Any]]) -> None:
        """Its heartbeat expired: the items in its processing list are held, not lost."""
        tag = next((tag for tag, known in self.tags.items() if known == slot), None)
        items = held(tag) if tag is not None else []
        for item in items:
            known = item in self._open.get(slot, set())
            if item.__class__ is int and 0 <= item < ledger.items and not known:
                # Taken, but killed before it could tell: the server's list says so.
                ledger.take_count[item] += 1
                ledger.taker[item] = slot + 1
        row = slot * W_FIELDS
        now = time.monotonic()
        ledger.table[row + W_STATE] = float(WorkerState.VANISHED)
        ledger.table[row + W_T_CHANGE] = now
        ledger.table[row + W_T_EXITED] = now
        ledger.table[row + W_EXIT_CODE] = math.nan
        self.held[slot + 1] = items
        self.vanished.add(slot)

    def shutdown(self) -> None:
        """Tell remote workers still running to exit, and wait a little for them."""
        if not self.slots:
            return
        self.admin.set(self.keys.abort, 1)
        deadline = time.monotonic() + ABORT_WAIT_S
        alive = [self.keys.alive(slot) for slot in self.slots]
        while self.admin.exists(*alive) and time.monotonic() < deadline:
            time.sleep(JOIN_POLL_S / 4)


def memoryview_of(values: Iterable[float]) -> memoryview:
    import array

    return memoryview(array.array("d", values))
