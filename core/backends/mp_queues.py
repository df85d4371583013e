"""multiprocessing's own queues as backends: Manager().Queue(), Queue, JoinableQueue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from multiprocessing.managers import SyncManager
from typing import Any

from core import cpython, journal, lifeline
from core.backends.base import Launch, Need
from core.text import translatable

_MANAGER_STOP_S = 0.5
_MP_NEEDS = frozenset({Need.STOP_EVENT, Need.GET_TIMEOUT, Need.INHERITED_QUEUE})


@dataclass(frozen=True)
class Inherited:
    """A multiprocessing queue travels to a worker as itself.

    As a Process argument it is inherited; pickled into a Pool task, an mp
    queue refuses (a Manager proxy connects back to its server).
    """

    queue: Any

    def attach(self) -> Any:
        return self.queue


class _Session:
    """One run's multiprocessing queues; nothing to close unless a Manager backs them."""

    def __init__(self, ctx: BaseContext, make_queue: Callable[[], Any]) -> None:
        self.ctx = ctx
        self._make_queue = make_queue

    def make_queue(self) -> Any:
        return self._make_queue()

    def make_event(self) -> Any:
        return self.ctx.Event()

    def handle(self, queue: Any) -> Inherited:
        return Inherited(queue)

    def join_queue(self, queue: Any, cancelled: Callable[[], bool]) -> bool:
        raise NotImplementedError("this queue has no join()")

    def discard(self, queue: Any) -> None:
        cpython.discard_mp_queue(queue)

    def close(self) -> None:
        pass

    def helper_pid(self) -> int | None:
        return None


class _JoinableSession(_Session):
    def join_queue(self, queue: Any, cancelled: Callable[[], bool]) -> bool:
        return cpython.join_joinable(queue, cancelled)


class _ManagerSession(_Session):
    def __init__(self, ctx: BaseContext, run_dir: str) -> None:
        # ctx.Manager(), with an initializer: the server ends with the main process.
        self._manager = SyncManager(ctx=ctx)
        self._manager.start(lifeline.init_manager_server, (lifeline.ProcessId.current(), run_dir))
        journal.record_directory(run_dir, cpython.manager_temp_dir(self._manager))
        super().__init__(ctx, self._manager.Queue)

    def make_event(self) -> Any:
        return self._manager.Event()

    def join_queue(self, queue: Any, cancelled: Callable[[], bool]) -> bool:
        # A proxy's join() is one blocking call; shutting the manager down ends it.
        try:
            queue.join()
        except (EOFError, OSError, ConnectionError):
            return False
        return not cancelled()

    def discard(self, queue: Any) -> None:
        pass  # the manager's shutdown takes the queue with it

    def close(self) -> None:
        cpython.stop_manager(self._manager, timeout=_MANAGER_STOP_S)

    def helper_pid(self) -> int | None:
        return cpython.manager_pid(self._manager)


class ManagerBackend:
    """The post's queue: a queue.Queue in a manager process, reached through proxies."""

    name = "manager"
    label = "Manager().Queue()"
    short_label = translatable("core", "manager")
    supports = frozenset({Need.JOIN, Need.STOP_EVENT, Need.GET_TIMEOUT})
    launch = Launch.POOL_TASKS  # the post's Pool(3).apply_async(read, (q,))

    def open(self, ctx: BaseContext, run_dir: str) -> _ManagerSession:
        return _ManagerSession(ctx, run_dir)


class MpBackend:
    name = "mp"
    label = "multiprocessing.Queue"
    short_label = translatable("core", "mp")
    supports = _MP_NEEDS
    launch = Launch.PROCESSES

    def open(self, ctx: BaseContext, run_dir: str) -> _Session:
        return _Session(ctx, ctx.Queue)


class JoinableBackend:
    name = "joinable"
    label = "multiprocessing.JoinableQueue"
    short_label = translatable("core", "joinable")
    supports = _MP_NEEDS | {Need.JOIN}
    launch = Launch.PROCESSES

    def open(self, ctx: BaseContext, run_dir: str) -> _JoinableSession:
        return _JoinableSession(ctx, ctx.JoinableQueue)
