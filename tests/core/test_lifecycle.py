"""Cancel, refusal of a second run, and what a spawned worker imports."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from core import Progress, RunInProgress, RunParams, run
from core.control import RunControl
from core.launcher import Launcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("strategy_id", ["sentinel-per-worker", "seed-while-not-empty"])
def test_cancel_mid_run(strategy_id: str) -> None:
    control = RunControl()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        if progress.processed >= 20:
            control.cancel()

    result = run(
        RunParams(strategy=strategy_id, items=5000, workers=3, work_ms=2),
        on_progress=on_progress,
        control=control,
    )
    assert result.outcome == "cancelled"
    assert 20 <= result.processed < 5000
    assert seen and seen[-1].processed >= 20
    assert "cancelled" in result.diagnosis.lower()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("cancelled", [True, False], ids=["cancelled", "not-cancelled"])
def test_a_start_that_fails_after_a_cancel_is_cancelled(
    monkeypatch: pytest.MonkeyPatch, cancelled: bool
) -> None:
    control = RunControl()

    def open_queue_cut_short(launcher: Launcher, on_feeder_error: object) -> None:
        if cancelled:
            control.cancel()  # a Ctrl-C while the Manager starts...
        raise EOFError  # ...and the Manager never answers

    monkeypatch.setattr(Launcher, "open_queue", open_queue_cut_short)
    result = run(RunParams(strategy="seed-empty-after-get", items=100), control=control)
    if cancelled:
        assert result.outcomes == ["cancelled"], result.diagnosis
        assert "EOFError" not in result.diagnosis and "failed" not in result.diagnosis
    else:  # without a cancel, the same failure is the run's crash
        assert result.outcome == "crashed" and "EOFError" in result.diagnosis


@pytest.mark.timeout(60)
def test_progress_streams_every_processed_record_once() -> None:
    streamed: list[int] = []

    def on_progress(progress: Progress) -> None:
        streamed.extend(progress.new_records.item)
        assert progress.processed <= progress.items
        assert len(progress.workers) == 3

    result = run(
        RunParams(strategy="sentinel-per-worker", items=3000, work_ms=0.2), on_progress=on_progress
    )
    assert result.outcome == "ok"
    assert len(streamed) == len(set(streamed))
    assert set(streamed) <= set(range(3000))
    assert len(streamed) > 0


@pytest.mark.timeout(60)
def test_a_second_run_is_refused_while_one_is_going() -> None:
    control = RunControl()
    started = threading.Event()
    outcome: list[str] = []

    def background() -> None:
        result = run(
            RunParams(strategy="sentinel-per-worker", items=2000, work_ms=5),
            on_progress=lambda p: started.set(),
            control=control,
        )
        outcome.append(result.outcome)

    thread = threading.Thread(target=background)
    thread.start()
    try:
        assert started.wait(30)
        with pytest.raises(RunInProgress):
            run(RunParams(strategy="sentinel-per-worker"))
    finally:
        control.cancel()
        thread.join(30)
    assert outcome == ["cancelled"]


@pytest.mark.timeout(60)
def test_core_imports_no_qt() -> None:
    code = (
        "import sys, core, core.engine, core.worker, core.cli, core.strategies\n"
        "qt = ('PySide6', 'shiboken6', 'pyqtgraph', 'gui')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in qt]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.timeout(60)
def test_run_from_a_thread_refuses_fork() -> None:
    from core import ParamError

    errors: list[Exception] = []

    def attempt() -> None:
        try:
            run(RunParams(strategy="sentinel-per-worker", start_method="fork"))
        except ParamError as error:
            errors.append(error)

    # A second thread keeps this process multi-threaded during the attempt.
    keep = threading.Event()
    other = threading.Thread(target=keep.wait)
    other.start()
    try:
        attempt()
    finally:
        keep.set()
        other.join()
    assert errors and "fork" in str(errors[0])
