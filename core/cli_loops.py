"""The command line's loop files: `run --loop`, `experiment --loops`, schedules and specs.

Each loop file named is checked from its text and then imported once in a
probe process (core.user_loops.load_loop) before any run starts, so a bad
file is one line and exit code 2, like any other bad input. None of its
code runs in this process.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from core.errors import ParamError
from core.text import translatable

if TYPE_CHECKING:
    from core.experiment import ExperimentSpec

# core.user_loops (the probe process) is imported where a loop file is named:
# the parser imports this module, and most commands name none.

LOOP_HELP = (
    "run your own loop: a Python file with def loop(q, process, opts), "
    "or FILE:FUNCTION for another function (see the README)"
)
LOOP_AND_STRATEGY = translatable("core", "give one of --strategy ID and --loop FILE, not both")


def add_loop_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--loop", metavar="FILE[:FUNCTION]", help=LOOP_HELP)


def chosen_strategy(args: argparse.Namespace) -> str:
    """The strategy id --strategy or --loop names ("" for neither); ParamError for a bad file."""
    if args.loop:
        if args.strategy:
            raise ParamError(LOOP_AND_STRATEGY)
        from core.user_loops import load_loop

        return load_loop(args.loop).id
    return str(args.strategy or "")


def schedule_strategy(schedule_path: str, strategy_id: str) -> str:
    """A schedule's strategy id; a loop file's is loaded, relative to the schedule's folder."""
    from core.user_loops import is_loop_id, load_loop

    if not is_loop_id(strategy_id):
        return strategy_id
    return load_loop(strategy_id, os.path.dirname(os.path.abspath(schedule_path))).id


def load_spec_loops(spec: ExperimentSpec) -> None:
    """Load every loop file of an experiment: each is imported once, in a probe process."""
    from core.user_loops import load_loop

    for loop in spec.loops:
        load_loop(loop)
