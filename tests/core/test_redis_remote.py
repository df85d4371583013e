"""Remote workers (main.py worker) on a private loopback redis-server: the evidence mirrored,
a deadlock, a vanished worker and its held item, the reaper's duplicate, and bad input.

The workers are real `main.py worker` processes started when the run
announces its command; every test waits for them to end and checks that no
key is left on the server.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.backends import get_backend
from core.backends.redis_backend import RedisBackend, serving
from core.backends.redis_queue import RemotePlan
from core.backends.redis_remote import RemoteWaiting
from core.backends.redis_server import ServerAddress
from core.control import RunControl
from core.engine import run
from core.errors import ParamError
from core.faults import Fault
from core.params import RunParams
from core.result import RunResult
from core.schedule import StepControl
from core.states import WorkerStatus
from core.strategies import unregister_strategy
from core.user_loops import load_loop
from core.validation import validate
from tests.core.cli_helpers import ROOT, cli
from tests.core.redis_helpers import (
    free_loopback_port,
    keys_on,
    needs_redis_server,
    private_server,
)

pytestmark = needs_redis_server
WORKER_TIMEOUT_S = 60


class RemoteWorkers:
    """Starts `main.py worker` processes when a run announces its command."""

    def __init__(self, address: ServerAddress, count: int, prefix: tuple[str, ...] = ()) -> None:
        self.address = address
        self.count = count
        self.prefix = prefix  # e.g. ip netns exec NAME
        self.processes: list[subprocess.Popen[str]] = []
        self.run_id = ""
        self.extra: list[str] = []

    def announce(self, text: str) -> None:
        found = re.search(r"--redis (\S+) --run ([0-9a-f]{12})", text)
        assert found, text
        url, self.run_id = found.groups()
        assert "@" not in url and (self.address.password or "") not in url.split("//")[1]
        env = {**os.environ, "QUEUESCOPE_REDIS_PASSWORD": self.address.password or ""}
        for _ in range(self.count):
            command = [*self.prefix, sys.executable, "main.py", "worker"]
            command += ["--redis", url, "--run", self.run_id, *self.extra]
            self.processes.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
            )

    def finish(self) -> list[tuple[int, str]]:
        """Each worker's exit code and what it said."""
        ended = []
        for process in self.processes:
            try:
                _, said = process.communicate(timeout=WORKER_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                _, said = process.communicate()
            ended.append((process.returncode, said))
        return ended


@contextlib.contextmanager
def remote_run(
    address: ServerAddress, count: int, wait_s: float = 30, prefix: tuple[str, ...] = ()
) -> Iterator[RemoteWorkers]:
    backend = get_backend("redis")
    assert isinstance(backend, RedisBackend)
    workers = RemoteWorkers(address, count, prefix)
    backend.use_server(address, RemotePlan(count, wait_s, workers.announce))
    try:
        yield workers
    finally:
        backend.use_server(None)
        workers.finish()


@pytest.fixture(name="server")
def loopback_server(tmp_path: Path) -> Iterator[ServerAddress]:
    with private_server(tmp_path, port=free_loopback_port()) as (address, _):
        yield address
        assert keys_on(address) == [], "a run left keys on the server"


def remote(
    address: ServerAddress, count: int, extra: list[str] | None = None, **params: Any
) -> tuple[RunResult, list[Any]]:
    with remote_run(address, count) as workers:
        workers.extra = extra or []
        result = run(validate(RunParams(queue_kind="redis", **params)))
    return result, workers.finish()


def test_remote_workers_evidence_is_mirrored(server: ServerAddress) -> None:
    result, ended = remote(server, 2, strategy="sentinel-per-worker", items=300, workers=3)
    assert result.outcome == "ok", result.diagnosis
    assert [code for code, _ in ended] == [0, 0], ended
    assert sum(w.processed for w in result.workers) == 300
    assert [w.state for w in result.workers] == [WorkerStatus.EXITED] * 3
    assert result.workers[0].pid is not None  # the local one
    records = result.records
    assert {2, 3} <= set(records.worker), "no item record names a remote worker"
    assert all(done >= take >= 0 for take, done in zip(records.t_take, records.t_done, strict=True))
    assert {event.worker for event in result.timeline} == {1, 2, 3}


def test_the_wait_for_remote_workers_is_watched_as_they_join(server: ServerAddress) -> None:
    workers = RemoteWorkers(server, 2)
    seen: list[RemoteWaiting] = []
    with serving(server, RemotePlan(2, 30, workers.announce, seen.append)):
        result = run(validate(RunParams(strategy="sentinel-per-worker", queue_kind="redis")))
    assert [code for code, _ in workers.finish()] == [0, 0]
    assert result.outcome == "ok", result.diagnosis
    assert [wait.joined for wait in seen] == [0, 1, 2]
    assert {(wait.run_id, wait.count, wait.wait_s) for wait in seen} == {(workers.run_id, 2, 30)}
    assert seen[0].command() == f"python main.py worker --redis {server.url} --run {workers.run_id}"


def test_the_command_names_the_loop_file_never_the_password() -> None:
    waiting = RemoteWaiting("0123456789ab", "redis://10.0.0.2:6379/0", 1, 0, 5.0)
    assert waiting.command("/srv/loop.py:work") == (
        "python main.py worker --redis redis://10.0.0.2:6379/0 --run 0123456789ab "
        "--loop /srv/loop.py:work"
    )


def test_remote_workers_deadlock_is_proven_and_they_end(
    server: ServerAddress, tmp_path: Path
) -> None:
    never_ends = tmp_path / "never_ends.py"
    never_ends.write_text(
        "def loop(q, process, opts):\n"
        "    for item in iter(q.get, 'NEVER'):  # the sentinel is STOP: a deadlock\n"
        "        process(item)\n\n"
        "SENTINEL = 'STOP'\nBACKENDS = ('redis',)\n"
    )
    strategy = load_loop(str(never_ends))
    try:
        result, ended = remote(
            server, 3, ["--loop", str(never_ends)], strategy=strategy.id, items=40, workers=3
        )
    finally:
        unregister_strategy(strategy.id)
    assert result.outcome == "deadlock", result.diagnosis
    assert [w.state for w in result.workers] == [WorkerStatus.BLOCKED] * 3
    assert result.processed == 40
    # They are ended by the run's end, not left waiting in BLMOVE.
    assert [code for code, _ in ended] == [0, 0, 0], ended
    assert all(said.rstrip().endswith("ended") for _, said in ended), ended


def test_a_killed_remote_worker_vanishes_and_its_item_is_held(server: ServerAddress) -> None:
    result, ended = remote(
        server,
        2,
        strategy="sentinel-per-worker",
        items=50,
        workers=2,
        work_ms=2,
        fault=Fault.parse("kill:20"),
    )
    states = [w.state for w in result.workers]
    assert WorkerStatus.VANISHED in states, result.diagnosis
    vanished = states.index(WorkerStatus.VANISHED) + 1
    assert f"worker {vanished} vanished" in result.diagnosis
    assert "processing list held item 20" in result.diagnosis
    assert 20 in result.dropped and "crashed" in result.outcomes
    assert -9 in [code for code, _ in ended]  # SIGKILL


def test_the_reaper_moves_a_vanished_worker_item_back_and_shows_the_duplicate(
    server: ServerAddress,
) -> None:
    result, _ = remote(
        server,
        2,
        strategy="redis-reliable-reaper",
        items=50,
        workers=2,
        work_ms=2,
        fault=Fault.parse("kill:20"),
    )
    assert result.lost == [], result.diagnosis
    assert 20 in result.duplicates, result.diagnosis
    assert "item 20 was moved back from vanished worker" in result.diagnosis
    assert "and processed twice" in result.diagnosis


def test_remote_workers_that_never_come_are_a_clear_refusal(server: ServerAddress) -> None:
    backend = get_backend("redis")
    assert isinstance(backend, RedisBackend)
    said: list[str] = []
    backend.use_server(server, RemotePlan(2, 0.5, said.append))
    try:
        with pytest.raises(ParamError, match=r"0 of 2 remote workers joined run .* in 0.5 s"):
            run(validate(RunParams(strategy="sentinel-per-worker", queue_kind="redis")))
    finally:
        backend.use_server(None)
    assert "python main.py worker --redis redis://127.0.0.1:" in said[0]


def test_step_mode_refuses_remote_workers_before_anything_starts(server: ServerAddress) -> None:
    backend = get_backend("redis")
    assert isinstance(backend, RedisBackend)
    said: list[str] = []
    backend.use_server(server, RemotePlan(1, 30, said.append))
    try:
        params = validate(RunParams(strategy="sentinel-per-worker", queue_kind="redis", items=2))
        with pytest.raises(ParamError, match="step mode cannot step workers on other hosts"):
            run(params, control=RunControl(StepControl()))
    finally:
        backend.use_server(None)
    assert said == []  # refused before any wait: nobody was asked to join
    assert keys_on(server) == []


def worker_cli(*args: str, password: str = "") -> tuple[int, str]:
    env = {**os.environ, "QUEUESCOPE_REDIS_PASSWORD": password}
    done = subprocess.run(
        [sys.executable, "main.py", "worker", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stderr


def test_worker_bad_input_is_one_line_and_exit_2(server: ServerAddress) -> None:
    password = server.password or ""
    code, err = worker_cli("--redis", server.url, "--run", "0123456789ab", password=password)
    assert code == 2 and "no run 0123456789ab waits for workers" in err
    assert err.count("\n") == 1
    code, err = worker_cli("--redis", server.url, "--run", "nope", password=password)
    assert code == 2 and "not a run id" in err
    code, err = worker_cli("--redis", server.url, "--run", "0123456789ab", password="wrong")
    assert code == 2 and "refused the password" in err


def test_a_remote_worker_runs_only_the_run_s_own_loop_file(
    server: ServerAddress, tmp_path: Path
) -> None:
    mine = tmp_path / "loop.py"
    mine.write_text(
        "def loop(q, process, opts):\n    for item in iter(q.get, 'STOP'):\n"
        "        process(item)\n\nSENTINEL = 'STOP'\nBACKENDS = ('redis',)\n"
    )
    theirs = tmp_path / "theirs.py"
    theirs.write_text(mine.read_text() + "# changed\n")
    with remote_run(server, 1) as workers:
        workers.extra = ["--loop", str(theirs)]
        with pytest.raises(ParamError, match=r"0 of 1 remote workers joined"):
            backend = get_backend("redis")
            assert isinstance(backend, RedisBackend)
            assert backend.remote is not None
            backend.remote = RemotePlan(1, 3, workers.announce)
            strategy = load_loop(str(mine))
            try:
                run(validate(RunParams(strategy=strategy.id, queue_kind="redis", workers=1)))
            finally:
                unregister_strategy(strategy.id)
    ((code, said),) = workers.finish()
    assert code == 2 and "is not the loop file run" in said


def test_cli_run_refuses_remote_workers_without_a_shared_server() -> None:
    done = cli("run", "--strategy", "sentinel-per-worker", "--remote-workers", "1")
    assert done.returncode == 2
    assert "--remote-workers needs --queue redis and --redis URL" in done.stderr


@pytest.mark.timeout(90)
def test_keys_a_killed_main_process_left_on_a_shared_server_go_at_the_next_start(
    server: ServerAddress, tmp_path: Path
) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path), "QUEUESCOPE_REDIS_PASSWORD": str(server.password)}
    process = subprocess.Popen(
        [sys.executable, "main.py", "run", "--strategy", "stop-event", "--queue", "redis",
         "--redis", server.url, "--items", "100000", "--work-ms", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not keys_on(server) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert keys_on(server), "the run never put its keys on the server"
        journals = list(tmp_path.glob("queuescope-run-*/journal.json"))
        assert journals and str(server.password) not in journals[0].read_text()
        assert server.url in journals[0].read_text()
    finally:
        process.kill()
        process.wait(10)
    assert keys_on(server), "the killed run's keys"
    done = subprocess.run(
        [sys.executable, "main.py", "strategies"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert "Cleaned up after runs" in done.stderr
    assert keys_on(server) == []
