"""QueueScope's benchmark suite: what its instruments cost, as ratios against baselines.

    python bench/run.py [--quick] [--json] [--results bench/RESULTS.md] [--only SECTION ...]

Every figure is measured in fresh processes, against a baseline measured in
the same run, interleaved (A B, B A, A B, ...), and reported as the median of
the per-pair ratios: the machine is shared and noisy, so absolute times from
different moments do not compare. ``--quick`` (CI) only proves that every
measurement runs; targets are for the full run. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS_BEGIN = "<!-- bench:results:begin -->"
RESULTS_END = "<!-- bench:results:end -->"
PROBE_TIMEOUT_S = 600.0
WORKERS = 3
THROUGHPUT_WORKERS = 2  # the throughput section: 2 workers on 2 cores, as the issue measured
START_METHOD = "spawn"
FIRST_PAINT_ENV = "QUEUESCOPE_EXIT_ON_FIRST_PAINT"  # gui.app.EXIT_ON_FIRST_PAINT_ENV

TARGETS: dict[str, tuple[str, float]] = {
    "overhead_ratio": ("<=", 1.10),
    "best_batched_vs_bare_pools": (">=", 0.90),
    "stop_recipe_process_ratio": ("<=", 1.10),
    "stop_recipe_inprocess_ratio": ("<=", 1.05),
    "imap_unordered_process_ratio": ("<=", 1.15),
    "executor_map_process_ratio": ("<=", 1.15),
    "batched_process_ratio": ("<=", 1.10),
    "gui_max_stall_ms": ("<=", 50.0),
    "rows_1m_rss_mb": ("<=", 150.0),
    "sort_1m_s": ("<=", 0.5),
    "deadlock_proof_s": ("<=", 0.5),
    "cleanup_s": ("<=", 1.0),
    "startup_s": ("<=", 1.5),
}
SECTIONS = ("overhead", "throughput", "queue_kinds", "gui", "deadlock", "startup")


class Plan:
    """Sizes and repetitions: the full run, or --quick (CI: it only has to run)."""

    def __init__(self, quick: bool) -> None:
        self.quick = quick
        # (queue kind, items, pairs): 100k trivial items, as the issue asks.
        self.overhead = (
            [("mp", 10_000, 2), ("manager", 2_000, 1)]
            if quick
            else [
                ("mp", 100_000, 25),
                ("manager", 100_000, 7),
            ]
        )
        self.overhead_progress_pairs = 1 if quick else 15
        # (case, items, lab's `main.py run` arguments, bare script's arguments, pairs):
        # each pair runs both as whole processes; the sizes, --quick runs them small.
        stop_items, pool_items = (20_000, 20_000) if quick else (100_000, 1_000_000)
        self.throughput: list[tuple[str, int, list[str], list[str], int]] = [
            (
                "stop_recipe",
                stop_items,
                _lab("sentinel-per-worker", stop_items, "--queue", "mp"),
                _bare_queue(stop_items),
                1 if quick else 15,
            ),
            (
                "imap_unordered",
                pool_items,
                _lab("pool-imap-unordered", pool_items, "--chunksize", "1000"),
                _bare_pool("imap", pool_items),
                1 if quick else 9,
            ),
            (
                "executor_map",
                pool_items,
                _lab("process-pool-executor", pool_items, "--chunksize", "1000"),
                _bare_pool("executor", pool_items),
                1 if quick else 9,
            ),
            (
                "batched",
                pool_items,
                _lab(
                    "sentinel-per-worker-batched",
                    pool_items,
                    "--queue",
                    "mp",
                    "--batch-size",
                    "1000",
                ),
                _bare_queue(pool_items, "--batch-size", "1000"),
                1 if quick else 11,
            ),
        ]
        scale = 20 if quick else 1
        # (label, strategy, queue kind, chunksize, items): sizes keep each run ~1-3 s.
        self.kinds = [
            ("manager", "sentinel-per-worker", "manager", 1, 40_000 // scale),
            ("mp", "sentinel-per-worker", "mp", 1, 300_000 // scale),
            ("joinable", "sentinel-per-worker", "joinable", 1, 300_000 // scale),
            ("pool-imap-unordered/1", "pool-imap-unordered", None, 1, 100_000 // scale),
            ("pool-imap-unordered/1000", "pool-imap-unordered", None, 1000, 1_000_000 // scale),
            ("process-pool-executor/1", "process-pool-executor", None, 1, 40_000 // scale),
            ("process-pool-executor/1000", "process-pool-executor", None, 1000, 1_000_000 // scale),
        ]
        self.kinds_reps = 1 if quick else 5
        self.raw_items = 200_000 if quick else 2_000_000
        self.gui_items = 50_000 if quick else 1_000_000
        self.gui_reps = 1 if quick else 5
        self.gui_idle_s = 0.5 if quick else 2.0
        self.sort_reps = 2 if quick else 6
        self.deadlock = [("manager", 1)] if quick else [("manager", 9), ("mp", 9)]
        self.startup_pairs = 1 if quick else 11


def _lab(strategy: str, items: int, *extra: str) -> list[str]:
    """`main.py run` of a strategy in the throughput section's shape, printing its JSON."""
    return [
        *("main.py", "run", "--strategy", strategy, "--items", str(items)),
        *("--workers", str(THROUGHPUT_WORKERS), "--start-method", START_METHOD, *extra, "--json"),
    ]


def _bare_queue(items: int, *extra: str) -> list[str]:
    return [
        *("bench/bare_sentinel.py", "--queue", "mp", "--items", str(items)),
        *("--workers", str(THROUGHPUT_WORKERS), "--start-method", START_METHOD, *extra),
    ]


def _bare_pool(pool: str, items: int) -> list[str]:
    return [
        *("bench/bare_pool.py", "--pool", pool, "--items", str(items), "--chunksize", "1000"),
        *("--workers", str(THROUGHPUT_WORKERS), "--start-method", START_METHOD),
    ]


# --- running things --------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = _CONFIG_HOME  # the window's QSettings: never the user's
    env.pop(FIRST_PAINT_ENV, None)
    return env


_CONFIG_HOME = tempfile.mkdtemp(prefix="queuescope-bench-config-")


def run_json(args: Sequence[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a probe (python args...) in ROOT and parse the JSON object it prints last."""
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT_S,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise ProbeError(f"{' '.join(args)} exited {done.returncode}: {' | '.join(tail)}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


class ProbeError(RuntimeError):
    pass


def interleaved(
    baseline: Callable[[], float], subject: Callable[[], float], pairs: int
) -> dict[str, Any]:
    """A B, B A, A B, ...: per-pair ratios subject/baseline and their median."""
    spans = interleaved_spans(lambda: {"s": baseline()}, lambda: {"s": subject()}, pairs)
    return spans["s"]


def interleaved_spans(
    baseline: Callable[[], dict[str, float]],
    subject: Callable[[], dict[str, float]],
    pairs: int,
) -> dict[str, dict[str, Any]]:
    """As interleaved(), for runs that each measure several spans: one comparison a span."""
    a_runs: list[dict[str, float]] = []
    b_runs: list[dict[str, float]] = []
    for pair in range(pairs):
        if pair % 2 == 0:
            a, b = baseline(), subject()
        else:
            b, a = subject(), baseline()
        a_runs.append(a)
        b_runs.append(b)
    return {
        span: _comparison([a[span] for a in a_runs], [b[span] for b in b_runs])
        for span in a_runs[0]
    }


def _comparison(a_values: list[float], b_values: list[float]) -> dict[str, Any]:
    ratios = [b / a for a, b in zip(a_values, b_values, strict=True)]
    return {
        "baseline": statistics.median(a_values),
        "subject": statistics.median(b_values),
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "baseline_values": a_values,
        "subject_values": b_values,
    }


# --- the sections ----------------------------------------------------------------


def bench_overhead(plan: Plan) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, items, pairs in plan.overhead:
        common = ["--queue", kind, "--items", str(items), "--workers", str(WORKERS)]
        common += ["--start-method", START_METHOD]

        def bare(common: list[str] = common) -> float:
            return float(run_json(["bench/bare_sentinel.py", *common])["elapsed_s"])

        def queuescope(common: list[str] = common, progress: bool = False) -> float:
            extra = ["--progress"] if progress else []
            report = run_json(["-m", "bench.probe", "overhead", *common, *extra])
            if report["outcome"] != "ok":
                raise ProbeError(f"QueueScope run ended {report['outcome']}")
            return float(report["elapsed_s"])

        out[kind] = {"items": items, **interleaved(bare, queuescope, pairs)}
        if kind == "mp":
            out["mp_progress"] = {
                "items": items,
                **interleaved(
                    bare, lambda: queuescope(progress=True), plan.overhead_progress_pairs
                ),
            }
    return out


def whole_process(args: Sequence[str]) -> dict[str, float]:
    """One fresh process: its wall time (launch to exit) and the span it measured itself.

    Both commands run with bytecode caches (an installed package has them), as
    bench/start.py runs them: PYTHONDONTWRITEBYTECODE is dropped.
    """
    env = _env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    launched = time.perf_counter()
    report = run_json(args, env)
    process_s = time.perf_counter() - launched
    if report.get("outcome", "ok") != "ok":
        raise ProbeError(f"{' '.join(args)} ended {report['outcome']}")
    return {"process": process_s, "inprocess": float(report["elapsed_s"])}


SPANS = ("process", "inprocess")  # whole_process()'s two measurements


def bench_throughput(plan: Plan) -> dict[str, Any]:
    """The lab's `main.py run` against its bare script, both whole processes, per case."""
    out: dict[str, Any] = {}
    for case, items, lab, bare, pairs in plan.throughput:
        if not plan.quick:  # first runs write the bytecode caches and warm the file cache
            whole_process(bare)
            whole_process(lab)
        spans = interleaved_spans(
            functools.partial(whole_process, bare), functools.partial(whole_process, lab), pairs
        )
        out[case] = {"items": items, "lab": " ".join(lab), "bare": " ".join(bare), **spans}
    return out


def bench_queue_kinds(plan: Plan) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label, *_ in plan.kinds}
    raw: list[float] = []
    serial: list[float] = []
    # The pool machinery alone (no QueueScope), chunksize 1000, as a share of raw-pipe.
    bare_pools: dict[str, list[float]] = {"pool-imap-unordered": [], "process-pool-executor": []}
    for _ in range(plan.kinds_reps):
        raw.append(
            float(
                run_json(["-m", "bench.probe", "raw", "--items", str(plan.raw_items)])[
                    "items_per_s"
                ]
            )
        )
        serial.append(
            float(
                run_json(["-m", "bench.probe", "serial", "--items", str(plan.raw_items)])[
                    "items_per_s"
                ]
            )
        )
        for strategy in ("pool-imap-unordered", "process-pool-executor"):
            args = ["-m", "bench.probe", "bare-pool", "--strategy", strategy, "--chunksize"]
            args += ["1000", "--items", str(plan.raw_items), "--workers", str(WORKERS)]
            report = run_json([*args, "--start-method", START_METHOD])
            bare_pools[strategy].append(float(report["items_per_s"]) / raw[-1])
        for label, strategy, queue, chunksize, items in plan.kinds:
            args = ["-m", "bench.probe", "throughput", "--strategy", strategy]
            args += ["--items", str(items), "--workers", str(WORKERS)]
            args += ["--chunksize", str(chunksize), "--start-method", START_METHOD]
            if queue:
                args += ["--queue", queue]
            report = run_json(args)
            report["raw"] = raw[-1]
            report["serial"] = serial[-1]
            runs[label].append(report)
    kinds: dict[str, Any] = {}
    for label, reports in runs.items():
        rates = [r["items_per_s"] for r in reports]
        kinds[label] = {
            "items_per_s": statistics.median(rates),
            "items_per_s_wall": statistics.median(r["items_per_s_wall"] for r in reports),
            "vs_raw": statistics.median(r["items_per_s"] / r["raw"] for r in reports),
            "vs_serial": statistics.median(r["items_per_s"] / r["serial"] for r in reports),
            "outcomes": sorted({r["outcome"] for r in reports}),
            "error": next((r["error"] for r in reports if r.get("error")), None),
        }
    batched = [label for label in kinds if label.endswith("/1000")]
    bare_pool_vs_raw = {k: statistics.median(v) for k, v in bare_pools.items()}
    best = max(batched, key=lambda label: kinds[label]["vs_raw"])
    return {
        "kinds": kinds,
        "raw_items_per_s": statistics.median(raw),
        "serial_items_per_s": statistics.median(serial),
        "best_batched": best,
        "best_batched_vs_raw": kinds[best]["vs_raw"],
        "bare_pool_vs_raw": bare_pool_vs_raw,
        "best_bare_pool_vs_raw": max(bare_pool_vs_raw.values()),
    }


def bench_gui(plan: Plan) -> dict[str, Any]:
    reports = []
    for _ in range(plan.gui_reps):
        args = ["-m", "bench.gui_probe", "window", "--items", str(plan.gui_items)]
        args += ["--workers", str(WORKERS), "--idle-s", str(plan.gui_idle_s)]
        args += ["--sort-reps", str(plan.sort_reps)]
        reports.append(run_json(args))

    def med(get: Callable[[dict[str, Any]], float]) -> float:
        return statistics.median(get(r) for r in reports)

    def idle_max(r: dict[str, Any]) -> float:
        return float(max(r["idle_before"]["max_ms"], r["idle_after"]["max_ms"]))

    def idle_p99(r: dict[str, Any]) -> float:
        return float(max(r["idle_before"]["p99_ms"], r["idle_after"]["p99_ms"]))

    def worst_sort(r: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        name = max(r["sorts"], key=lambda n: r["sorts"][n]["median_s"])
        return name, r["sorts"][name]

    return {
        "items": plan.gui_items,
        "outcomes": [r["outcome"] for r in reports],
        "max_stall_ms": med(lambda r: r["run"]["max_ms"]),
        "p99_stall_ms": med(lambda r: r["run"]["p99_ms"]),
        "idle_max_ms": med(idle_max),
        "idle_p99_ms": med(idle_p99),
        "max_stall_ratio": med(lambda r: r["run"]["max_ms"] / idle_max(r)),
        "p99_stall_ratio": med(lambda r: r["run"]["p99_ms"] / idle_p99(r)),
        "rss_growth_mb": med(lambda r: r["rss_growth_mb"]),
        "columns_mb": med(lambda r: r["columns_mb"]),
        "rss_ratio": med(lambda r: r["rss_growth_mb"] / r["columns_mb"]),
        "sort_s": med(lambda r: worst_sort(r)[1]["median_s"]),
        "sort_column": worst_sort(reports[0])[0],
        "sort_ratio": med(lambda r: worst_sort(r)[1]["ratio"]),
        "run_s": med(lambda r: r["run_s"]),
        "reports": reports,
    }


def bench_deadlock(plan: Plan) -> dict[str, Any]:
    from core.engine import CONFIRM_S, POLL_S

    out: dict[str, Any] = {}
    for kind, pairs in plan.deadlock:
        common = ["--queue", kind, "--items", "100", "--workers", "4"]
        common += ["--start-method", START_METHOD]
        bare_reports: list[dict[str, Any]] = []
        qs_reports: list[dict[str, Any]] = []
        for pair in range(pairs):
            order = ("bare", "qs") if pair % 2 == 0 else ("qs", "bare")
            for which in order:
                if which == "bare":
                    args = ["bench/bare_deadlock.py", *common]
                    args += ["--poll-s", str(POLL_S), "--confirm-s", str(CONFIRM_S)]
                    bare_reports.append(run_json(args))
                else:
                    qs_reports.append(run_json(["-m", "bench.probe", "deadlock", *common]))
        pairs_of = list(zip(bare_reports, qs_reports, strict=True))
        out[kind] = {
            "pairs": pairs,
            "proof_s": statistics.median(q["proof_s"] for q in qs_reports),
            "bare_proof_s": statistics.median(b["proof_s"] for b in bare_reports),
            "proof_ratio": statistics.median(q["proof_s"] / b["proof_s"] for b, q in pairs_of),
            "cleanup_s": statistics.median(q["cleanup_s"] for q in qs_reports),
            "bare_cleanup_s": statistics.median(b["cleanup_s"] for b in bare_reports),
            "cleanup_ratio": statistics.median(
                q["cleanup_s"] / b["cleanup_s"] for b, q in pairs_of
            ),
            "proof_values": [q["proof_s"] for q in qs_reports],
            "cleanup_values": [q["cleanup_s"] for q in qs_reports],
        }
    return out


def _first_paint(args: Sequence[str], main_py: bool) -> float:
    env = _env()
    if main_py:
        env[FIRST_PAINT_ENV] = "1"
    launched = time.monotonic()
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    for line in done.stdout.splitlines():
        if line.startswith("first-paint "):
            return float(line.split()[1]) - launched
    raise ProbeError(f"{' '.join(args)}: no first paint ({done.stderr.strip()[-200:]})")


def bench_startup(plan: Plan) -> dict[str, Any]:
    return interleaved(
        lambda: _first_paint(["-m", "bench.gui_probe", "bare-window"], main_py=False),
        lambda: _first_paint(["main.py"], main_py=True),
        plan.startup_pairs,
    )


# --- report ----------------------------------------------------------------------


def _git(*args: str) -> str:
    """git's output in ROOT, or "" where there is no git or no repository (a source archive)."""
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "")
    except OSError:
        pass
    memory_gb = 0.0
    try:
        with open("/proc/meminfo") as info:
            memory_gb = (
                int(next(line for line in info if line.startswith("MemTotal")).split()[1]) / 2**20
            )
    except (OSError, StopIteration):
        pass
    versions = {}
    for name in ("PySide6", "numpy", "pyqtgraph"):
        try:
            from importlib.metadata import version

            versions[name] = version(name if name != "PySide6" else "PySide6-Essentials")
        except Exception:
            versions[name] = "?"
    commit = _git("rev-parse", "--short", "HEAD") or "unknown (not a git checkout)"
    dirty = bool(_git("status", "--porcelain", "--", "core", "gui", "bench", "main.py"))
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "load_avg_start": list(os.getloadavg()),
        "versions": versions,
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }


def figures(details: dict[str, Any]) -> dict[str, Any]:
    """The headline figures (the issue's keys) and their ratios against the baselines."""
    out: dict[str, Any] = {}
    ratios: dict[str, float] = {}
    if "overhead" in details:
        o = details["overhead"]
        out["overhead_ratio_mp"] = o["mp"]["ratio"]
        out["overhead_ratio_manager"] = o["manager"]["ratio"]
        out["overhead_ratio"] = max(o["mp"]["ratio"], o["manager"]["ratio"])
        out["overhead_ratio_mp_progress"] = o["mp_progress"]["ratio"]
        ratios["overhead_ratio"] = out["overhead_ratio"]
    for case, spans in details.get("throughput", {}).items():
        for span in SPANS:
            out[f"{case}_{span}_ratio"] = spans[span]["ratio"]
            ratios[f"{case}_{span}_ratio"] = spans[span]["ratio"]
    if "queue_kinds" in details:
        q = details["queue_kinds"]
        kinds = {label: k["items_per_s"] for label, k in q["kinds"].items()}
        kinds["raw-pipe"] = q["raw_items_per_s"]
        kinds["serial"] = q["serial_items_per_s"]
        out["queue_kinds"] = kinds
        out["best_batched_vs_raw"] = q["best_batched_vs_raw"]
        ratios["best_batched_vs_raw"] = q["best_batched_vs_raw"]
        relative = q["best_batched_vs_raw"] / q["best_bare_pool_vs_raw"]
        out["best_batched_vs_bare_pools"] = relative
        ratios["best_batched_vs_bare_pools"] = relative
    if "gui" in details:
        g = details["gui"]
        out["gui_max_stall_ms"] = g["max_stall_ms"]
        out["gui_p99_stall_ms"] = g["p99_stall_ms"]
        out["rows_1m_rss_mb"] = g["rss_growth_mb"]
        out["sort_1m_s"] = g["sort_s"]
        ratios["gui_max_stall_ms"] = g["max_stall_ratio"]
        ratios["gui_p99_stall_ms"] = g["p99_stall_ratio"]
        ratios["rows_1m_rss_mb"] = g["rss_ratio"]
        ratios["sort_1m_s"] = g["sort_ratio"]
    if "deadlock" in details:
        d = details["deadlock"]
        out["deadlock_proof_s"] = max(k["proof_s"] for k in d.values())
        out["cleanup_s"] = max(k["cleanup_s"] for k in d.values())
        ratios["deadlock_proof_s"] = max(k["proof_ratio"] for k in d.values())
        ratios["cleanup_s"] = max(k["cleanup_ratio"] for k in d.values())
    if "startup" in details:
        out["startup_s"] = details["startup"]["subject"]
        ratios["startup_s"] = details["startup"]["ratio"]
    out["ratios"] = ratios
    out["met"] = {
        key: (out[key] <= target if op == "<=" else out[key] >= target)
        for key, (op, target) in TARGETS.items()
        if key in out
    }
    return out


_THE_SAME_RUNS = "the same runs: the lab's JSON `elapsed_s` (ledger created → verdict) vs"
_QUEUE_SPAN = "the bare script's `elapsed_s` (queue created → last worker joined)"
_POOL_SPAN = "the bare script's `elapsed_s` (pool created → its `with` block left)"
_WHOLE = f"whole processes (launch → exit), {THROUGHPUT_WORKERS} workers, spawn"
# What each figure compares, one line each (the results table's "baseline" column);
# the order of the table's rows.
BASELINES = {
    "overhead_ratio": "bench/bare_sentinel.py, same queue kind, workers, start method, items",
    "stop_recipe_process_ratio": "`main.py run` sentinel-per-worker, mp, 100k items vs "
    f"`bench/bare_sentinel.py` the same, {_WHOLE}",
    "stop_recipe_inprocess_ratio": f"{_THE_SAME_RUNS} {_QUEUE_SPAN}",
    "imap_unordered_process_ratio": "`main.py run` pool-imap-unordered, chunksize 1000, 1M items "
    f"vs `bench/bare_pool.py --pool imap` the same, {_WHOLE}",
    "imap_unordered_inprocess_ratio": f"{_THE_SAME_RUNS} {_POOL_SPAN}",
    "executor_map_process_ratio": "`main.py run` process-pool-executor, chunksize 1000, 1M "
    f"items vs `bench/bare_pool.py --pool executor` the same, {_WHOLE}",
    "executor_map_inprocess_ratio": f"{_THE_SAME_RUNS} {_POOL_SPAN}",
    "batched_process_ratio": "`main.py run` sentinel-per-worker-batched, batch_size 1000, mp, "
    f"1M items vs `bench/bare_sentinel.py --batch-size 1000` the same, {_WHOLE}",
    "batched_inprocess_ratio": f"{_THE_SAME_RUNS} {_QUEUE_SPAN}",
    "best_batched_vs_raw": "pickled ints through os.pipe in batches of 1000 (raw-pipe)",
    "best_batched_vs_bare_pools": "`best_batched_vs_raw` / the best share of raw-pipe the same "
    "pools reach without QueueScope (chunksize 1000, pools started, same repetitions)",
    "gui_max_stall_ms": "the same window idle (before and after the run), same timer",
    "gui_p99_stall_ms": "the same window idle (before and after the run), same timer",
    "rows_1m_rss_mb": "the bytes of the table's numpy columns",
    "sort_1m_s": "numpy stable argsort of the same key column",
    "deadlock_proof_s": "bench/bare_deadlock.py: the same proof with nothing else running",
    "cleanup_s": "bench/bare_deadlock.py: Pool.terminate + Manager.shutdown, or Process.terminate",
    "startup_s": "a bare PySide6 QMainWindow to its first paint",
}
UNITS = {
    "gui_max_stall_ms": " ms",
    "gui_p99_stall_ms": " ms",
    "rows_1m_rss_mb": " MB",
    "sort_1m_s": " s",
    "deadlock_proof_s": " s",
    "cleanup_s": " s",
    "startup_s": " s",
}


def _gui_paragraph(g: dict[str, Any]) -> str:
    return (
        f"Window ({g['items']:,} items, sentinel-per-worker, mp, {WORKERS} workers, spawn; "
        f"median of {len(g['reports'])} processes): run {g['run_s']:.1f} s, event-loop gaps "
        f"max {_fmt(g['max_stall_ms'])} ms / p99 {_fmt(g['p99_stall_ms'])} ms against idle "
        f"max {_fmt(g['idle_max_ms'])} ms / p99 {_fmt(g['idle_p99_ms'])} ms; RSS +"
        f"{_fmt(g['rss_growth_mb'])} MB holding the rows (numpy columns "
        f"{_fmt(g['columns_mb'])} MB); slowest sort: {g['sort_column']} "
        f"{_fmt(g['sort_s'])} s."
    )


def _overhead_paragraph(o: dict[str, Any]) -> str:
    return (
        f"`overhead_ratio` is the worse of mp ({_pairs(o['mp'])}) and Manager "
        f"({_pairs(o['manager'])}). With a progress callback that reads every "
        f"snapshot's records (the window's path), mp: {_fmt(o['mp_progress']['ratio'])}."
    )


def _throughput_paragraph(t: dict[str, Any]) -> str:
    parts = [
        f"{case} ({spans['items']:,} items): whole process {_pairs(spans['process'])}; "
        f"in-process {_pairs(spans['inprocess'])}"
        for case, spans in t.items()
    ]
    return (
        "Throughput (lab `main.py run` vs its bare script, interleaved; "
        "the lab's time first): " + "; ".join(parts) + "."
    )


def _pairs(comparison: dict[str, Any]) -> str:
    """ "1.09: 1.2 s vs 1.1 s, 5 pairs": a median ratio and what it came from."""
    return (
        f"{_fmt(comparison['ratio'])}: {_fmt(comparison['subject'])} s vs "
        f"{_fmt(comparison['baseline'])} s, {len(comparison['ratios'])} pairs"
    )


def _fmt(value: float) -> str:
    if value >= 10_000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def table(report: dict[str, Any]) -> str:
    f = report["figures"]
    rows = [("figure", "value", "vs baseline", "target", "met")]
    for key in BASELINES:
        if key not in f:
            continue
        unit = UNITS.get(key, "")
        target = TARGETS.get(key)
        met = f["met"].get(key)
        rows.append(
            (
                key,
                _fmt(f[key]) + unit,
                f"x{_fmt(f['ratios'][key])}" if key in f["ratios"] else "",
                f"{target[0]} {_fmt(target[1])}{unit}" if target else "report",
                "" if met is None else ("yes" if met else "NO"),
            )
        )
    for extra in ("overhead_ratio_mp", "overhead_ratio_manager", "overhead_ratio_mp_progress"):
        if extra in f:
            rows.append((f"  {extra}", _fmt(f[extra]), "", "", ""))
    lines = _columns(rows)
    if "queue_kinds" in f:
        q = report["details"]["queue_kinds"]
        lines.append("")
        kind_rows = [("queue kind (QueueScope run)", "items/s", "vs raw-pipe", "vs serial", "")]
        for label, k in q["kinds"].items():
            note = "" if k["outcomes"] == ["ok"] else f"{'/'.join(k['outcomes'])}: {k['error']}"
            kind_rows.append(
                (label, _fmt(k["items_per_s"]), _fmt(k["vs_raw"]), _fmt(k["vs_serial"]), note)
            )
        kind_rows.append(("raw-pipe (batches of 1000)", _fmt(q["raw_items_per_s"]), "1", "", ""))
        kind_rows.append(("serial", _fmt(q["serial_items_per_s"]), "", "1", ""))
        lines += _columns(kind_rows)
    return "\n".join(lines)


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def markdown(report: dict[str, Any]) -> str:
    f = report["figures"]
    m = report["machine"]
    out = [
        RESULTS_BEGIN,
        f"Run {report['started']} ({'quick' if report['quick'] else 'full'}, "
        f"{report['duration_s']:.0f} s), commit {m['commit']}.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['platform']}, "
        f"Python {m['python']}, PySide6-Essentials {m['versions']['PySide6']}, "
        f"numpy {m['versions']['numpy']}, pyqtgraph {m['versions']['pyqtgraph']}; "
        f"load average {m['load_avg_start'][0]:.2f} at the start, "
        f"{report['load_avg_end'][0]:.2f} at the end.",
        "",
        "| figure | value | ratio vs baseline | baseline | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for key in BASELINES:
        if key not in f:
            continue
        unit = UNITS.get(key, "")
        target = TARGETS.get(key)
        met = f["met"].get(key)
        out.append(
            f"| `{key}` | {_fmt(f[key])}{unit} | "
            f"{_fmt(f['ratios'][key]) if key in f['ratios'] else ''} | {BASELINES[key]} | "
            f"{(target[0] + ' ' + _fmt(target[1]) + unit) if target else 'report'} | "
            f"{'' if met is None else ('yes' if met else '**no**')} |"
        )
    if "overhead" in report["details"]:
        out += ["", _overhead_paragraph(report["details"]["overhead"])]
    if "throughput" in report["details"]:
        out += ["", _throughput_paragraph(report["details"]["throughput"])]
    if "queue_kinds" in report["details"]:
        q = report["details"]["queue_kinds"]
        out += [
            "",
            "| path (QueueScope run, 3 workers, spawn) | items/s (steady) | items/s (whole run) "
            "| vs raw-pipe | vs serial | outcome |",
            "|---|---|---|---|---|---|",
        ]
        for label, k in q["kinds"].items():
            outcome = "/".join(k["outcomes"]) + (f": {k['error'][0]}" if k["error"] else "")
            out.append(
                f"| {label} | {_fmt(k['items_per_s'])} | {_fmt(k['items_per_s_wall'])} | "
                f"{k['vs_raw']:.3f} | {k['vs_serial']:.4f} | {outcome} |"
            )
        out.append(
            f"| raw-pipe (1 reader, batches of 1000) | {_fmt(q['raw_items_per_s'])} | | 1 | | |"
        )
        out.append(f"| serial | {_fmt(q['serial_items_per_s'])} | | | 1 | |")
        bare = q["bare_pool_vs_raw"]
        out += [
            "",
            "Without QueueScope, the same pools with chunksize 1000 reach "
            + " and ".join(f"{share:.3f} of raw-pipe ({kind})" for kind, share in bare.items())
            + f"; QueueScope's best ({q['best_batched']}) reaches {q['best_batched_vs_raw']:.3f}, "
            f"{f['best_batched_vs_bare_pools']:.2f} of the best of them.",
        ]
    if "gui" in report["details"]:
        out += ["", _gui_paragraph(report["details"]["gui"])]
    if "deadlock" in report["details"]:
        parts = []
        for kind, d in report["details"]["deadlock"].items():
            parts.append(
                f"{kind}: proof {_fmt(d['proof_s'])} s (bare {_fmt(d['bare_proof_s'])} s), "
                f"cleanup {_fmt(d['cleanup_s'])} s (bare {_fmt(d['bare_cleanup_s'])} s)"
            )
        out += ["", "Deadlock (post's loop 3, 4 workers, 100 items): " + "; ".join(parts) + "."]
    if report["errors"]:
        out += ["", "Errors: " + "; ".join(report["errors"])]
    out.append(RESULTS_END)
    return "\n".join(out)


def write_results(path: Path, block: str) -> None:
    text = path.read_text() if path.exists() else ""
    if RESULTS_BEGIN in text and RESULTS_END in text:
        head, rest = text.split(RESULTS_BEGIN, 1)
        tail = rest.split(RESULTS_END, 1)[1]
        text = head + block + tail
    else:
        text = (text.rstrip() + "\n\n" if text else "# Benchmark results\n\n") + block + "\n"
    path.write_text(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small and fast (CI): only runs")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument(
        "--results", metavar="FILE.md", help="write the results block into this markdown file"
    )
    args = parser.parse_args(argv)
    plan = Plan(args.quick)
    started = time.monotonic()
    report: dict[str, Any] = {
        "quick": args.quick,
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "details": {},
        "errors": [],
    }
    benches: dict[str, Callable[[Plan], dict[str, Any]]] = {
        "overhead": bench_overhead,
        "throughput": bench_throughput,
        "queue_kinds": bench_queue_kinds,
        "gui": bench_gui,
        "deadlock": bench_deadlock,
        "startup": bench_startup,
    }
    for name in args.only or SECTIONS:
        section_started = time.monotonic()
        try:
            report["details"][name] = benches[name](plan)
        except (ProbeError, subprocess.TimeoutExpired) as error:
            report["errors"].append(f"{name}: {error}")
        if not args.json:
            print(f"[{name}: {time.monotonic() - section_started:.0f} s]", file=sys.stderr)
    report["duration_s"] = time.monotonic() - started
    report["load_avg_end"] = list(os.getloadavg())
    report["figures"] = figures(report["details"])
    if args.json:
        print(json.dumps({**report["figures"], "report": report}))
    else:
        print(table(report))
        for message in report["errors"]:
            print(f"error: {message}")
    if args.results:
        write_results(Path(args.results), markdown(report))
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
