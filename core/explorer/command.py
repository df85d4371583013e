"""`main.py explore`: search a strategy's schedules, shrink a failure, confirm it on real processes.

Exit 0 for an answer (a failing schedule, or none within the bound), 2 for
bad input. core.cli_parser adds its arguments (add_arguments); core.cli calls explore().
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from core.cli_loops import add_loop_option, chosen_strategy
from core.control import RunControl
from core.errors import ParamError
from core.explorer import story
from core.explorer.confirm import Confirmation, confirm
from core.explorer.isolated import shrunk_in_child
from core.explorer.search import (
    DEFAULT_DEPTH,
    DEFAULT_MAX_SCHEDULES,
    DEFAULT_RANDOM_SCHEDULES,
    Search,
)
from core.explorer.session import (
    MAX_ITEMS,
    MAX_WORKERS,
    MODES,
    OUT_OF_RANGE,
    Exploration,
    ExploreRequest,
    refusal,
    search,
    shrunk,
)
from core.interrupts import cancel_on_signals, exit_code_for
from core.params import MAX_CHUNKSIZE, RunParams
from core.schedule import FEEDER_MODES, PRODUCERS, dump
from core.stepper import feeder_queue
from core.strategies import STRATEGIES
from core.streams import write_out
from core.text import Sentence, translatable
from core.user_code import ChildCancelled, UserCodeError
from core.user_loops import is_loop_id

EXIT_OK = 0
EXIT_USAGE = 2
__all__ = ["MAX_ITEMS", "MAX_WORKERS", "add_arguments", "explore"]

NEEDS_STRATEGY = translatable("core", "one of --strategy ID and --loop FILE is required")
UNKNOWN_STRATEGY = translatable("core", "unknown strategy {strategy}; see main.py strategies")
SHORTEST = translatable("core", "a shortest failing schedule ({steps} steps):")
WRITTEN = translatable("core", "schedule written to {path}")


def add_arguments(explore: argparse.ArgumentParser) -> None:
    explore.add_argument("--strategy", metavar="ID")
    add_loop_option(explore)
    explore.add_argument("--workers", type=int, default=2, help="default 2")
    explore.add_argument("--items", type=int, default=3, help="default 3")
    explore.add_argument("--producer", choices=PRODUCERS, default="prefill")
    explore.add_argument("--mode", choices=MODES, default="exhaustive")
    explore.add_argument(
        "--feeder",
        choices=FEEDER_MODES,
        default="settled",
        help="an mp queue's puts: settled (default), or each feeder thread's write a step "
        "of its own (the losses of put() returning before the item is in the pipe)",
    )
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
    explore.add_argument(
        "--batch-size",
        type=int,
        default=RunParams.batch_size,
        metavar="N",
        help=f"items per queue object of a batched strategy (default {RunParams.batch_size})",
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
    strategy = STRATEGIES[args.strategy]
    feeder_kind = feeder_queue(strategy, None) if args.feeder == "steps" else None
    problem = refusal(strategy, args.workers, args.items, feeder_queue_kind=feeder_kind)
    if problem is not None:
        return str(problem)
    limits = [
        ("--max-schedules", args.max_schedules, 1, 10_000_000),
        ("--preemptions", args.preemptions, 0, 100),
        ("--batch-size", args.batch_size, 1, MAX_CHUNKSIZE),
    ]
    for option, value, low, high in limits:
        if value is not None and not low <= value <= high:
            return str(Sentence.of(OUT_OF_RANGE, option=option, low=low, high=high, value=value))
    return None


def explore(args: argparse.Namespace) -> int:
    problem = _check(args)
    if problem:
        return _usage_error(problem)
    request = ExploreRequest(
        args.strategy,
        args.workers,
        args.items,
        args.producer,
        mode=args.mode,
        preemptions=args.preemptions,
        max_schedules=args.max_schedules,
        seed=args.seed,
        feeder=args.feeder,
        batch_size=args.batch_size,
    )
    # A signal cancels the search (or the confirming run) between two model runs: the
    # model's threads hand a baton back and forth and must not be cut mid-handoff.
    control = RunControl()
    with cancel_on_signals(control.cancel) as received:
        if is_loop_id(args.strategy):  # the model runs the loop in threads: not in this process
            try:
                exploration = shrunk_in_child(request, lambda: control.cancelled)
            except ChildCancelled:
                return exit_code_for(received[0]) if received else EXIT_OK
            except UserCodeError as error:
                return _usage_error(str(error).rstrip().splitlines()[-1])
            answer = exploration.search
        else:
            answer = search(request, cancelled=lambda: control.cancelled)
        if received:
            return exit_code_for(received[0])
        if answer.failing is None or answer.verdict is None:
            _print_none(Exploration(request, answer), args)
            return EXIT_OK
        if not is_loop_id(args.strategy):
            exploration = shrunk(request, answer)
        assert exploration.schedule is not None
        confirmation = confirm(exploration.schedule, answer.verdict, control)
    if received:
        return exit_code_for(received[0])
    if args.out:
        dump(exploration.schedule, args.out)
    _print_found(exploration, confirmation, args)
    return EXIT_OK


def _summary(search: Search) -> dict[str, Any]:
    return {
        "found": search.found,
        "exhaustive": search.exhaustive,
        "cyclic": search.cyclic,
        "mode": search.mode,
        "schedules": search.schedules,
        "runs": search.runs,
        "states": search.states,
        "elapsed_s": round(search.elapsed_s, 6),
        "depth": search.depth,
    }


def _print_none(exploration: Exploration, args: argparse.Namespace) -> None:
    if args.json:
        write_out(json.dumps(_summary(exploration.search)))
        return
    write_out("\n".join(str(line) for line in exploration.headline()))


def _print_found(
    exploration: Exploration, confirmation: Confirmation, args: argparse.Namespace
) -> None:
    search, schedule = exploration.search, exploration.schedule
    assert search.verdict is not None and schedule is not None
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
    lines = [*exploration.headline(), Sentence.of(SHORTEST, steps=len(schedule.steps))]
    text = [str(line) for line in lines]
    text += [f"  {number:>3}. {step}" for number, step in enumerate(schedule.steps, 1)]
    text.append(str(story.confirmation(confirmation)))
    if args.out:
        text.append(str(Sentence.of(WRITTEN, path=args.out)))
    write_out("\n".join(text))
