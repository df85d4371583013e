"""A Redis list as a queue backend: the reliable-queue pattern, JSON values only.

put() is RPUSH of the JSON text of a value (nothing received is ever
unpickled). get() is BLMOVE from the queue into the worker's own processing
list, so an item a worker took stays on the server until it is done with it:
task_done() takes it out, and so does the worker's next get() (a loop that
never calls task_done() is done with an item when it asks for the next).
get(timeout) is BLMOVE with that timeout, get_nowait() is LMOVE; empty() and
qsize() are LLEN, exactly as unreliable as multiprocessing's. join() waits
for the queue and every processing list to be empty. The stop event is a key.

Every key of a run starts with its prefix, queuescope:RUN_ID: (see
core.backends.redis_server for the server itself):

  PREFIX q              the queue (a list of JSON values)
  PREFIX proc:TAG       a worker's processing list (TAG: host-pid)
  PREFIX workers        the set of the workers' TAGs
  PREFIX stop           the stop event: set when the key exists
  PREFIX job, slots...  a run's remote workers (see core.backends.redis_remote)

Each connection is named qs-RUN_ID-TAG, so the deadlock proof can ask the
server (CLIENT LIST) whether every live worker really waits in BLMOVE.
"""

from __future__ import annotations

import contextlib
import json
import queue
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from typing import Any

from core import journal
from core.backends.redis_remote import RemoteWaiting, RemoteWorkers
from core.backends.redis_server import EmbeddedServer, ServerAddress, check_server, redact
from core.ledger import W_FIELDS, W_PID, Ledger
from core.text import translatable

JOIN_POLL_S = 0.01
ADMIN_TIMEOUT_S = 1.0
_PLAIN = (int, str, float, bool, type(None))
SERVER_EXITED = translatable("core", "the lab's redis-server exited")
CLOSED = "the run's queue is closed"
NOT_JSON = (
    "only plain values (int, str, float, bool, None) and lists of them (a batch) travel over "
    "the network, not {kind}"
)


def worker_tag(pid: int, host: str | None = None) -> str:
    """How a worker process is named on the server: its host and pid."""
    return f"{host or socket.gethostname()}-{pid}"


def client_name(run_id: str, tag: str) -> str:
    return f"qs-{run_id}-{tag}"


@dataclass(frozen=True)
class RunKeys:
    """The key names of one run on its server."""

    run_id: str

    @property
    def prefix(self) -> str:
        return f"queuescope:{self.run_id}:"

    @property
    def queue(self) -> str:
        return self.prefix + "q"

    @property
    def workers(self) -> str:
        return self.prefix + "workers"

    @property
    def stop(self) -> str:
        return self.prefix + "stop"

    @property
    def job(self) -> str:
        return self.prefix + "job"

    @property
    def slots(self) -> str:
        return self.prefix + "slots"

    @property
    def joined(self) -> str:
        return self.prefix + "joined"

    @property
    def abort(self) -> str:
        return self.prefix + "abort"

    def processing(self, tag: str) -> str:
        return f"{self.prefix}proc:{tag}"

    def go(self, worker: int) -> str:
        return f"{self.prefix}go:{worker}"

    def worker(self, worker: int) -> str:
        return f"{self.prefix}worker:{worker}"

    def records(self, worker: int) -> str:
        return f"{self.prefix}records:{worker}"

    def alive(self, worker: int) -> str:
        return f"{self.prefix}alive:{worker}"


class RedisQueue:
    """A run's queue as one process sees it, over its own connection."""

    def __init__(self, address: ServerAddress, keys: RunKeys, tag: str, worker: bool) -> None:
        self._client = address.client(client_name(keys.run_id, tag), blocking=True)
        self._queue = keys.queue
        self._processing = keys.processing(tag)
        self._holding = False  # an item sits in our processing list
        self._closed = KeyGuard()
        # Commands sent with each get's own trip (a remote worker's evidence), or None.
        self.piggyback: Callable[[Any], None] | None = None
        if worker:
            self._client.sadd(keys.workers, tag)

    def put(self, obj: Any) -> None:
        plain = obj.__class__ in _PLAIN or (
            obj.__class__ is list and all(value.__class__ in _PLAIN for value in obj)
        )
        if not plain:
            raise TypeError(NOT_JSON.format(kind=type(obj).__name__))
        with self._closed.refusing():
            self._client.rpush(self._queue, json.dumps(obj))

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        client = self._client
        if self._holding or self.piggyback is not None:
            # The previous item is done with: out of the processing list, in the same trip.
            pipe = client.pipeline(transaction=False)
            if self._holding:
                pipe.lpop(self._processing)
            if self.piggyback is not None:
                self.piggyback(pipe)
            self._move(pipe, block, timeout)
            raw = pipe.execute()[-1]
        else:
            raw = self._move(client, block, timeout)
        self._holding = raw is not None
        if raw is None:
            raise queue.Empty
        return json.loads(raw)

    def _move(self, target: Any, block: bool, timeout: float | None) -> Any:
        if not block or (timeout is not None and timeout <= 0):
            return target.lmove(self._queue, self._processing, "LEFT", "LEFT")
        return target.blmove(self._queue, self._processing, timeout or 0, "LEFT", "LEFT")

    def get_nowait(self) -> Any:
        return self.get(False)

    def empty(self) -> bool:
        return int(self._client.llen(self._queue)) == 0

    def qsize(self) -> int:
        return int(self._client.llen(self._queue))

    def task_done(self) -> None:
        if self._holding:
            self._client.lpop(self._processing)
            self._holding = False

    def close(self) -> None:
        with self._closed.closing(), contextlib.suppress(Exception):
            self._client.close()


class KeyGuard:
    """Refuses commands that would make keys once closed, so none outlives the cleanup.

    A closed redis-py client connects again on its next command: a producer
    thread's last put could make the queue's key after the session deleted it.
    The lock lets a command in flight end before the close goes on.
    """

    CLOSE_WAIT_S = 2.0  # a command stuck on a lost server must not hold the cleanup

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._closed = False

    @contextlib.contextmanager
    def refusing(self) -> Iterator[None]:
        with self._lock:
            if self._closed:
                raise ValueError(CLOSED)
            yield

    @contextlib.contextmanager
    def closing(self) -> Iterator[None]:
        locked = self._lock.acquire(timeout=self.CLOSE_WAIT_S)
        self._closed = True
        try:
            yield
        finally:
            if locked:
                self._lock.release()


class RedisEvent:
    """A stop event as a key: set() creates it, is_set() asks whether it exists.

    Picklable: it travels to workers in their LoopOptions and connects on first use.
    """

    def __init__(self, address: ServerAddress, key: str) -> None:
        self._address = address
        self._key = key
        self._client: Any = None
        self._closed = KeyGuard()

    def __getstate__(self) -> dict[str, Any]:
        return {"_address": self._address, "_key": self._key}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._address, self._key = state["_address"], state["_key"]
        self._client = None
        self._closed = KeyGuard()

    def _connection(self) -> Any:
        if self._client is None:
            self._client = self._address.client()
        return self._client

    def set(self) -> None:
        with self._closed.refusing():
            self._connection().set(self._key, 1)

    def close(self) -> None:
        with self._closed.closing(), contextlib.suppress(Exception):
            if self._client is not None:
                self._client.close()

    def clear(self) -> None:
        self._connection().delete(self._key)

    def is_set(self) -> bool:
        return bool(self._connection().exists(self._key))

    def wait(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(JOIN_POLL_S)
        return True


@dataclass(frozen=True)
class RedisHandle:
    """What a worker needs to reach the run's queue: the server and the run's keys."""

    address: ServerAddress
    keys: RunKeys

    def attach(self) -> RedisQueue:
        import os

        return RedisQueue(self.address, self.keys, worker_tag(os.getpid()), worker=True)


class RedisSession:
    """One run on a Redis server: its keys, and the server too if it is the lab's own."""

    def __init__(
        self,
        ctx: BaseContext,
        run_dir: str,
        shared: ServerAddress | None,
        remote: RemotePlan | None = None,
    ) -> None:
        self.ctx = ctx
        self.keys = RunKeys(secrets.token_hex(6))
        self.embedded: EmbeddedServer | None = None
        if shared is None:
            self.embedded = EmbeddedServer(run_dir)
            self.address = self.embedded.start()
        else:
            check_server(shared)
            self.address = shared
            # A killed main process leaves these keys: the next start deletes them.
            journal.record_server_keys(run_dir, redact(shared.url), self.keys.prefix)
        # Short timeouts: the monitor asks it every poll or so and must not hang on it.
        self.admin = self.address.client(
            client_name(self.keys.run_id, "monitor"), timeout=ADMIN_TIMEOUT_S
        )
        self._queues: list[RedisQueue] = []
        self._requeue = False
        self.requeued: list[Any] = []  # what the reaper moved back to the queue
        self._requeued_from: list[tuple[str, Any]] = []  # (worker tag, item)
        self._local_tags: dict[str, int] = {}  # tag -> 0-based local worker
        self._events: list[RedisEvent] = []
        self.remote: RemoteWorkers | None = None
        if remote is not None and remote.count > 0:
            self.remote = RemoteWorkers(
                self.admin, self.keys, str(self.address), remote.count, remote.wait_s
            )
            self._announce = remote.announce
            self._watch = remote.watch

    def make_queue(self) -> RedisQueue:
        made = RedisQueue(self.address, self.keys, "main", worker=False)
        self._queues.append(made)
        return made

    def make_event(self) -> RedisEvent:
        event = RedisEvent(self.address, self.keys.stop)
        self._events.append(event)
        return event

    def handle(self, queue: Any) -> RedisHandle:
        return RedisHandle(self.address, self.keys)

    def requeue_vanished(self) -> None:
        """From now on join() moves the items of a vanished worker back (Need.REQUEUE)."""
        self._requeue = True

    def join_queue(self, queue: Any, cancelled: Callable[[], bool]) -> bool:
        while not cancelled():
            if self._requeue:
                self.requeued.extend(self._reap_vanished())
            if self.unfinished() == 0:
                return True
            time.sleep(JOIN_POLL_S)
        return False

    # --- remote workers (core.backends.redis_remote) ---------------------------------

    @property
    def remote_count(self) -> int:
        return 0 if self.remote is None else self.remote.count

    def invite_remote(
        self, job: dict[str, Any], first: int, t0: float, cancelled: Callable[[], bool]
    ) -> None:
        """Publish the run's job for workers first.. and wait until they joined (ParamError)."""
        assert self.remote is not None
        self.remote.invite(job, first, t0)
        self.remote.wait_joined(cancelled, self._announce, self._watch)

    def start_remote(self) -> None:
        if self.remote is not None:
            self.remote.go()

    def mirror(self, ledger: Ledger, t0: float) -> None:
        """Each poll: note the local workers' tags; mirror the remote workers' evidence."""
        for w in range(ledger.workers - self.remote_count):
            pid = int(ledger.table[w * W_FIELDS + W_PID])
            if pid > 0:
                self._local_tags[worker_tag(pid)] = w
        if self.remote is not None:
            self.remote.mirror(ledger, t0, self._held)

    def _held(self, tag: str) -> list[Any]:
        """A vanished worker's items: in its processing list, or moved back from it."""
        raw = self.admin.lrange(self.keys.processing(tag), 0, -1)
        moved = [item for source, item in self._requeued_from if source == tag]
        return moved + [json.loads(value) for value in raw]

    @property
    def held(self) -> dict[int, list[Any]]:
        """1-based vanished worker -> the items it held."""
        return {} if self.remote is None else dict(self.remote.held)

    @property
    def moved_back(self) -> list[tuple[int, Any]]:
        """(1-based worker, item) for each item the reaper moved back from a vanished worker."""
        tags = {**self._local_tags, **(self.remote.tags if self.remote else {})}
        return [(tags[tag] + 1, item) for tag, item in self._requeued_from if tag in tags]

    def _tag_of(self, worker: int, pid: int) -> str:
        if self.remote is not None:
            for tag, known in self.remote.tags.items():
                if known == worker:
                    return tag
        return worker_tag(pid)

    def _reap_vanished(self) -> list[Any]:
        """Items of workers whose connection is gone, moved back to the queue's head.

        Who works is read before who is connected: a worker joins the set over its
        own connection, so one read before the list of connections and missing from
        it has really gone. The other order takes a worker that joins between the two
        reads for a vanished one, and moves back the item it has just taken.
        """
        tags = [raw_tag.decode() for raw_tag in self.admin.smembers(self.keys.workers)]
        connected = {client.get("name") for client in self.admin.client_list()}
        moved = []
        for tag in tags:
            if client_name(self.keys.run_id, tag) in connected:
                continue
            processing = self.keys.processing(tag)
            while (
                raw := self.admin.lmove(processing, self.keys.queue, "LEFT", "LEFT")
            ) is not None:
                moved.append(json.loads(raw))
                self._requeued_from.append((tag, moved[-1]))
            self.admin.srem(self.keys.workers, tag)
        return moved

    def unfinished(self) -> int:
        """Items in the queue plus items workers hold in their processing lists.

        The queue's length and the set of workers are read at one instant: a worker
        not in the set then had taken nothing yet, so no item is counted nowhere.
        """
        pipe = self.admin.pipeline(transaction=True)
        pipe.llen(self.keys.queue)
        pipe.smembers(self.keys.workers)
        waiting, members = pipe.execute()
        pipe = self.admin.pipeline(transaction=False)
        for tag in members:
            pipe.llen(self.keys.processing(tag.decode()))
        return int(waiting) + sum(int(n) for n in pipe.execute())

    def workers_blocked(self, pids: Iterable[int], workers: Iterable[int] | None = None) -> bool:
        """The server's word: the queue is empty and each of these workers waits in BLMOVE.

        workers: their 0-based indices, for remote workers (their pid is no local one).
        """
        pids = list(pids)
        indices = list(workers) if workers is not None else [-1] * len(pids)
        wanted = {
            client_name(self.keys.run_id, self._tag_of(w, pid))
            for w, pid in zip(indices, pids, strict=True)
        }
        blocked = {
            client.get("name")
            for client in self.admin.client_list()
            if client.get("cmd") == "blmove" and "b" in client.get("flags", "")
        }
        return wanted <= blocked and int(self.admin.llen(self.keys.queue)) == 0

    def server_lost(self) -> str | None:
        """Why the server is gone (it exited, or does not answer); None while it serves."""
        if self.embedded is not None and self.embedded.exited():
            return SERVER_EXITED
        try:
            self.admin.ping()
        except Exception as error:
            return str(error).strip().rstrip(".") or type(error).__name__
        return None

    def discard(self, queue: Any) -> None:
        pass

    def close(self) -> None:
        for made in self._queues:
            made.close()
        for event in self._events:
            event.close()
        try:
            if self.remote is not None:
                with contextlib.suppress(Exception):
                    self.remote.shutdown()
            if self.embedded is None:
                self._delete_keys()
        finally:
            with contextlib.suppress(Exception):
                self.admin.close()
            if self.embedded is not None:
                self.embedded.stop()

    def _delete_keys(self) -> None:
        pattern = self.keys.prefix.replace("*", r"\*") + "*"
        batch = list(self.admin.scan_iter(match=pattern, count=500))
        if batch:
            self.admin.unlink(*batch)

    def helper_pid(self) -> int | None:
        return None if self.embedded is None else self.embedded.pid


@dataclass(frozen=True)
class RemotePlan:
    """How many of a run's workers join from other hosts, how long to wait, who to tell.

    announce gets the wait as one line (the command line prints it); watch, if
    given, gets it as data when it begins and after each join (the window shows it).
    """

    count: int
    wait_s: float
    announce: Callable[[str], None]
    watch: Callable[[RemoteWaiting], None] | None = None
