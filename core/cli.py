"""The headless command line: list strategies, run one run, run an experiment."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import IO, Any, NoReturn

from core.backends import backend_names
from core.control import RunControl
from core.engine import run
from core.errors import ParamError, RunInProgress
from core.experiment import (
    COUNTED_OUTCOMES,
    NO_FAULT,
    POOL_QUEUE,
    ExperimentPlan,
    ExperimentProgress,
    ExperimentResult,
    dump_spec,
    load_spec,
    plan_experiment,
    run_experiment,
    spec_format,
    spec_from_dict,
)
from core.export import (
    write_chrome_trace,
    write_experiment_csv,
    write_experiment_json,
    write_records_csv,
    write_run_json,
    write_trials_csv,
)
from core.faults import FAULT_KINDS, Fault
from core.journal import reap_stale_runs
from core.params import PARAMS, START_METHODS, RunParams
from core.result import Progress, RunResult
from core.strategies import STRATEGIES
from core.validation import validate

__all__ = ["build_parser", "format_experiment", "format_summary", "main", "write_records_csv"]

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_SIGINT = 130
EXIT_SIGTERM = 143


class _Parser(argparse.ArgumentParser):
    """argparse, but bad input is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


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
    one.add_argument("--strategy", required=True, metavar="ID", help=PARAMS["strategy"].help)
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
    grid.add_argument("--trials", type=int, metavar="N", help="trials per cell (default 20)")
    add_param_options(grid, EXPERIMENT_OPTIONS, with_defaults=False)
    grid.add_argument("--seed", type=int, metavar="K", help="base seed of the trials' seeds")
    grid.add_argument("--parallel", type=int, metavar="K", help="trials at once (default 1)")
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
            type=param.kind,
            choices=choices or None,
            metavar=None if choices else param.metavar,
            default=param.default if with_defaults else None,
            help=param.help,
        )


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
            raise argparse.ArgumentTypeError(f"{word!r} is not an integer") from None
    return values


# The experiment options that override a spec's keys.
_SPEC_OPTIONS = {
    "strategies": "strategies",
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
}


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    for cleaned in reap_stale_runs():  # what runs of a killed QueueScope left behind
        print(f"queuescope: {cleaned}", file=sys.stderr)
    if args.command == "strategies":
        return _list_strategies(args.json)
    if args.command == "experiment":
        return _experiment(args)
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
        print(json.dumps(payload, indent=2))
        return EXIT_OK
    width = max(len(s) for s in STRATEGIES)
    for strategy in STRATEGIES.values():
        print(f"{strategy.id:<{width}}  {strategy.title} — {strategy.expected}")
    return EXIT_OK


def _usage_error(message: str) -> int:
    print(f"queuescope: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    try:
        params = RunParams(
            strategy=args.strategy,
            fault=Fault.parse(args.fault) if args.fault else None,
            **{name: getattr(args, name) for name in RUN_OPTIONS},
        )
        validate(params)  # before any file is created or truncated
    except ParamError as error:
        return _usage_error(str(error))
    with contextlib.ExitStack() as files:
        # Open before the run: an unwritable path is an input error, found in time.
        try:
            records_file = _open_output(files, args.records, "records")
            trace_file = _open_output(files, args.trace, "the trace")
            out_file = _open_output(files, args.out, "the result")
        except _OutputError as error:
            return _usage_error(str(error))

        show_progress = not args.json and sys.stderr.isatty()
        try:
            with _cancel_on_signals() as (control, received):
                try:
                    result = run(params, _progress_printer() if show_progress else None, control)
                finally:
                    if show_progress:
                        print(file=sys.stderr)
        except (ParamError, RunInProgress) as error:
            return _usage_error(str(error))

        if records_file is not None:
            write_records_csv(result, records_file)
        if trace_file is not None:
            write_chrome_trace(result, trace_file)
        if out_file is not None:
            write_run_json(result, out_file)
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(format_summary(result, show_stacks=args.stacks))
    return _exit_code(received)


class _OutputError(Exception):
    pass


def _open_output(files: contextlib.ExitStack, path: str | None, what: str) -> IO[str] | None:
    if not path:
        return None
    try:
        handle = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        raise _OutputError(f"cannot write {what} to {path}: {error.strerror or error}") from None
    return files.enter_context(handle)


@contextlib.contextmanager
def _cancel_on_signals() -> Iterator[tuple[RunControl, list[int]]]:
    """Ctrl-C and SIGTERM cancel through a RunControl, not by raising; handlers restored after."""
    control = RunControl()
    received: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        control.cancel()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield control, received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _exit_code(received: list[int]) -> int:
    if received:
        return EXIT_SIGINT if received[0] == signal.SIGINT else EXIT_SIGTERM
    return EXIT_OK


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
        elif "strategies" not in overrides:
            return _usage_error("experiment needs --strategies ID,ID or --spec FILE")
        else:
            spec = spec_from_dict(overrides)
        plan = plan_experiment(spec)
    except ParamError as error:  # ExperimentSpecError included
        return _usage_error(str(error))

    with contextlib.ExitStack() as files:
        try:
            spec_file = _open_output(files, args.save_spec, "the spec")
            out_file = None if args.plan else _open_output(files, args.out, "the experiment")
            trials_file = None if args.plan else _open_output(files, args.trials_csv, "the trials")
        except _OutputError as error:
            return _usage_error(str(error))
        if spec_file is not None:
            spec_file.write(dump_spec(plan.spec, spec_format(args.save_spec)))
            spec_file.close()
        if args.plan:
            print(json.dumps(_plan_dict(plan)) if args.json else format_plan(plan))
            return EXIT_OK

        show_progress = sys.stderr.isatty()
        try:
            with _cancel_on_signals() as (control, received):
                try:
                    result = run_experiment(
                        plan,
                        _experiment_progress_bar() if show_progress else None,
                        control,
                        keep_runs=False,
                    )
                finally:
                    if show_progress:
                        print(file=sys.stderr)
        except (ParamError, RunInProgress) as error:
            return _usage_error(str(error))

        if out_file is not None:
            if args.out.lower().endswith(".csv"):
                write_experiment_csv(result, out_file)
            else:
                write_experiment_json(result, out_file)
        if trials_file is not None:
            write_trials_csv(result, trials_file)
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(format_experiment(result))
    return _exit_code(received)


def _plan_dict(plan: ExperimentPlan) -> dict[str, Any]:
    return {
        "spec": plan.spec.to_dict(),
        "total_trials": plan.total_trials,
        "skipped": [s.to_dict() for s in plan.skipped],
        "notes": list(plan.notes),
        "cells": [c.to_dict() for c in plan.cells],
    }


def format_plan(plan: ExperimentPlan) -> str:
    spec = plan.spec
    lines = [
        f"plan       {_count(len(plan.cells), 'cell')} × {_count(spec.trials, 'trial')} = "
        f"{_count(plan.total_trials, 'run')}, "
        f"{spec.parallel} at a time, seed {spec.seed}"
    ]
    for cell in plan.cells:
        lines.append(f"  {cell.index:>3}  {cell.label}")
    lines += _skipped_and_notes(plan)
    return "\n".join(lines)


def _skipped_and_notes(plan: ExperimentPlan) -> list[str]:
    lines = [f"skipped    {skip.reason}" for skip in plan.skipped]
    lines += [f"note       {note}" for note in plan.notes]
    return lines


def _experiment_progress_bar() -> Callable[[ExperimentProgress], None]:
    def show(progress: ExperimentProgress) -> None:
        width = 30
        filled = width * progress.done // progress.total if progress.total else width
        eta = "--:--" if progress.eta_s is None else _clock(progress.eta_s)
        print(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total} "
            f"trials, {_clock(progress.elapsed_s)} elapsed, ETA {eta}   ",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def format_experiment(result: ExperimentResult) -> str:
    spec = result.spec
    state = "CANCELLED, " if result.cancelled else ""
    lines = [
        f"experiment {state}{result.trials_done}/{result.trials_total} runs "
        f"({_count(len(result.cells), 'cell')} × {_count(spec.trials, 'trial')}) "
        f"in {result.elapsed_s:.1f} s, "
        f"seed {spec.seed}, {spec.parallel} at a time",
        "rates      per flag (a deadlock + lost trial counts for both), "
        "[95% Wilson score interval]",
    ]
    width = max((len(o) for o in COUNTED_OUTCOMES), default=0)
    for cell_result in result.cells:
        strategy, queue_kind, start_method, workers, items, fault = cell_result.cell.coordinates
        lines.append("")
        lines.append(
            f"{strategy}  "
            + ("own pool" if queue_kind == POOL_QUEUE else f"{queue_kind} queue")
            + f", {start_method}, {workers} workers, {items} items"
            + ("" if fault == NO_FAULT else f", fault {fault}")
        )
        n = cell_result.n
        elapsed = cell_result.median_elapsed_s
        speed = cell_result.median_items_per_s
        lines.append(
            f"  {n} trials"
            + ("" if elapsed is None else f", median {elapsed:.3f} s")
            + ("" if speed is None else f", median {speed:,.0f} items/s")
        )
        for outcome, rate in cell_result.rates().items():
            if rate.count == 0 and outcome != "ok":
                continue
            value = rate.rate
            percent = "    -" if value is None else f"{value * 100:5.1f}%"
            lines.append(
                f"  {outcome:<{width}}  {rate.count:>4}/{n:<4} {percent}  "
                f"[{rate.low * 100:5.1f}–{rate.high * 100:5.1f}]"
            )
    skipped = _skipped_and_notes(result.plan)
    if skipped:
        lines.append("")
        lines += skipped
    return "\n".join(lines)


def _progress_printer() -> Any:
    def show(progress: Progress) -> None:
        print(
            f"\r{progress.processed}/{progress.items} processed,"
            f" {progress.items_per_s:,.0f} items/s, queue {progress.queue_depth},"
            f" {progress.elapsed_s:.1f} s   ",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


def format_summary(result: RunResult, show_stacks: bool = False) -> str:
    p = result.params
    lines = [
        f"strategy   {p.strategy} ({p.queue_kind or 'pool'} queue, {p.start_method}, "
        f"{p.workers} workers, {p.items} items, {p.producer} producer"
        + (f", fault {p.fault})" if p.fault else ")"),
        "outcome    " + " + ".join([result.outcomes[0].upper(), *result.outcomes[1:]]),
        f"processed  {result.processed} / {result.items}"
        + (f"   lost: {_ids(result.lost)}" if result.lost else "")
        + (f"   duplicated: {_ids(result.duplicates)}" if result.duplicates else ""),
        f"elapsed    {result.elapsed_s:.2f} s",
        "workers",
    ]
    for worker in result.workers:
        code = f", exit code {worker.exit_code}" if worker.exit_code is not None else ""
        lines.append(
            f"  {worker.index:>3}  pid {worker.pid or '-':>7}  processed {worker.processed:>8}  "
            f"{worker.state}{code}"
        )
    lines.append(f"diagnosis  {result.diagnosis}")
    if result.stack_dumps:
        if show_stacks:
            for index, dump in sorted(result.stack_dumps.items()):
                lines.append(f"--- stack of worker {index} ---")
                lines.append(dump.rstrip())
        else:
            lines.append(
                f"stacks     {len(result.stack_dumps)} stuck worker(s) dumped; see --stacks"
            )
    return "\n".join(lines)


def _ids(ids: list[int], limit: int = 20) -> str:
    shown = ", ".join(map(str, ids[:limit]))
    return shown if len(ids) <= limit else f"{shown}, … ({len(ids)})"
