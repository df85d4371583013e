"""The schedules the lab ships (resources/schedules/*.json), and their steps told in words.

Every readable file in the folder counts, so a schedule added there shows up
in Help → Force the race and beside its strategy's text with no code change.
A step is told with a short why, worked out from the schedule alone: how
many things the queue holds after each step (prefill puts every item, then
the strategy's sentinels, in first; every put adds one, every get() that
got something takes one), and
for a get() shown blocked, which take emptied the queue after that worker's
own check saw items (the race).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication

import resources
from core.schedule import Schedule, ScheduleError, Step, load, op_text
from core.stepper import BLOCKED
from core.strategies import STRATEGIES
from gui.about import POST_LOOPS
from gui.step_lanes import shown_blocked

# The post's loop 2: the race Help → Force the race shows first.
FEATURED_STRATEGY = "seed-while-not-empty"
# What a get() got when it took nothing out of the queue.
_NOTHING_TAKEN = (BLOCKED, "Empty", "error", "other")


@dataclass(frozen=True)
class ShippedSchedule:
    path: Path
    schedule: Schedule

    @property
    def strategy(self) -> str:
        return self.schedule.strategy


def shipped_schedules(folder: Path | None = None) -> list[ShippedSchedule]:
    """The shipped schedules: loop 2's first, then the post's loops in order, then by file name.

    A file that cannot be read as a schedule is left out (the core's tests
    replay every shipped file, so one never goes unnoticed).
    """
    found = []
    for path in sorted((folder or resources.path("schedules")).glob("*.json")):
        try:
            found.append(ShippedSchedule(path, load(path)))
        except ScheduleError:
            continue
    return sorted(found, key=_shown_order)


def schedules_by_strategy(
    shipped: Sequence[ShippedSchedule] | None = None,
) -> dict[str, list[ShippedSchedule]]:
    """Strategy id → its shipped schedules, from each file's "strategy" field."""
    by_strategy: dict[str, list[ShippedSchedule]] = {}
    for entry in shipped_schedules() if shipped is None else shipped:
        by_strategy.setdefault(entry.strategy, []).append(entry)
    return by_strategy


def _shown_order(entry: ShippedSchedule) -> tuple[bool, int, str]:
    post = POST_LOOPS.index(entry.strategy) if entry.strategy in POST_LOOPS else len(POST_LOOPS)
    return entry.strategy != FEATURED_STRATEGY, post, entry.path.name


def step_line(step: Step) -> str:
    """W1 q.empty() → False."""
    return f"{step.who} {op_text(step.op, step.arg)} \u2192 {step.result}"


def step_whys(schedule: Schedule) -> list[str]:
    """For each step, why it got what it got (an empty string where there is nothing to add)."""
    in_queue = _prefilled(schedule)
    checked: dict[str, int] = {}  # who → the step at which its check last saw items
    takes: list[tuple[int, Step]] = []
    whys = []
    for number, step in enumerate(schedule.steps, 1):
        why = ""
        if step.op == "put":
            in_queue += 1
            why = QCoreApplication.translate(
                "ForceRaceDialog", "{who} puts {what}; %n in the queue", None, in_queue
            ).format(who=step.who, what=step.arg or "")
        elif step.op in ("empty", "qsize"):
            sees_items = step.result == "False" if step.op == "empty" else step.result != "0"
            if sees_items:
                checked[step.who] = number
            why = _holds(in_queue)
        elif step.op.startswith("get") and step.result == BLOCKED:
            why = _blocked_why(step.who, checked.get(step.who), takes)
        elif step.op.startswith("get") and step.result == "Empty":
            why = QCoreApplication.translate(
                "ForceRaceDialog", "the queue is empty: {operation} raises Empty"
            ).format(operation=op_text(step.op))
        elif step.op.startswith("get") and step.result not in _NOTHING_TAKEN:
            in_queue = max(in_queue - 1, 0)
            takes.append((number, step))
            why = QCoreApplication.translate(
                "ForceRaceDialog", "{who} takes {what}; %n left in the queue", None, in_queue
            ).format(who=step.who, what=step.result)
        whys.append(why)
    return whys


def left_blocked(schedule: Schedule) -> list[str]:
    """The workers whose get() is shown blocked after the last step (no put came after it)."""
    steps = schedule.steps
    workers = [f"W{number}" for number in range(1, schedule.workers + 1)]
    return [who for who in workers if shown_blocked(who, steps)]


def _blocked_why(who: str, checked: int | None, takes: list[tuple[int, Step]]) -> str:
    """A blocked get(): which other worker's take emptied the queue (after who's own check)."""
    others = [
        (number, step)
        for number, step in takes
        if step.who != who and (checked is None or number > checked)
    ]
    if not others:
        return QCoreApplication.translate(
            "ForceRaceDialog", "the queue is empty, so {who} waits in get()"
        ).format(who=who)
    taken_at, take = others[-1]
    if checked is None:
        return QCoreApplication.translate(
            "ForceRaceDialog",
            "{other} took {what} at step {taken}: the queue is empty, so {who} waits in get()",
        ).format(who=who, other=take.who, what=take.result, taken=taken_at)
    return QCoreApplication.translate(
        "ForceRaceDialog",
        "{who}'s check at step {checked} found the queue not empty, but {other} took {what} "
        "at step {taken}: {who} waits in get() on an empty queue",
    ).format(who=who, checked=checked, other=take.who, what=take.result, taken=taken_at)


def _holds(in_queue: int) -> str:
    if in_queue == 0:
        return QCoreApplication.translate("ForceRaceDialog", "the queue is empty")
    return QCoreApplication.translate("ForceRaceDialog", "%n in the queue", None, in_queue)


def _prefilled(schedule: Schedule) -> int:
    """What a prefill puts before the first step: the items, then the strategy's sentinels."""
    if schedule.producer != "prefill":
        return 0
    strategy = STRATEGIES.get(schedule.strategy)
    sentinels = strategy.sentinels if strategy is not None else "none"
    return schedule.items + {"one": 1, "per-worker": schedule.workers}.get(sentinels, 0)
