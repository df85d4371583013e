"""The redis backend as the registry lists it: light to import.

Every command and every spawned worker imports the backend registry, most
never run on Redis: the session, its server and its remote workers
(core.backends.redis_queue, redis_server, redis_remote) load when a run
opens a session.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from core.backends.base import Launch, Need
from core.text import translatable

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from core.backends.redis_queue import RedisSession, RemotePlan
    from core.backends.redis_server import ServerAddress


class RedisBackend:
    """Redis lists: the lab's own redis-server per run, or a shared one (use_server())."""

    name = "redis"
    label = "redis.Redis().blmove()"
    short_label = translatable("core", "redis")
    supports = frozenset({Need.JOIN, Need.STOP_EVENT, Need.GET_TIMEOUT, Need.REQUEUE})
    launch = Launch.PROCESSES
    # Items that are not plain values cannot travel as JSON.
    refused_faults = frozenset({"unpicklable", "big-payload"})

    def __init__(self) -> None:
        self.shared: ServerAddress | None = None
        self.remote: RemotePlan | None = None

    def use_server(self, address: ServerAddress | None, remote: RemotePlan | None = None) -> None:
        """Run on this server from now on (None: the lab's own, per run), with remote workers."""
        self.shared = address
        self.remote = remote if address is not None else None

    def open(self, ctx: BaseContext, run_dir: str) -> RedisSession:
        from core.backends.redis_queue import RedisSession

        return RedisSession(ctx, run_dir, self.shared, self.remote)


@contextlib.contextmanager
def serving(address: ServerAddress | None, remote: RemotePlan | None = None) -> Iterator[None]:
    """The redis backend runs on address (None: the lab's own) inside, on its own after."""
    from core.backends import get_backend  # the registry imports this module

    backend = get_backend(RedisBackend.name)
    assert isinstance(backend, RedisBackend)
    backend.use_server(address, remote)
    try:
        yield
    finally:
        backend.use_server(None)
