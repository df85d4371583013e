"""The redis queue backend on real redis-servers: every strategy, a shared server, bad input.

Servers are the lab's own (embedded, one per run) or the test's own on a
Unix socket in its temporary directory; the test stops what it starts.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from core.backends import get_backend
from core.backends.redis_queue import RedisQueue, RedisSession
from core.backends.redis_server import ServerAddress
from core.engine import run
from core.errors import ParamError
from core.faults import Fault
from core.params import RunParams
from core.procs import child_pids
from core.strategies import STRATEGIES
from core.validation import validate
from tests.core.cli_helpers import ROOT, cli
from tests.core.redis_helpers import (  # noqa: F401 (shared is a fixture)
    keys_on,
    needs_redis_server,
    old_server,
    private_server,
    redis_server_pids,
    shared_redis,
)
from tests.core.test_strategies import assert_accounted

pytestmark = needs_redis_server

REDIS_STRATEGIES = [s.id for s in STRATEGIES.values() if "redis" in s.queue_kinds]


def test_redis_runs_every_queue_strategy_that_needs_no_inherited_queue() -> None:
    for strategy in STRATEGIES.values():
        if strategy.is_pool or strategy.backends:
            continue
        fits = strategy.needs <= get_backend("redis").supports
        assert ("redis" in strategy.queue_kinds) == fits, strategy.id
    assert len(REDIS_STRATEGIES) >= 10


def check(strategy_id: str, **extra: Any) -> None:
    strategy = STRATEGIES[strategy_id]
    params = RunParams(strategy=strategy_id, items=60, workers=3, queue_kind="redis", **extra)
    result = run(validate(params))
    assert result.params.queue_kind == "redis"
    assert set(result.outcomes) <= strategy.expected_outcomes | {"lost"}, result.diagnosis
    assert "crashed" not in result.outcomes, result.diagnosis
    assert_accounted(result)
    if strategy.expected == "correct":
        assert result.outcomes == ["ok"], result.diagnosis


@pytest.mark.timeout(60)
@pytest.mark.parametrize("strategy_id", REDIS_STRATEGIES)
def test_every_supported_strategy_on_the_labs_own_server(strategy_id: str) -> None:
    check(strategy_id, watchdog_s=10)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("strategy_id", REDIS_STRATEGIES)
def test_every_supported_strategy_on_a_shared_server(
    shared: ServerAddress, strategy_id: str
) -> None:
    check(strategy_id, watchdog_s=10, producer="concurrent")


@pytest.mark.timeout(60)
def test_a_deadlock_on_redis_is_proven_with_the_servers_word() -> None:
    result = run(
        RunParams(strategy="seed-single-sentinel", items=50, workers=3, queue_kind="redis")
    )
    assert "deadlock" in result.outcomes, result.diagnosis


def test_faults_whose_items_are_not_plain_values_are_refused() -> None:
    for fault in ("unpicklable:3", "big-payload:100"):
        params = RunParams(strategy="sentinel-per-worker", queue_kind="redis")
        with pytest.raises(ParamError, match="does not take the fault"):
            validate(params.__class__(**{**params.__dict__, "fault": Fault.parse(fault)}))


@pytest.mark.timeout(60)
def test_the_cli_runs_on_a_shared_server_with_the_password_from_a_file(tmp_path: Path) -> None:
    with private_server(tmp_path) as (address, _):
        password_file = tmp_path / "password"
        password_file.write_text(f"{address.password}\n")
        done = cli(
            "run", "--strategy", "sentinel-reput", "--queue", "redis", "--items", "40",
            "--redis", address.url, "--redis-password-file", str(password_file),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "outcome    OK" in done.stdout
        assert str(address.password) not in done.stdout + done.stderr
        assert keys_on(address) == []


def bad(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "run", "--strategy", "get-timeout",
         "--queue", "redis", "--items", "5", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.timeout(120)
def test_bad_redis_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with private_server(tmp_path) as (address, _):
        assert "refused the password" in bad(
            "--redis", address.url, env={"QUEUESCOPE_REDIS_PASSWORD": "wrong"}
        )
    assert "cannot reach the Redis server" in bad("--redis", address.url)
    assert "do not put the password in the URL" in bad("--redis", "redis://:pw@127.0.0.1:1/0")
    assert "not a Redis URL" in bad("--redis", "http://127.0.0.1/")
    assert "needs --redis URL" in bad("--redis-password-file", "x")
    with old_server() as url:
        assert "needs 6.2 or newer" in bad("--redis", url)
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    line = bad(env={"PATH": str(empty_path)})
    assert "redis-server not found" in line and "apt-get install redis-server" in line
    fake = empty_path / "redis-server"
    fake.write_text("#!/bin/sh\necho 'Redis server v=6.0.16 sha=0'\n")
    fake.chmod(0o755)
    assert "needs 6.2 or newer" in bad(env={"PATH": str(empty_path)})


@pytest.mark.timeout(60)
def test_the_embedded_server_ends_with_a_killed_main_process(tmp_path: Path) -> None:
    before = redis_server_pids()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "run", "--strategy", "stop-event",
         "--queue", "redis", "--items", "1000000", "--work-ms", "1"],
        cwd=ROOT, env={**os.environ, "TMPDIR": str(tmp_path)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        servers: set[int] = set()
        while not servers and time.monotonic() < deadline:
            servers = (redis_server_pids() - before) & child_pids(process.pid)
            time.sleep(0.05)
        assert servers, "the run never started its server"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    deadline = time.monotonic() + 10
    while servers & redis_server_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not servers & redis_server_pids(), "the embedded server outlived the main process"


@pytest.mark.timeout(60)
def test_the_reaper_requeues_a_vanished_workers_item_and_the_lab_shows_the_duplicate() -> None:
    params = RunParams(
        strategy="redis-reliable-reaper", items=200, workers=3, fault=Fault.parse("kill:40")
    )
    result = run(params)
    assert result.params.queue_kind == "redis"
    assert "crashed" in result.outcomes and "duplicated" in result.outcomes, result.diagnosis
    assert result.lost == [] and 40 in result.duplicates, result.diagnosis
    assert_accounted(result)


def test_the_reaper_leaves_alone_a_worker_that_connects_while_it_looks(
    shared: ServerAddress, tmp_path: Path
) -> None:
    """A worker that joins between the reaper's two questions (who is connected, who
    works) is alive: its item stays in its processing list, nothing is moved back."""
    session = RedisSession(multiprocessing.get_context("spawn"), str(tmp_path), shared)
    joined: list[RedisQueue] = []
    try:
        session.make_queue().put(7)
        connected_then = session.admin.client_list

        def a_worker_joins_and_takes_right_after() -> Any:
            listed = connected_then()
            if not joined:
                joined.append(RedisQueue(shared, session.keys, "late-1", worker=True))
                assert joined[0].get(timeout=1) == 7
            return listed

        session.admin.client_list = a_worker_joins_and_takes_right_after
        session.requeue_vanished()
        polls = iter([False, False, True])
        assert not session.join_queue(None, lambda: next(polls))
        assert session.requeued == [] and session.moved_back == []
        assert session.admin.lrange(session.keys.processing("late-1"), 0, -1) == [b"7"]
        assert session.unfinished() == 1
        joined[0].task_done()
        assert session.unfinished() == 0
    finally:
        for worker in joined:
            worker.close()
        session.close()


@pytest.mark.timeout(60)
def test_burst_workers_end_when_the_list_is_empty() -> None:
    result = run(RunParams(strategy="redis-burst", items=200, workers=3))
    assert result.outcomes == ["ok"], result.diagnosis
    assert all(w.state == "exited" for w in result.workers)


@pytest.mark.timeout(120)
def test_an_experiment_grid_on_redis_with_parallel_trials(tmp_path: Path) -> None:
    with private_server(tmp_path) as (address, _):
        password_file = tmp_path / "password"
        password_file.write_text(f"{address.password}\n")
        done = cli(
            "experiment", "--strategies", "sentinel-per-worker,redis-burst,seed-single-sentinel",
            "--queue", "redis", "--trials", "2", "--items", "40", "--parallel", "2", "--json",
            "--redis", address.url, "--redis-password-file", str(password_file),
            timeout=110,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert keys_on(address) == []
    cells = json.loads(done.stdout)["cells"]
    assert {cell["queue_kind"] for cell in cells} == {"redis"}
    assert len(cells) == 3


def test_a_put_or_stop_after_the_session_closed_makes_no_key(
    shared: ServerAddress, tmp_path: Path
) -> None:
    """A closed redis-py client reconnects on its next command: a producer's late put
    (a cancel while it still puts) would make the queue's key after the cleanup."""
    session = RedisSession(multiprocessing.get_context("spawn"), str(tmp_path), shared)
    made, stop = session.make_queue(), session.make_event()
    made.put(1)
    stop.set()
    session.close()
    with pytest.raises(ValueError, match="closed"):
        made.put(2)
    with pytest.raises(ValueError, match="closed"):
        stop.set()
    assert keys_on(shared) == []
