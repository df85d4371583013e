"""Step mode's cost: one gated step, and a 40-step replay from start to verdict.

    .venv/bin/python bench/step.py [--json]

A schedule of the docs' STOP recipe with one worker takes item after item
(`W1 q.get() -> item i`, then its STOP). One step's cost is the time from
the first step recorded to the last, per step, in a 240-step replay: the
controller's wait for the worker's arrival, the release, the operation and
the report back. The ungated cost of the same get() (~20 us on an mp queue)
is inside that figure, so it is an upper bound of the gate's own cost.
Targets: a step <= 2 ms on Manager queues, <= 1 ms on mp queues; a 40-step
replay < 1.5 s with spawn. Each figure is the median of a few tries.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import print_figures
from core.control import RunControl
from core.engine import run
from core.params import RunParams
from core.schedule import Step, StepControl

TRIES = 5
SHORT, LONG = 39, 239  # items; one more step for the STOP


class _Timed(StepControl):
    """Notes when each step was recorded."""

    def __init__(self, replay: tuple[Step, ...]) -> None:
        super().__init__(replay=replay)
        self.times: list[float] = []

    def record(self, step: Step) -> None:
        self.times.append(time.perf_counter())
        super().record(step)


def replay_s(queue: str, items: int) -> tuple[float, float]:
    """(start to verdict, seconds per step)"""
    steps = (*(Step("W1", "get", f"item {i}") for i in range(items)), Step("W1", "get", "'STOP'"))
    stepping = _Timed(steps)
    params = RunParams(strategy="sentinel-per-worker", workers=1, items=items, queue_kind=queue)
    start = time.monotonic()
    result = run(params, control=RunControl(stepping))
    elapsed = time.monotonic() - start
    if stepping.divergence is not None or result.outcome != "ok":
        raise SystemExit(f"replay failed: {stepping.divergence} {result.outcome}")
    return elapsed, (stepping.times[-1] - stepping.times[0]) / (len(stepping.times) - 1)


def main() -> None:
    figures: dict[str, float] = {}
    for queue in ("manager", "mp"):
        short = [replay_s(queue, SHORT)[0] for _ in range(TRIES)]
        per_step = [replay_s(queue, LONG)[1] for _ in range(TRIES)]
        figures[f"step_ms_{queue}"] = round(statistics.median(per_step) * 1000, 3)
        figures[f"replay_40_steps_s_{queue}"] = round(statistics.median(short), 3)
    print_figures(figures)


if __name__ == "__main__":
    main()
