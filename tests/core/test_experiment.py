"""Experiments: specs, plans, seeds, Wilson intervals, and real grids of real runs."""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from core import RunControl, RunInProgress, RunParams, run
from core.engine import exclusive_runs
from core.experiment import (
    COUNTED_OUTCOMES,
    Cell,
    CellResult,
    ExperimentProgress,
    ExperimentSpec,
    ExperimentSpecError,
    TrialSummary,
    dump_spec,
    load_spec,
    parse_spec,
    plan_experiment,
    run_experiment,
    save_spec,
    spec_from_dict,
    trial_seed,
    wilson_interval,
)

# Every test is bounded; the real-run tests set their own, longer, bound.
pytestmark = pytest.mark.timeout(60)

# forkserver is the fastest start method once its server is up; 2 workers fit 2 cores.
SMALL = {"start_methods": ["forkserver"], "queue_kinds": ["mp"], "workers": [2], "items": [30]}


# --- Wilson score interval ------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (0, 20, 0.0, 0.16113),
        (20, 20, 0.83887, 1.0),
        (10, 20, 0.29930, 0.70070),
        (1, 10, 0.01788, 0.40415),
        (5, 100, 0.02154, 0.11175),
        (0, 1, 0.0, 0.79345),
    ],
)
def test_wilson_interval_known_values(successes: int, n: int, low: float, high: float) -> None:
    got_low, got_high = wilson_interval(successes, n)
    assert got_low == pytest.approx(low, abs=1e-5)
    assert got_high == pytest.approx(high, abs=1e-5)


def test_wilson_interval_properties() -> None:
    for n in (1, 2, 7, 20, 100, 1000):
        previous_low = -1.0
        for k in range(n + 1):
            low, high = wilson_interval(k, n)
            assert 0.0 <= low <= k / n <= high <= 1.0
            assert low < high
            assert low >= previous_low  # more successes never lower the bound
            previous_low = low
            # Symmetric: the interval of the failures mirrors that of the successes.
            mirror_low, mirror_high = wilson_interval(n - k, n)
            assert mirror_low == pytest.approx(1 - high, abs=1e-12)
            assert mirror_high == pytest.approx(1 - low, abs=1e-12)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    # More trials, narrower interval at the same rate.
    assert wilson_interval(50, 100)[1] - wilson_interval(50, 100)[0] < (
        wilson_interval(10, 20)[1] - wilson_interval(10, 20)[0]
    )
    for bad in ((-1, 5), (6, 5), (0, -1)):
        with pytest.raises(ValueError):
            wilson_interval(*bad)


# --- cell statistics (no processes) ---------------------------------------------


def _trial(trial: int, outcomes: tuple[str, ...], elapsed: float, processed: int) -> TrialSummary:
    return TrialSummary(
        cell=0,
        trial=trial,
        seed=trial,
        outcome=outcomes[0],
        outcomes=outcomes,
        items=100,
        processed=processed,
        lost=100 - processed,
        duplicated=0,
        elapsed_s=elapsed,
        diagnosis="",
    )


def _cell() -> Cell:
    return plan_experiment(ExperimentSpec(strategies=("seed-empty-after-get",))).cells[0]


def test_rates_are_per_flag_and_headline_counts_add_up() -> None:
    result = CellResult(
        _cell(),
        [
            _trial(0, ("deadlock", "lost"), 0.2, 99),
            _trial(1, ("lost",), 0.1, 98),
            _trial(2, ("ok",), 0.4, 100),
            _trial(3, ("deadlock", "lost"), 0.3, 99),
        ],
    )
    counts = result.counts()
    assert list(counts) == list(COUNTED_OUTCOMES)
    assert counts == {
        "ok": 1,
        "deadlock": 2,
        "stalled": 0,
        "lost": 3,
        "duplicated": 0,
        "crashed": 0,
    }
    headline = result.headline_counts()
    assert headline["deadlock"] == 2 and headline["lost"] == 1 and headline["ok"] == 1
    assert sum(headline.values()) == result.n == 4
    rates = result.rates()
    assert rates["lost"].rate == pytest.approx(0.75)
    assert (rates["lost"].low, rates["lost"].high) == wilson_interval(3, 4)
    assert rates["stalled"].rate == 0.0 and rates["stalled"].low == 0.0
    assert result.median_elapsed_s == pytest.approx(0.25)
    assert result.elapsed() == {"median": pytest.approx(0.25), "min": 0.1, "max": 0.4}
    assert result.median_items_per_s == pytest.approx((99 / 0.2 + 99 / 0.3) / 2)
    data = result.to_dict()
    assert data["trials"] == 4 and len(data["runs"]) == 4
    assert data["rates"]["ok"] == {
        "count": 1,
        "n": 4,
        "rate": 0.25,
        "low": round(wilson_interval(1, 4)[0], 6),
        "high": round(wilson_interval(1, 4)[1], 6),
    }
    empty = CellResult(_cell())
    assert empty.rates()["ok"].rate is None and empty.median_elapsed_s is None
    assert empty.to_dict()["rates"]["ok"]["rate"] is None


# --- plans and seeds --------------------------------------------------------------


def test_plan_skips_unsupported_queue_kinds_and_pools_ignore_the_axis() -> None:
    spec = ExperimentSpec(
        strategies=("sentinel-per-worker", "joinable-task-done", "pool-imap-unordered"),
        queue_kinds=("mp", "manager"),
        workers=(2, 4),
        trials=3,
    )
    plan = plan_experiment(spec)
    coordinates = [
        (c.coordinates.strategy, c.coordinates.queue_kind, c.coordinates.workers)
        for c in plan.cells
    ]
    assert coordinates == [
        ("sentinel-per-worker", "mp", 2),
        ("sentinel-per-worker", "mp", 4),
        ("sentinel-per-worker", "manager", 2),
        ("sentinel-per-worker", "manager", 4),
        ("joinable-task-done", "manager", 2),
        ("joinable-task-done", "manager", 4),
        ("pool-imap-unordered", "pool", 2),
        ("pool-imap-unordered", "pool", 4),
    ]
    assert [c.index for c in plan.cells] == list(range(8))
    assert [(s.strategy, s.queue_kind) for s in plan.skipped] == [("joinable-task-done", "mp")]
    assert "does not support queue kind 'mp'" in plan.skipped[0].reason
    assert any("pool-imap-unordered" in note for note in plan.notes)
    assert plan.total_trials == 8 * 3
    pool = plan.cells[-1].params
    assert pool.queue_kind is None  # the pool strategies take no queue kind
    # "default" resolves to the strategy's own kind, and duplicates collapse into one cell.
    plan = plan_experiment(
        ExperimentSpec(strategies=("sentinel-per-worker",), queue_kinds=("default", "mp"))
    )
    assert [c.coordinates.queue_kind for c in plan.cells] == ["mp"]


def test_a_strategy_with_no_supported_queue_kind_is_rejected() -> None:
    with pytest.raises(ExperimentSpecError, match="supports none of the queue kinds"):
        plan_experiment(ExperimentSpec(strategies=("joinable-task-done",), queue_kinds=("mp",)))


def test_oversubscription_is_noted() -> None:
    plan = plan_experiment(
        ExperimentSpec(strategies=("sentinel-per-worker",), workers=(64,), parallel=4)
    )
    assert any("oversubscribed" in note for note in plan.notes)


def test_seeds_are_deterministic_and_distinct() -> None:
    spec = ExperimentSpec(
        strategies=("sentinel-per-worker", "seed-empty-after-get"),
        workers=(2, 3),
        items=(10, 20),
        start_methods=("spawn", "forkserver"),
        trials=5,
        seed=7,
    )
    plan = plan_experiment(spec)
    seeds = [plan.trial_seed(c, t) for c, t in plan.order()]
    assert seeds == [plan_experiment(spec).trial_seed(c, t) for c, t in plan.order()]
    assert len(set(seeds)) == len(seeds) == 16 * 5
    assert all(0 <= s < 2**48 for s in seeds)
    # Trial params carry the seed; nothing else changes between a cell's trials.
    first, second = plan.trial_params(0, 0), plan.trial_params(0, 1)
    assert first.seed == plan.trial_seed(0, 0) and first.replace(seed=0) == second.replace(seed=0)
    # Another base seed gives other seeds.
    other = plan_experiment(spec.replace(seed=8))
    assert not set(seeds) & {other.trial_seed(c, t) for c, t in other.order()}
    # A cell's seeds do not depend on the rest of the grid or its place in it.
    alone = plan_experiment(
        spec.replace(strategies=("seed-empty-after-get",), workers=(3,), items=(20,))
    )
    twin = next(c for c in plan.cells if c.key == alone.cells[0].key)
    assert [alone.trial_seed(0, t) for t in range(5)] == [
        plan.trial_seed(twin.index, t) for t in range(5)
    ]
    # Pinned: saved experiments must keep reproducing their seeds.
    cell = plan_experiment(
        ExperimentSpec(strategies=("sentinel-per-worker",), workers=(2,), queue_kinds=("mp",))
    ).cells[0]
    assert trial_seed(0, cell, 0) == 200500889484977


# --- specs --------------------------------------------------------------------


def test_spec_json_round_trip(tmp_path: Path) -> None:
    spec = spec_from_dict(
        {
            "strategies": ["sentinel-per-worker", "seed-empty-after-get"],
            "workers": [2, 4],
            "items": 100,  # one value for an axis is fine
            "start_methods": ["spawn", "forkserver"],
            "queue_kinds": ["mp", "manager"],
            "trials": 7,
            "work_ms": 1,
            "seed": 42,
            "parallel": 2,
            "rate": None,
        }
    )
    assert spec.items == (100,) and spec.work_ms == 1.0 and isinstance(spec.work_ms, float)
    path = tmp_path / "spec.json"
    save_spec(spec, path)
    assert load_spec(path) == spec
    assert json.loads(path.read_text())["version"] == 1
    assert parse_spec(dump_spec(spec)) == spec


def test_spec_toml_written_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_text(
        "# a hand-written experiment\n"
        'strategies = ["sentinel-per-worker", "seed-while-not-empty"]\n'
        "workers = [2, 3]\n"
        "items = 200\n"
        'start_methods = "forkserver"\n'
        "trials = 30\n"
        "work_ms = 0.5\n",
        encoding="utf-8",
    )
    spec = load_spec(path)
    assert spec.strategies == ("sentinel-per-worker", "seed-while-not-empty")
    assert spec.workers == (2, 3) and spec.items == (200,) and spec.trials == 30
    assert spec.start_methods == ("forkserver",) and spec.work_ms == 0.5


def test_duplicate_axis_values_are_dropped() -> None:
    spec = spec_from_dict({"strategies": ["get-timeout", "get-timeout"], "workers": [2, 2, 3]})
    assert spec.strategies == ("get-timeout",) and spec.workers == (2, 3)


MALFORMED: list[tuple[str, str, str]] = [
    # (spec text, format, what the message must say)
    ('{"strategies": "sentinel-per-worker", "trails": 5}', "json", "did you mean 'trials'"),
    ('{"strategies": "sentinel-per-worker", "colour": 5}', "json", "unknown key 'colour'"),
    ('{"strategies": "no-such-loop"}', "json", "unknown strategy 'no-such-loop'"),
    ('{"strategies": ["sentinel-per-workers"]}', "json", "did you mean 'sentinel-per-worker'"),
    ('{"strategies": []}', "json", "strategies: the list is empty"),
    ('{"workers": [2]}', "json", "missing key 'strategies'"),
    ('{"strategies": 5}', "json", "strategies: expected a string"),
    ('{"strategies": "get-timeout", "workers": "four"}', "json", "workers: expected an integer"),
    ('{"strategies": "get-timeout", "workers": [2, true]}', "json", "expected an integer"),
    ('{"strategies": "get-timeout", "workers": 2.5}', "json", "workers: expected an integer"),
    ('{"strategies": "get-timeout", "workers": 0}', "json", "workers must be between 1 and"),
    ('{"strategies": "get-timeout", "workers": 257}', "json", "workers must be between 1 and"),
    ('{"strategies": "get-timeout", "items": -1}', "json", "items must be between 0 and"),
    ('{"strategies": "get-timeout", "trials": 0}', "json", "trials must be between 1 and 10,000"),
    ('{"strategies": "get-timeout", "trials": 10001}', "json", "trials must be between 1"),
    ('{"strategies": "get-timeout", "parallel": 0}', "json", "parallel must be between 1 and 64"),
    ('{"strategies": "get-timeout", "work_ms": -1}', "json", "work_ms must be >= 0"),
    ('{"strategies": "get-timeout", "work_ms": NaN}', "json", "work_ms: expected a finite"),
    ('{"strategies": "get-timeout", "watchdog_s": 0}', "json", "watchdog_s must be > 0"),
    ('{"strategies": "get-timeout", "seed": -3}', "json", "seed must be between 0 and"),
    ('{"strategies": "get-timeout", "rate": 0}', "json", "rate must be >= 0.01"),
    ('{"strategies": "get-timeout", "producer": "lazy"}', "json", "unknown producer 'lazy'"),
    ('{"strategies": "get-timeout", "queue_kinds": ["kafka"]}', "json", "unknown queue kind"),
    ('{"strategies": "get-timeout", "start_methods": "vfork"}', "json", "unknown start method"),
    ('{"strategies": "get-timeout", "version": 2}', "json", "spec version 1"),
    ('{"strategies": "get-timeout", "trials": 3, "trials": 4}', "json", "'trials' is given twice"),
    ('["get-timeout"]', "json", "must be an object"),
    ('{"strategies": "get-timeout",\n "workers": [2, 3,]}', "json", "invalid JSON at line 2, col"),
    ('{"strategies": "get-timeout"', "json", "invalid JSON at line 1, column 29"),
    ('strategies = "get-timeout"\nworkers = = 3\ntrials = 2', "toml", "line 2, column 11"),
    ('strategies = "get-timeout"\nworkers = [2, 3', "toml", "end of document) (line 2, col"),
    ('strategies = "get-timeout"\ntrials = "many"', "toml", "trials: expected an integer"),
    (
        '{"strategies": "get-timeout", "start_methods": "fork", "parallel": 2}',
        "json",
        "fork cannot run trials in parallel",
    ),
    (
        '{"strategies": "joinable-task-done", "queue_kinds": "mp"}',
        "json",
        "supports none of the queue kinds",
    ),
    (
        '{"strategies": "get-timeout", "producer": "concurrent", "rate": 1e9, "items": [1],'
        ' "workers": [1], "trials": 1, "chunksize": 0}',
        "json",
        "chunksize must be between 1 and 1,000,000",
    ),
]


@pytest.mark.parametrize(("text", "fmt", "message"), MALFORMED, ids=[m for _, _, m in MALFORMED])
def test_a_malformed_spec_is_rejected_with_a_clear_message(
    text: str, fmt: str, message: str
) -> None:
    with pytest.raises(ExperimentSpecError) as caught:
        plan_experiment(parse_spec(text, fmt, source="spec.txt"))
    text_of_error = str(caught.value)
    assert message in text_of_error
    assert "\n" not in text_of_error, "one line"


def test_spec_file_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(ExperimentSpecError, match=r"cannot read spec .*missing\.json"):
        load_spec(missing)
    bad = tmp_path / "bad.toml"
    bad.write_text('strategies = "get-timeout"\nworkers = = 3\n')
    with pytest.raises(ExperimentSpecError, match=r"bad\.toml: invalid TOML: .*line 2"):
        load_spec(bad)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ExperimentSpecError, match="not a UTF-8 text file"):
        load_spec(binary)


def test_a_spec_built_in_code_is_validated_when_planned() -> None:
    with pytest.raises(ExperimentSpecError, match="workers must be between"):
        plan_experiment(ExperimentSpec(strategies=("get-timeout",), workers=(0,)))
    with pytest.raises(ExperimentSpecError, match="unknown strategy"):
        run_experiment(ExperimentSpec(strategies=("nope",)))


# --- real runs ------------------------------------------------------------------


@pytest.mark.timeout(120)
def test_a_small_real_grid_measures_what_each_strategy_does() -> None:
    spec = spec_from_dict(
        {
            **SMALL,
            "strategies": ["sentinel-per-worker", "seed-empty-after-get"],
            "trials": 20,
            "seed": 3,
            # Not what is measured here: a loaded machine must not turn a slow run into "stalled".
            "watchdog_s": 30,
        }
    )
    progress: list[ExperimentProgress] = []
    result = run_experiment(spec, on_progress=progress.append)

    assert not result.cancelled
    assert result.trials_done == result.trials_total == 40
    correct, post = result.cells
    assert (correct.cell.coordinates.strategy, post.cell.coordinates.strategy) == (
        "sentinel-per-worker",
        "seed-empty-after-get",
    )
    # The docs recipe: every trial ok, so the interval's low end is far from 0.
    assert correct.n == 20
    assert correct.counts() == {o: (20 if o == "ok" else 0) for o in COUNTED_OUTCOMES}
    assert correct.rates()["ok"].low > 0.8
    assert all(t.processed == 30 and t.lost == 0 for t in correct.trials)
    # The post's first loop drops the item taken last in every single trial.
    assert post.n == 20
    assert post.counts()["lost"] == 20 and post.counts()["ok"] == 0
    assert post.rates()["lost"].low > 0.8 and post.rates()["ok"].high < 0.2
    assert all(t.lost >= 1 and t.processed < 30 for t in post.trials)

    for cell_result in result.cells:
        assert [t.trial for t in cell_result.trials] == list(range(20))
        for t in cell_result.trials:
            assert t.seed == result.plan.trial_seed(cell_result.cell.index, t.trial)
            assert t.run is not None and t.run.params.seed == t.seed  # kept by default
            assert t.run.outcomes == list(t.outcomes)
            assert t.elapsed_s > 0 and t.items_per_s >= 0
        assert cell_result.median_elapsed_s is not None
        assert cell_result.median_items_per_s is not None

    # Progress: one call at the start, then one per trial, in order, with an ETA.
    assert [p.done for p in progress] == list(range(41))
    assert all(p.total == 40 for p in progress)
    assert progress[0].eta_s is None and progress[0].trial is None
    assert all(p.eta_s is not None and p.eta_s >= 0 for p in progress[1:])
    assert progress[-1].eta_s == 0
    assert progress[1].cell is not None and progress[1].cell.n == 1
    # Round-robin: the cells take turns.
    assert [p.trial.cell for p in progress[1:5] if p.trial] == [0, 1, 0, 1]

    data = json.loads(json.dumps(result.to_dict()))
    assert [c["trials"] for c in data["cells"]] == [20, 20]
    assert data["cells"][1]["counts"]["lost"] == 20
    assert "records" not in json.dumps(data)


@pytest.mark.timeout(120)
def test_parallel_trials_give_the_same_cells_and_leave_no_child() -> None:
    spec = spec_from_dict(
        {
            **SMALL,
            "strategies": ["sentinel-per-worker", "pool-imap-unordered"],
            "trials": 6,
            "work_ms": 2,
            "parallel": 2,
            "watchdog_s": 30,
        }
    )
    result = run_experiment(spec)
    plan = plan_experiment(spec.replace(parallel=1))
    assert [c.cell for c in result.cells] == list(plan.cells)
    for cell_result in result.cells:
        index = cell_result.cell.index
        assert [t.trial for t in cell_result.trials] == list(range(6))
        assert [t.seed for t in cell_result.trials] == [plan.trial_seed(index, t) for t in range(6)]
        assert cell_result.counts()["ok"] == 6
    # Two trials really were in flight at once.
    spans = sorted(
        (t.run.started_at, t.run.started_at + t.run.elapsed_s)
        for c in result.cells
        for t in c.trials
        if t.run is not None
    )
    assert any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans))


@pytest.mark.timeout(120)
@pytest.mark.parametrize("parallel", [1, 2])
def test_cancel_stops_within_seconds_and_leaves_no_child(parallel: int) -> None:
    # Each trial takes about 1.5 s (300 items × 10 ms on 2 workers).
    spec = spec_from_dict(
        {
            **SMALL,
            "strategies": ["sentinel-per-worker"],
            "items": [300],
            "work_ms": 10,
            "trials": 20,
            "parallel": parallel,
            "watchdog_s": 30,
        }
    )
    control = RunControl()
    first_done = threading.Event()
    outcome: list[Any] = []

    def on_progress(progress: ExperimentProgress) -> None:
        if progress.done >= 1:
            first_done.set()

    def background() -> None:
        outcome.append(run_experiment(spec, on_progress, control, keep_runs=False))

    thread = threading.Thread(target=background)
    thread.start()
    try:
        assert first_done.wait(60), "no trial finished"
        time.sleep(0.3)  # the next trial(s) are under way
        # A single run cannot start while the experiment holds the runs.
        with pytest.raises(RunInProgress):
            run(RunParams(strategy="sentinel-per-worker"))
        asked = time.monotonic()
        control.cancel()
        thread.join(30)
        stopped_after = time.monotonic() - asked
    finally:
        control.cancel()
        thread.join(30)
    assert not thread.is_alive()
    result = outcome[0]
    assert stopped_after < 3.0, f"cancel took {stopped_after:.1f} s"
    assert result.cancelled
    assert 1 <= result.trials_done < result.trials_total == 20
    trials = result.cells[0].trials
    assert len(trials) == result.trials_done
    assert all(t.outcomes == ("ok",) and t.run is None for t in trials)  # cut trials not kept


@pytest.mark.timeout(60)
def test_a_failing_trial_stops_the_experiment_and_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.experiment.runner

    calls: list[RunParams] = []

    def broken(params: RunParams, *args: Any) -> Any:
        calls.append(params)
        raise OSError("no more file descriptors")

    monkeypatch.setattr(core.experiment.runner, "run_unlocked", broken)
    spec = ExperimentSpec(strategies=("sentinel-per-worker",), trials=10, parallel=2)
    with pytest.raises(OSError, match="no more file descriptors"):
        run_experiment(spec)
    assert 1 <= len(calls) <= 2  # no trial started after the failure
    with exclusive_runs():  # the lock is free again
        pass


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_saved_specs_read_back_the_same(tmp_path: Path, suffix: str) -> None:
    """save_spec writes TOML for a .toml name; TOML has no null, so rate=None is left out."""
    for spec in (
        ExperimentSpec(strategies=("sentinel-per-worker",), faults=("none", "kill:5")),
        ExperimentSpec(strategies=("get-timeout",), rate=250.0, producer="concurrent"),
    ):
        path = tmp_path / f"spec{suffix}"
        save_spec(spec, path)
        assert load_spec(path) == spec
        if suffix == ".toml":
            has_rate = re.search(r"^rate = ", path.read_text(), re.MULTILINE) is not None
            assert has_rate == (spec.rate is not None)
        else:
            assert "rate" in json.loads(path.read_text())
    with pytest.raises(ValueError, match="unknown spec format"):
        dump_spec(ExperimentSpec(strategies=("get-timeout",)), "yaml")
