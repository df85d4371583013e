"""`main.py explore`: search a strategy's schedules, shrink a failure, confirm it on real processes.

Exit 0 for an answer (a failing schedule, or none within the bound), 2 for
bad input. core.cli adds the parser (add_parser) and calls explore().
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from core.cli_loops import add_loop_option, chosen_strategy
from core.errors import ParamError
from core.explorer.confirm import Confirmation, confirm
from core.explorer.model import Space, Verdict, check_explorable
from core.explorer.search import (
    DEFAULT_DEPTH,
    DEFAULT_MAX_SCHEDULES,
    DEFAULT_RANDOM_SCHEDULES,
    Search,
    exhaustive,
    pct,
)
from core.explorer.shrink import shortest
from core.schedule import PRODUCERS, Schedule, dump, dumps, loads
from core.strategies import STRATEGIES
from core.streams import write_out
from core.text import Ids, Sentence, counted, translatable
from core.user_code import UserCodeError, run_isolated
from core.user_loops import ensure_registered, is_loop_id

EXIT_OK = 0
EXIT_USAGE = 2
MAX_WORKERS = 8
MAX_ITEMS = 50
MODES = ("exhaustive", "random")

NEEDS_STRATEGY = translatable("core", "one of --strategy ID and --loop FILE is required")
UNKNOWN_STRATEGY = translatable("core", "unknown strategy {strategy}; see main.py strategies")
OUT_OF_RANGE = translatable("core", "{option} must be from {low} to {high}, not {value}")
NONE_FOUND_ALL = translatable(
    "core", "no failing schedule among {schedules} (all of them, for {workers}, {items})"
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
FOUND = translatable("core", "found: {outcomes} after {schedules} ({states} states, {elapsed} s)")
LOST_IDS = translatable("core", "lost items: {ids}")
SHORTEST = translatable("core", "a shortest failing schedule ({steps} steps):")
AGREED = translatable("core", "confirmed on real processes: the real run agreed")
DISAGREED = translatable(
    "core",
    "NOT confirmed: the real run ended with {outcomes}, lost {lost} (a bug of the model)",
)
DISAGREED_AT = translatable(
    "core", "NOT confirmed: the real run left the schedule at {where} (a bug of the model)"
)
WRITTEN = translatable("core", "schedule written to {path}")
_COUNTS = {
    "schedules": (
        translatable("core", "{count} schedule"),
        translatable("core", "{count} schedules"),
    ),
    "workers": (translatable("core", "{count} worker"), translatable("core", "{count} workers")),
    "items": (translatable("core", "{count} item"), translatable("core", "{count} items")),
}


def _count(count: int, what: str) -> Sentence:
    return Sentence.of(counted(count, *_COUNTS[what]), count=count)


def add_parser(commands: Any) -> None:
    explore = commands.add_parser(
        "explore", help="search a strategy's interleavings for one that fails"
    )
    explore.add_argument("--strategy", metavar="ID")
    add_loop_option(explore)
    explore.add_argument("--workers", type=int, default=2, help="default 2")
    explore.add_argument("--items", type=int, default=3, help="default 3")
    explore.add_argument("--producer", choices=PRODUCERS, default="prefill")
    explore.add_argument("--mode", choices=MODES, default="exhaustive")
    explore.add_argument(
        "--max-schedules",
        type=int,
        default=None,
        metavar="K",
        help=f"stop after K model runs (default {DEFAULT_MAX_SCHEDULES} exhaustive, "
        f"{DEFAULT_RANDOM_SCHEDULES} random)",
    )
    explore.add_argument(
        "--preemptions",
        type=int,
        default=None,
        metavar="B",
        help=f"exhaustive: at most B preemptions per schedule; random: PCT depth B + 1 "
        f"(default {DEFAULT_DEPTH})",
    )
    explore.add_argument("--seed", type=int, default=0, help="random mode's seed")
    explore.add_argument(
        "--out", metavar="FILE.json", help="write the failing schedule (when one is found)"
    )
    explore.add_argument("--json", action="store_true", help="print exactly one JSON object")


def _usage_error(message: str) -> int:
    print(f"queuescope: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _check(args: argparse.Namespace) -> str | None:
    """What is wrong with the input, in one line; None if nothing (a --loop file loaded)."""
    try:
        args.strategy = chosen_strategy(args)
    except ParamError as error:
        return str(error)
    if not args.strategy:
        return NEEDS_STRATEGY
    if args.strategy not in STRATEGIES:
        return str(Sentence.of(UNKNOWN_STRATEGY, strategy=args.strategy))
    try:
        check_explorable(STRATEGIES[args.strategy])
    except ParamError as error:
        return str(error)
    limits = [
        ("--workers", args.workers, 1, MAX_WORKERS),
        ("--items", args.items, 1, MAX_ITEMS),
        ("--max-schedules", args.max_schedules, 1, 10_000_000),
        ("--preemptions", args.preemptions, 0, 100),
    ]
    for option, value, low, high in limits:
        if value is not None and not low <= value <= high:
            return str(Sentence.of(OUT_OF_RANGE, option=option, low=low, high=high, value=value))
    return None


def explore(args: argparse.Namespace) -> int:
    problem = _check(args)
    if problem:
        return _usage_error(problem)
    space = Space(STRATEGIES[args.strategy], args.workers, args.items, args.producer)
    if is_loop_id(args.strategy):  # the model runs the loop in threads: not in this process
        try:
            search, schedule = _from_json(run_isolated(_find_as_json, args))
        except UserCodeError as error:
            return _usage_error(str(error).rstrip().splitlines()[-1])
    else:
        search, schedule = _find(space, args)
    if schedule is None or search.verdict is None:
        _print_none(search, space, args)
        return EXIT_OK
    confirmation = confirm(schedule, search.verdict)
    if args.out:
        dump(schedule, args.out)
    _print_found(search, schedule, confirmation, args)
    return EXIT_OK


def _find(space: Space, args: argparse.Namespace) -> tuple[Search, Schedule | None]:
    """The search, and a shortest failing schedule when it found one."""
    search = _search(space, args)
    if search.failing is None or search.verdict is None:
        return search, None
    steps = shortest(space, search.failing, search.verdict)
    run = space.replay(steps)
    try:
        return search, run.schedule()
    finally:
        run.close()


def _find_as_json(args: argparse.Namespace) -> str:
    """_find() in a child process, for a loop file: its answer as JSON text."""
    ensure_registered(args.strategy)
    space = Space(STRATEGIES[args.strategy], args.workers, args.items, args.producer)
    search, schedule = _find(space, args)
    verdict = search.verdict
    return json.dumps(
        {
            **_summary(search),
            "failing": search.failing,
            "verdict": None if verdict is None else [list(verdict.outcomes), list(verdict.lost)],
            "schedule": None if schedule is None else dumps(schedule),
        }
    )


def _from_json(text: str) -> tuple[Search, Schedule | None]:
    data = json.loads(text)
    verdict = data["verdict"]
    search = Search(
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
    return search, None if data["schedule"] is None else loads(data["schedule"])


def _search(space: Space, args: argparse.Namespace) -> Search:
    if args.mode == "random":
        depth = DEFAULT_DEPTH if args.preemptions is None else args.preemptions + 1
        return pct(space, depth, args.max_schedules or DEFAULT_RANDOM_SCHEDULES, args.seed)
    return exhaustive(space, args.preemptions, args.max_schedules or DEFAULT_MAX_SCHEDULES)


def _summary(search: Search) -> dict[str, Any]:
    return {
        "found": search.found,
        "exhaustive": search.exhaustive,
        "mode": search.mode,
        "schedules": search.schedules,
        "runs": search.runs,
        "states": search.states,
        "elapsed_s": round(search.elapsed_s, 6),
        "depth": search.depth,
    }


def _print_none(search: Search, space: Space, args: argparse.Namespace) -> None:
    if args.json:
        write_out(json.dumps(_summary(search)))
        return
    schedules = _count(search.schedules, "schedules")
    workers = _count(space.workers, "workers")
    items = _count(space.items, "items")
    if search.mode == "random":
        line = Sentence.of(
            NONE_FOUND_RANDOM, schedules=schedules, depth=search.depth or 0, seed=args.seed
        )
    elif not search.exhaustive:
        line = Sentence.of(NONE_FOUND_CUT, schedules=schedules, limit="--max-schedules")
    elif args.preemptions is None:
        line = Sentence.of(NONE_FOUND_ALL, schedules=schedules, workers=workers, items=items)
    else:
        line = Sentence.of(
            NONE_FOUND_BOUNDED,
            schedules=schedules,
            bound=args.preemptions,
            workers=workers,
            items=items,
        )
    write_out(str(line))


def _print_found(
    search: Search, schedule: Schedule, confirmation: Confirmation, args: argparse.Namespace
) -> None:
    assert search.verdict is not None
    if args.json:
        payload = {
            **_summary(search),
            "outcomes": list(search.verdict.outcomes),
            "lost": list(search.verdict.lost),
            "steps": len(schedule.steps),
            "schedule": [str(step) for step in schedule.steps],
            "confirmed": confirmation.agreed,
            "real": confirmation.to_dict(),
            "out": args.out,
        }
        write_out(json.dumps(payload))
        return
    lines = [
        Sentence.of(
            FOUND,
            outcomes=", ".join(search.verdict.outcomes),
            schedules=_count(search.schedules, "schedules"),
            states=search.states,
            elapsed=f"{search.elapsed_s:.3f}",
        )
    ]
    if search.verdict.lost:
        lines.append(Sentence.of(LOST_IDS, ids=Ids.of(search.verdict.lost)))
    lines.append(Sentence.of(SHORTEST, steps=len(schedule.steps)))
    text = [str(line) for line in lines]
    text += [f"  {number:>3}. {step}" for number, step in enumerate(schedule.steps, 1)]
    if confirmation.agreed:
        text.append(AGREED)
    elif confirmation.divergence:
        text.append(str(Sentence.of(DISAGREED_AT, where=confirmation.divergence)))
    else:
        text.append(
            str(
                Sentence.of(
                    DISAGREED,
                    outcomes=", ".join(confirmation.outcomes),
                    lost=Ids.of(confirmation.lost),
                )
            )
        )
    if args.out:
        text.append(str(Sentence.of(WRITTEN, path=args.out)))
    write_out("\n".join(text))
