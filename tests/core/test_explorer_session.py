"""The explorer as the window and the experiment grid use it: progress, cancel, words, column."""

from __future__ import annotations

import csv
import io
import json
import signal
import time

import pytest

from core.control import RunControl
from core.experiment import ExperimentSpec, plan_experiment, spec_from_dict
from core.explorer import grid
from core.explorer.model import Space
from core.explorer.search import exhaustive, pct
from core.explorer.session import ExploreProgress, ExploreRequest, explore
from core.export import CELL_COLUMNS, write_experiment_csv, write_experiment_json
from core.interrupts import exit_code_for
from core.strategies import get_strategy
from tests.core.signal_helpers import catches, end_quietly, send, start_main, wait_until
from tests.fakes import fake_experiment


def loop2(workers: int = 2, items: int = 3) -> Space:
    return Space(get_strategy("seed-while-not-empty"), workers, items)


def test_a_search_reports_each_run_and_stops_when_asked() -> None:
    seen: list[tuple[int, int]] = []
    big = Space(get_strategy("sentinel-per-worker"), 8, 50, "concurrent")
    search = exhaustive(
        big, progress=lambda r, s: seen.append((r, s)), cancelled=lambda: len(seen) >= 5
    )
    assert search.cancelled and not search.found and not search.exhaustive
    assert [runs for runs, _ in seen] == [1, 2, 3, 4, 5] and search.runs == 5
    sampled = pct(big, cancelled=lambda: True)
    assert sampled.cancelled and sampled.runs == 0


def test_without_a_watcher_the_search_is_unchanged() -> None:
    assert exhaustive(loop2()).runs == exhaustive(loop2(), progress=lambda r, s: None).runs


def test_loop_2s_diagnosis_is_built_from_its_steps() -> None:
    updates: list[ExploreProgress] = []
    exploration = explore(ExploreRequest("seed-while-not-empty", 2, 3), updates.append)
    assert exploration.schedule is not None and exploration.blocked == (1,)
    assert updates and updates[-1].schedules == exploration.search.runs
    assert ", ".join(str(s) for s in exploration.diagnosis) == (
        "W2 saw q.empty() → False, W1 took the last item (item 2), W2 blocked in q.get() forever"
    )
    assert exploration.confirmation is not None and exploration.confirmation.agreed


def test_lost_items_and_early_exits_are_said() -> None:
    exploration = explore(ExploreRequest("get-nowait", 2, 3, "concurrent"))
    text = ", ".join(str(s) for s in exploration.diagnosis)
    assert "W1 saw q.get_nowait() → Empty and left its loop" in text
    assert text.endswith("items 0, 1, 2 never processed")


def test_a_cancelled_exploration_confirms_nothing() -> None:
    control = RunControl()
    control.cancel()
    exploration = explore(ExploreRequest("seed-while-not-empty", 2, 3), control=control)
    assert exploration.search.cancelled and exploration.schedule is None
    assert str(exploration.headline()[0]).startswith("cancelled after 0 schedules")


def test_the_explorer_column_per_cell() -> None:
    assert grid.explorer_cell("seed-while-not-empty", 2, 3, "prefill") == "deadlock"
    assert grid.explorer_cell("seed-empty-after-get", 2, 3, "prefill") == "deadlock+lost"
    assert grid.explorer_cell("sentinel-per-worker", 2, 3, "prefill") == grid.NONE
    assert grid.explorer_cell("sentinel-per-worker", 9, 3, "prefill") == grid.TOO_LARGE
    assert grid.explorer_cell("pool-imap-unordered", 9, 3, "prefill") == grid.NOT_EXPLORABLE


def test_the_column_reaches_the_results_and_exports_only_when_asked() -> None:
    spec = ExperimentSpec(
        strategies=("seed-while-not-empty", "sentinel-per-worker"),
        workers=(2,),
        items=(3,),
        trials=1,
    )
    plain = fake_experiment(plan_experiment(spec), [[("ok",)], [("ok",)]])
    text = io.StringIO()
    write_experiment_csv(plain, text)
    assert next(csv.reader(io.StringIO(text.getvalue()))) == list(CELL_COLUMNS)
    assert "explorer" not in plain.to_dict() and "explorer" not in plain.to_dict()["spec"]

    asked = fake_experiment(plan_experiment(spec.replace(explorer=True)), [[("ok",)], [("ok",)]])
    grid.add_explorer_column(asked)
    text = io.StringIO()
    write_experiment_csv(asked, text)
    rows = list(csv.reader(io.StringIO(text.getvalue())))
    assert rows[0] == [*CELL_COLUMNS, "explorer"]
    assert [row[-1] for row in rows[1:]] == ["deadlock", "none"]
    out = io.StringIO()
    write_experiment_json(asked, out)
    data = json.loads(out.getvalue())
    assert data["spec"]["explorer"] is True
    assert [cell["explorer"] for cell in data["cells"]] == ["deadlock", "none"]
    back = type(asked).from_dict(data)
    assert [c.explorer for c in back.cells] == ["deadlock", "none"] and back.spec.explorer


def test_a_spec_says_explorer_true_or_false() -> None:
    assert spec_from_dict({"strategies": "sentinel-per-worker", "explorer": True}).explorer
    try:
        spec_from_dict({"strategies": "sentinel-per-worker", "explorer": "yes"})
    except ValueError as error:
        assert "explorer: expected true or false" in str(error)
    else:
        raise AssertionError("a non-boolean explorer was accepted")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_a_signal_during_a_long_search_ends_it_with_its_exit_code(signum: int) -> None:
    big = ("--strategy", "sentinel-per-worker", "--workers", "8", "--items", "50")
    cli = start_main("explore", *big, "--producer", "concurrent")
    wait_until(lambda: catches(cli.pid, signal.SIGTERM), "main.py has set its handlers")
    time.sleep(1.0)  # into the search (its handlers cancel it between two model runs)
    send(cli, signum, whole_group=False)
    code, out, err = end_quietly(cli)
    assert code == exit_code_for(signum), err
    assert out == "" and "Traceback" not in err
