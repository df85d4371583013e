"""What the OS can tell about stuck workers at the verdict: state letters, stack dumps."""

from __future__ import annotations

import contextlib
import os
import signal
import time

from core.ledger import W_FIELDS, W_PID, W_STATE, Ledger
from core.procs import pid_state
from core.states import FINAL_STATES

DUMP_WAIT_S = 0.5
DUMP_POLL_S = 0.01


def os_states(ledger: Ledger, workers: int) -> dict[int, str]:
    """The /proc state letter of each worker that has a pid (0-based worker -> letter)."""
    states = {}
    for w in range(workers):
        pid = int(ledger.table[w * W_FIELDS + W_PID])
        if pid > 0:
            states[w] = pid_state(pid)
    return states


def dump_stacks(
    ledger: Ledger,
    workers: int,
    os_states: dict[int, str],
    dead: dict[int, int | None],
    run_dir: str,
) -> dict[int, str]:
    """Ask every stuck worker for a faulthandler dump of all its threads (1-based keys)."""
    targets: dict[int, int] = {}
    for w in range(workers):
        row = w * W_FIELDS
        state = int(ledger.table[row + W_STATE])
        pid = int(ledger.table[row + W_PID])
        stopped = os_states.get(w) == "T"  # cannot answer a signal
        if pid > 0 and state not in FINAL_STATES and w not in dead and not stopped:
            targets[w] = pid
    for pid in set(targets.values()):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGUSR1)
    dumps: dict[int, str] = {}
    deadline = time.monotonic() + DUMP_WAIT_S
    pending = dict(targets)
    last_read: dict[int, str] = {}
    while pending and time.monotonic() < deadline:
        # A dump is written from a C signal handler in well under a ms: a
        # finer poll ends this wait (and the verdict's cleanup) sooner.
        time.sleep(DUMP_POLL_S)
        for w, pid in list(pending.items()):
            path = os.path.join(run_dir, f"stack-{pid}.txt")
            text = ""
            with contextlib.suppress(OSError), open(path) as dump:
                text = dump.read()
            # faulthandler writes as it walks the stack: done once it stops growing.
            if text.strip() and text == last_read.get(w):
                dumps[w + 1] = text
                del pending[w]
            last_read[w] = text
    for w in pending:
        if last_read.get(w, "").strip():
            dumps[w + 1] = last_read[w]
    return dumps
