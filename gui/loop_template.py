"""New loop: a built-in strategy written out as a loop file (core.user_loops), to edit.

The copy is the built-in's loop as def loop(q, process, opts), its finish as
def finish(run) when it has one, and the descriptors that make it run the
same way: its backends (its default first), sentinel and needs. A copy of
the post's loop 2 gets loop 2's verdicts.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from core.strategies import STRATEGIES, Strategy
from core.user_loops import DEFAULT_FUNCTION, FINISH_FUNCTION, is_loop_id

# The def line of a built-in, type annotations and all (possibly over several lines).
_DEF = re.compile(r"def \w+\((?P<names>.*?)\)\s*(?:->\s*[^:]+)?:", re.DOTALL)


def copyable() -> list[Strategy]:
    """The strategies a loop file can copy: a worker loop of their own, no pool around it."""
    return [
        s
        for s in STRATEGIES.values()
        if s.loop is not None and s.launch is None and not is_loop_id(s.id)
    ]


def loop_file_text(strategy: Strategy, title: str, description: str) -> str:
    """The loop file of a copy of strategy; title and description as the lab shows them."""
    assert strategy.loop is not None
    functions = [_renamed(strategy.loop, DEFAULT_FUNCTION)]
    if strategy.finish is not None:
        functions.append(_renamed(strategy.finish, FINISH_FUNCTION))
    code = "\n\n".join(functions)
    lines = [f'"""A copy of {strategy.id}, to edit."""', ""]
    if re.search(r"\bqueue\.", code):
        lines += ["import queue", ""]
    lines.append(f"TITLE = {title!r}")
    if description:
        lines.append(f"DESCRIPTION = {description!r}")
    lines.append(f"BACKENDS = {strategy.queue_kinds!r}")
    if strategy.sentinels != "none":
        lines.append(f"SENTINEL = {strategy.sentinel!r}")
        lines.append(f"SENTINELS = {strategy.sentinels!r}")
    if strategy.needs:
        needs = tuple(sorted(need.value for need in strategy.needs))
        lines.append(f"NEEDS = {needs!r}")
    return "\n".join(lines) + "\n\n\n" + code


def _renamed(function: Callable[..., Any], name: str) -> str:
    """function's source as def name(parameters):, without annotations."""
    names = ", ".join(inspect.signature(function).parameters)
    source = inspect.getsource(function)
    return _DEF.sub(f"def {name}({names}):", source, count=1)
