"""The experiment command and the run exports, run as a user would run them."""

from __future__ import annotations

import csv
import json
import signal
from pathlib import Path

import pytest

from core.experiment import COUNTED_OUTCOMES
from tests.core.cli_helpers import cli, signal_once_started
from tests.core.test_export import check_trace

GRID = [
    "--strategies",
    "sentinel-per-worker,seed-empty-after-get",
    "--queue",
    "mp",
    "--workers",
    "2",
    "--items",
    "30",
    "--start-method",
    "forkserver",
]


@pytest.mark.timeout(120)
def test_experiment_json_and_files(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    out = tmp_path / "experiment.json"
    cells_csv = tmp_path / "cells.csv"
    trials_csv = tmp_path / "trials.csv"
    done = cli(
        "experiment",
        *GRID,
        "--trials",
        "5",
        "--seed",
        "9",
        "--json",
        "--save-spec",
        str(spec),
        "--out",
        str(out),
        "--trials-csv",
        str(trials_csv),
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    data = json.loads(done.stdout)  # exactly one JSON object
    assert data["cancelled"] is False and data["trials_done"] == data["trials_total"] == 10
    assert [c["strategy"] for c in data["cells"]] == ["sentinel-per-worker", "seed-empty-after-get"]
    for cell in data["cells"]:
        assert (cell["queue_kind"], cell["workers"], cell["items"]) == ("mp", 2, 30)
        assert cell["start_method"] == "forkserver"
        assert cell["trials"] == 5
        assert set(cell["counts"]) == set(COUNTED_OUTCOMES) == set(cell["rates"])
        for rate in cell["rates"].values():
            assert 0 <= rate["low"] <= rate["high"] <= 1 and rate["n"] == 5
        assert len(cell["runs"]) == 5
        assert cell["elapsed_s"]["median"] > 0
    assert data["cells"][0]["counts"]["ok"] == 5
    assert data["cells"][1]["counts"]["lost"] == 5
    assert json.loads(out.read_text()) == data
    with trials_csv.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10
    assert [int(r["seed"]) for r in rows[:5]] == [r["seed"] for r in data["cells"][0]["runs"]]

    # The saved spec gives the same plan back, and --out FILE.csv writes the cells.
    again = cli("experiment", "--spec", str(spec), "--plan", "--json")
    assert again.returncode == 0, again.stderr
    plan = json.loads(again.stdout)
    assert plan["spec"] == data["spec"]
    assert [c["strategy"] for c in plan["cells"]] == ["sentinel-per-worker", "seed-empty-after-get"]
    assert plan["total_trials"] == 10
    rerun = cli(
        "experiment",
        "--spec",
        str(spec),
        "--trials",
        "2",
        "--out",
        str(cells_csv),
        "--strategies",
        "sentinel-per-worker",
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "sentinel-per-worker" in rerun.stdout and "2 trials" in rerun.stdout
    assert "seed-empty-after-get" not in rerun.stdout  # the option overrode the spec's
    with cells_csv.open() as handle:
        cells = list(csv.DictReader(handle))
    assert [(c["strategy"], c["trials"], c["ok_count"]) for c in cells] == [
        ("sentinel-per-worker", "2", "2")
    ]


@pytest.mark.timeout(60)
def test_experiment_text_and_a_toml_spec(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(
        'strategies = ["sentinel-per-worker", "joinable-task-done", "pool-imap-unordered"]\n'
        'queue_kinds = ["mp", "manager"]\n'
        "workers = 2\nitems = 20\ntrials = 2\n"
        'start_methods = "forkserver"\n'
    )
    done = cli("experiment", "--spec", str(spec))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    # sentinel-per-worker × 2 queues, joinable-task-done × manager only, the pool once.
    assert "8/8 runs (4 cells × 2 trials)" in text
    assert "skipped    joinable-task-done does not support queue kind 'mp'" in text
    assert "pool-imap-unordered  own pool" in text
    assert "95% Wilson" in text
    assert text.count("\n  ok ") == 4  # every cell shows its ok rate


BAD_INPUT = [
    (["experiment"], "needs --strategies"),
    (["experiment", "--strategies", "no-such-loop"], "unknown strategy 'no-such-loop'"),
    (["experiment", "--strategies", "get-timeout", "--workers", "2,x"], "'x' is not an integer"),
    (["experiment", "--strategies", "get-timeout", "--workers", "0"], "workers must be"),
    (["experiment", "--strategies", "get-timeout", "--workers", "2,,3"], "comma-separated"),
    (["experiment", "--strategies", "get-timeout", "--trials", "0"], "trials must be"),
    (["experiment", "--strategies", "get-timeout", "--trials", "many"], "invalid int value"),
    (["experiment", "--strategies", "get-timeout", "--parallel", "0"], "parallel must be"),
    (["experiment", "--strategies", "get-timeout", "--queue", "kafka"], "unknown queue kind"),
    (
        ["experiment", "--strategies", "joinable-task-done", "--queue", "mp"],
        "supports none of the queue kinds",
    ),
    (
        ["experiment", "--strategies", "get-timeout", "--start-method", "fork", "--parallel", "2"],
        "fork cannot run trials in parallel",
    ),
    (["experiment", "--spec", "/nonexistent/spec.json"], "cannot read spec"),
    (
        ["experiment", "--strategies", "get-timeout", "--out", "/nonexistent/dir/e.json"],
        "cannot write the experiment",
    ),
    (
        ["experiment", "--strategies", "get-timeout", "--trials-csv", "/nonexistent/dir/t.csv"],
        "cannot write the trials",
    ),
    (
        ["run", "--strategy", "sentinel-per-worker", "--trace", "/nonexistent/dir/t.json"],
        "cannot write the trace",
    ),
    (
        ["run", "--strategy", "sentinel-per-worker", "--out", "/nonexistent/dir/r.json"],
        "cannot write the result",
    ),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    done = cli(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert message in lines[0]
    assert "Traceback" not in done.stderr


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"strategies": "get-timeout", "workers": [2, 3,]}', "invalid JSON at line 1, column"),
        ('{"strategies": "get-timeout", "trails": 3}', "did you mean 'trials'"),
        ('{"strategies": "get-timeout", "workers": "4"}', "workers: expected an integer"),
    ],
)
def test_a_malformed_spec_file_is_one_line_and_exit_2(
    tmp_path: Path, text: str, message: str
) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(text)
    out = tmp_path / "out.json"
    done = cli("experiment", "--spec", str(spec), "--out", str(out))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(spec) in lines[0]
    assert not out.exists(), "a bad spec must not create or truncate the output files"


@pytest.mark.timeout(60)
def test_ctrl_c_cancels_an_experiment_cleanly() -> None:
    # Once the command has a child, its handlers are in place and trials are running.
    done, _ = signal_once_started(
        [
            "experiment",
            "--strategies",
            "sentinel-per-worker",
            "--items",
            "400",
            "--work-ms",
            "10",
            "--workers",
            "2",
            "--trials",
            "50",
            "--start-method",
            "forkserver",
            "--json",
        ],
        signal.SIGINT,
        settle_s=0.5,
    )
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    assert data["cancelled"] is True
    assert data["trials_done"] < data["trials_total"] == 50
    assert all(run["outcome"] == "ok" for run in data["cells"][0]["runs"])


@pytest.mark.timeout(60)
def test_run_trace_and_result_files(tmp_path: Path) -> None:
    trace_path = tmp_path / "trace.json"
    result_path = tmp_path / "result.json"
    records_path = tmp_path / "records.csv"
    done = cli(
        "run",
        "--strategy",
        "seed-empty-after-get",
        "--items",
        "50",
        "--start-method",
        "forkserver",
        "--trace",
        str(trace_path),
        "--out",
        str(result_path),
        "--records",
        str(records_path),
    )
    assert done.returncode == 0, done.stderr
    trace = json.loads(trace_path.read_text())
    spans = check_trace(trace)
    result = json.loads(result_path.read_text())
    processed = [r for r in result["records"] if r["times_processed"] >= 1]
    assert sum(len(s) for s in spans.values()) == len(processed) == result["processed"]
    assert any(e["ph"] == "C" for e in trace["traceEvents"])
    assert trace["otherData"]["outcomes"] == result["outcomes"]
    with records_path.open() as handle:
        assert len(list(csv.DictReader(handle))) == 50


@pytest.mark.timeout(60)
def test_save_spec_writes_toml_for_a_toml_name(tmp_path: Path) -> None:
    saved = tmp_path / "spec.toml"
    done = cli(
        "experiment", "--strategies", "sentinel-per-worker", "--plan", "--save-spec", str(saved)
    )
    assert done.returncode == 0, done.stderr
    again = cli("experiment", "--spec", str(saved), "--plan", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["spec"]["strategies"] == ["sentinel-per-worker"]
