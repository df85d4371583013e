"""Run the headless CLI (main.py) in a child process, as a user's shell would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from core.procs import child_pids

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_cli(
    args: Sequence[str],
    temp_dir: Path | None = None,
    stdout: int = subprocess.PIPE,
    new_session: bool = False,
) -> subprocess.Popen[str]:
    """main.py with args in the background; its temporary files in temp_dir when given."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        env=None if temp_dir is None else {**os.environ, "TMPDIR": str(temp_dir)},
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=new_session,
    )


def signal_once_started(
    args: Sequence[str], signum: int, children: int = 1, settle_s: float = 0.0
) -> tuple[subprocess.CompletedProcess[str], set[int]]:
    """main.py with args, sent signum once it has `children` children (and settle_s later).

    Returns what it said and the children it had; killed if it outlives the test's bounds.
    """
    process = start_cli(args)
    try:
        started: set[int] = set()
        deadline = time.monotonic() + 30
        while len(started) < children and time.monotonic() < deadline:
            started = child_pids(process.pid)
            time.sleep(0.05)
        assert started, "the CLI never started a child"
        time.sleep(settle_s)
        process.send_signal(signum)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err), started
