"""The command line's parser: its commands, and one option per run parameter (core.params).

Only the arguments of the command given are built (a command's options may
need modules of their own, the explorer's for explore): `main.py strategies`
starts without loading what a run, an experiment or the explorer needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from core.backends import backend_names
from core.cli_loops import add_loop_option
from core.cli_redis import add_redis_options
from core.faults import FAULT_KINDS
from core.params import PARAMS, START_METHODS
from core.streams import write_out
from core.text import shown

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

EXIT_USAGE = 2
COMMANDS = ("strategies", "run", "experiment", "explore", "worker")
WORKER_HELP = (
    "join a run from this host as one of its remote workers "
    "(the run: main.py run --queue redis --redis URL --remote-workers N)"
)


class _Parser(argparse.ArgumentParser):
    """argparse, but bad input is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        # argparse ignores a failed write; --help > /dev/full must not say nothing.
        if file is None or file is sys.stdout:
            write_out(self.format_help(), end="")
        else:
            super().print_help(file)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; given a command, only that command's arguments are built."""
    parser = _Parser(
        prog="queuescope",
        description="Run multiprocessing work-queue termination strategies and explain how "
        "they end. With no arguments, main.py opens the window.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    builders = {
        "strategies": (_add_strategies_arguments, "list the strategy ids"),
        "run": (_add_run_arguments, "run a strategy once and print the verdict"),
        "experiment": (
            _add_experiment_arguments,
            "run a grid of strategies many times and report outcome rates",
        ),
        "explore": (_add_explore_arguments, "search a strategy's interleavings for one that fails"),
        "worker": (_add_worker_arguments, WORKER_HELP),
    }
    for name, (add_arguments, help_text) in builders.items():
        description = _EXPERIMENT_DESCRIPTION if name == "experiment" else None
        sub = commands.add_parser(name, help=help_text, description=description)
        if command is None or command == name:
            add_arguments(sub)
    return parser


def _add_strategies_arguments(listing: argparse.ArgumentParser) -> None:
    listing.add_argument("--json", action="store_true", help="print one JSON object")


def _add_worker_arguments(worker: argparse.ArgumentParser) -> None:
    from core.cli_worker import add_arguments

    add_arguments(worker)


def _add_explore_arguments(explore: argparse.ArgumentParser) -> None:
    from core.explorer.command import add_arguments

    add_arguments(explore)


def _add_run_arguments(one: argparse.ArgumentParser) -> None:
    add_param_options(one, RUN_OPTIONS, with_defaults=True)
    one.add_argument("--strategy", metavar="ID", help=PARAMS["strategy"].help)
    add_loop_option(one)
    one.add_argument(
        "--schedule",
        metavar="FILE.json",
        help="replay a step-mode schedule (its strategy, workers, items and producer)",
    )
    one.add_argument(
        "--free-after",
        action="store_true",
        help="with --schedule: replay its steps, then let the run go on freely",
    )
    one.add_argument(
        "--fault",
        metavar="KIND[:ARG]",
        default=None,
        help=f"inject a fault: {', '.join(FAULT_KINDS)} (see the README)",
    )
    one.add_argument("--json", action="store_true", help="print exactly one JSON object")
    one.add_argument("--records", metavar="FILE.csv", help="write per-item records as CSV")
    one.add_argument(
        "--trace",
        metavar="FILE.json",
        help="write a Chrome trace event file (opens in ui.perfetto.dev and chrome://tracing)",
    )
    one.add_argument(
        "--out", metavar="FILE.json", help="write the whole result as JSON, records included"
    )
    one.add_argument("--stacks", action="store_true", help="print stuck workers' stack dumps")
    add_redis_options(one, remote=True)


_EXPERIMENT_DESCRIPTION = (
    "Run every combination of the grid axes (comma lists) TRIALS times and "
    "report, per cell, how often each outcome happened with a 95% Wilson interval. "
    "Rates are per flag: a deadlock + lost trial counts for both. Queue kinds a strategy "
    "does not support are skipped (listed in the output); pool strategies ignore --queue."
)


def _add_experiment_arguments(grid: argparse.ArgumentParser) -> None:
    grid.add_argument(
        "--spec", metavar="FILE", help="a saved spec (.json, or .toml); options given override it"
    )
    grid.add_argument("--strategies", type=_words, metavar="ID,ID", help="strategy ids")
    grid.add_argument("--loops", type=_words, metavar="FILE,FILE", help="your own loop files")
    grid.add_argument("--workers", type=_ints, metavar="N,N", help="worker counts (default 3)")
    grid.add_argument("--items", type=_ints, metavar="N,N", help="item counts (default 100)")
    grid.add_argument(
        "--start-method",
        type=_words,
        metavar="M,M",
        help=f"start methods: {', '.join(START_METHODS)} (default spawn)",
    )
    grid.add_argument(
        "--queue",
        type=_words,
        metavar="Q,Q",
        help=f"queue kinds: default, {', '.join(backend_names())} (default: each strategy's own)",
    )
    grid.add_argument(
        "--faults",
        type=_words,
        metavar="F,F",
        help=f"faults to inject (a grid axis): none, {', '.join(FAULT_KINDS)} with :ARG",
    )
    grid.add_argument(
        "--trials", type=_number(int), metavar="N", help="trials per cell (default 20)"
    )
    add_param_options(grid, EXPERIMENT_OPTIONS, with_defaults=False)
    grid.add_argument(
        "--seed", type=_number(int), metavar="K", help="base seed of the trials' seeds"
    )
    grid.add_argument(
        "--parallel", type=_number(int), metavar="K", help="trials at once (default 1)"
    )
    grid.add_argument(
        "--explorer",
        action="store_const",
        const=True,
        help="add a column: the failures the explorer reaches at each cell's size",
    )
    grid.add_argument("--json", action="store_true", help="print exactly one JSON object")
    grid.add_argument(
        "--out",
        metavar="FILE",
        help="write the experiment: CSV (one row per cell) if FILE ends in .csv, JSON otherwise",
    )
    grid.add_argument("--trials-csv", metavar="FILE.csv", help="write one CSV row per trial")
    grid.add_argument("--save-spec", metavar="FILE.json", help="write the spec as JSON")
    grid.add_argument(
        "--plan", action="store_true", help="print the cells and skipped combinations; run nothing"
    )
    add_redis_options(grid)


# Scalar run parameters as options, each from its one declaration in core.params.
RUN_OPTIONS = tuple(name for name in PARAMS if name != "strategy")
EXPERIMENT_OPTIONS = (
    "work_ms",
    "work_kind",
    "jitter_ms",
    "producer",
    "rate",
    "watchdog_s",
    "get_timeout_s",
    "chunksize",
    "batch_size",
)


def add_param_options(
    parser: argparse.ArgumentParser, names: Sequence[str], with_defaults: bool
) -> None:
    """One option per parameter: its flag, type, choices, help and (maybe) default."""
    for name in names:
        param = PARAMS[name]
        choices = backend_names() if name == "queue_kind" else param.choices
        parser.add_argument(
            param.option,
            dest=name,
            type=param.kind if param.kind is str else _number(param.kind),
            choices=choices or None,
            metavar=None if choices else param.metavar,
            default=param.default if with_defaults else None,
            help=param.help,
        )


def _number(kind: type) -> Callable[[str], Any]:
    """int or float of an option's text; a bad one is echoed short (it may be 5,000 digits)."""

    def parse(text: str) -> Any:
        try:
            return kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"invalid {kind.__name__} value: {shown(text)}"
            ) from None

    return parse


def _words(text: str) -> list[str]:
    words = [w.strip() for w in text.split(",")]
    if not all(words):
        raise argparse.ArgumentTypeError(f"expected a comma-separated list, got {text!r}")
    return words


def _ints(text: str) -> list[int]:
    values = []
    for word in _words(text):
        try:
            values.append(int(word))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shown(word)} is not an integer") from None
    return values
