"""Giving the heap's free pages back to the OS after a run (glibc's malloc_trim)."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from typing import Any


def _load_malloc_trim() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # glibc only
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_MALLOC_TRIM = _load_malloc_trim()


def release_free_memory() -> None:
    """Return free heap pages to the OS (glibc's malloc_trim; a no-op elsewhere).

    glibc keeps memory freed by other threads' arenas and raises its mmap
    threshold after big frees, so RSS stays at the run's peak without this.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
