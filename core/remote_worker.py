"""A worker that joins a run from another host: main.py worker --redis URL --run RUN_ID.

It reads the run's job (JSON) from the server, takes a free worker index and
runs the run's loop on the run's Redis list: a built-in strategy, or the loop
file given with --loop, which must be the very file the run uses (its hash
is checked): no code travels over the network. Its evidence goes into a
ledger of its own that a thread publishes to the server with a heartbeat
(core.backends.redis_remote); the run's monitor mirrors it. The same thread
ends the worker when the run ends (its abort key, or its keys gone) and when
the server is out of reach for longer than the heartbeat lives.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import json
import math
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import core.redis_strategies  # noqa: F401 (registers the Redis-native strategies)
from core.backends.redis_queue import RedisEvent, RedisQueue, RunKeys, client_name, worker_tag
from core.backends.redis_remote import JOB_FORMAT, local_t0, row_to_wire
from core.backends.redis_server import ServerAddress
from core.errors import ParamError
from core.ledger import W_PROCESSED, W_STATE, Ledger
from core.states import WorkerState
from core.strategies import STRATEGIES
from core.text import Sentence, translatable
from core.user_loops import loop_hash, read_loop
from core.worker import Loop, LoopOptions, WorkSpec, attach_ledger, run_loop

PUBLISH_S = 0.02  # as often as the monitor looks
BEAT_S = 0.25
GO_POLL_S = 0.5
EXIT_LOOP_RAISED = 1
EXIT_SERVER_LOST = 3

NO_SUCH_RUN = translatable(
    "core",
    "no run {run} waits for workers on the Redis server at {where}: check the run id the run "
    "printed, and that the run still waits",
)
NOT_UNDERSTOOD = translatable(
    "core", "the parameters of run {run} are not understood here: use the same QueueScope version"
)
RUN_FULL = translatable("core", "run {run} has all the workers it waits for")
NEEDS_LOOP = translatable(
    "core", "run {run} runs the loop file {file}: give this host's copy of it with --loop FILE"
)
NO_LOOP_WANTED = translatable(
    "core", "run {run} runs the built-in strategy {strategy}: --loop is not for it"
)
LOOP_DIFFERS = translatable(
    "core",
    "{path} is not the loop file run {run} runs ({file}, function {function}): "
    "copy the run's file to this host",
)
UNKNOWN_STRATEGY = translatable(
    "core", "run {run} runs strategy {strategy}, which this QueueScope does not have"
)
JOINED = translatable("core", "joined run {run} as worker {worker} of {workers}")
FINISHED = translatable(
    "core", "worker {worker} of run {run}: {processed} items processed, {state}"
)
RUN_ENDED = translatable("core", "run {run} ended")
SERVER_GONE = translatable(
    "core", "lost the Redis server for more than {seconds} s: this worker ends"
)


def join_run(
    address: ServerAddress, run_id: str, loop_spec: str | None, say: Callable[[str], None]
) -> int:
    """Join run_id as one of its remote workers and run its loop; the worker's exit code.

    ParamError (one line) if the run cannot be joined.
    """
    keys = RunKeys(run_id)
    tag = worker_tag(os.getpid())
    admin = address.client(client_name(run_id, f"{tag}-join"))
    try:
        raw = admin.get(keys.job)
        if raw is None:
            raise ParamError(Sentence.of(NO_SUCH_RUN, run=run_id, where=str(address)))
        job = _read_job(raw, run_id)
        loop = _loop(job, run_id, loop_spec)
        claimed = admin.lpop(keys.slots)
        if claimed is None:
            raise ParamError(Sentence.of(RUN_FULL, run=run_id))
        slot = int(claimed)
        ledger = Ledger.create(int(job["items"]), int(job["workers"]))
        t0 = local_t0(admin, float(job["t0"]))
        ledger = Ledger(dataclasses.replace(ledger.handles, t0=t0))
        work: WorkSpec = job["work"]
        # An injected kill or stop hits the item's first take in the whole run, which
        # only the server knows (a reaper may move it back): TrackedQueue asks it.
        attach_ledger(
            ledger, dataclasses.replace(work, fault_kind="") if work.fault_signal else work
        )
        publisher = Publisher(address, keys, slot, ledger, tag, float(job["heartbeat_ttl_s"]), say)
        if not publisher.join(socket.gethostname(), os.getpid()):
            raise ParamError(Sentence.of(NO_SUCH_RUN, run=run_id, where=str(address)))
        publisher.start()
        say(Sentence.of(JOINED, run=run_id, worker=slot + 1, workers=job["workers"]).render())
        while admin.blpop([keys.go(slot)], GO_POLL_S) is None:
            pass  # the publisher ends this process if the run ends meanwhile
    finally:
        admin.close()
    stop = RedisEvent(address, keys.stop) if job["stop_event"] else None
    options = LoopOptions(timeout=float(job["timeout"]), stop=stop)
    handle = TrackedHandle(address, keys, tag, publisher, work.fault_item, work.fault_signal)
    ok = run_loop(loop, slot, handle, options)
    publisher.finish()
    row = ledger.row(slot)
    state = WorkerState(int(row[W_STATE])).status.label
    processed = int(row[W_PROCESSED])
    say(
        Sentence.of(
            FINISHED, worker=slot + 1, run=run_id, processed=f"{processed:,}", state=state
        ).render()
    )
    return 0 if ok else EXIT_LOOP_RAISED


def _read_job(raw: bytes, run_id: str) -> dict[str, Any]:
    try:
        job = json.loads(raw)
        if job.get("format") != JOB_FORMAT:
            raise ValueError("format")
        job["work"] = WorkSpec(**job["work"])
        for name in ("items", "workers", "timeout", "t0", "heartbeat_ttl_s", "stop_event"):
            job[name]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise ParamError(Sentence.of(NOT_UNDERSTOOD, run=run_id)) from None
    return dict(job)


def _loop(job: dict[str, Any], run_id: str, loop_spec: str | None) -> Loop:
    """The run's loop on this host: a built-in one, or this host's copy of its loop file."""
    wanted = job.get("loop")
    if not wanted:
        if loop_spec is not None:
            raise ParamError(Sentence.of(NO_LOOP_WANTED, run=run_id, strategy=job["strategy"]))
        strategy = STRATEGIES.get(str(job.get("strategy")))
        if strategy is None:
            raise ParamError(Sentence.of(UNKNOWN_STRATEGY, run=run_id, strategy=job["strategy"]))
        return _loop_of(strategy.loop)
    if loop_spec is None:
        raise ParamError(Sentence.of(NEEDS_LOOP, run=run_id, file=wanted["file"]))
    strategy = read_loop(loop_spec)
    path = getattr(strategy.loop, "path", "")
    if getattr(strategy.loop, "function", "") != wanted["function"] or (
        loop_hash(path) != wanted["sha256"]
    ):
        raise ParamError(
            Sentence.of(
                LOOP_DIFFERS,
                path=path,
                run=run_id,
                file=wanted["file"],
                function=wanted["function"],
            )
        )
    return _loop_of(strategy.loop)


def _loop_of(loop: Loop | None) -> Loop:
    assert loop is not None, "a queue strategy has a loop"
    return loop


class TrackedQueue(RedisQueue):
    """The run's Redis list, noting each value taken so the publisher looks at it."""

    def __init__(self, handle: TrackedHandle) -> None:
        super().__init__(handle.address, handle.keys, handle.tag, worker=True)
        self._seen = handle.publisher.seen
        self._fault_item = handle.fault_item if handle.fault_signal else -1
        self._fault_signal = handle.fault_signal
        self._faulted = handle.keys.prefix + "faulted"
        self.piggyback = handle.publisher.piggyback

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        data = super().get(block, timeout)
        self._seen.append(data)
        if data == self._fault_item and self._client.sadd(self._faulted, data):
            os.kill(os.getpid(), self._fault_signal)  # the item's first take in the run
        return data


@dataclass(frozen=True)
class TrackedHandle:
    address: ServerAddress
    keys: RunKeys
    tag: str
    publisher: Publisher
    fault_item: int = -1
    fault_signal: int = 0

    def attach(self) -> TrackedQueue:
        return TrackedQueue(self)


class Publisher:
    """A thread that sends the worker's ledger row and item records, and its heartbeat.

    Every write is guarded by the run's job key (WATCH): once the run has
    ended and deleted its keys, nothing this worker sends can bring one back.
    """

    def __init__(
        self,
        address: ServerAddress,
        keys: RunKeys,
        slot: int,
        ledger: Ledger,
        tag: str,
        ttl_s: float,
        say: Callable[[str], None],
    ) -> None:
        self.client = address.client(client_name(keys.run_id, f"{tag}-publisher"))
        self.keys, self.slot, self.ledger, self.tag, self.ttl_s = keys, slot, ledger, tag, ttl_s
        self.say = say
        self.seen: collections.deque[Any] = collections.deque()
        self._pending: set[int] = set()
        self._sent: dict[int, tuple[int, int]] = {}
        self._last_row: list[float] | None = None
        self._last_beat = 0.0
        self._last_contact = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()  # the thread and each get() both send what changed
        self._thread = threading.Thread(target=self._run, name="queuescope-publisher", daemon=True)

    def join(self, host: str, pid: int) -> bool:
        """Register with the run: who this worker is, its first heartbeat; False if it ended."""
        worker = {"host": host, "pid": pid, "tag": self.tag}

        def fill(pipe: Any) -> None:
            pipe.hset(self.keys.worker(self.slot), mapping=worker)
            pipe.set(self.keys.alive(self.slot), 1, px=int(self.ttl_s * 1000))
            pipe.rpush(self.keys.joined, self.slot)

        return self._guarded(fill)

    def start(self) -> None:
        self._thread.start()

    def finish(self) -> None:
        """The loop is over: stop the thread, send the last evidence, end the heartbeat."""
        self._stop.set()
        self._thread.join()
        with contextlib.suppress(Exception):  # the run has gone, or the server
            self._publish(final=True)
        self.client.close()

    def _run(self) -> None:
        while not self._stop.wait(PUBLISH_S):
            now = time.monotonic()
            try:
                running = self._publish(final=False)
                self._last_contact = now
            except Exception:
                if now - self._last_contact > self.ttl_s:
                    self.say(Sentence.of(SERVER_GONE, seconds=f"{self.ttl_s:g}").render())
                    _exit_now(EXIT_SERVER_LOST)
                continue
            if not running:
                self.say(Sentence.of(RUN_ENDED, run=self.keys.run_id).render())
                _exit_now(0)

    def piggyback(self, pipe: Any) -> None:
        """Before each get: what changed, in the get's own trip, so a worker killed
        between two gets loses no evidence of the items it finished."""
        with self._lock:
            self._changes(pipe, self.ledger.row(self.slot), self._records())

    def _changes(self, pipe: Any, row: list[float], batch: list[list[Any]]) -> None:
        if row != self._last_row:
            wire = json.dumps(row_to_wire(row, self.ledger.t0))
            pipe.hset(self.keys.worker(self.slot), "row", wire)
            self._last_row = row
        if batch:
            pipe.rpush(self.keys.records(self.slot), json.dumps(batch))

    def _publish(self, final: bool) -> bool:
        """Send what changed (and the heartbeat when due); False once the run has ended."""
        with self._lock:
            return self._publish_locked(final)

    def _publish_locked(self, final: bool) -> bool:
        now = time.monotonic()
        row = self.ledger.row(self.slot)
        batch = self._records()
        beat = now - self._last_beat >= BEAT_S
        if not (final or beat or batch or row != self._last_row):
            return True
        keys, slot = self.keys, self.slot

        def fill(pipe: Any) -> None:
            self._last_row = None  # the row goes in this trip whatever changed
            self._changes(pipe, row, batch)
            if final:
                traceback = self.ledger.read_traceback(slot)
                if traceback:
                    pipe.hset(keys.worker(slot), "traceback", traceback)
                pipe.delete(keys.alive(slot))
            elif beat:
                pipe.set(keys.alive(slot), 1, px=int(self.ttl_s * 1000))

        running = self._guarded(fill)
        if beat:
            self._last_beat = now
        return running

    def _guarded(self, fill: Callable[[Any], None]) -> bool:
        import redis

        with self.client.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(self.keys.job)
                job, abort = pipe.mget(self.keys.job, self.keys.abort)
                if job is None or abort is not None:
                    return False
                pipe.multi()
                fill(pipe)
                pipe.execute()
            except redis.WatchError:
                return False  # the run deleted its keys meanwhile
        return True

    def _records(self) -> list[list[Any]]:
        """[item, new takes, new processings, t_take, t_start, t_done] of items that changed."""
        ledger, pending = self.ledger, self._pending
        while self.seen:
            value = self.seen.popleft()
            if value.__class__ is int and 0 <= value < ledger.items:
                pending.add(value)
        batch = []
        for item in list(pending):
            takes, done = int(ledger.take_count[item]), int(ledger.process_count[item])
            sent_takes, sent_done = self._sent.get(item, (0, 0))
            if (takes, done) != (sent_takes, sent_done):
                times = [ledger.t_take[item], ledger.t_start[item], ledger.t_done[item]]
                batch.append(
                    [item, takes - sent_takes, done - sent_done]
                    + [t if math.isfinite(t) else None for t in times]
                )
                self._sent[item] = (takes, done)
            if takes and done >= takes:
                pending.discard(item)
        return batch


def _exit_now(code: int) -> None:
    """End the whole worker from the publisher thread: the loop may wait in BLMOVE for good."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
