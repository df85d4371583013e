"""How long `main.py strategies` takes against `python -c pass`, as whole processes.

    python bench/start.py [--pairs N] [--json]

The two commands run interleaved (A B, B A, ...) in fresh processes; the
figure is the median of the per-pair differences (and ratios): the machine
is shared and noisy, absolute times taken apart do not compare. Target: the
command starts within 50 ms of a bare interpreter. Both run with bytecode
caches (an installed package has them): PYTHONDONTWRITEBYTECODE is dropped
from their environment, and a first run writes the caches.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 50.0
BARE = (sys.executable, "-c", "pass")
STRATEGIES = (sys.executable, str(ROOT / "main.py"), "strategies")


ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _elapsed(command: Sequence[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - began


def measure(pairs: int) -> dict[str, object]:
    """Per pair: the bare interpreter and the command, in alternating order."""
    bare: list[float] = []
    command: list[float] = []
    _elapsed(STRATEGIES)  # warm the file cache and the bytecode
    for pair in range(pairs):
        if pair % 2:
            command.append(_elapsed(STRATEGIES))
            bare.append(_elapsed(BARE))
        else:
            bare.append(_elapsed(BARE))
            command.append(_elapsed(STRATEGIES))
    extra_ms = statistics.median((c - b) * 1000 for b, c in zip(bare, command, strict=True))
    return {
        "strategies_extra_ms": round(extra_ms, 1),
        "strategies_ratio": round(
            statistics.median(c / b for b, c in zip(bare, command, strict=True)), 2
        ),
        "strategies_s": round(statistics.median(command), 4),
        "bare_s": round(statistics.median(bare), 4),
        "pairs": pairs,
        "target_extra_ms": TARGET_MS,
        "met": extra_ms <= TARGET_MS,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=21)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(args.pairs)
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"main.py strategies: {figures['strategies_s']} s, python -c pass: "
            f"{figures['bare_s']} s; extra {figures['strategies_extra_ms']} ms "
            f"(target <= {TARGET_MS:g} ms), ratio {figures['strategies_ratio']}, "
            f"median of {args.pairs} interleaved pairs"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
