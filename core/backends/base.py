"""What a queue backend is: the protocols, the needs it can supply, how workers start.

See core.backends for the registry. A backend makes the queue (and the stop
event) of one run and says how its queue reaches a worker process: a
picklable QueueHandle that the worker attaches to. Multiprocessing's queues
travel as themselves; a networked queue would travel as an address.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from multiprocessing.context import BaseContext
from typing import Any, Protocol


class Need(enum.Enum):
    """What a strategy needs from the queue backend it runs on."""

    JOIN = "join"  # task_done() and join()
    STOP_EVENT = "stop event"  # an Event workers can poll
    GET_TIMEOUT = "get timeout"  # get(timeout=...) raises queue.Empty in time
    INHERITED_QUEUE = "inherited queue"  # a queue that reaches processes only by inheritance
    REQUEUE = "requeue"  # join() moves a vanished worker's items back to the queue


class Launch(enum.Enum):
    """How a run's workers start."""

    PROCESSES = "processes"  # one multiprocessing.Process per worker, the queue as an argument
    POOL_TASKS = "pool tasks"  # Pool(workers).apply_async(loop, (q,)): the post's setup
    POOL_DRIVER = "pool driver"  # no queue of the user's own: a pool is the strategy


class QueueHandle(Protocol):
    """How a worker process reaches the run's queue; pickled to the worker."""

    def attach(self) -> Any:
        """In the worker: the queue object its loop uses."""
        ...


class BackendSession(Protocol):
    """One run's use of a backend: its queue, its event and what backs them."""

    def make_queue(self) -> Any: ...

    def make_event(self) -> Any:
        """An Event that is passed to every worker (LoopOptions.stop)."""
        ...

    def handle(self, queue: Any) -> QueueHandle: ...

    def join_queue(self, queue: Any, cancelled: Callable[[], bool]) -> bool:
        """Wait until every item got task_done(); False if cancelled first."""
        ...

    def discard(self, queue: Any) -> None:
        """Release the queue without waiting to flush what is left in it."""
        ...

    def close(self) -> None:
        """Stop whatever backs the queues (a server process, a connection)."""
        ...

    def helper_pid(self) -> int | None:
        """A process the backend started for the run (a Manager), if any."""
        ...


class QueueBackend(Protocol):
    """A kind of queue the lab can run a strategy's loop on."""

    @property
    def name(self) -> str:
        """Its id: --queue NAME, spec files, saved settings."""
        ...

    @property
    def label(self) -> str:
        """How a person writes it in Python (shown as code)."""
        ...

    @property
    def short_label(self) -> str:
        """A marked short name for tables and charts (core.text.translatable)."""
        ...

    @property
    def supports(self) -> frozenset[Need]: ...

    @property
    def launch(self) -> Launch:
        """How its workers start unless the strategy says otherwise."""
        ...

    def open(self, ctx: BaseContext, run_dir: str) -> BackendSession: ...
