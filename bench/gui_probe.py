"""Window measurements, each in a fresh offscreen process that bench/run.py starts.

``python -m bench.gui_probe window --items N``: shows gui.MainWindow, runs N
items through it (the Start button's path), and prints one JSON object with
the event loop's gaps (a 10 ms precise timer) while idle before the run, during
it and idle after it, the RSS growth of holding the result, and the time of
sorting the table by a few columns against numpy's argsort of the same key.

``python -m bench.gui_probe bare-window``: the baseline of startup_s, a bare
QMainWindow that prints ``first-paint <time.monotonic()>`` at its first paint.

Qt is imported inside the functions only: spawned workers re-import this
module as their main module and must not load Qt.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import statistics
import tempfile
import time
from typing import Any

TICK_MS = 10
SORT_COLUMNS = ("processing_ms", "t_take", "worker", "status")


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def gap_stats(gaps_ms: list[float]) -> dict[str, float]:
    if not gaps_ms:
        return {"max_ms": float("nan"), "p99_ms": float("nan"), "ticks": 0}
    ordered = sorted(gaps_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"max_ms": ordered[-1], "p99_ms": p99, "ticks": len(ordered)}


def window_probe(items: int, workers: int, idle_s: float, sort_reps: int) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from core.params import RunParams
    from gui.main_window import MainWindow
    from gui.results_model import _COLUMN_FIELDS

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    settings_dir = tempfile.mkdtemp(prefix="queuescope-bench-")
    settings = QSettings(os.path.join(settings_dir, "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.show()
    QTest.qWaitForWindowExposed(window)

    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()

    def gaps_between(start: float, end: float) -> list[float]:
        inside = [t for t in ticks if start <= t <= end]
        return [(b - a) * 1000.0 for a, b in itertools.pairwise(inside)]

    def idle(seconds: float) -> list[float]:
        start = time.perf_counter()
        QTest.qWait(int(seconds * 1000))
        return gaps_between(start, time.perf_counter())

    QTest.qWait(300)  # first paints, lazy initialisation
    idle_before = idle(idle_s)
    gc.collect()
    rss_before = rss_mb()

    params = RunParams(
        strategy="sentinel-per-worker",
        items=items,
        workers=workers,
        queue_kind="mp",
        start_method="spawn",
    )
    window.params_panel.set_params(params)
    ended: list[Any] = []
    loop = QEventLoop()

    def on_end(result: Any) -> None:
        ended.append(result)
        loop.quit()

    window.runEnded.connect(on_end)
    window.controller.errored.connect(on_end)
    run_start = time.perf_counter()
    QTimer.singleShot(0, window.start_run)
    QTimer.singleShot(600_000, loop.quit)  # a bound, never the expected path
    loop.exec()
    run_done = time.perf_counter()
    QTest.qWait(500)  # the verdict's repaint and anything queued after it
    run_gaps = gaps_between(run_start, time.perf_counter())
    result = ended[0] if ended else None
    if result is None or isinstance(result, str):
        raise SystemExit(f"the run through the window failed: {result!r}")

    idle_after = idle(idle_s)
    gc.collect()
    rss_after = rss_mb()
    rows = window.model.rowCount()

    # Sorting: the header's path (sortByColumn) against numpy's stable argsort of
    # the same key column, interleaved; ascending and descending alternate.
    sorts: dict[str, dict[str, Any]] = {}
    model = window.model
    for name in SORT_COLUMNS:
        column = _COLUMN_FIELDS.index(name)
        values = model._columns.column(name)
        keys = values if values.dtype.kind == "f" else values.astype(np.int64)
        subject: list[float] = []
        baseline: list[float] = []
        for rep in range(sort_reps):
            descending = rep % 2 == 1
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            start = time.perf_counter()
            np.argsort(-keys if descending else keys, kind="stable")
            baseline.append(time.perf_counter() - start)
            start = time.perf_counter()
            window.table.sortByColumn(column, order)
            app.processEvents()
            subject.append(time.perf_counter() - start)
        sorts[name] = {
            "subject_s": subject,
            "baseline_s": baseline,
            "median_s": statistics.median(subject),
            "ratio": statistics.median(s / b for s, b in zip(subject, baseline, strict=True)),
        }
    timer.stop()
    window.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    columns_mb = sum(model._columns.column(n).nbytes for n in model._columns.DTYPES) / 2**20
    window.shutdown()
    window.close()
    window.deleteLater()
    app.processEvents()
    return {
        "items": items,
        "workers": workers,
        "outcome": result.outcome,
        "run_s": run_done - run_start,
        "run_elapsed_s": result.elapsed_s,
        "rows": rows,
        "idle_before": gap_stats(idle_before),
        "run": gap_stats(run_gaps),
        "idle_after": gap_stats(idle_after),
        "rss_before_mb": rss_before,
        "rss_after_mb": rss_after,
        "rss_growth_mb": rss_after - rss_before,
        "columns_mb": columns_mb,
        "sorts": sorts,
    }


def bare_window() -> None:
    """The startup baseline: QApplication + an empty QMainWindow, to its first paint."""
    import sys

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setCentralWidget(QLabel("bare"))
    window.resize(1400, 900)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget)
                and watched.window() is window
            ):
                print(f"first-paint {time.monotonic():.6f}", flush=True)
                app.removeEventFilter(self)
                QTimer.singleShot(0, window.close)
            return False

    first_paint = FirstPaint()
    app.installEventFilter(first_paint)
    window.show()
    app.exec()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("window", "bare-window"))
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--idle-s", type=float, default=2.0)
    parser.add_argument("--sort-reps", type=int, default=4)
    args = parser.parse_args()
    if args.mode == "bare-window":
        bare_window()
        return
    report = window_probe(args.items, args.workers, args.idle_s, args.sort_reps)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
