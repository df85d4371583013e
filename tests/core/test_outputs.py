"""core.outputs: checks before the work, atomic all-or-none writes; and strict JSON everywhere
(issue cases 3 and 15 at the library level; the CLI's cases are in test_outputs_cli.py)."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import stat
from pathlib import Path
from typing import IO, Any

import pytest

from core import RunParams
from core.experiment import (
    CellResult,
    ExperimentResult,
    ExperimentSpec,
    TrialSummary,
    dump_spec,
    plan_experiment,
)
from core.export import chrome_trace, write_chrome_trace, write_experiment_json, write_run_json
from core.outputs import (
    TEMPORARY_PREFIX,
    OutputFailed,
    check_output,
    json_safe,
    write_file,
    write_outputs,
    writes_text,
)
from core.result import STATUS_IN_FLIGHT, STATUS_PROCESSED, TimelineEvent
from core.states import EventKind
from tests.core.test_export import _result

pytestmark = pytest.mark.timeout(30)


def strict_json(text: str) -> Any:
    """json.loads that refuses NaN, Infinity and -Infinity (JSON has no such numbers)."""

    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def temporaries(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(TEMPORARY_PREFIX)]


# --- checks before the work -----------------------------------------------------------


def test_check_accepts_new_and_regular_files_and_names_them_by_their_directory(
    tmp_path: Path,
) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "old.json").write_text("old")
    assert check_output(str(tmp_path / "real" / "new.json")) == str(tmp_path / "real" / "new.json")
    # The directory is resolved, so one file named two ways is one path.
    assert check_output(str(tmp_path / "alias" / "old.json")) == str(tmp_path / "real" / "old.json")
    assert temporaries(tmp_path / "real") == []


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/dev/full", "not a regular file"),
        ("/dev/null", "not a regular file"),
        ("/proc/version", "no file can be created in this directory"),
        ("/proc/self/status", "no file can be created in this directory"),
        ("/nonexistent/dir/out.json", "No such file or directory"),
    ],
)
def test_check_refuses_what_must_not_be_replaced(path: str, reason: str) -> None:
    with pytest.raises(OSError) as raised:
        check_output(path)
    assert raised.value.strerror == reason


def test_check_refuses_a_directory_and_a_path_under_a_file(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        check_output(str(tmp_path))
    with pytest.raises(IsADirectoryError):
        check_output(str(tmp_path / "new") + os.sep)
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(NotADirectoryError):
        check_output(str(tmp_path / "a-file" / "out.json"))


# --- writing --------------------------------------------------------------------------


def test_a_new_file_gets_the_mode_a_plain_open_would_give(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_outputs([(str(tmp_path / "new.csv"), writes_text("a,b\n"))])
        with open(tmp_path / "plain.csv", "w") as plain:
            plain.write("a,b\n")
    finally:
        os.umask(previous)
    mode = stat.S_IMODE((tmp_path / "new.csv").stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "plain.csv").stat().st_mode) == 0o640
    assert (tmp_path / "new.csv").read_text() == "a,b\n"


def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "passwd"
    victim.write_text("root:x:0:0\n")
    link = tmp_path / "out.json"
    link.symlink_to(victim)
    write_outputs([(str(link), writes_text("{}\n"))])
    assert victim.read_text() == "root:x:0:0\n"
    assert not link.is_symlink() and link.read_text() == "{}\n"
    dangling = tmp_path / "dangling.png"
    dangling.symlink_to(tmp_path / "nowhere" / "x.png")

    def write_png(temporary: str) -> None:
        Path(temporary).write_bytes(b"png")

    write_file(str(dangling), write_png, ".png")
    assert not dangling.is_symlink() and dangling.read_bytes() == b"png"


def test_a_failing_later_output_changes_no_earlier_one(tmp_path: Path) -> None:
    first, second = tmp_path / "k.csv", tmp_path / "o.json"
    first.write_bytes(b"keep\n")
    second.write_bytes(b"old\n")

    def no_space(out: IO[str]) -> None:
        out.write("half a fi")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputFailed) as raised:
        write_outputs([(str(first), writes_text("new\n")), (str(second), no_space)])
    assert raised.value.output == str(second) and raised.value.filename == str(second)
    assert raised.value.strerror == "No space left on device"
    assert first.read_bytes() == b"keep\n" and second.read_bytes() == b"old\n"
    assert temporaries(tmp_path) == []


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, SystemExit])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, interruption: type[BaseException]
) -> None:
    target = tmp_path / "o.json"
    target.write_bytes(b"old\n")

    def interrupted(out: IO[str]) -> None:
        out.write("x" * 100_000)
        raise interruption

    with pytest.raises(interruption):
        write_outputs([(str(target), interrupted)])

    def interrupted_by_path(temporary: str) -> None:
        with open(temporary, "w") as out:
            interrupted(out)

    with pytest.raises(interruption):
        write_file(str(target), interrupted_by_path)
    assert target.read_bytes() == b"old\n"
    assert temporaries(tmp_path) == []


def test_a_device_at_the_target_is_refused_when_writing_too(tmp_path: Path) -> None:
    with pytest.raises(OutputFailed) as raised:
        write_outputs([("/dev/full", writes_text("x"))])
    assert raised.value.strerror == "not a regular file"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


# --- strict JSON ----------------------------------------------------------------------


def _result_with_non_finite_numbers() -> Any:
    """A RunResult with NaN and infinities wherever a float can be (params bypass checks)."""
    nan, inf = math.nan, math.inf
    result = _result(
        [
            (1, 0.1, 0.2, 1, STATUS_PROCESSED),
            (1, 0.3, nan, 0, STATUS_IN_FLIGHT),  # unfinished: NaN done time
            (2, inf, inf, 1, STATUS_PROCESSED),
            (2, 0.2, -inf, 1, STATUS_PROCESSED),
        ],
        elapsed=nan,
        timeline=[
            TimelineEvent(nan, 0, EventKind.STARTED, None, "producer started"),
            TimelineEvent(inf, 1, EventKind.EXITED, None, "exited"),
        ],
    )
    params = dataclasses.replace(result.params, work_ms=inf, jitter_ms=nan, rate=-inf)
    result = dataclasses.replace(result, params=params, started_at=inf)
    result.depth_samples.append((nan, 1, 2))
    return result


def _experiment_with_non_finite_numbers() -> ExperimentResult:
    spec = ExperimentSpec(strategies=("sentinel-per-worker",), trials=2)
    plan = plan_experiment(spec)
    plan = dataclasses.replace(plan, spec=dataclasses.replace(spec, work_ms=math.inf))
    trials = [
        TrialSummary(0, t, 1, "ok", ("ok",), 100, 100, 0, 0, elapsed, "")
        for t, elapsed in enumerate([math.nan, math.inf])
    ]
    return ExperimentResult(plan, [CellResult(plan.cells[0], trials)], False, 2, 2, math.nan, 0.0)


def test_every_json_writer_is_strict_with_non_finite_numbers() -> None:
    result = _result_with_non_finite_numbers()
    assert strict_json(json.dumps(result.to_dict(), allow_nan=False))
    out = io.StringIO()
    write_run_json(result, out)
    data = strict_json(out.getvalue())
    assert data["elapsed_s"] is None and data["params"]["work_ms"] is None
    assert data["started_at"] is None and data["timeline"][0]["t"] is None
    assert [r["processing_ms"] for r in data["records"]] == [100.0, None, None, None]

    out = io.StringIO()
    write_chrome_trace(result, out)
    trace = strict_json(out.getvalue())
    assert trace["otherData"]["elapsed_s"] is None
    assert strict_json(json.dumps(chrome_trace(result), allow_nan=False))["traceEvents"]
    # Events with no finite time are left out; the rest keep theirs.
    assert [e["args"]["item"] for e in trace["traceEvents"] if e["ph"] == "X"] == [0, 1]
    assert not [e for e in trace["traceEvents"] if e.get("cat") == "state.started"]

    experiment = _experiment_with_non_finite_numbers()
    out = io.StringIO()
    write_experiment_json(experiment, out)
    data = strict_json(out.getvalue())
    assert data["elapsed_s"] is None and data["spec"]["work_ms"] is None
    assert [r["elapsed_s"] for r in data["cells"][0]["runs"]] == [None, None]
    assert strict_json(json.dumps(experiment.to_dict(), allow_nan=False))

    spec = dataclasses.replace(ExperimentSpec(strategies=("sentinel-per-worker",)), rate=math.inf)
    assert strict_json(dump_spec(spec, "json"))["rate"] is None


def test_json_safe_turns_non_finite_floats_into_null_at_any_depth() -> None:
    value = {"a": [1.5, math.nan, (math.inf, {"b": -math.inf})], "c": "NaN", "d": 3}
    assert json_safe(value) == {"a": [1.5, None, [None, {"b": None}]], "c": "NaN", "d": 3}
    assert RunParams(strategy="sentinel-per-worker").to_dict() == json_safe(
        RunParams(strategy="sentinel-per-worker").to_dict()
    )
