"""Deliberately broken worker loops, importable by spawned workers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.worker import LoopOptions


def raises_on_item_5(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    for data in iter(q.get, "STOP"):
        if data == 5:
            raise ValueError("cannot handle item 5")
        process(data)


def processes_item_0_twice(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    for data in iter(q.get, "STOP"):
        process(data)
        if data == 0:
            process(data)  # a retry that forgot the first attempt succeeded
