"""Queue backends: one registry that the CLI, validation, specs and the window read.

Adding a backend is one module with a QueueBackend (see core.backends.base)
and one register_backend() call: the built-ins are registered at the bottom
of this module, a test or plug-in calls it from its own module.
"""

from __future__ import annotations

from core.backends.base import (
    BackendSession,
    Launch,
    Need,
    QueueBackend,
    QueueHandle,
)
from core.backends.mp_queues import JoinableBackend, ManagerBackend, MpBackend
from core.backends.redis_backend import RedisBackend

__all__ = [
    "BackendSession",
    "Launch",
    "Need",
    "QueueBackend",
    "QueueHandle",
    "backend_names",
    "backends",
    "get_backend",
    "register_backend",
    "unregister_backend",
]

_REGISTRY: dict[str, QueueBackend] = {}


def register_backend(backend: QueueBackend) -> None:
    """Make a backend available everywhere (CLI, specs, window); its name must be new."""
    if backend.name in _REGISTRY and _REGISTRY[backend.name] is not backend:
        raise ValueError(f"a queue backend named {backend.name!r} is registered already")
    _REGISTRY[backend.name] = backend


def unregister_backend(name: str) -> None:
    """Take a registered backend away again (tests that add one)."""
    _REGISTRY.pop(name, None)


def backend_names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def get_backend(name: str) -> QueueBackend:
    return _REGISTRY[name]


def backends() -> tuple[QueueBackend, ...]:
    return tuple(_REGISTRY.values())


for _built_in in (ManagerBackend(), MpBackend(), JoinableBackend(), RedisBackend()):
    register_backend(_built_in)
