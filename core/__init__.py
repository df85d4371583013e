"""QueueScope core: runs worker-loop termination strategies in real processes.

Pure standard library. Never import Qt here (directly or through a
dependency): spawned workers import this package and must start fast.
The public names are imported on first use (PEP 562), so a worker that
imports core.worker does not pay for the engine, the strategies and the
diagnosis.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Not typing's own: main.py imports core.interrupts before its Ctrl-C handler
# is set, and importing typing would add ~10 ms to that window.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from core.control import RunControl
    from core.engine import run
    from core.errors import ParamError, RunInProgress
    from core.params import RunParams
    from core.result import ItemRecords, Progress, RunResult, TimelineEvent, WorkerSummary
    from core.strategies import STRATEGIES, Strategy, get_strategy
    from core.validation import validate

_WHERE = {
    "RunControl": "core.control",
    "RunInProgress": "core.errors",
    "run": "core.engine",
    "ParamError": "core.errors",
    "RunParams": "core.params",
    "validate": "core.validation",
    "ItemRecords": "core.result",
    "Progress": "core.result",
    "RunResult": "core.result",
    "TimelineEvent": "core.result",
    "WorkerSummary": "core.result",
    "STRATEGIES": "core.strategies",
    "Strategy": "core.strategies",
    "get_strategy": "core.strategies",
}

__all__ = [
    "STRATEGIES",
    "ItemRecords",
    "ParamError",
    "Progress",
    "RunControl",
    "RunInProgress",
    "RunParams",
    "RunResult",
    "Strategy",
    "TimelineEvent",
    "WorkerSummary",
    "__version__",
    "get_strategy",
    "run",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
