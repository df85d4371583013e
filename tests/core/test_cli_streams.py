"""The CLI's output in any encoding, into a closed pipe or a full disk, and under a low fd limit."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

from core.streams import ASCII_FALLBACK
from tests.core.cli_helpers import ROOT, cli


def cli_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        timeout=120,
        # Read back in the encoding the CLI had to write in.
        encoding=env.get("PYTHONIOENCODING") or "ascii",
        errors="strict",
    )


def test_typographic_characters_get_ascii_stand_ins() -> None:
    text = "a — b – c … d × e “f” é ✓"
    assert text.encode("ascii", ASCII_FALLBACK) == b'a - b - c ... d x e "f" \\xe9 \\u2713'
    latin = 'a - b - c ... d × e "f" é \\u2713'  # × and é are Latin-1
    assert text.encode("latin-1", ASCII_FALLBACK) == latin.encode("latin-1")


NOT_UTF8 = [
    {"PYTHONIOENCODING": "latin-1"},
    {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("env", NOT_UTF8, ids=["latin-1", "C-locale"])
def test_every_command_prints_in_an_encoding_without_typography(env: dict[str, str]) -> None:
    listing = cli_with(env, "strategies")
    assert listing.returncode == 0, listing.stderr
    assert " - " in listing.stdout  # "title — expected"

    run = cli_with(
        env, "run", "--strategy", "seed-empty-after-get", "--items", "300", "--work-ms", "0"
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "outcome" in run.stdout

    experiment = cli_with(
        env, "experiment", "--strategies", "sentinel-per-worker", "--trials", "2", "--items", "50"
    )
    assert experiment.returncode == 0, experiment.stderr
    assert "Traceback" not in experiment.stderr
    assert "(1 cell x 2 trials)" in experiment.stdout.replace("×", "x")
    assert "[ 34.2-100.0]" in experiment.stdout  # "–": the results are all there


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "args",
    [
        ("strategies",),
        ("strategies", "--json"),
        ("run", "--strategy", "sentinel-per-worker", "--items", "200"),
        ("--help",),
    ],
    ids=["strategies", "json", "run", "help"],
)
def test_a_closed_pipe_ends_quietly_with_141(args: tuple[str, ...]) -> None:
    """`| head`: the reader has gone before the output comes; exit 128 + SIGPIPE, stderr empty."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=90)
    assert process.returncode == 141, err
    assert err == ""


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "args",
    [
        ("strategies", "--json"),
        ("run", "--strategy", "sentinel-per-worker", "--items", "200"),
        ("--help",),
        ("run", "--help"),
    ],
    ids=["json", "run", "help", "run-help"],
)
def test_a_full_stdout_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("this system has no /dev/full")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), *args],
            cwd=ROOT,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=90,
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "queuescope: error: cannot write to standard output: No space left on device"
    ]


def low_fd_limit(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "args",
    [
        ("run", "--strategy", "sentinel-per-worker", "--workers", "12"),
        ("experiment", "--strategies", "sentinel-per-worker", "--parallel", "4", "--trials", "4"),
    ],
    ids=["run", "experiment"],
)
def test_too_low_an_open_file_limit_is_one_line_before_the_run(args: tuple[str, ...]) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args, "--start-method", "forkserver"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        preexec_fn=lambda: low_fd_limit(64),
    )
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("queuescope: error: too few open files allowed"), line
    assert "the limit is 64 (ulimit -n)" in line
    assert done.stdout == ""


@pytest.mark.timeout(120)
def test_a_low_soft_open_file_limit_is_raised_up_to_the_hard_one() -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard < 256:
        pytest.skip(f"the hard open-file limit is {hard}")
    done = subprocess.run(
        [
            *(sys.executable, str(ROOT / "main.py"), "run", "--strategy", "sentinel-per-worker"),
            *("--workers", "12", "--start-method", "forkserver"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (24, hard)),
    )
    assert done.returncode == 0, done.stderr
    assert "outcome    OK" in done.stdout


def test_a_plain_run_is_unchanged() -> None:
    done = cli("strategies")
    assert done.returncode == 0
    assert " — " in done.stdout  # UTF-8 keeps the real characters
