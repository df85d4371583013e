"""The explorer: the model of a run, its searches, shrinking, and confirmation on real processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core import cli
from core.explorer.confirm import confirm
from core.explorer.model import PRODUCER, ModelRun, Space, Verdict
from core.explorer.search import exhaustive, pct
from core.explorer.shrink import shortest
from core.schedule import load
from core.strategies import get_strategy


def space(strategy: str, workers: int = 2, items: int = 3, producer: str = "prefill") -> Space:
    return Space(get_strategy(strategy), workers, items, producer)


# --- the model -------------------------------------------------------------------


def test_a_blocking_get_on_an_empty_queue_cannot_be_stepped() -> None:
    with ModelRun(get_strategy("sentinel-per-worker"), 2, 1, "concurrent") as run:
        assert run.eligible() == [PRODUCER]  # both workers wait in get()
        assert run.blocked() == [0, 1]
        assert str(run.step(PRODUCER)) == "P q.put(item 0) -> ok"
        assert run.eligible() == [0, 1, PRODUCER]
        assert str(run.step(1)) == "W2 q.get() -> item 0"


def test_get_nowait_answers_empty_only_on_an_empty_queue() -> None:
    with ModelRun(get_strategy("get-nowait"), 1, 1, "concurrent") as run:
        assert run.eligible() == [0, PRODUCER]
        assert str(run.step(0)) == "W1 q.get_nowait() -> Empty"
        assert run.eligible() == [PRODUCER]  # W1 left its loop
        run.step(PRODUCER)
        assert run.verdict() == Verdict(("lost",), (0,))


def test_the_same_steps_give_the_same_run() -> None:
    loop2 = space("seed-while-not-empty")
    first, second = loop2.replay([0, 0, 1, 0, 1]), loop2.replay([0, 0, 1, 0, 1])
    try:
        assert first.steps == second.steps and first.key() == second.key()
    finally:
        first.close()
        second.close()


# --- what it must find -------------------------------------------------------------


def test_loop_2_fails_within_3_schedules_and_shrinks_to_8_steps() -> None:
    loop2 = space("seed-while-not-empty")
    search = exhaustive(loop2)
    assert search.found and search.runs <= 3
    assert search.verdict == Verdict(("deadlock",), ())
    assert search.failing is not None
    steps = shortest(loop2, search.failing, search.verdict)
    assert len(steps) <= 8


def test_the_model_counts_the_measured_schedules_and_states() -> None:
    loop2 = exhaustive(space("seed-while-not-empty"), every_failure=True)
    assert loop2.exhaustive and loop2.schedules == 128
    stop = exhaustive(space("sentinel-per-worker"))
    assert (stop.found, stop.exhaustive, stop.schedules, stop.states) == (False, True, 16, 7)


@pytest.mark.parametrize("workers", [2, 3])
@pytest.mark.parametrize(
    ("strategy", "kinds"),
    [
        ("seed-empty-after-get", {"deadlock", "lost"}),
        ("seed-while-not-empty", {"deadlock"}),
        ("seed-single-sentinel", {"deadlock", "lost"}),
    ],
)
def test_the_posts_loops_deadlock_and_lose_items(
    strategy: str, kinds: set[str], workers: int
) -> None:
    search = exhaustive(space(strategy, workers), every_failure=True)
    assert search.found and search.exhaustive
    assert kinds == {kind for verdict in search.failures for kind in verdict.outcomes}
    assert all(verdict.lost for verdict in search.failures if "lost" in verdict.outcomes)


@pytest.mark.parametrize("workers", [2, 3])
@pytest.mark.parametrize("strategy", ["seed-sentinel-per-worker", "get-nowait", "get-timeout"])
def test_a_concurrent_producer_makes_these_lose_items(strategy: str, workers: int) -> None:
    search = exhaustive(space(strategy, workers, producer="concurrent"))
    assert search.found and search.verdict is not None
    assert "lost" in search.verdict.outcomes and search.verdict.lost


@pytest.mark.parametrize("producer", ["prefill", "concurrent"])
@pytest.mark.parametrize("workers", [2, 3])
@pytest.mark.parametrize(
    "strategy", ["sentinel-per-worker", "sentinel-reput", "joinable-task-done", "stop-event"]
)
def test_the_stop_recipes_never_fail(strategy: str, workers: int, producer: str) -> None:
    search = exhaustive(space(strategy, workers, producer=producer))
    assert search.exhaustive and not search.found and search.schedules >= search.runs > 0


def test_a_preemption_bound_of_0_hides_loop_2s_failure_and_1_finds_it() -> None:
    loop2 = space("seed-while-not-empty")
    unpreempted = exhaustive(loop2, preemptions=0)
    assert unpreempted.exhaustive and not unpreempted.found
    assert exhaustive(loop2, preemptions=1).found


def test_max_schedules_stops_the_search_without_claiming_it_covered_all() -> None:
    search = exhaustive(space("sentinel-per-worker", 3, 3, "concurrent"), max_schedules=2)
    assert not search.found and not search.exhaustive and search.runs == 2


def test_pct_with_depth_2_finds_loop_2_in_10_schedules_for_nearly_every_seed() -> None:
    loop2 = space("seed-while-not-empty")
    found = sum(pct(loop2, depth=2, max_schedules=10, seed=seed).found for seed in range(100))
    assert found >= 99  # the target: 99 of 100 seeds
    assert pct(loop2, depth=2, seed=7).depth == 2


# --- confirmation on real processes, and the command line -------------------------


def test_a_shrunk_loop_1_schedule_is_confirmed_on_real_processes() -> None:
    loop1 = space("seed-empty-after-get")
    search = exhaustive(loop1)
    assert search.failing is not None and search.verdict is not None
    run = loop1.replay(shortest(loop1, search.failing, search.verdict))
    try:
        schedule = run.schedule()
    finally:
        run.close()
    confirmation = confirm(schedule, search.verdict)
    assert confirmation.agreed, confirmation
    assert confirmation.lost == search.verdict.lost


def test_the_cli_finds_writes_and_confirms_and_run_replays_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "found.json"
    args = ["explore", "--strategy", "seed-while-not-empty", "--json", "--out", str(out)]
    assert cli.main([*args, "--workers", "2", "--items", "3"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["found"] is True and found["confirmed"] is True
    assert found["outcomes"] == ["deadlock"] and found["lost"] == []
    assert found["steps"] <= 8 and found["schedules"] <= 3 and not found["exhaustive"]
    assert {"states", "elapsed_s"} <= found.keys()
    assert len(load(out).steps) == found["steps"]
    assert cli.main(["run", "--schedule", str(out), "--json"]) == 0
    replayed = json.loads(capsys.readouterr().out)
    assert replayed["outcomes"] == ["deadlock"] and replayed["schedule"]["diverged"] is None


def test_the_cli_says_when_there_is_no_failing_schedule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "none.json"
    assert cli.main(["explore", "--strategy", "sentinel-per-worker", "--out", str(out)]) == 0
    said = capsys.readouterr().out.strip()
    assert said == "no failing schedule among 16 schedules (all of them, for 2 workers, 3 items)"
    assert not out.exists()
    assert cli.main(["explore", "--strategy", "sentinel-reput", "--json"]) == 0
    none = json.loads(capsys.readouterr().out)
    assert (none["found"], none["exhaustive"]) == (False, True)


@pytest.mark.parametrize(
    "bad",
    [
        ["--strategy", "no-such-loop"],
        ["--strategy", "process-pool-executor"],
        ["--strategy", "pool-imap-unordered"],
        ["--strategy", "sentinel-reput", "--workers", "0"],
        ["--strategy", "sentinel-reput", "--items", "1000"],
        ["--strategy", "sentinel-reput", "--preemptions", "two"],
        ["--strategy", "sentinel-reput", "--mode", "clever"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    bad: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        code = cli.main(["explore", *bad])
        raise SystemExit(code)
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1


def test_a_polling_loop_is_covered_state_by_state_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The drain-then-event loop polls: its schedules are endless, its states are not.
    search = exhaustive(space("stop-event", 2, producer="prefill"))
    assert search.exhaustive and search.cyclic and not search.found
    assert search.schedules == search.runs and search.states > 0
    assert not exhaustive(space("sentinel-per-worker", 2)).cyclic
    assert cli.main(["explore", "--strategy", "stop-event", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["found"], payload["exhaustive"], payload["cyclic"]) == (False, True, True)
    assert cli.main(["explore", "--strategy", "stop-event"]) == 0
    assert "every one of" in capsys.readouterr().out
