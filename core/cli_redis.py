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
from collections.abc import Iterator
from typing import TYPE_CHECKING

from core.errors import ParamError
from core.text import Sentence, translatable

if TYPE_CHECKING:
    from core.backends.redis_server import ServerAddress

PASSWORD_VARIABLE = "QUEUESCOPE_REDIS_PASSWORD"
_MAX_PASSWORD_BYTES = 4096

PASSWORD_IN_URL = translatable(
    "core",
    "do not put the password in the URL ({url}): other users can read command lines; "
    "use --redis-password-file FILE or QUEUESCOPE_REDIS_PASSWORD",
)
FILE_WITHOUT_URL = translatable("core", "--redis-password-file needs --redis URL")
UNREADABLE_PASSWORD = translatable("core", "cannot read the password file {path}: {reason}")


def add_redis_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="run --queue redis on this server (redis://HOST:PORT/DB or unix:///PATH) "
        "instead of the lab's own; password from --redis-password-file or "
        f"{PASSWORD_VARIABLE}",
    )
    parser.add_argument(
        "--redis-password-file",
        metavar="FILE",
        help="the Redis server's password: the file's first line",
    )


def server_address(args: argparse.Namespace) -> ServerAddress | None:
    """The shared server the options name, checked; None for the lab's own. ParamError."""
    from core.backends.redis_server import ServerAddress, check_server, redact  # when asked

    url = getattr(args, "redis", None)
    password_file = getattr(args, "redis_password_file", None)
    if url is None:
        if password_file is not None:
            raise ParamError(Sentence(FILE_WITHOUT_URL))
        return None
    if redact(url) != url:
        raise ParamError(Sentence.of(PASSWORD_IN_URL, url=redact(url)))
    password = os.environ.get(PASSWORD_VARIABLE) or None
    if password_file is not None:
        password = read_password(password_file)
    address = ServerAddress(url, password)
    check_server(address)
    return address


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
def shared_server(address: ServerAddress | None) -> Iterator[None]:
    """The redis backend uses address while the command runs, its own server after."""
    if address is None:
        yield  # the lab's own server: nothing to set, nothing to load
        return
    from core.backends import get_backend
    from core.backends.redis_queue import RedisBackend

    backend = get_backend(RedisBackend.name)
    assert isinstance(backend, RedisBackend)
    backend.use_server(address)
    try:
        yield
    finally:
        backend.use_server(None)
