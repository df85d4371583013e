"""The Redis server a run's queue lives on: the lab's own (embedded), or a shared one.

Embedded (the default): a redis-server started for one run, reached only
through a Unix socket in the run directory (TCP off: --port 0), with a
random password and no persistence; it ends with the run, and with the main
process if that dies (PR_SET_PDEATHSIG, and the run's journal lists it, see
core.lifeline). Shared (--redis URL): an existing server; each run uses its
own key prefix and deletes its keys at the end.

Every way a server can be unusable (no redis-server binary, no redis
package, an unreachable URL, a wrong password, a server older than 6.2,
which lacks BLMOVE) is a ParamError: one line that says what to do.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from core import lifeline
from core.errors import ParamError
from core.text import Sentence, translatable

MIN_VERSION = (6, 2)  # BLMOVE and LMOVE
START_TIMEOUT_S = 5.0
STOP_TIMEOUT_S = 2.0
CONNECT_TIMEOUT_S = 3.0
REPLY_TIMEOUT_S = 6.0
_SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux
_PR_SET_PDEATHSIG = 1

NO_PACKAGE = translatable(
    "core", "the redis queue needs the redis Python package: pip install redis"
)
NO_BINARY = translatable(
    "core",
    "redis-server not found: install it (apt-get install redis-server) "
    "or use a running server with --redis URL",
)
TOO_OLD = translatable(
    "core",
    "the Redis server at {where} is version {version}; the redis queue needs 6.2 or newer "
    "(for BLMOVE): upgrade it or use another server",
)
UNREACHABLE = translatable(
    "core", "cannot reach the Redis server at {where}: {reason}; check the URL and that it runs"
)
BAD_PASSWORD = translatable(
    "core",
    "the Redis server at {where} refused the password: give the right one with "
    "--redis-password-file FILE or QUEUESCOPE_REDIS_PASSWORD",
)
BAD_URL = translatable(
    "core", "not a Redis URL: {url}; use redis://HOST:PORT/DB or unix:///PATH/TO/SOCKET"
)
DID_NOT_START = translatable("core", "the lab's own redis-server did not start: {reason}")


@dataclass(frozen=True)
class ServerAddress:
    """How to reach a server: a URL (redis://, rediss:// or unix://) and its password.

    Picklable: it travels to local workers inside their queue handle. str()
    never shows the password.
    """

    url: str
    password: str | None = None

    def __str__(self) -> str:
        return redact(self.url)

    def client(
        self, name: str | None = None, blocking: bool = False, timeout: float = REPLY_TIMEOUT_S
    ) -> Any:
        """A redis-py client; blocking ones wait in BLMOVE without a socket timeout.

        No retries: a cut connection or a lost server is the run's evidence,
        not something to paper over by reconnecting.
        """
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return redis.Redis.from_url(
            self.url,
            password=self.password,
            client_name=name,
            socket_connect_timeout=min(CONNECT_TIMEOUT_S, timeout),
            socket_timeout=None if blocking else timeout,
            retry=Retry(NoBackoff(), 0),
            decode_responses=False,
            protocol=2,  # what every server since 2.0 speaks; the same replies everywhere
        )


def redact(url: str) -> str:
    """A URL as it may be shown: any password in it replaced."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def require_package() -> None:
    try:
        import redis  # noqa: F401
    except ImportError:
        raise ParamError(Sentence(NO_PACKAGE)) from None


def check_server(address: ServerAddress) -> None:
    """Connect, authenticate and check the version; ParamError if the server is unusable."""
    require_package()
    import redis

    if not re.match(r"^(redis|rediss|unix)://", address.url):
        raise ParamError(Sentence.of(BAD_URL, url=redact(address.url)))
    where = str(address)
    try:
        client = address.client()
    except ValueError:
        raise ParamError(Sentence.of(BAD_URL, url=where)) from None
    try:
        version = str(client.info("server").get("redis_version", "0"))
    except redis.AuthenticationError:
        raise ParamError(Sentence.of(BAD_PASSWORD, where=where)) from None
    except redis.ResponseError as error:
        if "NOAUTH" in str(error) or "WRONGPASS" in str(error):
            raise ParamError(Sentence.of(BAD_PASSWORD, where=where)) from None
        raise ParamError(Sentence.of(UNREACHABLE, where=where, reason=str(error))) from None
    except Exception as error:
        reason = str(error).strip().rstrip(".") or type(error).__name__
        raise ParamError(Sentence.of(UNREACHABLE, where=where, reason=reason)) from None
    finally:
        client.close()
    if parse_version(version) < MIN_VERSION:
        raise ParamError(Sentence.of(TOO_OLD, where=where, version=version))


def parse_version(text: str) -> tuple[int, ...]:
    numbers = re.findall(r"\d+", text)[:3]
    return tuple(int(n) for n in numbers) or (0,)


def find_binary() -> str:
    """The redis-server to embed, new enough; ParamError if none is."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ParamError(Sentence(NO_BINARY))
    try:
        banner = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise ParamError(Sentence.of(DID_NOT_START, reason=str(error))) from None
    match = re.search(r"v=(\d+\.\d+(?:\.\d+)?)", banner)
    version = match.group(1) if match else "unknown"
    if parse_version(version) < MIN_VERSION:
        raise ParamError(Sentence.of(TOO_OLD, where=binary, version=version))
    return binary


class EmbeddedServer:
    """One run's own redis-server; start() returns its address, stop() ends it."""

    def __init__(self, run_dir: str) -> None:
        self.run_dir = run_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.address: ServerAddress | None = None

    def start(self) -> ServerAddress:
        require_package()
        binary = find_binary()
        password = secrets.token_urlsafe(24)
        socket_path = os.path.join(self.run_dir, "redis.sock")
        if len(socket_path) <= _SOCKET_PATH_MAX:
            listen = [f"port 0\nunixsocket {socket_path}\nunixsocketperm 700"]
            url = f"unix://{socket_path}"
        else:  # a long temp dir: a free loopback port instead
            port = _free_loopback_port()
            listen = [f"port {port}\nbind 127.0.0.1"]
            url = f"redis://127.0.0.1:{port}/0"
        config = os.path.join(self.run_dir, "redis.conf")
        # A config file (0600 in the 0700 run directory): the password is never
        # on a command line, where any local user could read it.
        with open(os.open(config, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600), "w") as out:
            out.write(
                "\n".join(
                    [
                        *listen,
                        f"requirepass {password}",
                        'save ""',
                        "appendonly no",
                        f"dir {self.run_dir}",
                        "databases 1",
                        "daemonize no",
                        'logfile ""',
                        "",
                    ]
                )
            )
        log = open(os.path.join(self.run_dir, "redis.log"), "wb")  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                [binary, config],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                close_fds=True,
                preexec_fn=_die_with_parent,
            )
        finally:
            log.close()
        identity = lifeline.ProcessId.of(self.process.pid)
        if identity is not None:
            lifeline.announce_process(self.run_dir, identity)
        self.address = ServerAddress(url, password)
        self._wait_ready(self.address)
        return self.address

    def _wait_ready(self, address: ServerAddress) -> None:
        import redis

        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        client = address.client()
        try:
            while True:
                if self.process.poll() is not None:
                    raise ParamError(Sentence.of(DID_NOT_START, reason=self._last_log_line()))
                try:
                    client.ping()
                    return
                except (redis.ConnectionError, redis.TimeoutError, OSError):
                    if time.monotonic() > deadline:
                        self.stop()
                        raise ParamError(
                            Sentence.of(DID_NOT_START, reason="no answer in time")
                        ) from None
                    time.sleep(0.005)
        finally:
            client.close()

    def _last_log_line(self) -> str:
        with contextlib.suppress(OSError):
            with open(os.path.join(self.run_dir, "redis.log"), "rb") as log:
                lines = [line.strip() for line in log.read().decode(errors="replace").splitlines()]
            lines = [line for line in lines if line]
            if lines:
                return lines[-1][-200:]
        return "it exited at once"

    def stop(self) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()  # SIGTERM: with no persistence it exits at once
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT_S)
        self.process = None

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def pause(self) -> None:
        """SIGSTOP the server (a fault a test injects)."""
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGSTOP)


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_LIBC: Any = None
if sys.platform.startswith("linux"):
    with contextlib.suppress(OSError):
        _LIBC = ctypes.CDLL(None, use_errno=True)  # loaded before any fork


def _die_with_parent() -> None:
    """In the forked server, before exec: SIGKILL when the thread that started it ends.

    That thread is the run's own (it also stops the server), so this fires only
    when the main process dies without reaping the run.
    """
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
