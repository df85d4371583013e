"""multiprocessing's own queues as backends: Manager().Queue(), Queue, JoinableQueue.

What a backend is (its name, needs, launch) stays light: listing strategies
and building the command line import it. A run's session (core.backends.mp_sessions)
loads when a queue is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.backends.base import Launch, Need
from core.text import translatable

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from core.backends.mp_sessions import JoinableSession, ManagerSession, MpSession

_MP_NEEDS = frozenset({Need.STOP_EVENT, Need.GET_TIMEOUT, Need.INHERITED_QUEUE})


class ManagerBackend:
    """The post's queue: a queue.Queue in a manager process, reached through proxies."""

    name = "manager"
    label = "Manager().Queue()"
    short_label = translatable("core", "manager")
    supports = frozenset({Need.JOIN, Need.STOP_EVENT, Need.GET_TIMEOUT})
    launch = Launch.POOL_TASKS  # the post's Pool(3).apply_async(read, (q,))

    def open(self, ctx: BaseContext, run_dir: str) -> ManagerSession:
        from core.backends.mp_sessions import ManagerSession

        return ManagerSession(ctx, run_dir)


class MpBackend:
    name = "mp"
    label = "multiprocessing.Queue"
    short_label = translatable("core", "mp")
    supports = _MP_NEEDS
    launch = Launch.PROCESSES

    def open(self, ctx: BaseContext, run_dir: str) -> MpSession:
        from core.backends.mp_sessions import MpSession

        return MpSession(ctx, ctx.Queue)


class JoinableBackend:
    name = "joinable"
    label = "multiprocessing.JoinableQueue"
    short_label = translatable("core", "joinable")
    supports = _MP_NEEDS | {Need.JOIN}
    launch = Launch.PROCESSES

    def open(self, ctx: BaseContext, run_dir: str) -> JoinableSession:
        from core.backends.mp_sessions import JoinableSession

        return JoinableSession(ctx, ctx.JoinableQueue)
