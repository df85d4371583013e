"""Private redis-servers for tests: on a Unix socket in the test's own directory.

A test that starts one stops it (the context manager does, whatever happens),
and checks that no key of a run is left on it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.backends import get_backend
from core.backends.redis_backend import RedisBackend
from core.backends.redis_server import ServerAddress

needs_redis_server = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)


@contextlib.contextmanager
def private_server(
    directory: Path, port: int = 0, bind: str = "127.0.0.1"
) -> Iterator[tuple[ServerAddress, subprocess.Popen[bytes]]]:
    """A redis-server of the test's own: a Unix socket (port 0) or a loopback port."""
    password = secrets.token_hex(8)
    socket_path = directory / "test-redis.sock"
    config = directory / "test-redis.conf"
    listen = f"port {port}\nbind {bind}\n" + (f"unixsocket {socket_path}\n" if not port else "")
    config.write_text(f'{listen}requirepass {password}\nsave ""\nappendonly no\ndir {directory}\n')
    config.chmod(0o600)
    server = subprocess.Popen(
        ["redis-server", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"unix://{socket_path}" if not port else f"redis://{bind}:{port}/0"
    address = ServerAddress(url, password)
    try:
        client = address.client()
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except Exception:
                assert time.monotonic() < deadline, "the test's redis-server did not start"
                time.sleep(0.01)
        client.close()
        yield address, server
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(10)


@pytest.fixture(name="shared")
def shared_redis(tmp_path: Path) -> Iterator[ServerAddress]:
    """The redis backend on a server of the test's own, for the test's length; no key left."""
    backend = get_backend("redis")
    assert isinstance(backend, RedisBackend)
    with private_server(tmp_path) as (address, _):
        backend.use_server(address)
        try:
            yield address
        finally:
            backend.use_server(None)
        assert keys_on(address) == [], "a run left keys on the server"


def keys_on(address: ServerAddress) -> list[bytes]:
    client = address.client()
    try:
        return sorted(client.keys("*"))
    finally:
        client.close()


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def old_server() -> Iterator[str]:
    """A loopback server that speaks just enough RESP to say it is Redis 6.0.16."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(2)
                with contextlib.suppress(OSError, ValueError):
                    for command in _commands(connection):
                        connection.sendall(_old_reply(command))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def _commands(connection: socket.socket) -> Iterator[bytes]:
    """The name of each RESP command (an array of bulk strings) a client sends."""
    reader = connection.makefile("rb")
    while header := reader.readline():
        count = int(header[1:])
        words = []
        for _ in range(count):
            size = int(reader.readline()[1:])
            words.append(reader.read(size + 2)[:-2])
        yield words[0].upper()


def _old_reply(command: bytes) -> bytes:
    if command == b"HELLO":
        return b"-ERR unknown command 'HELLO'\r\n"
    if command == b"INFO":
        body = b"# Server\r\nredis_version:6.0.16\r\n"
        return b"$%d\r\n%s\r\n" % (len(body), body)
    return b"+OK\r\n"


def redis_server_pids() -> set[int]:
    """redis-server processes of this user (the embedded ones a test must not leave)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/comm") as comm:
                if comm.read().strip() == "redis-server":
                    found.add(int(entry))
    return found
