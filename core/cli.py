"""The headless command line: list strategies, run one run, run an experiment."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn

from core.backends import backend_names
from core.cli_loops import add_loop_option, chosen_strategy, load_spec_loops, schedule_strategy
from core.cli_text import (
    experiment_progress_bar,
    format_experiment,
    format_plan,
    format_summary,
    plan_dict,
    progress_printer,
)
from core.control import RunControl
from core.engine import run
from core.errors import ParamError, RunInProgress
from core.experiment import (
    dump_spec,
    load_spec,
    plan_experiment,
    run_experiment,
    spec_format,
    spec_from_dict,
)
from core.explorer import command as explorer_command
from core.explorer.grid import add_explorer_column
from core.export import (
    write_chrome_trace,
    write_experiment_csv,
    write_experiment_json,
    write_records_csv,
    write_run_json,
    write_trials_csv,
)
from core.faults import FAULT_KINDS, Fault
from core.interrupts import (
    Interrupted,
    cancel_on_signals,
    exit_code_for,
    raise_on_signals,
)
from core.journal import reap_stale_runs
from core.launcher import ensure_open_files, ensure_process_room
from core.outputs import (
    Abandoned,
    OutputFailed,
    TextWriter,
    abandon_on_signals,
    check_output,
    failure_reason,
    json_safe,
    write_outputs,
    writes_text,
)
from core.params import PARAMS, START_METHODS, RunParams
from core.schedule import ScheduleError, StepControl
from core.schedule import load as load_schedule
from core.stepper import schedule_params
from core.strategies import STRATEGIES
from core.streams import (
    StdoutFailed,
    discard_stdout,
    flush_out,
    tolerate_any_encoding,
    write_out,
)
from core.text import Sentence, shown, translatable
from core.validation import validate

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = ["build_parser", "format_experiment", "format_summary", "main", "write_records_csv"]

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_SIGINT = 130
EXIT_SIGTERM = 143
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE
EXIT_DIVERGED = 1  # a replayed schedule could not be followed to its end

CANNOT_WRITE_STDOUT = translatable("core", "cannot write to standard output: {reason}")


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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="queuescope",
        description="Run multiprocessing work-queue termination strategies and explain how "
        "they end. With no arguments, main.py opens the window.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    listing = commands.add_parser("strategies", help="list the strategy ids")
    listing.add_argument("--json", action="store_true", help="print one JSON object")

    one = commands.add_parser("run", help="run a strategy once and print the verdict")
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

    _add_experiment_parser(commands)
    explorer_command.add_parser(commands)
    return parser


def _add_experiment_parser(commands: Any) -> None:
    grid = commands.add_parser(
        "experiment",
        help="run a grid of strategies many times and report outcome rates",
        description="Run every combination of the grid axes (comma lists) TRIALS times and "
        "report, per cell, how often each outcome happened with a 95% Wilson interval. "
        "Rates are per flag: a deadlock + lost trial counts for both. Queue kinds a strategy "
        "does not support are skipped (listed in the output); pool strategies ignore --queue.",
    )
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


# The experiment options that override a spec's keys.
_SPEC_OPTIONS = {
    "strategies": "strategies",
    "loops": "loops",
    "workers": "workers",
    "items": "items",
    "start_method": "start_methods",
    "queue": "queue_kinds",
    "faults": "faults",
    "trials": "trials",
    "work_ms": "work_ms",
    "work_kind": "work_kind",
    "jitter_ms": "jitter_ms",
    "producer": "producer",
    "rate": "rate",
    "watchdog_s": "watchdog_s",
    "get_timeout_s": "get_timeout_s",
    "chunksize": "chunksize",
    "seed": "seed",
    "parallel": "parallel",
    "explorer": "explorer",
}


def main(argv: Sequence[str]) -> int:
    """Run one command and return its exit code; never a traceback for a signal or stdout.

    SIGINT and SIGTERM give 130 and 143 (a run is cancelled and reaped first),
    a closed stdout (``| head``) ends quietly with 141 (128 + SIGPIPE, as a
    tool killed by SIGPIPE does), any other stdout failure is one line and 2.
    """
    tolerate_any_encoding(sys.stdout, sys.stderr)
    try:
        with raise_on_signals():
            try:
                return _command(argv)
            finally:
                flush_out()
    except Interrupted as interrupted:
        return interrupted.exit_code
    except KeyboardInterrupt:
        return EXIT_SIGINT
    except StdoutFailed as failure:
        discard_stdout()
        if failure.broken_pipe:
            return EXIT_BROKEN_PIPE
        with contextlib.suppress(OSError):
            _usage_error(CANNOT_WRITE_STDOUT.format(reason=failure))
        return EXIT_USAGE


def _command(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    for cleaned in reap_stale_runs():  # what runs of a killed QueueScope left behind
        print(f"queuescope: {cleaned}", file=sys.stderr)
    if args.command == "strategies":
        return _list_strategies(args.json)
    if args.command == "experiment":
        return _experiment(args)
    if args.command == "explore":
        return explorer_command.explore(args)
    return _run(args)


def _list_strategies(as_json: bool) -> int:
    if as_json:
        payload = {
            "strategies": [
                {
                    "id": s.id,
                    "title": s.title,
                    "group": s.group,
                    "queue_kinds": list(s.queue_kinds),
                    "expected": s.expected,
                    "explanation": s.explanation,
                }
                for s in STRATEGIES.values()
            ]
        }
        write_out(json.dumps(payload, indent=2))
        return EXIT_OK
    width = max(len(s) for s in STRATEGIES)
    for strategy in STRATEGIES.values():
        write_out(f"{strategy.id:<{width}}  {strategy.title} — {strategy.expected}")
    return EXIT_OK


def _usage_error(message: str) -> int:
    print(f"queuescope: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    stepping = None
    try:
        params = RunParams(
            strategy=chosen_strategy(args),
            fault=Fault.parse(args.fault) if args.fault else None,
            **{name: getattr(args, name) for name in RUN_OPTIONS},
        )
        if args.schedule:
            params, stepping = _scheduled(args, params)
        elif args.free_after or not params.strategy:
            return _usage_error(NEEDS_STRATEGY if not args.free_after else FREE_AFTER_ALONE)
        validate(params)  # before any file is created or truncated
        ensure_open_files(params.workers + 1)  # and a Manager
        ensure_process_room(params.workers)
    except ParamError as error:
        return _usage_error(str(error))
    # Checked before the run: an unwritable path is an input error, found in time.
    problem = _check_outputs(args, _RUN_OUTPUTS)
    if problem:
        return _usage_error(problem)

    show_progress = not args.json and sys.stderr.isatty()
    try:
        with _cancel_on_signals() as (control, received):
            control.stepping = stepping
            try:
                result = run(params, progress_printer() if show_progress else None, control)
            finally:
                if show_progress:
                    print(file=sys.stderr)
    except (ParamError, RunInProgress) as error:
        return _usage_error(str(error))

    written = _write_outputs(
        args,
        _RUN_OUTPUTS,
        {
            "records": partial(write_records_csv, result),
            "trace": partial(write_chrome_trace, result),
            "out": partial(write_run_json, result),
        },
    )
    if written not in (EXIT_OK, EXIT_USAGE):
        return written  # interrupted while writing
    if args.json:
        payload = result.to_dict()
        if stepping is not None:
            payload["schedule"] = {
                "steps": [str(step) for step in stepping.steps()],
                "diverged": str(stepping.divergence) if stepping.divergence else None,
            }
        write_out(json.dumps(payload, allow_nan=False))
    else:
        if stepping is not None:
            write_out("\n".join(str(step) for step in stepping.steps()))
        write_out(format_summary(result, show_stacks=args.stacks))
    if stepping is not None and stepping.divergence is not None and not received:
        print(
            f"queuescope: {Sentence.of(DIVERGED, where=str(stepping.divergence))}", file=sys.stderr
        )
        return written or EXIT_DIVERGED
    return written or _exit_code(received)


NEEDS_STRATEGY = translatable(
    "core", "one of --strategy ID, --loop FILE and --schedule FILE is required"
)
FREE_AFTER_ALONE = translatable("core", "--free-after needs --schedule FILE")
OTHER_STRATEGY = translatable("core", "the schedule is for strategy {schedule}, not {strategy}")
DIVERGED = translatable("core", "the run left the schedule at {where}")


def _scheduled(args: argparse.Namespace, params: RunParams) -> tuple[RunParams, StepControl]:
    """The run a schedule file describes, and its replay; ParamError for a bad file."""
    try:
        loaded = load_schedule(args.schedule)
    except ScheduleError as error:
        raise ParamError(str(error)) from None
    loaded = dataclasses.replace(loaded, strategy=schedule_strategy(args.schedule, loaded.strategy))
    if params.strategy and params.strategy != loaded.strategy:
        raise ParamError(
            Sentence.of(OTHER_STRATEGY, schedule=loaded.strategy, strategy=params.strategy)
        )
    params = schedule_params(loaded, params)
    params = params.replace(queue_kind=args.queue_kind or params.queue_kind)
    feeder_steps = loaded.feeder == "steps"
    return params, StepControl(
        replay=loaded.steps, free_after=args.free_after, feeder_steps=feeder_steps
    )


# Each output option's dest and what a message calls its file.
_RUN_OUTPUTS = {"records": "records", "trace": "the trace", "out": "the result"}
_EXPERIMENT_OUTPUTS = {"save_spec": "the spec", "out": "the experiment", "trials_csv": "the trials"}


def _check_outputs(args: argparse.Namespace, outputs: dict[str, str]) -> str | None:
    """Why one of the outputs given cannot be written (each to a file of its own), or None."""
    dests_of: dict[str, str] = {}  # resolved path -> its option's dest
    for dest, what in outputs.items():
        path = getattr(args, dest)
        if not path:
            continue
        try:
            resolved = check_output(path)
        except OSError as error:
            return f"cannot write {what} to {path}: {failure_reason(error, path)}"
        if resolved in dests_of:
            options = (f"--{d.replace('_', '-')}" for d in (dests_of[resolved], dest))
            return f"{' and '.join(options)} name the same file: {path}"
        dests_of[resolved] = dest
    return None


def _write_outputs(
    args: argparse.Namespace, outputs: dict[str, str], writers: Mapping[str, TextWriter]
) -> int:
    """Write the outputs given, all or none: EXIT_OK, EXIT_USAGE (one line said why), or the
    exit code of a SIGINT/SIGTERM that abandoned them (their temporary files removed)."""
    given = {path: dest for dest in writers if (path := getattr(args, dest))}
    try:
        with abandon_on_signals():
            write_outputs([(path, writers[dest]) for path, dest in given.items()])
    except Abandoned as abandoned:
        return _exit_code([abandoned.signum])
    except OutputFailed as error:
        what, path = outputs[given[error.output]], error.output
        return _usage_error(f"cannot write {what} to {path}: {failure_reason(error, path)}")
    return EXIT_OK


@contextlib.contextmanager
def _cancel_on_signals() -> Iterator[tuple[RunControl, list[int]]]:
    """Ctrl-C and SIGTERM cancel through a RunControl, not by raising; handlers restored after."""
    control = RunControl()
    with cancel_on_signals(control.cancel) as received:
        yield control, received


def _exit_code(received: list[int]) -> int:
    return exit_code_for(received[0]) if received else EXIT_OK


def _experiment(args: argparse.Namespace) -> int:
    overrides = {
        key: getattr(args, option)
        for option, key in _SPEC_OPTIONS.items()
        if getattr(args, option) is not None
    }
    try:
        if args.spec:
            spec = load_spec(args.spec)
            if overrides:
                spec = spec_from_dict({**spec.to_dict(), **overrides})
        elif "strategies" not in overrides and "loops" not in overrides:
            return _usage_error(
                "experiment needs --strategies ID,ID, --loops FILE,FILE or --spec FILE"
            )
        else:
            spec = spec_from_dict(overrides)
        load_spec_loops(spec)
        plan = plan_experiment(spec)
        ensure_open_files((max(spec.workers, default=0) + 1) * spec.parallel)
        ensure_process_room(max(spec.workers, default=0), spec.parallel)
    except ParamError as error:  # ExperimentSpecError included
        return _usage_error(str(error))

    problem = _check_outputs(args, {"save_spec": "the spec"} if args.plan else _EXPERIMENT_OUTPUTS)
    if problem:
        return _usage_error(problem)
    if args.save_spec:  # the spec is known now: saved even if the run is cut short
        spec_text = dump_spec(plan.spec, spec_format(args.save_spec))
        written = _write_outputs(args, _EXPERIMENT_OUTPUTS, {"save_spec": writes_text(spec_text)})
        if written != EXIT_OK:
            return written
    if args.plan:
        plan_json = json.dumps(json_safe(plan_dict(plan)), allow_nan=False)
        write_out(plan_json if args.json else format_plan(plan))
        return EXIT_OK

    show_progress = sys.stderr.isatty()
    try:
        with _cancel_on_signals() as (control, received):
            try:
                result = run_experiment(
                    plan,
                    experiment_progress_bar() if show_progress else None,
                    control,
                    keep_runs=False,
                )
                if plan.spec.explorer:
                    add_explorer_column(result, lambda: control.cancelled)
            finally:
                if show_progress:
                    print(file=sys.stderr)
    except (ParamError, RunInProgress) as error:
        return _usage_error(str(error))

    as_csv = bool(args.out) and args.out.lower().endswith(".csv")
    write_experiment = write_experiment_csv if as_csv else write_experiment_json
    writers = {
        "out": partial(write_experiment, result),
        "trials_csv": partial(write_trials_csv, result),
    }
    written = _write_outputs(args, _EXPERIMENT_OUTPUTS, writers)
    if written not in (EXIT_OK, EXIT_USAGE):
        return written  # interrupted while writing
    if args.json:
        write_out(json.dumps(result.to_dict(), allow_nan=False))
    else:
        write_out(format_experiment(result))
    return written or _exit_code(received)
