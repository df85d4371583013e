"""Two "hosts": every worker of a run in a network namespace of the test's own.

The test creates a namespace and a veth pair between it and the test's own
namespace with private addresses (10.231.x.x/30; no other address is ever
contacted), starts a redis-server with a password bound to the host side's
address, and runs `main.py worker` inside the namespace with only the URL,
the password (in the environment) and the run id. A fixture's finalizers
delete the namespace and the veth pair whatever happens.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.engine import run
from core.params import RunParams
from core.states import WorkerStatus
from core.validation import validate
from tests.core.redis_helpers import keys_on, needs_redis_server, private_server
from tests.core.test_redis_remote import remote_run

pytestmark = needs_redis_server
HOST_SIDE = "10.231.{}.1"
NAMESPACE_SIDE = "10.231.{}.2"
SERVER_PORT = 6379  # on the veth address only: nothing else listens there
CREATED: list[tuple[str, str]] = []  # (namespace, host-side link) the fixture made


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=10, check=False)


@pytest.fixture(name="namespace")
def network_namespace(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """(namespace name, host-side address) of a namespace joined by a veth pair."""
    if shutil.which("ip") is None:
        pytest.skip("the ip command (iproute2) is not installed")
    suffix = secrets.token_hex(3)
    name, host_link, ns_link = f"qs-{suffix}", f"qsh{suffix}", f"qsn{suffix}"
    made = _ip("netns", "add", name)
    if made.returncode != 0:
        pytest.skip(f"ip netns is not permitted here: {made.stderr.strip()}")
    request.addfinalizer(lambda: _ip("netns", "del", name))
    CREATED.append((name, host_link))
    subnet = str(int(suffix, 16) % 250 + 1)
    host, guest = HOST_SIDE.format(subnet), NAMESPACE_SIDE.format(subnet)
    steps = [
        ("link", "add", host_link, "type", "veth", "peer", "name", ns_link),
        ("link", "set", ns_link, "netns", name),
        ("addr", "add", f"{host}/30", "dev", host_link),
        ("link", "set", host_link, "up"),
        ("-n", name, "addr", "add", f"{guest}/30", "dev", ns_link),
        ("-n", name, "link", "set", ns_link, "up"),
        ("-n", name, "link", "set", "lo", "up"),
    ]
    request.addfinalizer(lambda: _ip("link", "del", host_link))  # runs before the netns del
    for step in steps:
        done = _ip(*step)
        if done.returncode != 0:
            pytest.skip(f"cannot set up the veth pair (ip {' '.join(step)}): {done.stderr}")
    yield name, host


@pytest.mark.timeout(120)
def test_a_run_whose_workers_are_all_on_another_host(
    namespace: tuple[str, str], tmp_path: Path
) -> None:
    name, host = namespace
    with private_server(tmp_path, port=SERVER_PORT, bind=host) as (address, _):
        with remote_run(address, 3, prefix=("ip", "netns", "exec", name)) as workers:
            result = run(
                validate(
                    RunParams(
                        strategy="sentinel-per-worker", items=500, workers=3, queue_kind="redis"
                    )
                )
            )
        ended = workers.finish()
        assert result.outcome == "ok", result.diagnosis
        assert [w.state for w in result.workers] == [WorkerStatus.EXITED] * 3
        assert sum(w.processed for w in result.workers) == 500
        assert all(w.pid is None for w in result.workers)  # none of them is a local process
        assert [code for code, _ in ended] == [0, 0, 0], ended
        for _, said in ended:
            assert str(address.password) not in said
        # The workers were in the namespace: they reached the server over the veth pair.
        url = f"redis://{host}:{SERVER_PORT}/0"
        assert all(url in list(process.args) for process in workers.processes)  # type: ignore[arg-type]
        assert keys_on(address) == [], "the run left keys on the server"
    assert all(process.poll() is not None for process in workers.processes)


def test_the_namespace_and_veth_are_gone_after_the_test() -> None:
    """The fixture's finalizers ran for the test above (same module, run in order)."""
    if not CREATED:
        pytest.skip("no namespace was made (ip netns is not permitted here)")
    namespaces = _ip("netns", "list").stdout.split()
    links = _ip("-o", "link", "show").stdout
    for name, host_link in CREATED:
        assert name not in namespaces
        assert host_link not in links
