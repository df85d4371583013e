"""The benchmark suite runs (CI): `bench/run.py --quick --json` prints every figure.

Benchmarks are not tests: nothing here checks a timing against a target,
only that each measurement ran and produced a number.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIGURES = (
    "overhead_ratio",
    "overhead_ratio_mp",
    "overhead_ratio_manager",
    "stop_recipe_process_ratio",
    "stop_recipe_inprocess_ratio",
    "imap_unordered_process_ratio",
    "imap_unordered_inprocess_ratio",
    "executor_map_process_ratio",
    "executor_map_inprocess_ratio",
    "batched_process_ratio",
    "batched_inprocess_ratio",
    "best_batched_vs_raw",
    "best_batched_vs_bare_pools",
    "gui_max_stall_ms",
    "gui_p99_stall_ms",
    "rows_1m_rss_mb",
    "sort_1m_s",
    "deadlock_proof_s",
    "cleanup_s",
    "startup_s",
)
QUEUE_KINDS = (
    "manager",
    "mp",
    "joinable",
    "pool-imap-unordered/1",
    "pool-imap-unordered/1000",
    "process-pool-executor/1",
    "process-pool-executor/1000",
    "raw-pipe",
    "serial",
)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@pytest.mark.timeout(170)
def test_quick_benchmark_reports_every_figure() -> None:
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=160,
    )
    assert done.returncode == 0, done.stderr[-2000:] or done.stdout[-2000:]
    report = json.loads(done.stdout)
    for key in FIGURES:
        assert is_number(report.get(key)), f"{key}: {report.get(key)!r}"
    kinds = report["queue_kinds"]
    for label in QUEUE_KINDS:
        assert is_number(kinds.get(label)), f"queue_kinds[{label!r}]: {kinds.get(label)!r}"
    for key, ratio in report["ratios"].items():
        assert is_number(ratio) and ratio > 0, f"ratio {key}: {ratio!r}"
