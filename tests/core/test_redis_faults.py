"""Faults on the network: a worker killed or paused, its connection cut, the server gone.

Each ends in a clear verdict, in bounded time, with nothing left running
and no key left on a shared server.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.backends import get_backend
from core.backends.redis_backend import RedisBackend
from core.backends.redis_server import ServerAddress
from core.engine import run
from core.faults import Fault
from core.params import RunParams
from core.procs import child_pids
from core.result import Progress
from tests.core.redis_helpers import (  # noqa: F401 (shared is a fixture)
    keys_on,
    needs_redis_server,
    private_server,
    redis_server_pids,
    shared_redis,
)
from tests.core.test_strategies import assert_accounted

pytestmark = needs_redis_server


def long_run(**extra: object) -> RunParams:
    return RunParams(
        strategy="stop-event",
        items=3000,
        workers=3,
        queue_kind="redis",
        work_ms=1,
        watchdog_s=10,
        **extra,  # type: ignore[arg-type]
    )


def once_processed(count: int, action: Callable[[], object]) -> Callable[[Progress], None]:
    done: list[bool] = []

    def on_progress(progress: Progress) -> None:
        if progress.processed >= count and not done:
            done.append(True)
            action()

    return on_progress


@pytest.mark.timeout(60)
def test_the_labs_own_server_killed_mid_run_is_a_lost_server() -> None:
    def kill_server() -> None:
        for pid in redis_server_pids() & child_pids():
            os.kill(pid, signal.SIGKILL)

    result = run(long_run(), once_processed(100, kill_server))
    assert "crashed" in result.outcomes, result.diagnosis
    assert "queue server lost after" in result.diagnosis.lower(), result.diagnosis
    assert result.processed < 3000
    assert_accounted(result)


@pytest.mark.timeout(60)
def test_a_shared_server_shut_down_mid_run_is_a_lost_server(tmp_path: Path) -> None:
    backend = get_backend("redis")
    assert isinstance(backend, RedisBackend)
    with private_server(tmp_path) as (address, server):
        backend.use_server(address)
        try:
            stop = once_processed(100, server.terminate)
            result = run(long_run(), stop)
        finally:
            backend.use_server(None)
    assert "crashed" in result.outcomes, result.diagnosis
    assert "queue server lost after" in result.diagnosis.lower(), result.diagnosis


@pytest.mark.timeout(60)
def test_a_workers_connection_cut_by_client_kill_is_that_workers_crash(
    shared: ServerAddress,
) -> None:
    def cut_one() -> None:
        """Cut a worker's connection while it is blocked in BLMOVE (a cut between two
        commands is healed by redis-py's reconnect, and the worker rightly goes on)."""
        admin = shared.client()
        deadline = time.monotonic() + 5
        try:
            while time.monotonic() < deadline:
                for client in admin.client_list():
                    name = client.get("name", "")
                    worker = name.startswith("qs-") and not name.endswith(("-monitor", "-main"))
                    if worker and client.get("cmd") == "blmove" and "b" in client.get("flags", ""):
                        admin.client_kill_filter(_id=client["id"])
                        return
        finally:
            admin.close()
        raise AssertionError("no worker was blocked in BLMOVE within 5 s")

    # Items come slowly, so workers wait in BLMOVE: a cut there is seen at once. (Between
    # commands redis-py reconnects by itself, and the worker goes on as if nothing happened.)
    params = RunParams(
        strategy="sentinel-per-worker",
        items=400,
        workers=3,
        queue_kind="redis",
        producer="concurrent",
        rate=200,
        watchdog_s=10,
    )
    result = run(params, once_processed(40, cut_one))
    assert "crashed" in result.outcomes, result.diagnosis
    assert "queue server lost" not in result.diagnosis.lower()
    crashed = [w for w in result.workers if w.state == "crashed"]
    assert len(crashed) == 1, result.diagnosis
    assert "Connection" in (crashed[0].error or ""), crashed[0].error
    assert_accounted(result)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("fault", "outcome"), [("kill:40", "crashed"), ("stop:40", "stalled")])
def test_a_killed_or_paused_worker_on_redis(fault: str, outcome: str) -> None:
    params = RunParams(
        strategy="sentinel-per-worker",
        items=200,
        workers=3,
        queue_kind="redis",
        watchdog_s=1.5,
        fault=Fault.parse(fault),
    )
    result = run(params)
    assert outcome in result.outcomes, result.diagnosis
    assert 40 in result.lost or outcome == "stalled", result.diagnosis
    assert_accounted(result)
