"""The explorer on a user's loop file: the model runs the loop in threads, so not here.

A loop file's code runs only in worker processes (and in children made for
it), never in the CLI's or the window's own process. shrunk_in_child runs
the search and the shrink in a spawned child (core.user_code.run_isolated)
and reads its answer back as JSON: nothing is unpickled.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from core.control import RunControl
from core.errors import ParamError
from core.explorer.model import Verdict
from core.explorer.search import Search
from core.explorer.session import Exploration, ExploreRequest, confirmed, search, shrunk
from core.schedule import dumps, loads
from core.text import Sentence, translatable
from core.user_code import ChildCancelled, UserCodeError, run_isolated
from core.user_loops import ensure_registered

CHILD_FAILED = translatable("core", "exploring the loop file failed: {error}")


def explore_in_child(request: ExploreRequest, control: RunControl) -> Exploration:
    """session.explore() for a loop file: the search in a child, a find confirmed here.

    A cancel stops the child (the answer is a cancelled search) or skips the
    confirmation. A failure in the child is a ParamError of one line (its last).
    """
    try:
        exploration = shrunk_in_child(request, lambda: control.cancelled)
    except ChildCancelled:
        return Exploration(request, Search(mode=request.mode, cancelled=True).end())
    except UserCodeError as error:
        lines = str(error).strip().splitlines() or [type(error).__name__]
        raise ParamError(Sentence.of(CHILD_FAILED, error=lines[-1])) from None
    return confirmed(exploration, control)


def shrunk_in_child(
    request: ExploreRequest, cancelled: Callable[[], bool] | None = None
) -> Exploration:
    """search() and, for a find, shrunk(), run in a child; UserCodeError if it failed,
    ChildCancelled (the child stopped) once cancelled() says so."""
    data = json.loads(run_isolated(_answer_as_json, request, cancelled=cancelled))
    verdict = data["verdict"]
    found = Search(
        mode=data["mode"],
        failing=data["failing"],
        verdict=None if verdict is None else Verdict(tuple(verdict[0]), tuple(verdict[1])),
        exhaustive=data["exhaustive"],
        schedules=data["schedules"],
        runs=data["runs"],
        states=data["states"],
        depth=data["depth"],
        elapsed_s=data["elapsed_s"],
    )
    schedule = None if data["schedule"] is None else loads(data["schedule"])
    return Exploration(request, found, schedule, tuple(data["blocked"]))


def _answer_as_json(request: ExploreRequest) -> str:
    """In the child: the search and its shrunk schedule as JSON text."""
    ensure_registered(request.strategy)
    answer = search(request)
    exploration = shrunk(request, answer) if answer.found else Exploration(request, answer)
    verdict = answer.verdict
    schedule = exploration.schedule
    return json.dumps(
        {
            "mode": answer.mode,
            "failing": answer.failing,
            "verdict": None if verdict is None else [list(verdict.outcomes), list(verdict.lost)],
            "exhaustive": answer.exhaustive,
            "schedules": answer.schedules,
            "runs": answer.runs,
            "states": answer.states,
            "depth": answer.depth,
            "elapsed_s": answer.elapsed_s,
            "schedule": None if schedule is None else dumps(schedule),
            "blocked": list(exploration.blocked),
        }
    )
