"""QueueScope core: runs worker-loop termination strategies in real processes.

Pure standard library. Never import Qt here (directly or through a
dependency): spawned workers import this package and must start fast.
"""

__version__ = "0.1.0"

from core.engine import RunInProgress, run
from core.params import ParamError, RunParams, validate
from core.result import ItemRecords, Progress, RunResult, TimelineEvent, WorkerSummary
from core.strategies import STRATEGIES, Strategy, get_strategy

__all__ = [
    "STRATEGIES",
    "ItemRecords",
    "ParamError",
    "Progress",
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
