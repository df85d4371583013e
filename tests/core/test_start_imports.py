"""What `main.py strategies`, `main.py run` and a spawned worker import (not how long it takes).

The command line loads what a command needs when it runs it: listing the
strategies loads no engine, a run loads no experiment, export, explorer or
loop-file machinery, and a worker loads the worker side only. Each check
runs in a fresh interpreter and looks at sys.modules afterwards.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.engine import run
from core.params import RunParams
from core.strategies import STRATEGIES, Strategy, register_strategy, unregister_strategy
from tests.core.import_probe import MODULES_OUT_ENV, modules_then_stop_recipe

ROOT = Path(__file__).resolve().parents[2]
NEVER_AT_START = ("core.experiment", "core.explorer", "core.export", "core.user_loops", "PySide6")
NOT_TO_LIST = ("core.engine", "core.worker", "core.monitor", "core.diagnosis", "core.result")
# The Redis session, its server and remote workers: only for a run on the redis queue.
REDIS_SIDE = (
    "core.backends.redis_queue",
    "core.backends.redis_server",
    "core.backends.redis_remote",
)


def modules_after(command: list[str]) -> set[str]:
    """The modules a fresh interpreter holds after main.main(command)."""
    code = (
        "import contextlib, io, sys, main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main.main({command!r})\n"
        "assert code == 0, code\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.mark.timeout(60)
def test_listing_strategies_loads_no_engine_and_no_qt() -> None:
    modules = modules_after(["strategies"])
    assert "core.strategies" in modules
    assert loaded(modules, (*NEVER_AT_START, *NOT_TO_LIST, *REDIS_SIDE)) == []


@pytest.mark.timeout(60)
def test_a_run_loads_no_experiment_export_explorer_or_loop_files() -> None:
    modules = modules_after(["run", "--strategy", "sentinel-per-worker", "--items", "5"])
    assert "core.engine" in modules
    assert loaded(modules, (*NEVER_AT_START, *REDIS_SIDE)) == []
    # Step mode's controller and schedule files: only for a run in step mode.
    assert loaded(modules, ("core.stepper", "core.schedule")) == []


@pytest.fixture
def probe_strategy() -> Iterator[Strategy]:
    built_in = STRATEGIES["sentinel-per-worker"]
    probe = Strategy(
        id="test-import-probe",
        title=built_in.title,
        group=built_in.group,
        explanation=built_in.explanation,
        docs_note="",
        expected=built_in.expected,
        expected_outcomes=frozenset({"ok"}),
        loop=modules_then_stop_recipe,
        sentinel="STOP",
        sentinels="per-worker",
    )
    register_strategy(probe)
    yield probe
    unregister_strategy(probe.id)


@pytest.mark.timeout(60)
def test_a_spawned_worker_imports_the_worker_side_only(
    probe_strategy: Strategy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODULES_OUT_ENV, str(tmp_path / "modules"))
    result = run(RunParams(strategy=probe_strategy.id, workers=2, items=10, start_method="spawn"))
    assert result.outcomes == ["ok"], result.diagnosis
    written = sorted(tmp_path.glob("modules.*"))
    assert len(written) == 2
    for path in written:
        modules = set(path.read_text().split())
        assert "core.worker" in modules
        assert loaded(modules, (*NEVER_AT_START, *REDIS_SIDE, "core.engine", "core.cli")) == []
        # Schedule files are the main process's business: the gate needs the op names only.
        # (json is not checked: under pytest a spawned child imports pytest's own main.)
        assert loaded(modules, ("core.schedule",)) == []
        # A built-in loop comes from core.loops: the catalog stays in the main process.
        assert loaded(modules, ("core.strategies", "core.params")) == []
