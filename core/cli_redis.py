"""The command line's Redis options: --redis URL and --redis-password-file FILE.

With no --redis, a run with --queue redis starts its own redis-server. With
--redis URL, every redis run of the command uses that server; its password
comes from --redis-password-file FILE or the QUEUESCOPE_REDIS_PASSWORD
environment variable, never from the command line (where other local users
can read it): a URL with a password in it is refused. The server is checked
(reachable, the password, version 6.2 or newer) before anything runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from core.errors import ParamError
from core.text import Sentence, translatable

if TYPE_CHECKING:  # Redis code loads only when a command names a server (a light start)
    from core.backends.redis_server import ServerAddress

PASSWORD_VARIABLE = "QUEUESCOPE_REDIS_PASSWORD"
_MAX_PASSWORD_BYTES = 4096

PASSWORD_IN_URL = translatable(
    "core",
    "do not put the password in the URL ({url}): other users can read command lines; "
    "use --redis-password-file FILE or QUEUESCOPE_REDIS_PASSWORD",
)
FILE_WITHOUT_URL = translatable("core", "--redis-password-file needs --redis URL")
REMOTE_NEEDS_REDIS = translatable(
    "core",
    "--remote-workers needs --queue redis and --redis URL: a server the other hosts can reach",
)
REMOTE_COUNT = translatable("core", "--remote-workers must be between 0 and --workers")
REMOTE_WAIT = translatable("core", "--remote-wait must be more than 0 seconds")
DEFAULT_REMOTE_WAIT_S = 60.0
UNREADABLE_PASSWORD = translatable("core", "cannot read the password file {path}: {reason}")


def add_redis_options(parser: argparse.ArgumentParser, remote: bool = False) -> None:
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="run --queue redis on this server (redis://HOST:PORT/DB or unix:///PATH) "
        "instead of the lab's own; password from --redis-password-file or "
        f"{PASSWORD_VARIABLE}",
    )
    read_password_options(parser)
    if remote:
        parser.add_argument(
            "--remote-workers",
            metavar="N",
            type=int,
            default=0,
            help="with --redis: the last N workers join from other hosts (main.py worker); "
            "the run prints the command and waits for them",
        )
        parser.add_argument(
            "--remote-wait",
            metavar="SECONDS",
            type=float,
            default=DEFAULT_REMOTE_WAIT_S,
            help=f"how long to wait for the remote workers (default {DEFAULT_REMOTE_WAIT_S:g})",
        )


def read_password_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--redis-password-file",
        metavar="FILE",
        help="the Redis server's password: the file's first line "
        f"(or the {PASSWORD_VARIABLE} environment variable)",
    )


def server_address(args: argparse.Namespace) -> ServerAddress | None:
    """The shared server the options name, checked; None for the lab's own. ParamError."""
    url = getattr(args, "redis", None)
    password_file = getattr(args, "redis_password_file", None)
    remote = getattr(args, "remote_workers", 0) or 0
    if remote and (url is None or getattr(args, "queue_kind", None) != "redis"):
        raise ParamError(Sentence(REMOTE_NEEDS_REDIS))
    workers = getattr(args, "workers", None)  # a run's count (an experiment's is a list)
    if remote < 0 or (isinstance(workers, int) and remote > workers):
        raise ParamError(Sentence(REMOTE_COUNT))
    if getattr(args, "remote_wait", 1.0) <= 0:
        raise ParamError(Sentence(REMOTE_WAIT))
    if url is None:
        if password_file is not None:
            raise ParamError(Sentence(FILE_WITHOUT_URL))
        return None
    return shared_address(url, password_file)


def shared_address(url: str, password_file: str | None = None) -> ServerAddress:
    """A shared server, checked, with its password from the file or the environment.

    ParamError if the URL holds a password, the file cannot be read, or the server is
    unusable (core.backends.redis_server.check_server).
    """
    from core.backends.redis_server import ServerAddress, check_server, redact

    if redact(url) != url:
        raise ParamError(Sentence.of(PASSWORD_IN_URL, url=redact(url)))
    password = os.environ.get(PASSWORD_VARIABLE) or None
    if password_file is not None:
        password = read_password(password_file)
    address = ServerAddress(url, password)
    check_server(address)
    return address


def stale_keys_deleter(args: argparse.Namespace) -> Callable[[str, str], None]:
    """How the next start deletes the keys a killed run left on a shared server: with the
    password this command has for that URL (its options, or the environment)."""
    return keys_deleter(getattr(args, "redis", None), getattr(args, "redis_password_file", None))


def keys_deleter(url: str | None, password_file: str | None) -> Callable[[str, str], None]:
    """delete(run_url, prefix): a killed run's keys, with the password the environment gives,
    or password_file's when run_url is url (the server this start was told about)."""

    def delete(run_url: str, prefix: str) -> None:
        from core.backends.redis_server import ServerAddress

        password = os.environ.get(PASSWORD_VARIABLE) or None
        if run_url == url and password_file:
            password = read_password(password_file)
        client = ServerAddress(run_url, password).client(timeout=1.0)
        try:
            batch = list(client.scan_iter(match=prefix + "*", count=500))
            if batch:
                client.unlink(*batch)
        finally:
            client.close()

    return delete


def read_password(path: str) -> str:
    try:
        with open(path, "rb") as source:
            data = source.read(_MAX_PASSWORD_BYTES)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ParamError(Sentence.of(UNREADABLE_PASSWORD, path=path, reason=reason)) from None
    lines = data.decode("utf-8", "replace").splitlines()
    return lines[0] if lines else ""


@contextlib.contextmanager
def shared_server(
    address: ServerAddress | None, args: argparse.Namespace | None = None
) -> Iterator[None]:
    """The redis backend uses address while the command runs, its own server after."""
    if address is None:
        yield  # the lab's own server: nothing to set, nothing to load
        return
    from core.backends.redis_backend import serving
    from core.backends.redis_queue import RemotePlan

    remote = None
    count = getattr(args, "remote_workers", 0) or 0
    if count:
        remote = RemotePlan(count, float(args.remote_wait), _announce)  # type: ignore[union-attr]
    with serving(address, remote):
        yield


def _announce(text: str) -> None:
    print(f"queuescope: {text}", file=sys.stderr, flush=True)
