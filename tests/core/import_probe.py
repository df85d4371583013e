"""A worker loop that writes down the modules its worker process has imported, then runs
the docs' STOP recipe (core.strategies.sentinel_per_worker).

It imports nothing of the lab itself but that loop, so a worker running it
imports what a built-in strategy's worker does, and nothing a test module would add.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from core.loops import sentinel_per_worker

MODULES_OUT_ENV = "QUEUESCOPE_TEST_WORKER_MODULES"


def modules_then_stop_recipe(q: Any, process: Callable[[Any], None], opts: Any) -> None:
    with open(f"{os.environ[MODULES_OUT_ENV]}.{os.getpid()}", "w") as out:
        out.write("\n".join(sorted(sys.modules)))
    sentinel_per_worker(q, process, opts)
