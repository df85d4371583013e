"""Shared memory reserved up front, so a full /dev/shm is an error at start, never a SIGBUS.

multiprocessing's shared arrays map a sparse file: its pages are only taken
when first written, so a /dev/shm (or temp dir) that fills up meanwhile,
through another run or another program, kills the writing worker with
SIGBUS in the middle of a run. SharedBlock takes every page with
posix_fallocate before any worker starts, and a run that does not fit is
refused with one line. Named semaphores (queues, locks, events) live in
/dev/shm too: semaphore_room() turns a full /dev/shm into the same kind of line.
"""

from __future__ import annotations

import contextlib
import errno
import mmap
import os
import sys
import tempfile
import weakref
from collections.abc import Iterator
from multiprocessing import reduction
from typing import Any

from core.errors import ParamError
from core.text import Sentence, translatable

SHM_DIR = "/dev/shm"
# Room left in /dev/shm for a run's named semaphores (a page each, a few dozen at most).
SEMAPHORE_ROOM = 256 << 10
MB = 1 << 20


class SharedMemoryError(ParamError):
    """Not enough shared memory for a run; the message is one line that says what to do."""


class SharedBlock:
    """size bytes of shared memory, every page allocated; buffer is its mmap.

    Forked children inherit the mapping; a child being started with spawn or
    forkserver gets the file descriptor through pickling (as multiprocessing's
    own shared arrays do), so a block travels in a Process's arguments.
    """

    def __init__(self, size: int, fd: int) -> None:
        """Takes ownership of fd: kept open for children yet to start, closed with the block."""
        self.size = size
        self._fd = fd
        weakref.finalize(self, os.close, fd)
        self.buffer = mmap.mmap(fd, size)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_attach, (self.size, reduction.DupFd(self._fd)))


def _attach(size: int, dup_fd: Any) -> SharedBlock:
    return SharedBlock(size, dup_fd.detach())


def allocate(size: int) -> SharedBlock:
    """A zero-filled block of at least size bytes in /dev/shm, or else in the temp dir.

    Raises SharedMemoryError (a ParamError) when neither has room.
    """
    size = max(size, mmap.PAGESIZE)
    tried: list[tuple[str, int]] = []
    failure: OSError | None = None
    for directory in _candidates():
        reserve = SEMAPHORE_ROOM if directory == SHM_DIR else 0
        free = free_bytes(directory)
        tried.append((directory, free))
        if free < size + reserve:
            continue
        try:
            return _allocate_in(directory, size)
        except OSError as error:
            if error.errno not in (errno.ENOSPC, errno.EFBIG, errno.ENOMEM):
                failure = error
            tried[-1] = (directory, free_bytes(directory))
    if failure is not None and all(free >= size for _, free in tried):
        raise SharedMemoryError(
            Sentence.of(
                translatable(
                    "core",
                    "cannot reserve shared memory in {dir}: {error}; set TMPDIR to a writable "
                    "directory",
                ),
                dir=tried[-1][0],
                error=failure.strerror or str(failure),
            )
        )
    raise SharedMemoryError(
        Sentence.of(
            translatable(
                "core", "not enough shared memory: need {need} MB, {free}; set TMPDIR or free space"
            ),
            need=-(-size // MB),
            free=tuple(
                Sentence.of(
                    translatable("core", "{free} MB free in {dir}"), free=free // MB, dir=directory
                )
                for directory, free in tried
            ),
        )
    )


def _candidates() -> list[str]:
    """Where the block may live: /dev/shm first (memory), then the temp dir (TMPDIR)."""
    temp = tempfile.gettempdir()
    if sys.platform.startswith("linux") and os.path.isdir(SHM_DIR) and temp != SHM_DIR:
        return [SHM_DIR, temp]
    return [temp]


def _allocate_in(directory: str, size: int) -> SharedBlock:
    fd, name = tempfile.mkstemp(prefix="queuescope-ledger-", dir=directory)
    try:
        os.unlink(name)  # nothing to leak: the block lives as long as a mapping or descriptor
        os.posix_fallocate(fd, 0, size)
    except BaseException:
        os.close(fd)
        raise
    return SharedBlock(size, fd)


def free_bytes(directory: str) -> int:
    """Bytes an unprivileged writer may still use in directory's filesystem; 0 if unknown."""
    try:
        stat = os.statvfs(directory)
    except OSError:
        return 0
    return stat.f_bavail * stat.f_frsize


@contextlib.contextmanager
def semaphore_room() -> Iterator[None]:
    """Around code that creates named semaphores: a full /dev/shm becomes SharedMemoryError.

    Also refuses at once when /dev/shm has less than SEMAPHORE_ROOM left, so a
    run does not start only to fail on a later semaphore (in a pool's thread).
    """
    if sys.platform.startswith("linux") and os.path.isdir(SHM_DIR):
        if free_bytes(SHM_DIR) < SEMAPHORE_ROOM:
            raise _no_room_for_semaphores()
    try:
        yield
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
        raise _no_room_for_semaphores() from None


def _no_room_for_semaphores() -> SharedMemoryError:
    return SharedMemoryError(
        Sentence.of(
            translatable(
                "core",
                "not enough shared memory for semaphores: need {need} MB, {free} MB free in "
                "{dir}; free space there",
            ),
            need=f"{SEMAPHORE_ROOM / MB:g}",
            free=f"{free_bytes(SHM_DIR) / MB:.1f}",
            dir=SHM_DIR,
        )
    )
