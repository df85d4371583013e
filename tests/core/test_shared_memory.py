"""Shared memory that cannot SIGBUS: a full /dev/shm or temp dir is one line at start.

The machine's /dev/shm is shared, so these tests give a child process its
own: a private mount namespace (unshare --mount) with a tiny tmpfs on
/dev/shm, and another tiny tmpfs as its TMPDIR. They need root (or the right
to mount); they are skipped with the reason when the machine refuses.
"""

from __future__ import annotations

import errno
import json
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.ledger import Ledger
from core.shm import SharedBlock, SharedMemoryError, allocate, semaphore_room
from tests.core.cli_helpers import ROOT


def _can_mount() -> str:
    """'' if a private namespace with a tmpfs can be made here, else why not."""
    if shutil.which("unshare") is None:
        return "no unshare command"
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c",
         "mount -t tmpfs -o size=64k tmpfs /dev/shm"],
        capture_output=True,
        text=True,
        timeout=30,
    )  # fmt: skip
    return "" if probe.returncode == 0 else f"cannot mount a tmpfs: {probe.stderr.strip()}"


MOUNT_REFUSED = _can_mount()
needs_mounts = pytest.mark.skipif(bool(MOUNT_REFUSED), reason=MOUNT_REFUSED)


def in_namespace(
    tmp_path: Path, shm_size: str, tmp_size: str | None, command: list[str], fill_shm: bool = False
) -> subprocess.CompletedProcess[str]:
    """command with a private /dev/shm of shm_size and (if given) a TMPDIR tmpfs of tmp_size."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    steps = [f"mount -t tmpfs -o size={shm_size} tmpfs /dev/shm"]
    if tmp_size is not None:
        steps.append(f"mount -t tmpfs -o size={tmp_size} tmpfs {shlex.quote(str(tmpdir))}")
    if fill_shm:
        steps.append("dd if=/dev/zero of=/dev/shm/filler bs=4k 2>/dev/null; true")
    steps.append(f"TMPDIR={shlex.quote(str(tmpdir))} exec {shlex.join(command)}")
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", " && ".join(steps)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )


def cli_command(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), *args]


@needs_mounts
def test_a_ledger_that_fits_nowhere_is_one_line_and_exit_2(tmp_path: Path) -> None:
    # 200,000 items take ~7 MB of ledger: neither 1 MB filesystem holds it.
    done = in_namespace(
        tmp_path,
        "1m",
        "1m",
        cli_command("run", "--strategy", "sentinel-per-worker", "--items", "200000"),
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "not enough shared memory: need 7 MB" in lines[0]
    assert "MB free in /dev/shm" in lines[0] and f"MB free in {tmp_path / 'tmp'}" in lines[0]
    assert "set TMPDIR" in lines[0]


@needs_mounts
def test_a_small_dev_shm_puts_the_ledger_in_tmpdir_and_the_run_is_ok(tmp_path: Path) -> None:
    done = in_namespace(
        tmp_path,
        "1m",
        None,
        cli_command("run", "--strategy", "sentinel-per-worker", "--items", "200000"),
    )
    assert done.returncode == 0, done.stderr
    assert "outcome    OK" in done.stdout


@needs_mounts
def test_a_full_dev_shm_refuses_before_any_semaphore(tmp_path: Path) -> None:
    done = in_namespace(
        tmp_path,
        "64k",
        None,
        cli_command("run", "--strategy", "sentinel-per-worker", "--items", "10"),
        fill_shm=True,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("queuescope: error: not enough shared memory for semaphores")
    assert "0.0 MB free in /dev/shm" in lines[0]


@needs_mounts
def test_the_reservation_decides_not_the_free_space_seen_before_it(tmp_path: Path) -> None:
    # Concurrent runs all see room, then fill it: multiprocessing's sparse arrays
    # then die of SIGBUS on a page nothing can back. Here the free space the
    # check sees is a lie, and the reservation itself still refuses cleanly.
    script = textwrap.dedent(
        """
        import core.shm
        from core.ledger import Ledger
        core.shm.free_bytes = lambda directory: 1 << 40
        try:
            Ledger.create(400_000, 3)  # ~14 MB: more than /dev/shm and TMPDIR hold
        except core.shm.SharedMemoryError as error:
            print(error)
        """
    )
    done = in_namespace(tmp_path, "8m", "1m", [sys.executable, "-c", script])
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert done.stdout.startswith("not enough shared memory: need 14 MB"), done.stdout


@needs_mounts
@pytest.mark.timeout(120)
def test_concurrent_runs_on_a_small_dev_shm_end_ok_or_refused_never_by_sigbus(
    tmp_path: Path,
) -> None:
    # Docker's 64 MB /dev/shm and three 3M-item runs, scaled down: each ledger
    # takes ~5.4 MB of an 8 MB /dev/shm, and TMPDIR has no room to fall back to.
    script = textwrap.dedent(
        f"""
        import json, subprocess, sys
        command = {cli_command("run", "--strategy", "sentinel-per-worker", "--items", "150000")!r}
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(3)]
        print(json.dumps([(run.wait(90), run.communicate()[1]) for run in runs]))
        """
    )
    done = in_namespace(tmp_path, "8m", "1m", [sys.executable, "-c", script])
    assert done.returncode == 0, done.stderr
    ends = json.loads(done.stdout)
    assert any(code == 0 for code, _ in ends), ends
    for code, stderr in ends:
        assert code in (0, 2), ends  # never -7 (SIGBUS)
        if code == 2:
            assert stderr.startswith("queuescope: error: not enough shared memory"), stderr
            assert len(stderr.splitlines()) == 1


def test_a_full_dev_shm_while_creating_semaphores_is_a_refusal() -> None:
    refused = pytest.raises(SharedMemoryError, match="not enough shared memory for semaphores")
    with refused, semaphore_room():
        raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(PermissionError), semaphore_room():
        raise PermissionError(errno.EACCES, "Permission denied")


def test_a_block_is_reserved_zeroed_and_travels_to_a_spawned_child() -> None:
    import multiprocessing

    block = allocate(10_000)
    assert isinstance(block, SharedBlock) and block.size >= 10_000
    assert bytes(block.buffer[:16]) == bytes(16)
    ledger = Ledger.create(5, 2)
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=_mark_items, args=(ledger.handles,))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert list(ledger.take_count) == [7] * 5
    frozen = ledger.frozen()
    ledger.take_count[0] = 0
    assert list(frozen.take_count) == [7] * 5


def _mark_items(handles: object) -> None:
    ledger = Ledger(handles)  # type: ignore[arg-type]
    for i in range(ledger.items):
        ledger.take_count[i] = 7
