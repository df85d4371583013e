"""Each run's journal of what it created, so a later start can clean up after it.

A run keeps journal.json in its run directory (queuescope-run-* in the temp
directory): the main process that owns the run (pid and start time), the
named semaphores and shared memory segments multiprocessing created while
the run went, and the directories it made (multiprocessing's pymp-* ones).
The owner rewrites it atomically (a temporary file renamed over it) as the
run creates things. Each child process of the run adds itself as an empty
file child-PID-START beside it (core.lifeline.announce): creating a file is
atomic, and no two writers share one.

The reaper removes the run directory, journal included, when the run ends.
When the main process dies instead (SIGKILL, the OOM killer, a crash, a
whole process group killed with multiprocessing's own resource tracker),
reap_stale_runs() at the next start of QueueScope finds journals whose
owner is gone and removes what they list. A journal whose owner still runs
is left alone, and so is anything that is not ours (another uid, a pid
that now belongs to another process, a path outside the temp directory).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core import cpython
from core.lifeline import CHILD_PREFIX, ProcessId
from core.text import Sentence, translatable

RUN_DIR_PREFIX = "queuescope-run-"
JOURNAL_NAME = "journal.json"
_MAX_JOURNAL_BYTES = 1 << 20
# Only names multiprocessing makes: a journal never makes us unlink anything else.
_RESOURCE_NAMES = {
    "semaphore": re.compile(r"/mp-[A-Za-z0-9_]{1,64}"),
    "shared_memory": re.compile(r"/?(psm|wnsm)_[A-Za-z0-9_]{1,64}"),
}
_KEY_PREFIX = re.compile(r"queuescope:[0-9a-f]{12}:")  # only a run's own keys
_OUR_DIR = re.compile(rf"({re.escape(RUN_DIR_PREFIX)}|pymp-)[A-Za-z0-9_]{{1,64}}")

CLEANED = translatable(
    "core",
    "Cleaned up after runs whose program ended abruptly (runs: {runs}; processes ended: "
    "{processes}; semaphores removed: {resources}; folders removed: {directories}).",
)


@dataclass(eq=False)
class _Journal:
    run_dir: str
    owner: ProcessId
    directories: list[str] = field(default_factory=list)
    servers: list[list[str]] = field(default_factory=list)  # [URL without password, key prefix]

    def write(self) -> None:
        main_temp_dir = cpython.process_temp_dir()
        directories = [*self.directories]
        if main_temp_dir and main_temp_dir not in directories:
            directories.append(main_temp_dir)
        payload = {
            "owner": [self.owner.pid, self.owner.start],
            # Parallel runs share one owner and are reaped together: each lists them all.
            "resources": sorted([name, kind] for name, kind in _live.items()),
            "directories": directories,
            "servers": self.servers,
        }
        path = os.path.join(self.run_dir, JOURNAL_NAME)
        with contextlib.suppress(OSError):  # the run goes on without its journal
            fd, temporary = tempfile.mkstemp(prefix=".journal-", dir=self.run_dir)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(payload, out)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise


_lock = threading.Lock()
_open: dict[str, _Journal] = {}
_live: dict[str, str] = {}  # named semaphores and segments this process made: name -> kind
_watching_pid = 0  # the process whose creations are noted (not a forked copy of it)


def watch_named_resources() -> None:
    """In the main process, before its first run creates anything: note what gets created."""
    global _watching_pid
    with _lock:
        if _watching_pid == 0:
            cpython.watch_named_resources(_created, _released)
        _watching_pid = os.getpid()


def begin(run_dir: str) -> None:
    """In the main process, once the run directory exists: start its journal."""
    watch_named_resources()
    with _lock:
        journal = _open[run_dir] = _Journal(run_dir, ProcessId.current())
        journal.write()


def end(run_dir: str) -> None:
    """The run is over and cleaned up: stop noting what is created (for this run)."""
    with _lock:
        _open.pop(run_dir, None)


def record_directory(run_dir: str, path: str | None) -> None:
    """Note a directory the run made outside its run directory (a Manager's pymp-*)."""
    with _lock:
        journal = _open.get(run_dir)
        if journal is not None and path and path not in journal.directories:
            journal.directories.append(path)
            journal.write()


def record_server_keys(run_dir: str, url: str, prefix: str) -> None:
    """Note the run's keys on a shared queue server: the URL (never a password) and prefix."""
    with _lock:
        journal = _open.get(run_dir)
        if journal is not None:
            journal.servers.append([url, prefix])
            journal.write()


def _created(name: str, kind: str) -> None:
    if os.getpid() != _watching_pid:
        return
    with _lock:
        _live[name] = kind
        for journal in _open.values():
            journal.write()


def _released(name: str, kind: str) -> None:
    if os.getpid() != _watching_pid:
        return
    with _lock:
        if _live.pop(name, None) is not None:
            for journal in _open.values():
                journal.write()


# --- the next start: clean up after runs whose owner is gone ---------------------


@dataclass
class _Cleaned:
    runs: int = 0
    processes: int = 0
    resources: int = 0
    directories: int = 0


def reap_stale_runs(
    temp_dir: str | None = None, delete_keys: Callable[[str, str], None] | None = None
) -> list[Sentence]:
    """Clean up after every run in temp_dir whose main process is gone; say what went.

    delete_keys(url, prefix) deletes a run's keys on a shared queue server
    (it knows the password; the journal never holds one). Returns one
    Sentence if anything was cleaned, else nothing. Never raises for what it
    finds on disk.
    """
    if not os.path.isdir("/proc/self"):
        return []  # no process identities to tell a live owner from a dead one
    temp_dir = temp_dir or tempfile.gettempdir()
    cleaned = _Cleaned()
    try:
        entries = os.listdir(temp_dir)
    except OSError:
        return []
    for entry in sorted(entries):
        if entry.startswith(RUN_DIR_PREFIX):
            with contextlib.suppress(OSError, ValueError, TypeError, KeyError, IndexError):
                _reap_run(temp_dir, entry, cleaned, delete_keys)
    if not cleaned.runs:
        return []
    return [
        Sentence.of(
            CLEANED,
            runs=cleaned.runs,
            processes=cleaned.processes,
            resources=cleaned.resources,
            directories=cleaned.directories,
        )
    ]


def _reap_run(
    temp_dir: str,
    entry: str,
    cleaned: _Cleaned,
    delete_keys: Callable[[str, str], None] | None = None,
) -> None:
    run_dir = os.path.join(temp_dir, entry)
    if not _is_our_dir(temp_dir, run_dir):
        return
    payload = _read_journal(os.path.join(run_dir, JOURNAL_NAME))
    if payload is None:
        return  # not written yet (a run starting now), or not ours
    owner = ProcessId(int(payload["owner"][0]), int(payload["owner"][1]))
    if owner.alive():
        return
    cleaned.runs += 1
    for child in _children(run_dir):
        if child.alive() and child.uid() == os.getuid():
            with contextlib.suppress(OSError):
                os.kill(child.pid, signal.SIGKILL)
                cleaned.processes += 1
    for name, kind in payload.get("resources", []):
        pattern = _RESOURCE_NAMES.get(str(kind))
        if pattern is not None and pattern.fullmatch(str(name)):
            cleaned.resources += cpython.unlink_named_resource(str(name), str(kind))
    for url, prefix in payload.get("servers", []):
        if delete_keys is not None and _KEY_PREFIX.fullmatch(str(prefix)):
            with contextlib.suppress(Exception):  # unreachable, or no password: keys stay
                delete_keys(str(url), str(prefix))
    for directory in payload.get("directories", []):
        if _is_our_dir(temp_dir, str(directory)):
            shutil.rmtree(str(directory), ignore_errors=True)
            cleaned.directories += not os.path.lexists(str(directory))
    shutil.rmtree(run_dir, ignore_errors=True)
    cleaned.directories += not os.path.lexists(run_dir)


def _read_journal(path: str) -> dict[str, Any] | None:
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            return None
        if info.st_size > _MAX_JOURNAL_BYTES:
            return None
        with open(path, encoding="utf-8") as source:
            payload = json.load(source)
    except (OSError, ValueError):
        return None
    return payload if isinstance(payload, dict) and "owner" in payload else None


def _children(run_dir: str) -> list[ProcessId]:
    found = []
    for entry in os.listdir(run_dir):
        if entry.startswith(CHILD_PREFIX):
            with contextlib.suppress(ValueError):
                pid, start = entry[len(CHILD_PREFIX) :].split("-")
                found.append(ProcessId(int(pid), int(start)))
    return found


def _is_our_dir(temp_dir: str, path: str) -> bool:
    """A real directory (no symlink) of ours, directly in temp_dir, with one of our prefixes."""
    if os.path.dirname(path) != temp_dir or not _OUR_DIR.fullmatch(os.path.basename(path)):
        return False
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
