"""Bad values are judged by the one schema everywhere; odd situations get clear lines.

Every value below is refused with one line and exit 2 by the run command and
by the spec reader alike (the window's settings follow the same schema, see
tests/gui/test_spec_input.py); big payloads are bounded by the memory there
is; a deleted working directory, a fault with no item to hit and a cancelled
run are said in plain words.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import traceback
from pathlib import Path

import pytest

from core import faults, validation
from core.cli import format_summary
from core.control import RunControl
from core.diagnosis import diagnose, error_line
from core.engine import run
from core.errors import ParamError
from core.experiment import ExperimentSpecError, parse_spec
from core.faults import MAX_PAYLOAD_BYTES, Fault
from core.params import RunParams
from core.result import Progress
from core.validation import validate
from tests.core.cli_helpers import ROOT, cli
from tests.core.test_diagnosis_text import _evidence, _exited

HUGE_INT = "99999999999999999999"
# (run options, the same value as spec keys, what the one line says)
BAD_VALUES: list[tuple[list[str], dict[str, object], str]] = [
    (["--work-ms", "nan"], {"work_ms": float("nan")}, "work_ms: expected a finite number"),
    (["--work-ms", "inf"], {"work_ms": float("inf")}, "work_ms: expected a finite number"),
    (["--work-ms", "1e308"], {"work_ms": 1e308}, "work_ms must be >= 0 and <= 60,000"),
    (["--jitter-ms", "inf"], {"jitter_ms": float("inf")}, "jitter_ms: expected a finite number"),
    (["--jitter-ms", "nan"], {"jitter_ms": float("nan")}, "jitter_ms: expected a finite number"),
    (
        ["--get-timeout-s", "inf"],
        {"get_timeout_s": float("inf")},
        "get_timeout_s: expected a finite number",
    ),
    (
        ["--rate", "1e-12", "--producer", "concurrent"],
        {"rate": 1e-12, "producer": "concurrent"},
        "rate must be >= 0.01",
    ),
    (["--chunksize", HUGE_INT], {"chunksize": int(HUGE_INT)}, "chunksize must be between 1 and"),
    (
        ["--work-ms", "inf", "--work-kind", "cpu"],
        {"work_ms": float("inf"), "work_kind": "cpu"},
        "work_ms: expected a finite number",
    ),
]
IDS = [" ".join(options) for options, _, _ in BAD_VALUES]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("options", "keys", "said"), BAD_VALUES, ids=IDS)
def test_the_run_command_refuses_with_one_line(
    options: list[str], keys: dict[str, object], said: str
) -> None:
    done = cli("run", "--strategy", "get-timeout", "--items", "5", *options, timeout=30)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [done.stderr.strip()]
    assert said in done.stderr


@pytest.mark.parametrize(("options", "keys", "said"), BAD_VALUES, ids=IDS)
def test_the_spec_reader_refuses_the_same_values(
    options: list[str], keys: dict[str, object], said: str
) -> None:
    data = {"strategies": "get-timeout", **keys}
    texts = [("json", json.dumps(data))]  # NaN and Infinity, as Python's json writes them
    toml_values = {k: v for k, v in keys.items() if isinstance(v, int | float)}
    toml = "\n".join(f"{k} = {_toml(v)}" for k, v in toml_values.items())
    texts.append(("toml", 'strategies = "get-timeout"\n' + toml))
    for fmt, text in texts:
        with pytest.raises(ExperimentSpecError, match=said.replace(".", r"\.")):
            parse_spec(text, fmt)


def _toml(value: object) -> str:
    return {"nan": "nan", "inf": "inf"}.get(str(value), str(value))


def test_the_schema_itself_refuses_them() -> None:
    for _, keys, said in BAD_VALUES:
        with pytest.raises(ParamError, match=said.replace(".", r"\.")):
            validate(RunParams(strategy="get-timeout", items=5).replace(**keys))


@pytest.mark.timeout(60)
def test_a_huge_option_number_is_one_short_line() -> None:
    done = cli("run", "--strategy", "get-timeout", "--items", "9" * 5000, timeout=30)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and len(done.stderr) < 300
    done = cli("experiment", "--strategies", "get-timeout", "--items", "1," + "9" * 4000)
    assert done.returncode == 2 and len(done.stderr) < 300, done.stderr[:300]
    assert done.stderr == "queuescope: error: items: a number has more than 30 digits\n"


# --- case 16: big payloads ------------------------------------------------------------


@pytest.mark.timeout(60)
def test_big_payload_times_items_is_bounded_by_the_memory_there_is() -> None:
    done = cli(
        "run", "--strategy", "get-timeout", "--queue", "manager",
        "--items", "10000000", "--fault", f"big-payload:{MAX_PAYLOAD_BYTES}",
        timeout=30,
    )  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    line = done.stderr.strip()
    assert "\n" not in line
    assert line.startswith(
        "queuescope: error: fault big-payload: 10,000,000 items of 67,108,864 bytes need "
        "640,000,000 MB, more than half of the available memory ("
    )


def test_the_memory_bound_follows_mem_available(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:  8000000 kB\nMemAvailable:  204800 kB\n")  # 200 MiB
    monkeypatch.setattr(faults, "MEMINFO", str(meminfo))
    base = RunParams(strategy="get-timeout", items=100)
    validate(base.replace(fault=Fault.parse("big-payload:1000000")))  # 100 MB: half of 200
    validate(base.replace(fault=Fault.parse(f"big-payload:{1 << 20}")))  # just fits
    with pytest.raises(ParamError, match=r"need 101 MB, more than half .* \(200 MB\)$"):
        validate(base.replace(items=101, fault=Fault.parse(f"big-payload:{1 << 20}")))
    with pytest.raises(ParamError, match="fault big-payload needs 1 to 67108864 bytes"):
        validate(base.replace(items=1, fault=Fault.parse(f"big-payload:{MAX_PAYLOAD_BYTES + 1}")))
    monkeypatch.setattr(faults, "MEMINFO", str(tmp_path / "none"))  # unknown: the cap alone
    validate(base.replace(fault=Fault.parse(f"big-payload:{MAX_PAYLOAD_BYTES}")))


def _remote_error_text() -> str:
    from multiprocessing.managers import RemoteError

    try:
        try:
            raise MemoryError
        except MemoryError:
            server_side = traceback.format_exc()
        raise RemoteError("\n" + "-" * 75 + "\n" + server_side + "-" * 75)
    except RemoteError:
        return traceback.format_exc()


def test_a_managers_remote_error_is_reported_by_its_real_exception() -> None:
    text = _remote_error_text()
    assert text.strip().splitlines()[-1].startswith("-----")  # what the diagnosis used to show
    assert error_line(text) == "MemoryError"
    evidence = _evidence(_exited(2), ["crashed"], error=text)
    assert "The main process failed: MemoryError." in diagnose(evidence)
    assert error_line("OSError: [Errno 28] No space left on device\n") == (
        "OSError: [Errno 28] No space left on device"
    )


# --- case 17: clear messages --------------------------------------------------------


@pytest.mark.timeout(60)
def test_a_fault_with_no_item_to_hit_says_so() -> None:
    done = cli("run", "--strategy", "get-timeout", "--items", "0", "--fault", "stop")
    assert done.returncode == 2
    assert done.stderr == "queuescope: error: fault stop needs at least one item\n"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("start_method", ["spawn", "forkserver"])
def test_a_deleted_working_directory_is_named(tmp_path: Path, start_method: str) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    script = textwrap.dedent(
        f"""
        import os, runpy, sys
        os.chdir({str(gone)!r})
        os.rmdir({str(gone)!r})
        sys.path.insert(0, {str(ROOT)!r})
        sys.argv = ["main.py", "run", "--strategy", "get-timeout", "--items", "5",
                    "--start-method", {start_method!r}]
        runpy.run_path({str(ROOT / "main.py")!r}, run_name="__main__")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == (
        f"queuescope: error: the working directory {gone} no longer exists (new processes "
        "start in it); change to an existing directory\n"
    )


@pytest.mark.timeout(60)
def test_a_directory_deleted_during_the_run_is_named_in_the_diagnosis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    here = os.getcwd()
    # As if it went after the run was validated, before its workers started.
    monkeypatch.setattr(validation, "missing_working_directory", lambda: None)
    os.chdir(gone)
    try:
        os.rmdir(gone)
        result = run(RunParams(strategy="get-timeout", items=5, workers=1))
    finally:
        os.chdir(here)
    assert result.outcome != "ok"
    assert f"the working directory {gone} no longer exists" in result.diagnosis


@pytest.mark.timeout(60)
def test_a_cancelled_summary_counts_what_was_not_processed() -> None:
    control = RunControl()

    def cancel_at_once(progress: Progress) -> None:
        control.cancel()

    params = RunParams(strategy="sentinel-per-worker", items=20_000, work_ms=1)
    result = run(params, cancel_at_once, control)
    assert result.outcome == "cancelled" and result.lost
    summary = format_summary(result)
    assert (
        f"processed  {result.processed} / 20000   not processed (cancelled): {len(result.lost)}"
        in summary
    )
    assert "lost:" not in summary
