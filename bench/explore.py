"""The explorer's model: schedules per second, and how soon it finds or rules out a failure.

    .venv/bin/python bench/explore.py [--json]

- schedules/s: PCT runs of the docs' STOP recipe at 2 workers x 3 items
  (every run starts, steps to its end and closes; target >= 2,000);
- loop 2 at 2 x 3: the first failing schedule within 3 schedules and 1 s;
- the STOP recipe at 3 x 5 with a live producer exhausted in <= 10 s;
- PCT with depth 2: seeds (of 100) that find loop 2's failure within 10 schedules (target 99).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import print_figures
from core.explorer.model import Space
from core.explorer.search import exhaustive, pct
from core.strategies import get_strategy

SAMPLED = 2_000


def measure() -> dict[str, float | int]:
    stop = Space(get_strategy("sentinel-per-worker"), 2, 3)
    started = time.perf_counter()
    sampled = pct(stop, depth=3, max_schedules=SAMPLED)
    rate = sampled.runs / (time.perf_counter() - started)
    loop2 = Space(get_strategy("seed-while-not-empty"), 2, 3)
    found = exhaustive(loop2)
    live = exhaustive(Space(get_strategy("sentinel-per-worker"), 3, 5, "concurrent"))
    seeds = sum(pct(loop2, depth=2, max_schedules=10, seed=seed).found for seed in range(100))
    return {
        "schedules_per_s": round(rate),
        "loop2_first_failure_schedule": found.runs,
        "loop2_first_failure_s": round(found.elapsed_s, 4),
        "stop_3x5_live_schedules": live.schedules,
        "stop_3x5_live_states": live.states,
        "stop_3x5_live_s": round(live.elapsed_s, 3),
        "pct_depth2_seeds_of_100": seeds,
    }


def main() -> None:
    print_figures(measure())


if __name__ == "__main__":
    main()
