"""main.py worker: join a run from another host, as one of its remote workers.

  main.py worker --redis URL --run RUN_ID [--loop FILE]

The password comes from --redis-password-file FILE or QUEUESCOPE_REDIS_PASSWORD
(core.cli_redis), never from the command line. What the worker runs comes
from the run through the server as JSON: a built-in strategy, or a loop file
this host must have (--loop, checked against the run's by its hash).
"""

from __future__ import annotations

import argparse
import re
import sys

from core.cli_redis import read_password_options, server_address
from core.errors import ParamError
from core.remote_worker import join_run
from core.text import Sentence, translatable

EXIT_USAGE = 2
NOT_A_RUN_ID = translatable(
    "core", "not a run id: {run}; use the one the run printed (12 hex digits)"
)


def add_arguments(worker: argparse.ArgumentParser) -> None:
    worker.add_argument("--redis", metavar="URL", required=True, help="the run's Redis server")
    worker.add_argument("--run", metavar="RUN_ID", required=True, help="the id the run printed")
    worker.add_argument(
        "--loop",
        metavar="FILE[:FUNCTION]",
        help="this host's copy of the run's loop file, if the run uses one",
    )
    read_password_options(worker)


def join(args: argparse.Namespace) -> int:
    """The worker command; its exit code (2 and one line for bad input)."""
    try:
        if not re.fullmatch(r"[0-9a-f]{12}", args.run):
            raise ParamError(Sentence.of(NOT_A_RUN_ID, run=args.run))
        address = server_address(args)
        assert address is not None  # --redis is required
        return join_run(address, args.run, args.loop, _say)
    except ParamError as error:
        print(f"queuescope: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def _say(text: str) -> None:
    print(f"queuescope: {text}", file=sys.stderr, flush=True)
