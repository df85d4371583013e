"""Output files written safely, for the CLI and the window alike.

An output is checked before the work that fills it (check_output): its
directory exists and takes new files, and the target is a regular file, a
symlink or nothing yet (never a directory or a device such as /dev/full).
It is then written to a temporary file in the same directory and renamed over
the target only when complete (write_outputs, write_file), so a failure or a
signal leaves the old file as it was and no temporary file behind. A symlink
at the target is replaced by the new file, never followed.

JSON written anywhere is strict: json_safe() turns the non-finite floats
(NaN, infinities) JSON has no words for into null.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import IO, Any, TypeAlias

from core.text import Translate, identity, translatable

__all__ = [
    "TEMPORARY_PREFIX",
    "Abandoned",
    "OutputFailed",
    "TextWriter",
    "abandon_on_signals",
    "check_output",
    "failure_reason",
    "finite",
    "json_safe",
    "write_file",
    "write_outputs",
    "writes_text",
]

TEMPORARY_PREFIX = ".queuescope-"
_PROBE_PREFIX = ".queuescope-probe-"

NOT_A_REGULAR_FILE = translatable("core", "not a regular file")
NO_NEW_FILES = translatable("core", "no file can be created in this directory")

TextWriter: TypeAlias = Callable[[IO[str]], None]


class OutputFailed(OSError):
    """Writing an output failed; output is its path as given, filename what failed."""

    output: str = ""

    @classmethod
    def of(cls, error: OSError, output: str) -> OutputFailed:
        failed = cls(error.errno, error.strerror or str(error), error.filename or output)
        failed.output = output
        return failed


# --- before the work -----------------------------------------------------------------


def check_output(path: str) -> str:
    """Raise OSError unless a new file can replace path; return the path it names.

    The returned path has its directory resolved but not its last part (a
    symlink there is replaced, not followed), so two outputs that would
    replace the same file give the same string.
    """
    target = _replaceable(path)
    directory = os.path.dirname(target)
    try:
        with _signals_deferred():
            fd, probe = tempfile.mkstemp(prefix=_PROBE_PREFIX, dir=directory)
            os.close(fd)
            os.unlink(probe)
    except OSError as error:
        reason = error.strerror or str(error)
        if error.errno == errno.ENOENT and os.path.isdir(directory):
            reason = NO_NEW_FILES  # /proc and the like: the directory is there, files are not
        raise OSError(error.errno, reason, directory) from None
    return os.path.join(os.path.realpath(directory), os.path.basename(target))


def _replaceable(path: str) -> str:
    """path as an absolute path; OSError if what is there must not be replaced."""
    if not path or path.endswith(os.sep):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    target = os.path.abspath(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return target
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise OSError(errno.EINVAL, NOT_A_REGULAR_FILE, path)
    return target


def failure_reason(error: OSError, path: str = "", translate: Translate = identity) -> str:
    """Why error happened, in one line; naming the file that failed unless it is path."""
    reason = translate(error.strerror) if error.strerror else str(error)
    return f"{reason} ({error.filename})" if error.filename and error.filename != path else reason


# --- writing -------------------------------------------------------------------------


def writes_text(text: str) -> TextWriter:
    """A TextWriter that writes text as it is."""

    def write(out: IO[str]) -> None:
        out.write(text)

    return write


def write_outputs(outputs: Sequence[tuple[str, TextWriter]], sync: bool = True) -> None:
    """Write each (path, write) as UTF-8 text; replace the targets only once all are written.

    write(out) gets the open temporary file. Raises OutputFailed when one
    fails; then no target has changed. Any exception (KeyboardInterrupt
    included) removes the temporary files.
    """
    _replace_all([(path, ".tmp", _as_text(write)) for path, write in outputs], sync)


def write_file(path: str, write: Callable[[str], None], suffix: str = ".tmp") -> None:
    """write(temporary path) beside path, then rename it over path (for writers that want a path).

    suffix ends the temporary file's name (an image writer may pick its format
    from it). Raises OutputFailed; on any failure path is untouched.
    """

    def write_to(fd: int, temporary: str) -> None:
        write(temporary)

    _replace_all([(path, suffix, write_to)], sync=True)


def _as_text(write: TextWriter) -> Callable[[int, str], None]:
    def write_text(fd: int, temporary: str) -> None:
        with os.fdopen(fd, "w", encoding="utf-8", newline="", closefd=False) as out:
            write(out)

    return write_text


def _replace_all(
    outputs: Sequence[tuple[str, str, Callable[[int, str], None]]], sync: bool
) -> None:
    """(path, suffix, write(fd, temporary path)) each: all written first, then all renamed."""
    written: list[tuple[str, str]] = []  # (temporary, target), in the order of outputs
    try:
        for path, suffix, write in outputs:
            try:
                target = _replaceable(path)
                with _temporary_beside(target, suffix, written) as (fd, temporary):
                    write(fd, temporary)
                    _finish(fd, sync)
            except OSError as error:
                raise OutputFailed.of(error, path) from error
        for (path, _, _), (temporary, target) in zip(outputs, list(written), strict=True):
            try:
                os.replace(temporary, target)
            except OSError as error:
                raise OutputFailed.of(error, path) from error
            written.remove((temporary, target))
    except BaseException:
        _remove(temporary for temporary, _ in written)
        raise


@contextlib.contextmanager
def _temporary_beside(
    target: str, suffix: str, written: list[tuple[str, str]]
) -> Iterator[tuple[int, str]]:
    """An empty temporary file in target's directory, listed in written as soon as it exists."""
    with _signals_deferred():
        fd, temporary = tempfile.mkstemp(
            prefix=TEMPORARY_PREFIX, suffix=suffix, dir=os.path.dirname(target)
        )
        written.append((temporary, target))
    try:
        yield fd, temporary
    finally:
        os.close(fd)


def _finish(fd: int, sync: bool) -> None:
    # mkstemp makes the file private; give it what a plain open() would.
    os.fchmod(fd, 0o666 & ~_umask())
    if sync:
        os.fsync(fd)  # a full disk can show only here, before the old file is replaced


def _remove(paths: Iterator[str]) -> None:
    with _signals_deferred():
        for path in paths:
            with contextlib.suppress(OSError):
                os.unlink(path)


class Abandoned(BaseException):
    """SIGINT or SIGTERM while writing (BaseException: no `except Exception` swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def abandon_on_signals() -> Iterator[None]:
    """Inside, the first SIGINT or SIGTERM raises Abandoned, so that a write in progress is
    given up and its temporary files removed; later ones wait. Main thread only."""
    received: list[int] = []

    def abandon(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        if len(received) == 1:  # once: a second signal must not cut the clean-up short
            raise Abandoned(signum)

    previous = {sig: signal.signal(sig, abandon) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait until a temporary file exists and is listed, or is gone."""
    deferred = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, deferred)
    except (AttributeError, OSError, ValueError):
        yield  # no signal masks here
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _umask() -> int:
    # Read, not set and reset: os.umask() would change it for every thread meanwhile.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


# --- strict JSON ---------------------------------------------------------------------


def finite(value: float | None) -> float | None:
    """value, or None where JSON has no number for it (NaN, infinities)."""
    return value if value is None or math.isfinite(value) else None


def json_safe(value: Any) -> Any:
    """value with every non-finite float inside it (dicts, lists, tuples) turned into None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value
