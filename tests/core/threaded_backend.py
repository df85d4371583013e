"""A queue backend defined outside the core: a queue.Queue served by threads over a socket.

It shows what adding a backend takes (this module and one register_backend()
call) and exercises the path a networked queue needs: the worker gets a
picklable handle (an address and a key) and attaches in its own process.
Requests and replies are JSON over a multiprocessing Connection; nothing
received is unpickled.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Client, Connection, Listener
from multiprocessing.context import BaseContext
from typing import Any

from core.backends import Launch, Need

POLL_S = 0.05  # how often a serving thread blocked in get() looks for the end of the run


@dataclass(frozen=True)
class SocketHandle:
    address: str
    authkey: bytes

    def attach(self) -> RemoteQueue:
        return RemoteQueue(Client(self.address, authkey=self.authkey))


class RemoteQueue:
    """The worker's side: each call is one request and one reply."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _call(self, op: str, **args: Any) -> Any:
        self._connection.send_bytes(json.dumps({"op": op, **args}).encode())
        reply = json.loads(self._connection.recv_bytes())
        if reply.get("empty"):
            raise queue.Empty
        return reply.get("value")

    def put(self, obj: Any) -> None:
        self._call("put", value=obj)

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        return self._call("get", block=block, timeout=timeout)

    def get_nowait(self) -> Any:
        return self.get(False)

    def empty(self) -> bool:
        return bool(self._call("empty"))

    def qsize(self) -> int:
        return int(self._call("qsize"))

    def task_done(self) -> None:
        self._call("task_done")


class _Session:
    def __init__(self, ctx: BaseContext, run_dir: str) -> None:
        self.ctx = ctx
        self.queue: queue.Queue[Any] = queue.Queue()
        self.closing = threading.Event()
        self.authkey = secrets.token_bytes(16)
        self.listener = Listener(os.path.join(run_dir, "queue.sock"), authkey=self.authkey)
        self.threads: list[threading.Thread] = []
        self.connections: list[Connection] = []
        self._start(self._accept, "threaded-backend-accept")

    def _start(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self.threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                connection = self.listener.accept()
            except (OSError, EOFError):
                return
            if self.closing.is_set():
                connection.close()
                return
            self.connections.append(connection)
            self._start(self._serve, "threaded-backend-serve", connection)

    def _serve(self, connection: Connection) -> None:
        with contextlib.suppress(OSError, EOFError):
            while not self.closing.is_set():
                if not connection.poll(POLL_S):
                    continue
                request = json.loads(connection.recv_bytes())
                reply = self._answer(request)
                if reply is None:
                    return  # closing while blocked in get()
                connection.send_bytes(json.dumps(reply).encode())

    def _answer(self, request: dict[str, Any]) -> dict[str, Any] | None:
        op = request["op"]
        if op == "put":
            self.queue.put(request["value"])
            return {}
        if op == "empty":
            return {"value": self.queue.empty()}
        if op == "qsize":
            return {"value": self.queue.qsize()}
        if op == "task_done":
            self.queue.task_done()
            return {}
        return self._get(request["block"], request["timeout"])

    def _get(self, block: bool, timeout: float | None) -> dict[str, Any] | None:
        if not block:
            try:
                return {"value": self.queue.get_nowait()}
            except queue.Empty:
                return {"empty": True}
        waited = 0.0
        while not self.closing.is_set():
            try:
                return {"value": self.queue.get(timeout=POLL_S)}
            except queue.Empty:
                waited += POLL_S
                if timeout is not None and waited >= timeout:
                    return {"empty": True}
        return None

    # --- the BackendSession protocol ---

    def make_queue(self) -> queue.Queue[Any]:
        return self.queue

    def make_event(self) -> Any:
        return self.ctx.Event()

    def handle(self, q: Any) -> SocketHandle:
        return SocketHandle(str(self.listener.address), self.authkey)

    def join_queue(self, q: Any, cancelled: Callable[[], bool]) -> bool:
        with self.queue.all_tasks_done:
            while self.queue.unfinished_tasks:
                if cancelled():
                    return False
                self.queue.all_tasks_done.wait(POLL_S)
        return True

    def discard(self, q: Any) -> None:
        pass

    def close(self) -> None:
        self.closing.set()
        # accept() does not wake when the socket closes under it: connect once to end it.
        with contextlib.suppress(OSError, EOFError):
            Client(str(self.listener.address), authkey=self.authkey).close()
        self.threads[0].join(2.0)
        self.listener.close()
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.close()
        for thread in self.threads:
            thread.join(2.0)

    def helper_pid(self) -> int | None:
        return None


class ThreadServedBackend:
    name = "threads"
    label = "queue.Queue (served by threads)"
    short_label = "threads"
    supports = frozenset({Need.JOIN, Need.STOP_EVENT, Need.GET_TIMEOUT})
    launch = Launch.PROCESSES

    def open(self, ctx: BaseContext, run_dir: str) -> _Session:
        return _Session(ctx, run_dir)
