"""The headless command line: list strategies, run one run, run an experiment."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import IO, TYPE_CHECKING, Any, NoReturn

from core.cli_parser import COMMANDS, RUN_OPTIONS, build_parser
from core.cli_redis import server_address, shared_server, stale_keys_deleter
from core.errors import ParamError, RunInProgress
from core.interrupts import Interrupted, exit_code_for, raise_on_signals
from core.journal import reap_stale_runs
from core.streams import (
    StdoutFailed,
    discard_stdout,
    flush_out,
    tolerate_any_encoding,
    write_out,
)
from core.text import Sentence, translatable

if TYPE_CHECKING:
    from core.cli_text import format_experiment, format_summary
    from core.control import RunControl
    from core.export import write_records_csv
    from core.outputs import TextWriter
    from core.params import RunParams
    from core.result import RunResult
    from core.schedule import StepControl

# What a run, an experiment or an export needs is imported where it is used:
# `main.py strategies` must start about as fast as a bare interpreter.
# The names below are kept importable from here (PEP 562).
_REEXPORTED = {
    "format_experiment": "core.cli_text",
    "format_summary": "core.cli_text",
    "write_records_csv": "core.export",
}


def __getattr__(name: str) -> Any:
    module = _REEXPORTED.get(name)
    if module is None:
        raise AttributeError(f"module 'core.cli' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "RUN_OPTIONS",
    "build_parser",
    "format_experiment",
    "format_summary",
    "main",
    "write_records_csv",
]

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_SIGINT = 130
EXIT_SIGTERM = 143
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE
EXIT_DIVERGED = 1  # a replayed schedule could not be followed to its end

CANNOT_WRITE_STDOUT = translatable("core", "cannot write to standard output: {reason}")


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
    "batch_size": "batch_size",
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
    except RuntimeError as error:
        # A signal while a module loads (commands import what they need when they
        # run) can arrive inside a class body's __set_name__, which wraps it.
        cause = error.__cause__
        if isinstance(cause, Interrupted):
            return cause.exit_code
        raise
    except KeyboardInterrupt:
        return EXIT_SIGINT
    except StdoutFailed as failure:
        discard_stdout()
        if failure.broken_pipe:
            return EXIT_BROKEN_PIPE
        with contextlib.suppress(OSError):
            _usage_error(CANNOT_WRITE_STDOUT.format(reason=failure))
        return EXIT_USAGE


def end_process(code: int) -> NoReturn:
    """Exit with code once a command is done, without the interpreter's teardown.

    Freeing every module and object at exit costs a CLI run ~15 ms (more
    after a big run) for nothing. The command has reaped its processes by
    now; the atexit handlers (multiprocessing's finalizers among them) still
    run and stdout and stderr are flushed. A live non-daemon thread, or
    output that cannot be flushed, gets the ordinary exit instead.
    """
    import atexit
    import os
    import threading

    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon for t in threading.enumerate()):
        sys.exit(code)
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        sys.exit(code)
    os._exit(code)


def _command(argv: Sequence[str]) -> int:
    argv = list(argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    args = build_parser(command).parse_args(argv)
    # What runs of a killed QueueScope left behind (keys on a shared server too).
    for cleaned in reap_stale_runs(delete_keys=stale_keys_deleter(args)):
        print(f"queuescope: {cleaned}", file=sys.stderr)
    if args.command == "strategies":
        return _list_strategies(args.json)
    if args.command == "explore":
        from core.explorer import command as explorer_command

        return explorer_command.explore(args)
    if args.command == "worker":
        from core import cli_worker

        return cli_worker.join(args)
    try:
        server = server_address(args)
    except ParamError as error:
        return _usage_error(str(error))
    with shared_server(server, args):
        return _experiment(args) if args.command == "experiment" else _run(args)


def _list_strategies(as_json: bool) -> int:
    import core.redis_strategies  # noqa: F401 (the catalog's Redis-native entries)
    from core.strategies import STRATEGIES

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
    from core.cli_loops import chosen_strategy
    from core.cli_text import format_summary, progress_printer
    from core.engine import run
    from core.faults import Fault
    from core.launcher import ensure_open_files, ensure_process_room
    from core.params import RunParams
    from core.validation import validate

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
            "records": partial(_export, "write_records_csv", result),
            "trace": partial(_export, "write_chrome_trace", result),
            "out": partial(_export, "write_run_json", result),
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


def _export(writer: str, result: RunResult, out: IO[str]) -> None:
    """One of core.export's writers, loaded when an output is written."""
    from core import export

    getattr(export, writer)(result, out)


NEEDS_STRATEGY = translatable(
    "core", "one of --strategy ID, --loop FILE and --schedule FILE is required"
)
FREE_AFTER_ALONE = translatable("core", "--free-after needs --schedule FILE")
OTHER_STRATEGY = translatable("core", "the schedule is for strategy {schedule}, not {strategy}")
DIVERGED = translatable("core", "the run left the schedule at {where}")


def _scheduled(args: argparse.Namespace, params: RunParams) -> tuple[RunParams, StepControl]:
    """The run a schedule file describes, and its replay; ParamError for a bad file."""
    from core.cli_loops import schedule_strategy
    from core.schedule import ScheduleError, StepControl
    from core.schedule import load as load_schedule
    from core.stepper import schedule_params

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
    from core.outputs import check_output, failure_reason

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
    from core.outputs import (
        Abandoned,
        OutputFailed,
        abandon_on_signals,
        failure_reason,
        write_outputs,
    )

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
    from core.control import RunControl
    from core.interrupts import cancel_on_signals

    control = RunControl()
    with cancel_on_signals(control.cancel) as received:
        yield control, received


def _exit_code(received: list[int]) -> int:
    return exit_code_for(received[0]) if received else EXIT_OK


def _experiment(args: argparse.Namespace) -> int:
    from core.cli_loops import load_spec_loops
    from core.cli_text import experiment_progress_bar, format_experiment, format_plan, plan_dict
    from core.experiment import (
        dump_spec,
        load_spec,
        plan_experiment,
        run_experiment,
        spec_format,
        spec_from_dict,
    )
    from core.explorer.grid import add_explorer_column
    from core.export import write_experiment_csv, write_experiment_json, write_trials_csv
    from core.launcher import ensure_open_files, ensure_process_room
    from core.outputs import json_safe, writes_text

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
