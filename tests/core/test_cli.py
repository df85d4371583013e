"""The headless command line, run as a user would run it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from core import STRATEGIES
from tests.core.cli_helpers import cli


@pytest.mark.timeout(60)
def test_strategies_json_lists_every_id() -> None:
    done = cli("strategies", "--json")
    assert done.returncode == 0
    ids = [s["id"] for s in json.loads(done.stdout)["strategies"]]
    assert ids == list(STRATEGIES)


@pytest.mark.timeout(60)
def test_strategies_text_lists_every_id() -> None:
    done = cli("strategies")
    assert done.returncode == 0
    for strategy_id in STRATEGIES:
        assert strategy_id in done.stdout


@pytest.mark.timeout(90)
def test_run_json_is_one_object_with_the_contract_fields(tmp_path: Path) -> None:
    records = tmp_path / "records.csv"
    done = cli("run", "--strategy", "seed-empty-after-get", "--json", "--records", str(records))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for key in (
        "strategy",
        "outcome",
        "items",
        "processed",
        "lost",
        "duplicates",
        "workers",
        "diagnosis",
        "elapsed_s",
    ):
        assert key in result
    assert result["strategy"] == "seed-empty-after-get"
    assert "lost" in result["outcomes"]
    assert result["lost"] == sorted(result["lost"]) and 99 in result["lost"]
    for worker in result["workers"]:
        assert set(worker) >= {"index", "pid", "processed", "state", "exit_code"}
        # main.py is re-imported by every spawned worker: it must not pull in Qt.
        assert worker["qt_imported"] is False
    with records.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 100
    assert {r["status"] for r in rows} >= {"processed"}
    assert [r["item"] for r in rows if r["status"] != "processed"] == [
        str(i) for i in result["lost"]
    ]


@pytest.mark.timeout(60)
def test_run_text_summary_names_outcome_and_diagnosis() -> None:
    done = cli("run", "--strategy", "sentinel-per-worker", "--items", "50", "--queue", "mp")
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stdout
    assert "diagnosis" in done.stdout
    assert "50 / 50" in done.stdout


@pytest.mark.timeout(60)
def test_a_deadlock_is_an_answer_not_an_error() -> None:
    done = cli("run", "--strategy", "seed-single-sentinel", "--workers", "5", "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["outcome"] == "deadlock"


BAD_INPUT = [
    (["run", "--strategy", "no-such-loop"], "unknown strategy"),
    (["run", "--strategy", "sentinel-per-worker", "--items", "-1"], "items must be"),
    (["run", "--strategy", "sentinel-per-worker", "--items", "10000001"], "items must be"),
    (["run", "--strategy", "sentinel-per-worker", "--items", "many"], "invalid int value"),
    (["run", "--strategy", "sentinel-per-worker", "--workers", "0"], "workers must be"),
    (["run", "--strategy", "sentinel-per-worker", "--workers", "257"], "workers must be"),
    (["run", "--strategy", "joinable-task-done", "--queue", "mp"], "does not support queue kind"),
    (["run", "--strategy", "pool-imap-unordered", "--queue", "mp"], "does not support queue kind"),
    (["run", "--strategy", "sentinel-per-worker", "--queue", "kafka"], "invalid choice"),
    (
        ["run", "--strategy", "sentinel-per-worker", "--producer", "concurrent", "--rate", "0"],
        "rate must be",
    ),
    (["run", "--strategy", "sentinel-per-worker", "--rate", "-5"], "rate must be"),
    (["run", "--strategy", "sentinel-per-worker", "--watchdog-s", "0"], "watchdog_s must be"),
    (["run", "--strategy", "sentinel-per-worker", "--start-method", "vfork"], "invalid choice"),
    (
        ["run", "--strategy", "sentinel-per-worker", "--records", "/nonexistent/dir/r.csv"],
        "cannot write records",
    ),
    (["run"], "required"),
    (["frobnicate"], "unknown command"),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    done = cli(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert message in lines[0]
    assert "Traceback" not in done.stderr
