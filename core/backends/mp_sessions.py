"""A run's multiprocessing queues (core.backends.mp_queues): made, handed to workers, closed.

A worker attaches to its queue through Inherited, so it imports this module:
the Manager's machinery loads only where a Manager is started.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from typing import Any

from core import cpython, journal, lifeline

_MANAGER_STOP_S = 0.5


@dataclass(frozen=True)
class Inherited:
    """A multiprocessing queue travels to a worker as itself.

    As a Process argument it is inherited; pickled into a Pool task, an mp
    queue refuses (a Manager proxy connects back to its server).
    """

    queue: Any

    def attach(self) -> Any:
        return self.queue


class MpSession:
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


class JoinableSession(MpSession):
    def join_queue(self, queue: Any, cancelled: Callable[[], bool]) -> bool:
        return cpython.join_joinable(queue, cancelled)


class ManagerSession(MpSession):
    def __init__(self, ctx: BaseContext, run_dir: str) -> None:
        from multiprocessing.managers import SyncManager  # a run on mp queues needs none

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
