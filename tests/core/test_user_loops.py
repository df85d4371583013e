"""Your own loop: loop files written by the tests, checked, run, explored and refused.

Every file here is written into tmp_path by the test that uses it. A file's
code runs only in child processes (workers, the import probe, finish's
helper, the explorer's child); the checks in this process read its text.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from core import cli
from core.engine import run
from core.params import RunParams
from core.strategies import STRATEGIES, unregister_strategy
from core.user_code import probe_loop
from core.user_loops import (
    LoopFileError,
    check_loop_source,
    is_loop_id,
    load_loop,
    loop_id,
    read_loop,
)
from tests.core.cli_helpers import cli as cli_process
from tests.core.test_strategies import assert_accounted

CORRECT = """
TITLE = "Docs recipe, from a file"
SENTINEL = "STOP"

def loop(q, process, opts):
    for data in iter(q.get, "STOP"):
        process(data)
"""

# The post's loops, as a user would copy them into files, with the built-in they copy.
POST_LOOPS = {
    "seed-empty-after-get": """
BACKENDS = ("manager",)

def loop(q, process, opts):
    while True:
        data = q.get()
        if q.empty():
            break
        process(data)
""",
    "seed-while-not-empty": """
BACKENDS = ("manager",)

def loop(q, process, opts):
    while not q.empty():
        data = q.get()
        process(data)
""",
    "seed-single-sentinel": """
BACKENDS = ("manager",)
SENTINEL = "end"
SENTINELS = "one"

def loop(q, process, opts):
    while True:
        data = q.get()
        if q.empty() or data == "end":
            break
        process(data)
""",
}

# Loop 4 is loop 3's code with one sentinel per worker (the post's fix).
POST_LOOPS["seed-sentinel-per-worker"] = POST_LOOPS["seed-single-sentinel"].replace(
    'SENTINELS = "one"', 'SENTINELS = "per-worker"'
)

JOINABLE_WITH_FINISH = """
BACKENDS = ("joinable",)
NEEDS = ("join",)

def loop(q, process, opts):
    while True:
        data = q.get()
        if data is None:
            q.task_done()
            break
        process(data)
        q.task_done()

def finish(run):
    if run.join_queue():
        for _ in range(run.workers):
            run.put(None)
"""


def write(folder: Path, text: str, name: str = "my_loop.py") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def forget_loaded_loops() -> object:
    before = set(STRATEGIES)
    yield None
    for strategy_id in set(STRATEGIES) - before:
        unregister_strategy(strategy_id)


# --- checked from the text -----------------------------------------------------------


def test_a_correct_file_becomes_a_strategy_without_running_it(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = write(tmp_path, f"open({str(marker)!r}, 'w').close()\n" + CORRECT)
    strategy = read_loop(str(path))
    assert strategy.id == loop_id(str(path)) and is_loop_id(strategy.id)
    assert strategy.title == "Docs recipe, from a file"
    assert strategy.sentinel == "STOP" and strategy.sentinels == "per-worker"
    assert 'for data in iter(q.get, "STOP")' in strategy.source
    assert not marker.exists(), "reading a loop file ran its code"
    load_loop(str(path))  # the probe runs it, in a process of its own
    assert marker.exists()


BAD_TEXTS = {
    "no-function": (
        "def other(q):\n    pass\n",
        r"my_loop\.py: no function loop\(q, process, opts\)",
    ),
    "wrong-signature": (
        "def loop(q, process):\n    pass\n",
        r"my_loop\.py:1:1: loop must take exactly three parameters \(q, process, opts\), "
        r"not \(q, process\)",
    ),
    "not-python": ("def loop(q, process, opts)\n    pass\n", r"my_loop\.py:1:\d+: not Python"),
    "unknown-backend": (
        "BACKENDS = ('mp', 'carrier-pigeon')\ndef loop(q, process, opts):\n    pass\n",
        r"my_loop\.py:1:19: unknown backend 'carrier-pigeon'; valid: ",
    ),
    "needs-unmet": (
        "NEEDS = ('join',)\nBACKENDS = 'mp'\ndef loop(q, process, opts):\n    pass\n",
        r"my_loop\.py: none of the backends \(mp\) supplies what the loop needs \(join\)",
    ),
    "not-a-literal": (
        "TITLE = make_title()\ndef loop(q, process, opts):\n    pass\n",
        r"my_loop\.py:1:9: TITLE must be a literal value",
    ),
    "finish-signature": (
        "def loop(q, process, opts):\n    pass\ndef finish():\n    pass\n",
        r"my_loop\.py:3:1: finish must take exactly one parameter \(run\), not \(\)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_TEXTS))
def test_a_bad_file_is_one_line_with_its_place(tmp_path: Path, case: str) -> None:
    text, pattern = BAD_TEXTS[case]
    path = write(tmp_path, text)
    with pytest.raises(LoopFileError, match=pattern) as raised:
        read_loop(str(path))
    assert "\n" not in str(raised.value)


def test_missing_directory_and_not_utf8_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(LoopFileError, match=r"nope\.py: no such file"):
        read_loop(str(tmp_path / "nope.py"))
    with pytest.raises(LoopFileError, match="is a directory, not a Python file"):
        read_loop(str(tmp_path))
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"# caf\xe9\ndef loop(q, process, opts):\n    pass\n")
    with pytest.raises(LoopFileError, match=r"latin\.py:1:6: not a UTF-8 text file"):
        read_loop(str(latin))


def test_the_check_as_you_type_lists_every_problem_with_its_place() -> None:
    problems = check_loop_source(
        "BACKENDS = ('nope',)\nSENTINELS = 'many'\ndef loop(q):\n    pass\n"
    )
    places = [(p.line, p.column) for p in problems]
    assert places == [(1, 13), (2, 13), (3, 1)], [str(p.message) for p in problems]
    assert check_loop_source(textwrap.dedent(CORRECT)) == []
    assert check_loop_source("def step(q, p, o):\n    pass\n", "step") == []


def test_a_function_named_after_the_file_is_the_loop(tmp_path: Path) -> None:
    path = write(tmp_path, "def drain(q, process, opts):\n    pass\n")
    strategy = read_loop(f"{path}:drain")
    assert strategy.id == loop_id(str(path), "drain")
    with pytest.raises(LoopFileError, match="it defines: drain"):
        read_loop(str(path))


# --- the import probe: top-level code runs in a process of its own -------------------


IMPORT_FAILURES = {
    "raises": ("X = 1\nraise RuntimeError('top level')\n", r"my_loop\.py:2:1: .*RuntimeError"),
    "bad-import": ("import no_such_module_here\n", r"my_loop\.py:1:1: .*ModuleNotFoundError"),
    "exits": ("import sys\nsys.exit(4)\n", r"my_loop\.py:2:1: importing it raised SystemExit"),
    "os-exit": ("import os\nos._exit(4)\n", r"ended its process \(exit code 4\)"),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", sorted(IMPORT_FAILURES))
def test_an_exception_at_import_time_is_reported_before_any_worker(
    tmp_path: Path, case: str
) -> None:
    top, pattern = IMPORT_FAILURES[case]
    path = write(tmp_path, top + "def loop(q, process, opts):\n    pass\n")
    with pytest.raises(LoopFileError, match=pattern):
        load_loop(str(path))
    assert loop_id(str(path)) not in STRATEGIES


@pytest.mark.timeout(60)
def test_top_level_code_that_never_returns_is_given_up_on(tmp_path: Path) -> None:
    path = write(tmp_path, "import time\ntime.sleep(1e9)\ndef loop(q, process, opts):\n    pass\n")
    line, message = probe_loop(str(path), "loop", timeout_s=0.5) or (None, None)
    assert line == 0 and "longer than 0.5 s" in str(message)


# --- runs: verdicts like the built-ins' ---------------------------------------------


@pytest.mark.timeout(120)
@pytest.mark.parametrize("start_method", ["spawn", "forkserver"])
def test_a_correct_loop_file_runs_ok(tmp_path: Path, start_method: str) -> None:
    strategy = load_loop(str(write(tmp_path, CORRECT)))
    result = run(RunParams(strategy=strategy.id, items=60, workers=3, start_method=start_method))
    assert result.outcomes == ["ok"], result.diagnosis
    assert_accounted(result)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("built_in", sorted(POST_LOOPS))
def test_copies_of_the_posts_loops_get_the_built_ins_verdicts(
    tmp_path: Path, built_in: str
) -> None:
    strategy = load_loop(str(write(tmp_path, POST_LOOPS[built_in])))
    expected = STRATEGIES[built_in].expected_outcomes
    for seed in range(2):
        params = RunParams(strategy=strategy.id, items=40, workers=3, seed=seed, watchdog_s=3)
        result = run(params)
        assert set(result.outcomes) <= expected, (built_in, result.diagnosis)
        assert_accounted(result)


@pytest.mark.timeout(60)
def test_finish_runs_in_a_helper_process_through_the_same_interface(tmp_path: Path) -> None:
    strategy = load_loop(str(write(tmp_path, JOINABLE_WITH_FINISH)))
    assert strategy.finish is not None and strategy.queue_kinds == ("joinable",)
    result = run(RunParams(strategy=strategy.id, items=50, workers=2))
    assert result.outcomes == ["ok"], result.diagnosis


@pytest.mark.timeout(60)
def test_a_finish_that_raises_is_the_runs_crash_with_its_traceback(tmp_path: Path) -> None:
    text = JOINABLE_WITH_FINISH.replace(
        "    if run.join_queue():", "    run.put(object())\n    if 0:"
    )
    strategy = load_loop(str(write(tmp_path, text)))
    result = run(RunParams(strategy=strategy.id, items=10, workers=2, watchdog_s=2))
    assert "crashed" in result.outcomes, result.diagnosis
    assert "takes literal values" in result.diagnosis


LOOP_FAILURES = {
    "raises": (
        "def loop(q, process, opts):\n    q.get()\n    raise ValueError('mine')\n",
        "crashed",
    ),
    "sys-exit": ("import sys\ndef loop(q, process, opts):\n    sys.exit(3)\n", "crashed"),
    "os-exit": ("import os\ndef loop(q, process, opts):\n    os._exit(7)\n", "crashed"),
    "sleeps": ("import time\ndef loop(q, process, opts):\n    time.sleep(1e9)\n", "stalled"),
    "spins": ("def loop(q, process, opts):\n    while True:\n        pass\n", "stalled"),
    "lock": (
        "import threading\nLOCK = threading.Lock()\n"
        "def loop(q, process, opts):\n    LOCK.acquire()\n    LOCK.acquire()\n",
        "stalled",
    ),
}


@pytest.mark.timeout(90)
@pytest.mark.parametrize("case", sorted(LOOP_FAILURES))
def test_failures_of_a_loop_are_verdicts(tmp_path: Path, case: str) -> None:
    text, outcome = LOOP_FAILURES[case]
    path = write(tmp_path, text)
    strategy = load_loop(str(path))
    result = run(RunParams(strategy=strategy.id, items=10, workers=2, watchdog_s=1.5))
    assert outcome in result.outcomes, result.diagnosis
    assert "deadlock" not in result.outcomes, result.diagnosis
    if case == "raises":
        error = next(w.error for w in result.workers if w.state == "crashed")
        assert error is not None and "ValueError: mine" in error
        assert f'File "{path}", line 3, in loop' in error
    if case == "os-exit":
        assert 7 in [w.exit_code for w in result.workers], result.diagnosis
    if outcome == "stalled":
        assert result.stack_dumps, "a stalled run shows where its workers are"
        assert any(str(path) in dump for dump in result.stack_dumps.values())


# --- the command line ----------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.timeout(60)
def test_cli_run_with_a_loop_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, CORRECT)
    code, out, err = run_cli(capsys, "run", "--loop", str(path), "--items", "30", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["outcomes"] == ["ok"]
    assert payload["params"]["strategy"] == loop_id(str(path))


BAD_INPUT = {
    "missing": lambda d: str(d / "missing.py"),
    "directory": lambda d: str(d),
    "not-utf8": lambda d: str(_bytes(d, b"\xff\xfe\n")),
    "not-python": lambda d: str(_bytes(d, b"this is not python\n")),
    "no-loop": lambda d: str(_bytes(d, b"def other(q, process, opts):\n    pass\n")),
    "wrong-signature": lambda d: str(_bytes(d, b"def loop(q):\n    pass\n")),
    "unknown-backend": lambda d: str(
        _bytes(d, b"BACKENDS = 'nope'\ndef loop(q, process, opts):\n    pass\n")
    ),
    "import-error": lambda d: str(
        _bytes(d, b"import no_such_module_here\ndef loop(q, process, opts):\n    pass\n")
    ),
}


def _bytes(folder: Path, data: bytes) -> Path:
    path = folder / "bad.py"
    path.write_bytes(data)
    return path


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", sorted(BAD_INPUT))
@pytest.mark.parametrize("command", ["run", "experiment", "explore"])
def test_cli_bad_loop_files_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, command: str
) -> None:
    target = BAD_INPUT[case](tmp_path)
    option = "--loops" if command == "experiment" else "--loop"
    code, out, err = run_cli(capsys, command, option, target)
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("queuescope: error: "), err
    assert out == ""


def test_cli_loop_and_strategy_together_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, CORRECT)
    code, _, err = run_cli(capsys, "run", "--loop", str(path), "--strategy", "get-timeout")
    assert code == 2 and "not both" in err


@pytest.mark.timeout(120)
def test_cli_experiment_with_loop_files_and_a_spec_naming_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "specs"
    folder.mkdir()
    path = write(folder, CORRECT)
    code, out, err = run_cli(
        capsys, "experiment", "--loops", str(path), "--trials", "2", "--items", "20", "--json"
    )
    assert code == 0, err
    cells = json.loads(out)["cells"]
    assert [c["strategy"] for c in cells] == [loop_id(str(path))]
    spec = folder / "spec.json"
    spec.write_text(json.dumps({"loops": ["my_loop.py"], "strategies": "get-timeout"}))
    code, out, err = run_cli(capsys, "experiment", "--spec", str(spec), "--plan", "--json")
    assert code == 0, err
    strategies = [c["strategy"] for c in json.loads(out)["cells"]]
    assert strategies == ["get-timeout", loop_id(str(path))]


@pytest.mark.timeout(180)
def test_cli_explore_a_loop_file_and_replay_its_schedule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, POST_LOOPS["seed-while-not-empty"])
    schedule = tmp_path / "found.json"
    code, out, err = run_cli(
        capsys, "explore", "--loop", str(path), "--items", "2", "--out", str(schedule), "--json"
    )
    assert code == 0, err
    found = json.loads(out)
    assert found["found"] and found["confirmed"], found
    assert not _loop_modules(), "the loop ran in this process"
    data = json.loads(schedule.read_text())
    assert data["strategy"] == loop_id(str(path))
    data["strategy"] = "loop:my_loop.py"  # relative to the schedule's folder
    schedule.write_text(json.dumps(data))
    monkeypatch.chdir(os.path.dirname(os.path.abspath(cli.__file__)))
    code, out, err = run_cli(capsys, "run", "--schedule", str(schedule), "--json")
    assert code == 0, err
    assert json.loads(out)["params"]["strategy"] == loop_id(str(path))


def _loop_modules() -> list[str]:
    return [name for name in sys.modules if name.startswith("_queuescope_loop_")]


@pytest.mark.timeout(90)
def test_main_py_runs_a_loop_file_as_a_users_shell_would(tmp_path: Path) -> None:
    path = write(tmp_path, CORRECT)
    done = cli_process("run", "--loop", str(path), "--items", "20", "--start-method", "forkserver")
    assert done.returncode == 0, done.stderr
    assert "outcome    OK" in done.stdout
    bad = cli_process("run", "--loop", str(tmp_path / "missing.py"))
    errors = [line for line in bad.stderr.splitlines() if line.startswith("queuescope: error:")]
    assert bad.returncode == 2 and len(errors) == 1 and "no such file" in errors[0], bad.stderr


@pytest.mark.timeout(30)
def test_a_cancel_stops_a_loop_files_search_in_its_child(tmp_path: Path) -> None:
    import multiprocessing

    from core.control import RunControl
    from core.explorer.isolated import explore_in_child
    from core.explorer.session import ExploreRequest

    stop_recipe = "def loop(q, process, opts):\n    for item in iter(q.get, 'STOP'):\n"
    path = write(tmp_path, stop_recipe + "        process(item)\n\nSENTINEL = 'STOP'\n")
    strategy = load_loop(str(path))
    # 8 workers x 50 items, a live producer: far more than this test's 30 s to search.
    request = ExploreRequest(strategy.id, 8, 50, "concurrent", max_schedules=10_000_000)
    control = RunControl()
    control.cancel()
    answer = explore_in_child(request, control)
    assert answer.search.cancelled and not answer.found
    assert multiprocessing.active_children() == []
