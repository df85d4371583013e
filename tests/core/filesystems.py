"""Filesystems made for a test: a tiny tmpfs that the first large write fills."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def tiny_tmpfs(mount: Path, size: str = "64k") -> Iterator[Path]:
    """A tmpfs of size at mount (created), unmounted at the end; skips the test if the
    machine refuses to mount one (not root, no CAP_SYS_ADMIN)."""
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True, timeout=30)


def fill(directory: Path) -> None:
    """Fill directory's filesystem to the last byte."""
    with contextlib.suppress(OSError), open(directory / "filler", "wb") as filler:
        while True:
            filler.write(b"\0" * 4096)
            filler.flush()
