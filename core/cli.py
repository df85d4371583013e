"""The headless command line: list strategies and run one experiment."""

from __future__ import annotations

import argparse
import csv
import json
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import IO, Any, NoReturn

from core.engine import RunInProgress, run
from core.params import PRODUCERS, QUEUE_KINDS, START_METHODS, WORK_KINDS, ParamError, RunParams
from core.result import Progress, RunResult
from core.strategies import STRATEGIES

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

    one = commands.add_parser("run", help="run one experiment and print the verdict")
    one.add_argument(
        "--strategy", required=True, metavar="ID", help="a strategy id (see 'strategies')"
    )
    one.add_argument("--items", type=int, default=100)
    one.add_argument("--workers", type=int, default=3)
    one.add_argument("--queue", choices=QUEUE_KINDS, default=None, help="queue kind")
    one.add_argument("--start-method", choices=START_METHODS, default="spawn")
    one.add_argument("--producer", choices=PRODUCERS, default="prefill")
    one.add_argument("--rate", type=float, default=None, help="items/s of the concurrent producer")
    one.add_argument("--work-ms", type=float, default=0.0, help="per-item work in ms")
    one.add_argument("--work-kind", choices=WORK_KINDS, default="sleep")
    one.add_argument("--jitter-ms", type=float, default=0.0)
    one.add_argument("--seed", type=int, default=0)
    one.add_argument("--watchdog-s", type=float, default=5.0)
    one.add_argument("--get-timeout-s", type=float, default=0.5)
    one.add_argument("--chunksize", type=int, default=1)
    one.add_argument("--json", action="store_true", help="print exactly one JSON object")
    one.add_argument("--records", metavar="FILE.csv", help="write per-item records as CSV")
    one.add_argument("--stacks", action="store_true", help="print stuck workers' stack dumps")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    if args.command == "strategies":
        return _list_strategies(args.json)
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
    params = RunParams(
        strategy=args.strategy,
        items=args.items,
        workers=args.workers,
        queue_kind=args.queue,
        start_method=args.start_method,
        producer=args.producer,
        rate=args.rate,
        work_ms=args.work_ms,
        work_kind=args.work_kind,
        jitter_ms=args.jitter_ms,
        seed=args.seed,
        watchdog_s=args.watchdog_s,
        get_timeout_s=args.get_timeout_s,
        chunksize=args.chunksize,
    )
    records_file: IO[str] | None = None
    if args.records:
        # Open before the run: an unwritable path is an input error, found in time.
        try:
            records_file = open(args.records, "w", newline="", encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            return _usage_error(f"cannot write records to {args.records}: {error.strerror}")

    cancel = threading.Event()
    received: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        cancel.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    show_progress = not args.json and sys.stderr.isatty()
    try:
        result = run(params, _progress_printer() if show_progress else None, cancel)
    except (ParamError, RunInProgress) as error:
        if records_file is not None:
            records_file.close()
        return _usage_error(str(error))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if show_progress:
            print(file=sys.stderr)

    if records_file is not None:
        with records_file:
            write_records_csv(result, records_file)
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(format_summary(result, show_stacks=args.stacks))
    if received:
        return EXIT_SIGINT if received[0] == signal.SIGINT else EXIT_SIGTERM
    return EXIT_OK


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


def write_records_csv(result: RunResult, out: IO[str]) -> None:
    writer = csv.writer(out)
    rows = result.records.rows()
    columns = ["item", "worker", "pid", "taken_at_s", "processing_ms", "times_processed", "status"]
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])


def format_summary(result: RunResult, show_stacks: bool = False) -> str:
    p = result.params
    lines = [
        f"strategy   {p.strategy} ({p.queue_kind or 'pool'} queue, {p.start_method}, "
        f"{p.workers} workers, {p.items} items, {p.producer} producer)",
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
