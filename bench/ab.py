"""This checkout's run overhead against another checkout's, measured side by side.

    python bench/ab.py OTHER_CHECKOUT [--rounds 9] [--items 100000] [--queue mp]

A change to the core is judged against the commit before it on the same
machine at the same moment: each round runs the bare script, this checkout's
run and the other checkout's run (in a rotating order), each in a fresh
process, and reports the median of the per-round ratios. The other checkout
is any work tree of this repository (``git worktree add ../base COMMIT``); its
run imports its own core, from its own directory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import WORKERS, run_json  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("other", type=Path, help="another checkout of this repository")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queue", default="mp", choices=("mp", "manager"))
    args = parser.parse_args()
    common = ["--queue", args.queue, "--items", str(args.items), "--workers", str(WORKERS)]
    common += ["--start-method", "spawn"]

    def bare() -> float:
        return float(run_json(["bench/bare_sentinel.py", *common])["elapsed_s"])

    def lab(checkout: Path) -> float:
        probe = [sys.executable, "-m", "bench.probe", "overhead", *common]
        report = run_json(["-c", _IN_CHECKOUT, str(checkout), *probe])
        if report["outcome"] != "ok":
            raise SystemExit(f"{checkout}: the run ended {report['outcome']}")
        return float(report["elapsed_s"])

    steps: dict[str, Callable[[], float]] = {
        "bare": bare,
        "this": lambda: lab(ROOT),
        "other": lambda: lab(args.other),
    }
    times: dict[str, list[float]] = {name: [] for name in steps}
    order = list(steps)
    for round_ in range(args.rounds):
        for name in order[round_ % 3 :] + order[: round_ % 3]:
            times[name].append(steps[name]())
    ratios = {
        "this/bare": [t / b for t, b in zip(times["this"], times["bare"], strict=True)],
        "other/bare": [o / b for o, b in zip(times["other"], times["bare"], strict=True)],
        "this/other": [t / o for t, o in zip(times["this"], times["other"], strict=True)],
    }
    report: dict[str, Any] = {
        "items": args.items,
        "queue": args.queue,
        "rounds": args.rounds,
        "median_s": {name: statistics.median(values) for name, values in times.items()},
        "median_ratio": {name: statistics.median(values) for name, values in ratios.items()},
        "ratios": ratios,
    }
    print(json.dumps(report, indent=2))


# Runs a probe with the other checkout as its working directory and first path entry.
_IN_CHECKOUT = (
    "import os, subprocess, sys; sys.exit(subprocess.run(sys.argv[2:], cwd=sys.argv[1]).returncode)"
)


if __name__ == "__main__":
    main()
