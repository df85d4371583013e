"""What a strategy's main-process steps may ask of the run that calls them.

A queue strategy's finish(host) runs once the producer put its items; a
pool strategy's pool_driver(host) drives a Pool or executor instead of a
queue. These Protocols say what host offers, so core.strategies can name
it without importing the engine (every spawned worker imports strategies).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext


class FinishHost(Protocol):
    """The producer, as a queue strategy's finish step sees it."""

    @property
    def workers(self) -> int: ...

    def put(self, obj: Any) -> None:
        """Put obj on the run's queue (counted as a put)."""

    def join_queue(self) -> bool:
        """Wait for every task_done(); False if the run is shutting down first."""

    def wait_until_empty(self) -> bool:
        """Wait until the queue looks empty; False if the run is shutting down first."""

    def set_stop(self) -> None:
        """Tell the workers to stop: set the strategy's own stop event."""

    def cancelled(self) -> bool:
        """True once the run is shutting down: the step should give up."""

    @property
    def ctx(self) -> BaseContext:
        """How the run starts processes (a loop file's finish runs in one of its own)."""


class PoolHost(Protocol):
    """The producer, as a pool strategy's driver sees it."""

    @property
    def workers(self) -> int: ...

    @property
    def ctx(self) -> BaseContext: ...

    @property
    def initializer(self) -> Callable[..., None]: ...

    @property
    def initargs(self) -> tuple[Any, ...]: ...

    @property
    def items(self) -> Iterator[int]:
        """The items to map, at the requested rate; exhausting it ends production."""

    @property
    def chunksize(self) -> int: ...

    @property
    def chunks(self) -> Iterator[list[int]]:
        """items in lists of chunksize, as Pool builds them from (items, chunksize)."""

    def attach(self, pool_object: Any) -> None:
        """Hand the run the Pool or executor, so the reaper can stop it."""

    def cancelled(self) -> bool:
        """True once the run is shutting down: the driver should stop mapping."""
