"""The queue operations a step can be, by name: plain data for the worker side.

A spawned worker's gate needs these names and nothing else of core.schedule
(which loads json and pathlib for schedule files).
"""

from __future__ import annotations

OPS = (
    "empty",
    "qsize",
    "get",
    "get_timeout",
    "get_nowait",
    "put",
    "task_done",
    "is_set",
    "join",
    "set",
    "flush",
)
