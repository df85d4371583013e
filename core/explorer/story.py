"""An exploration in words: what the search covered, why the found schedule fails, the real run.

The command line prints these sentences and the window renders them in its
language. The diagnosis is built from a failing run's steps and its end
state, never per strategy: who saw what last before a blocked get(), who
took the last item meanwhile, who left its loop on an empty answer, and
which items were lost, duplicated or crashed on.
"""

from __future__ import annotations

from core.explorer.confirm import Confirmation
from core.explorer.model import EMPTY_RESULT, ModelRun, Space
from core.explorer.search import Search
from core.schedule import Step, op_text, participant
from core.text import Ids, Sentence, counted, translatable

NONE_FOUND_ALL = translatable(
    "core", "no failing schedule among {schedules} (all of them, for {workers}, {items})"
)
NONE_FOUND_CYCLIC = translatable(
    "core",
    "no failing schedule: every one of {states} reachable states explored, in {runs} model runs "
    "(the loops poll, so their schedules have no end; for {workers}, {items})",
)
NONE_FOUND_BOUNDED = translatable(
    "core",
    "no failing schedule among {schedules} (all of them with at most {bound} preemptions, "
    "for {workers}, {items})",
)
NONE_FOUND_CUT = translatable(
    "core", "no failing schedule among the first {schedules} (the search stopped at {limit})"
)
NONE_FOUND_RANDOM = translatable(
    "core", "no failing schedule among {schedules} random ones (PCT depth {depth}, seed {seed})"
)
CANCELLED = translatable(
    "core", "cancelled after {schedules} ({states} states): no failing schedule so far"
)
FOUND = translatable("core", "found: {outcomes} after {schedules} ({states} states, {elapsed} s)")
LOST_IDS = translatable("core", "lost items: {ids}")
AGREED = translatable("core", "confirmed on real processes: the real run agreed")
DISAGREED = translatable(
    "core",
    "NOT confirmed: the real run ended with {outcomes}, lost {lost} (a bug of the model)",
)
DISAGREED_AT = translatable(
    "core", "NOT confirmed: the real run left the schedule at {where} (a bug of the model)"
)
_COUNTS = {
    "schedules": (
        translatable("core", "{count} schedule"),
        translatable("core", "{count} schedules"),
    ),
    "workers": (translatable("core", "{count} worker"), translatable("core", "{count} workers")),
    "items": (translatable("core", "{count} item"), translatable("core", "{count} items")),
}

SAW = translatable("core", "{who} saw {operation} → {result}")
TOOK_LAST_ITEM = translatable("core", "{who} took the last item ({what})")
TOOK_LAST_ONE = translatable("core", "{who} took the last one in the queue ({what})")
BLOCKED_FOREVER = translatable("core", "{who} blocked in {operation} forever")
LEFT_ON_EMPTY = translatable("core", "{who} saw {operation} → {result} and left its loop")
NEVER_PROCESSED = translatable("core", "{ids} never processed")
PROCESSED_TWICE = translatable("core", "{ids} processed more than once")
CRASHED = translatable("core", "{who} crashed")
# What an observation answered when the queue was (or looked) empty.
_EMPTY_ANSWERS = (EMPTY_RESULT, "True", "0")


def count_of(count: int, what: str) -> Sentence:
    """ "3 schedules", "1 worker": what is schedules, workers or items."""
    return Sentence.of(counted(count, *_COUNTS[what]), count=count)


def none_found(search: Search, space: Space, preemptions: int | None, seed: int) -> Sentence:
    """The answer of a search that found no failing schedule: how much it covered."""
    schedules = count_of(search.schedules, "schedules")
    if search.cancelled:
        return Sentence.of(CANCELLED, schedules=schedules, states=search.states)
    workers = count_of(space.workers, "workers")
    items = count_of(space.items, "items")
    if search.mode == "random":
        depth = search.depth or 0
        return Sentence.of(NONE_FOUND_RANDOM, schedules=schedules, depth=depth, seed=seed)
    if not search.exhaustive:
        return Sentence.of(NONE_FOUND_CUT, schedules=schedules, limit="--max-schedules")
    if search.cyclic:
        return Sentence.of(
            NONE_FOUND_CYCLIC, states=search.states, runs=search.runs, workers=workers, items=items
        )
    if preemptions is None:
        return Sentence.of(NONE_FOUND_ALL, schedules=schedules, workers=workers, items=items)
    return Sentence.of(
        NONE_FOUND_BOUNDED, schedules=schedules, bound=preemptions, workers=workers, items=items
    )


def found(search: Search) -> tuple[Sentence, ...]:
    """What a search that found a failing schedule says first: outcomes, cost, lost ids."""
    assert search.verdict is not None
    lines = [
        Sentence.of(
            FOUND,
            outcomes=tuple(Sentence(outcome) for outcome in search.verdict.outcomes),
            schedules=count_of(search.schedules, "schedules"),
            states=search.states,
            elapsed=f"{search.elapsed_s:.3f}",
        )
    ]
    if search.verdict.lost:
        lines.append(Sentence.of(LOST_IDS, ids=Ids.of(search.verdict.lost)))
    return tuple(lines)


def confirmation(real: Confirmation) -> Sentence:
    """Whether the real-process replay agreed with the model, and if not how it differed."""
    if real.agreed:
        return Sentence.of(AGREED)
    if real.divergence:
        return Sentence.of(DISAGREED_AT, where=real.divergence)
    outcomes = tuple(Sentence(outcome) for outcome in real.outcomes)  # translated where shown
    return Sentence.of(DISAGREED, outcomes=outcomes, lost=Ids.of(real.lost))


def diagnosis(run: ModelRun) -> tuple[Sentence, ...]:
    """Why a finished model run failed, from its steps and its end state, in a few clauses."""
    steps = run.steps
    clauses: list[Sentence] = []
    blocked = run.blocked()
    for worker in blocked:
        clauses += _why_blocked(steps, worker)
    verdict = run.verdict()
    if verdict.lost:
        left = [
            step
            for index, step in enumerate(steps)
            if step.result in _EMPTY_ANSWERS
            and step.who != "P"
            and participant(step.who) not in blocked
            and _last_of(steps, step.who) == index
        ]
        clauses += [_saw(LEFT_ON_EMPTY, step) for step in left]
        clauses.append(Sentence.of(NEVER_PROCESSED, ids=_items(verdict.lost)))
    twice = [item for item, count in enumerate(run.processed) if count > 1]
    if twice:
        clauses.append(Sentence.of(PROCESSED_TWICE, ids=_items(twice)))
    clauses += [Sentence.of(CRASHED, who=f"W{worker + 1}") for worker in run.crashed()]
    return tuple(clauses)


def _why_blocked(steps: list[Step], worker: int) -> list[Sentence]:
    """W1 saw q.empty() → False, W2 took the last item (item 1), W1 blocked in q.get() forever."""
    who = f"W{worker + 1}"
    clauses = []
    seen = _last_of(steps, who)
    if seen is not None and steps[seen].op in ("empty", "qsize"):
        clauses.append(_saw(SAW, steps[seen]))
    takes = [
        step
        for step in steps[(seen or -1) + 1 :]
        if step.who != who and step.op.startswith("get") and step.result != EMPTY_RESULT
    ]
    if takes:
        what = takes[-1].result
        template = TOOK_LAST_ITEM if what.startswith("item") else TOOK_LAST_ONE
        clauses.append(Sentence.of(template, who=takes[-1].who, what=what))
    clauses.append(Sentence.of(BLOCKED_FOREVER, who=who, operation=op_text("get")))
    return clauses


def _saw(template: str, step: Step) -> Sentence:
    return Sentence.of(template, who=step.who, operation=op_text(step.op), result=step.result)


def _last_of(steps: list[Step], who: str) -> int | None:
    for index in range(len(steps) - 1, -1, -1):
        if steps[index].who == who:
            return index
    return None


def _items(ids: tuple[int, ...] | list[int]) -> Sentence:
    return Sentence.of(
        counted(len(ids), translatable("core", "item {ids}"), translatable("core", "items {ids}")),
        ids=Ids.of(list(ids)),
    )
