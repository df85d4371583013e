"""The CLI's outputs are safe (issue cases 1, 2, 3, 4, 11, 15): checked before the run,
written all or none through temporary files, never through a symlink, never twice to one
file; every failure is one line and exit 2 with the old files as they were."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.procs import child_pids
from tests.core.cli_helpers import cli, start_cli
from tests.core.filesystems import tiny_tmpfs
from tests.core.test_outputs import strict_json, temporaries

pytestmark = pytest.mark.timeout(90)

RUN = ("run", "--strategy", "sentinel-per-worker", "--items", "50")
EXPERIMENT = ("experiment", "--strategies", "sentinel-per-worker", "--items", "20", "--trials", "1")


def assert_refused(done: subprocess.CompletedProcess[str], message: str) -> None:
    """Exit 2 and exactly one line on stderr, which says message."""
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert message in lines[0], lines[0]
    assert "Traceback" not in done.stderr


def kept(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


# --- case 1: a failing later output truncates no earlier one -------------------------


@pytest.mark.parametrize(
    ("args", "kept_option", "message"),
    [
        (
            (*RUN, "--records", "{kept}", "--trace", "/nonexistent/t.json"),
            "--records",
            "cannot write the trace to /nonexistent/t.json",
        ),
        (
            (*EXPERIMENT, "--save-spec", "{kept}", "--out", "/nonexistent/o.json"),
            "--save-spec",
            "cannot write the experiment to /nonexistent/o.json",
        ),
        (
            (*EXPERIMENT, "--out", "{kept}", "--trials-csv", "/nonexistent/t.csv"),
            "--out",
            "cannot write the trials to /nonexistent/t.csv",
        ),
    ],
    ids=["run records+trace", "experiment save-spec+out", "experiment out+trials-csv"],
)
def test_a_failing_later_output_leaves_the_earlier_one_whole(
    tmp_path: Path, args: tuple[str, ...], kept_option: str, message: str
) -> None:
    keep = kept(tmp_path / "keep.json", b"keep\n")
    done = cli(*(a.replace("{kept}", str(keep)) for a in args))
    assert_refused(done, message)
    assert done.stdout == ""  # refused before the run
    assert keep.read_bytes() == b"keep\n"
    assert temporaries(tmp_path) == []


# --- case 2: exports are atomic --------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with tiny_tmpfs(tmp_path / "tiny") as mount:
        yield mount


def test_a_full_filesystem_leaves_every_old_file_and_no_fragment(
    tmp_path: Path, small_disk: Path
) -> None:
    records = kept(tmp_path / "k.csv", b"keep\n")
    result = kept(small_disk / "o.json", b'{"old": true}\n')
    done = cli(
        "run",
        "--strategy",
        "sentinel-per-worker",
        "--items",
        "3000",
        "--records",
        str(records),
        "--out",
        str(result),
    )
    assert_refused(done, f"cannot write the result to {result}: No space left on device")
    # The verdict is still printed: the run happened, only the file could not be written.
    assert done.stdout.startswith("strategy")
    assert result.read_bytes() == b'{"old": true}\n'
    assert records.read_bytes() == b"keep\n"  # all or none: the records were not replaced
    assert temporaries(small_disk) == [] and temporaries(tmp_path) == []


def _group_members(pgid: int) -> set[int]:
    members = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                with open(f"/proc/{entry}/stat", "rb") as stat_file:
                    fields = stat_file.read().rsplit(b")", 1)[1].split()
                if int(fields[2]) == pgid and fields[0] not in (b"Z", b"X"):
                    members.add(int(entry))
    return members


def _wait_until_group_is_gone(pgid: int, bound_s: float = 10.0) -> set[int]:
    """The group's live processes once it has emptied or bound_s passed (then they are killed)."""
    deadline = time.monotonic() + bound_s
    while _group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _group_members(pgid)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


@contextlib.contextmanager
def _started(tmp_path: Path, *args: str) -> Iterator[subprocess.Popen[str]]:
    """The CLI in a process group of its own, its temporary directories in tmp_path/tmp (a
    main process killed outright cannot remove its own); the group is gone at the end."""
    (tmp_path / "tmp").mkdir()
    process = start_cli(args, tmp_path / "tmp", new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
        # What it started ends with SIGTERM (the resource tracker ignores it and leaves,
        # cleaning up, once the workers are gone).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        _wait_until_group_is_gone(process.pid)


def _wait_for(
    condition_met: Callable[[], object], process: subprocess.Popen[str], what: str
) -> None:
    deadline = time.monotonic() + 60
    while not condition_met():
        assert process.poll() is None, f"the CLI ended before {what}"
        assert time.monotonic() < deadline, f"no {what} within 60 s"
        time.sleep(0.01)


@pytest.mark.parametrize(("signum", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_the_export_abandons_it_cleanly(
    tmp_path: Path, signum: int, exit_code: int
) -> None:
    records = kept(tmp_path / "k.csv", b"keep\n")
    trace = kept(tmp_path / "t.json", b"{}\n")
    result = kept(tmp_path / "o.json", b'{"old": true}\n')
    # 100,000 items make each export take long enough to be caught at it.
    with _started(
        tmp_path,
        *("run", "--strategy", "sentinel-per-worker", "--items", "100000"),
        *("--records", str(records), "--trace", str(trace), "--out", str(result)),
    ) as process:
        _wait_for(lambda: any(n.endswith(".tmp") for n in temporaries(tmp_path)), process, "export")
        process.send_signal(signum)  # to the main process only
        stdout, stderr = process.communicate(timeout=60)
        assert _wait_until_group_is_gone(process.pid) == set()
    assert process.returncode == exit_code, stderr
    assert stderr == "" and stdout == ""
    assert records.read_bytes() == b"keep\n"
    assert trace.read_bytes() == b"{}\n"
    assert result.read_bytes() == b'{"old": true}\n'
    assert temporaries(tmp_path) == []


def test_sigkill_during_the_run_leaves_the_old_output_whole(tmp_path: Path) -> None:
    result = kept(tmp_path / "o.json", b'{"old": true}\n')
    with _started(
        tmp_path,
        *("run", "--strategy", "seed-empty-after-get", "--items", "100000", "--work-ms", "1"),
        *("--out", str(result)),
    ) as process:
        _wait_for(lambda: child_pids(process.pid), process, "worker")
        process.kill()
    assert result.read_bytes() == b'{"old": true}\n'
    assert temporaries(tmp_path) == []


# --- case 3: a symlink at the target is replaced, never followed -----------------------


def test_an_output_through_a_symlink_replaces_the_link_not_its_target(tmp_path: Path) -> None:
    victim = kept(tmp_path / "passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    links = {name: tmp_path / name for name in ("out.json", "t.json", "k.csv", "spec.json")}
    for link in links.values():
        link.symlink_to(victim)
    done = cli(
        *RUN,
        *("--out", str(links["out.json"]), "--trace", str(links["t.json"])),
        *("--records", str(links["k.csv"])),
    )
    assert done.returncode == 0, done.stderr
    done = cli(*EXPERIMENT, "--plan", "--save-spec", str(links["spec.json"]))
    assert done.returncode == 0, done.stderr
    assert victim.read_bytes() == b"root:x:0:0:root:/root:/bin/sh\n"
    for link in links.values():
        assert not link.is_symlink() and link.is_file()
    assert strict_json(links["out.json"].read_text())["items"] == 50
    assert strict_json(links["spec.json"].read_text())["strategies"] == ["sentinel-per-worker"]


# --- case 4: two outputs with one path are refused ------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((*RUN, "--records", "{d}/x", "--out", "{d}/x"), "--records and --out name the same file"),
        ((*RUN, "--trace", "{d}/x", "--out", "{d}/./x"), "--trace and --out name the same file"),
        ((*RUN, "--out", "{d}/x", "--trace", "{d}/alias/../x"), "name the same file"),
        ((*RUN, "--out", "{d}/x", "--records", "{d}/alias/x"), "name the same file"),
        ((*EXPERIMENT, "--out", "{d}/x", "--trials-csv", "{d}/x"), "name the same file"),
        ((*EXPERIMENT, "--save-spec", "{d}/x", "--out", "{d}/x"), "name the same file"),
    ],
    ids=["same", "dot", "dot-dot", "symlinked directory", "experiment", "save-spec"],
)
def test_two_outputs_with_one_path_are_refused(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    (tmp_path / "alias").symlink_to(tmp_path)
    target = kept(tmp_path / "x", b"keep\n")
    done = cli(*(a.replace("{d}", str(tmp_path)) for a in args))
    assert_refused(done, message)
    assert target.read_bytes() == b"keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alias", "x"]


# --- case 11: outputs that would fail only when written are refused first -------------


@pytest.mark.parametrize(
    ("option", "path", "reason"),
    [
        ("--out", "/dev/full", "not a regular file"),
        ("--trace", "/dev/full", "not a regular file"),
        ("--records", "/proc/version", "no file can be created in this directory (/proc)"),
        ("--out", "/proc/self/status", "no file can be created in this directory"),
    ],
)
def test_an_output_that_cannot_be_written_is_refused_before_the_run(
    option: str, path: str, reason: str
) -> None:
    done = cli(*RUN, option, path)
    assert_refused(done, f"{path}: {reason}")
    assert done.stdout == ""
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # still the device, never replaced


def test_an_experiment_output_on_a_device_is_refused_before_the_trials() -> None:
    done = cli(*EXPERIMENT, "--out", "/dev/full")
    assert_refused(done, "cannot write the experiment to /dev/full: not a regular file")
    assert done.stdout == ""


# --- case 15: every JSON the CLI writes is strict --------------------------------------


def test_every_json_the_cli_writes_parses_strictly(tmp_path: Path) -> None:
    # A killed worker leaves an item taken and never finished: NaN times in its record.
    out, trace = tmp_path / "o.json", tmp_path / "t.json"
    done = cli(
        *("run", "--strategy", "sentinel-per-worker", "--items", "60", "--fault", "kill:5"),
        *("--json", "--out", str(out), "--trace", str(trace)),
    )
    assert done.returncode == 0, done.stderr
    printed = strict_json(done.stdout)
    written = strict_json(out.read_text())
    assert printed["outcomes"] == written["outcomes"]
    assert any(r["processing_ms"] is None for r in written["records"])
    assert strict_json(trace.read_text())["traceEvents"]

    experiment, spec = tmp_path / "e.json", tmp_path / "spec.json"
    done = cli(*EXPERIMENT, "--json", "--out", str(experiment), "--save-spec", str(spec))
    assert done.returncode == 0, done.stderr
    assert strict_json(done.stdout)["trials_done"] == 1
    assert strict_json(experiment.read_text())["cells"]
    assert strict_json(spec.read_text())["trials"] == 1
    done = cli(*EXPERIMENT, "--plan", "--json")
    assert strict_json(done.stdout)["total_trials"] == 1
