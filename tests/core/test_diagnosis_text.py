"""The diagnosis as translatable sentences: same English, every part marked and filled.

The expected texts below are what diagnose() wrote before it was split into
sentences; each case is hand-made evidence for one path of it.
"""

from __future__ import annotations

import ast
import pickle
import string
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.diagnosis import FINAL, JOINER, Evidence, diagnose, diagnose_sentences, render_diagnosis
from core.engine import run
from core.errors import ParamError
from core.experiment import TrialSummary
from core.faults import FAULT_KINDS, Fault
from core.ledger import (
    NO_ITEM,
    SENTINEL_ITEM,
    W_FIELDS,
    W_ITEM,
    W_ITEM_AT_EMPTY,
    W_LAST_EMPTY,
    W_PID,
    W_SENTINELS,
    W_STATE,
    W_T_CHANGE,
)
from core.params import RunParams
from core.result import ItemRecords, RunResult, WorkerSummary
from core.states import WorkerState, WorkerStatus
from core.strategies import get_strategy
from core.text import Ids, Sentence
from core.timeline import state_event
from core.validation import validate

CORE = Path(__file__).resolve().parents[2] / "core"
BLOCKED = WorkerStatus.BLOCKED  # stuck workers of a proven deadlock
WAITING = WorkerStatus.WAITING_GET


def _worker(index: int, state: str, **fields: object) -> WorkerSummary:
    """state: a WorkerStatus or its English label."""
    summary = WorkerSummary(index, 1000 + index, 0, 0, WorkerStatus(state), None)
    for name, value in fields.items():
        setattr(summary, name, value)
    return summary


def _evidence(
    workers: list[WorkerSummary],
    outcomes: list[str],
    strategy: str = "seed-empty-after-get",
    table: dict[tuple[int, int], float] | None = None,
    fault: Fault | None = None,
    phase: str = "running",
    **fields: object,
) -> Evidence:
    cells = [-1.0] * (W_FIELDS * len(workers))
    for index, summary in enumerate(workers):
        state = next((s for s in WorkerState if s.label == summary.state), WorkerState.EXITED)
        cells[index * W_FIELDS + W_STATE] = float(state)
    for (worker, field), value in (table or {}).items():
        cells[(worker - 1) * W_FIELDS + field] = value
    ev = Evidence(
        strategy=get_strategy(strategy),
        params=RunParams(strategy=strategy),
        outcomes=outcomes,
        table=cells,
        workers=workers,
        dropped=[],
        left=[],
        duplicates=[],
        taker=[],
        error=None,
        puts=100,
        phase=phase,
        fault=fault,
    )
    for name, given in fields.items():
        setattr(ev, name, given)
    return ev


def _exited(n: int) -> list[WorkerSummary]:
    return [_worker(i, "exited") for i in range(1, n + 1)]


CASES: dict[str, Callable[[], Evidence]] = {
    "ok": lambda: _evidence(_exited(3), ["ok"]),
    "ok with a fault": lambda: _evidence(_exited(3), ["ok"], fault=Fault("slow", 2)),
    "big payload, ok": lambda: _evidence(_exited(2), ["ok"], fault=Fault("big-payload", 1 << 20)),
    "big payload, deadlock": lambda: _evidence(
        [_worker(1, BLOCKED)], ["deadlock"], fault=Fault("big-payload", 1 << 20)
    ),
    "cancelled": lambda: _evidence(_exited(2), ["cancelled"]),
    "cancelled with items left": lambda: _evidence(
        [_worker(1, "exited"), _worker(2, "exited")], ["cancelled"], left=list(range(20, 17500))
    ),
    "one stopped, stalled": lambda: _evidence(
        [_worker(1, "stopped"), _worker(2, WAITING), _worker(3, "exited")],
        ["stalled"],
        fault=Fault("stop", 5),
    ),
    "two stopped, stalled": lambda: _evidence(
        [_worker(1, "stopped"), _worker(2, "stopped"), _worker(3, "stopped")],
        ["stalled"],
        phase="finishing",
    ),
    "stalled, every worker exited": lambda: _evidence(_exited(2), ["stalled"], phase="producing"),
    "task never reached a process (inheritance)": lambda: _evidence(
        [
            _worker(
                1,
                "crashed",
                pid=None,
                error="RuntimeError: Queue objects should only be shared between processes "
                "through inheritance",
            ),
        ],
        ["crashed", "lost"],
        strategy="mp-queue-into-pool",
    ),
    "tasks of seven workers never reached a process (inheritance)": lambda: _evidence(
        [
            _worker(
                index,
                "crashed",
                pid=None,
                error="RuntimeError: Queue objects should only be shared between processes "
                "through inheritance",
            )
            for index in range(1, 8)
        ],
        ["crashed", "lost"],
        strategy="mp-queue-into-pool",
    ),
    "two workers died the same way, one another": lambda: _evidence(
        [
            _worker(1, "crashed", exit_code=-9),
            _worker(2, "exited"),
            _worker(3, "crashed", exit_code=-9),
            _worker(4, "crashed", exit_code=1),
        ],
        ["crashed"],
    ),
    "task never reached a process": lambda: _evidence(
        [_worker(1, "crashed", pid=None, error="OSError: too many open files")], ["crashed"]
    ),
    "raised while holding an item": lambda: _evidence(
        [
            _worker(
                1,
                "crashed",
                last_item=5,
                error="Traceback (most recent call last):\n  ...\n"
                "ValueError: cannot handle item 5\n",
            ),
            _worker(2, "exited"),
        ],
        ["crashed", "lost"],
        dropped=[5],
        taker=[1],
    ),
    "raised": lambda: _evidence([_worker(1, "crashed", error="InjectedFault: boom")], ["crashed"]),
    "died with code and item": lambda: _evidence(
        [_worker(1, "crashed", exit_code=-9, last_item=10), _worker(2, "exited")],
        ["crashed", "lost"],
        fault=Fault("kill", 10),
        dropped=[10],
        taker=[1],
    ),
    "died with code": lambda: _evidence([_worker(1, "crashed", exit_code=1)], ["crashed"]),
    "died holding an item": lambda: _evidence([_worker(1, "crashed", last_item=3)], ["crashed"]),
    "died": lambda: _evidence([_worker(1, "crashed")], ["crashed"]),
    "main process failed": lambda: _evidence(
        _exited(2), ["crashed"], error="Traceback ...\nTypeError: cannot pickle item 7"
    ),
    "feeder thread": lambda: _evidence(
        _exited(2),
        ["crashed", "lost"],
        error="TypeError: the queue's feeder thread could not pickle item 3",
    ),
    "taken by no worker": lambda: _evidence(_exited(2), ["lost"], dropped=[4, 9], taker=[0, 0]),
    "took one, saw empty, exited": lambda: _evidence(
        [_worker(1, "exited"), _worker(2, BLOCKED), _worker(3, BLOCKED)],
        ["deadlock", "lost"],
        table={(1, W_LAST_EMPTY): 1.0, (1, W_ITEM_AT_EMPTY): 99.0},
        dropped=[99],
        taker=[1],
    ),
    "took several, saw empty, exited": lambda: _evidence(
        [_worker(1, "exited"), _worker(2, "exited")],
        ["lost"],
        table={(2, W_LAST_EMPTY): 1.0, (2, W_ITEM_AT_EMPTY): 98.0},
        dropped=[97, 98],
        taker=[2, 2],
    ),
    "took one, never processed": lambda: _evidence(
        [_worker(1, "exited"), _worker(2, "exited")], ["lost"], dropped=[50], taker=[2]
    ),
    "took many, never processed": lambda: _evidence(
        [_worker(1, "exited"), _worker(2, "exited")],
        ["lost"],
        dropped=list(range(20, 32)),
        taker=[1] * 12,
    ),
    "left after every worker had left": lambda: _evidence(
        [_worker(1, "exited"), _worker(2, "crashed", exit_code=-9)],
        ["crashed", "lost"],
        left=list(range(40, 55)),
    ),
    "left": lambda: _evidence(
        [_worker(1, "exited"), _worker(2, "get with timeout")], ["lost"], left=[7]
    ),
    "duplicated": lambda: _evidence(_exited(3), ["duplicated"], duplicates=[1, 2, 3]),
    "only sentinel": lambda: _evidence(
        [_worker(1, "exited"), _worker(2, BLOCKED), _worker(3, BLOCKED)],
        ["deadlock"],
        strategy="seed-single-sentinel",
        table={(1, W_SENTINELS): 1.0},
    ),
    "one worker raced": lambda: _evidence(
        [_worker(1, "exited"), _worker(2, BLOCKED)],
        ["deadlock"],
        strategy="seed-while-not-empty",
        table={(2, W_LAST_EMPTY): 0.0},
    ),
    "two workers raced, three blocked": lambda: _evidence(
        [_worker(1, BLOCKED), _worker(2, BLOCKED), _worker(3, BLOCKED)],
        ["deadlock"],
        strategy="seed-while-not-empty",
        table={(1, W_LAST_EMPTY): 0.0, (3, W_LAST_EMPTY): 0.0, (2, W_LAST_EMPTY): 1.0},
    ),
    "finishing with no worker left": lambda: _evidence(
        _exited(2), ["lost"], phase="finishing", left=[1]
    ),
    "outcomes only": lambda: _evidence(_exited(2), ["lost", "duplicated"]),
}


EXPECTED = {
    "ok": ("Every item (100) was processed exactly once and all 3 workers exited."),
    "ok with a fault": (
        "Injected fault slow:2: worker 2 (1-based) works 100x slower; every item (100) was "
        "processed exactly once and all 3 workers exited."
    ),
    "big payload, ok": (
        "Injected fault big-payload:1048576: every item carries 1048576 bytes (default 1 "
        "MiB); every item (100) was processed exactly once and all 2 workers exited."
    ),
    "big payload, deadlock": (
        "Injected fault big-payload:1048576: every item carries 1048576 bytes (default 1 "
        "MiB); each item is larger than the pipe buffer, so a process cannot exit while "
        "items it put are unread (the docs' join-before-drain deadlock); here only the main "
        "process puts items, and it never joins before the workers drain the queue; worker 1 "
        "is blocked in q.get() on an empty queue; the producer is done: deadlock."
    ),
    "cancelled": ("Cancelled before the run ended."),
    "cancelled with items left": (
        "Cancelled before the run ended; 17480 items were still in the queue when cancelled."
    ),
    "one stopped, stalled": (
        "Injected fault stop:5: SIGSTOP (pause) the worker right after it takes item 5; "
        "worker 1 is stopped (SIGSTOP): alive but unable to run, so no deadlock can be "
        "proven; no progress for 5 s and no proof of deadlock (worker 1 stopped, worker 2 "
        "waiting in get()); the main process was running: stalled."
    ),
    "two stopped, stalled": (
        "Workers 1, 2 and 3 are stopped (SIGSTOP): alive but unable to run, so no deadlock "
        "can be proven; no progress for 5 s and no proof of deadlock (worker 1 stopped, "
        "worker 2 stopped, worker 3 stopped); the main process was finishing: stalled."
    ),
    "stalled, every worker exited": (
        "No progress for 5 s and no proof of deadlock; the main process was producing: stalled."
    ),
    "task never reached a process (inheritance)": (
        "Worker 1's task never reached a process: RuntimeError: Queue objects should only be "
        "shared between processes through inheritance (the post's pattern never calls .get() "
        "on the AsyncResult, so there this error is silent and the workers simply never run)."
    ),
    "tasks of seven workers never reached a process (inheritance)": (
        "The tasks of workers 1–7 never reached a process: RuntimeError: Queue objects should "
        "only be shared between processes through inheritance (the post's pattern never calls "
        ".get() on the AsyncResult, so there this error is silent and the workers simply never "
        "run)."
    ),
    "two workers died the same way, one another": (
        "Workers 1 and 3 died with exit code -9 without reporting it; worker 4 died with exit "
        "code 1 without reporting it."
    ),
    "task never reached a process": (
        "Worker 1's task never reached a process: OSError: too many open files."
    ),
    "raised while holding an item": (
        "Worker 1 raised while holding item 5: ValueError: cannot handle item 5; worker 1 "
        "took item 5 but never processed it."
    ),
    "raised": ("Worker 1 raised: InjectedFault: boom."),
    "died with code and item": (
        "Injected fault kill:10: SIGKILL the worker right after it takes item 10; worker 1 "
        "died with exit code -9 while holding item 10 without reporting it; worker 1 took "
        "item 10 but never processed it."
    ),
    "died with code": ("Worker 1 died with exit code 1 without reporting it."),
    "died holding an item": ("Worker 1 died while holding item 3 without reporting it."),
    "died": ("Worker 1 died without reporting it."),
    "main process failed": ("The main process failed: TypeError: cannot pickle item 7."),
    "feeder thread": ("TypeError: the queue's feeder thread could not pickle item 3."),
    "taken by no worker": ("Items 4, 9 were taken but never processed."),
    "took one, saw empty, exited": (
        "Worker 1 took item 99, saw q.empty() == True and exited without processing it; "
        "workers 2 and 3 are blocked in q.get() on an empty queue; the producer is done: "
        "deadlock."
    ),
    "took several, saw empty, exited": (
        "Worker 2 took items 97, 98, saw q.empty() == True and exited without processing them."
    ),
    "took one, never processed": ("Worker 2 took item 50 but never processed it."),
    "took many, never processed": (
        "Worker 1 took items 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, … (12 in all) but never "
        "processed them."
    ),
    "left after every worker had left": (
        "Worker 2 died with exit code -9 without reporting it; 15 items were never taken "
        "and stay in the queue after every worker had left: 40, 41, 42, 43, 44, 45, 46, 47, "
        "48, 49, … (15 in all)."
    ),
    "left": ("1 item was never taken and stays in the queue: 7."),
    "duplicated": ("Items 1, 2, 3 were processed more than once."),
    "only sentinel": (
        "Worker 1 took the only 'end' sentinel and exited; workers 2 and 3 are blocked in "
        "q.get() on an empty queue; the producer is done: deadlock."
    ),
    "one worker raced": (
        "Worker 2 saw q.empty() == False, then another worker took the last item before "
        "their q.get() (check-then-act race); worker 2 is blocked in q.get() on an empty "
        "queue; the producer is done: deadlock."
    ),
    "two workers raced, three blocked": (
        "Workers 1 and 3 saw q.empty() == False, then another worker took the last item "
        "before their q.get() (check-then-act race); workers 1, 2 and 3 are blocked in "
        "q.get() on an empty queue; the producer is done: deadlock."
    ),
    "finishing with no worker left": (
        "1 item was never taken and stays in the queue after every worker had left: 1; "
        "the main process was still waiting for the workers when none was left."
    ),
    "outcomes only": ("Lost, duplicated."),
}


def marked_strings() -> set[str]:
    """Every translatable("core", "...") literal in the core, as lupdate extracts them."""
    found: set[str] = set()
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "translatable":
                context, text = node.args
                assert isinstance(context, ast.Constant) and context.value == "core", path
                assert isinstance(text, ast.Constant) and isinstance(text.value, str), (
                    f"{path.name}:{node.lineno}: only a literal can be extracted"
                )
                found.add(text.value)
    return found


def walk(sentence: Sentence) -> Iterator[Sentence]:
    yield sentence
    for _, value in sentence.args:
        parts = value if isinstance(value, tuple) else (value,)
        for part in parts:
            if isinstance(part, Sentence):
                yield from walk(part)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_the_cases_cover_every_expected_text() -> None:
    assert CASES.keys() == EXPECTED.keys()


@pytest.mark.parametrize("name", list(CASES))
def test_english_is_the_text_diagnose_always_wrote(name: str) -> None:
    ev = CASES[name]()
    assert diagnose(ev) == EXPECTED[name]
    assert render_diagnosis(diagnose_sentences(ev)) == EXPECTED[name]


@pytest.mark.parametrize("name", list(CASES))
def test_every_template_is_marked_and_its_placeholders_are_its_args(name: str) -> None:
    marked = marked_strings()
    for top in diagnose_sentences(CASES[name]()):
        for sentence in walk(top):
            assert sentence.template in marked, sentence.template
            # Without args a template is shown as it is, so it must not look like one.
            assert placeholders(sentence.template) == {n for n, _ in sentence.args}, sentence


@pytest.mark.parametrize("name", list(CASES))
def test_a_translation_reaches_every_template_and_keeps_every_value(name: str) -> None:
    sentences = diagnose_sentences(CASES[name]())
    asked: list[str] = []

    def translate(text: str) -> str:
        asked.append(text)
        return f"<{text}>"

    text = render_diagnosis(sentences, translate)
    templates = {s.template for top in sentences for s in walk(top)}
    assert templates | {JOINER, FINAL} <= set(asked)
    assert set(asked) <= marked_strings()
    assert text != EXPECTED[name]
    for top in sentences:
        for sentence in walk(top):
            assert f"<{sentence.template}>" in text or sentence.args
            for _, value in sentence.args:
                if isinstance(value, int | str):
                    assert str(value) in text
                if isinstance(value, Ids):  # the separator is translated too
                    assert "<, >".join(map(str, value.shown)) in text
    assert "{" not in text.replace("<{sentences}", "")


def test_a_chinese_style_translation_changes_punctuation_and_order() -> None:
    ev = CASES["took one, saw empty, exited"]()
    zh = {
        JOINER: "；",
        FINAL: "{sentences}。",
        "worker {worker} took item {items}, saw q.empty() == True and exited without "
        "processing it": "工作进程 {worker} 取走了条目 {items}，"
        "看到 q.empty() == True 后未处理就退出",
        "workers {workers} are blocked in q.get() on an empty queue; the producer is done: "
        "deadlock": "工作进程 {workers} 阻塞在空队列的 q.get() 中；生产者已完成：死锁",
        "{first} and {last}": "{first} 和 {last}",
    }
    text = render_diagnosis(diagnose_sentences(ev), lambda t: zh.get(t, t))
    assert text == (
        "工作进程 1 取走了条目 99，看到 q.empty() == True 后未处理就退出；"
        "工作进程 2 和 3 阻塞在空队列的 q.get() 中；生产者已完成：死锁。"
    )


def test_long_id_lists_are_cut_in_a_translatable_template() -> None:
    ids = Ids.of(list(range(20, 32)))
    assert ids == Ids(tuple(range(20, 30)), 12)
    assert ids.render() == "20, 21, 22, 23, 24, 25, 26, 27, 28, 29, … (12 in all)"
    zh = {", ": "、", "{shown}, … ({count} in all)": "{shown} 等（共 {count} 个）"}
    assert (
        ids.render(lambda t: zh.get(t, t))
        == "20、21、22、23、24、25、26、27、28、29 等（共 12 个）"
    )


def test_sentences_are_values_a_result_can_carry() -> None:
    sentences = tuple(diagnose_sentences(CASES["two workers raced, three blocked"]()))
    assert pickle.loads(pickle.dumps(sentences)) == sentences
    assert hash(sentences) == hash(
        tuple(diagnose_sentences(CASES["two workers raced, three blocked"]()))
    )


def test_a_template_without_args_is_shown_as_it_is() -> None:
    assert Sentence("a {literal} brace").render() == "a {literal} brace"


def test_fault_effects_are_their_help_with_a_placeholder() -> None:
    for kind in FAULT_KINDS.values():
        assert kind.effect.replace("{arg}", "ARG") == kind.help
        assert placeholders(kind.effect) == {"arg"}


@pytest.mark.parametrize(
    ("params", "english"),
    [
        (lambda: RunParams(items=-1), "items must be between 0 and 10,000,000, got -1"),
        (lambda: RunParams(strategy="nope"), "unknown strategy 'nope'; valid: "),
        (
            lambda: RunParams(strategy="joinable-task-done", queue_kind="mp"),
            "strategy joinable-task-done does not support queue kind 'mp'; "
            "it supports: joinable, manager",
        ),
        (lambda: RunParams(work_ms=-1), "work_ms must be >= 0 and <= 60,000, got -1.0"),
        (
            lambda: RunParams(fault=Fault.parse("kill:x")),
            "fault kill takes a whole number (item), got 'x'",
        ),
        (
            lambda: RunParams(fault=Fault.parse("kill:100")),
            "fault kill needs an item between 0 and 99, got 100",
        ),
        (
            lambda: RunParams(fault=Fault.parse("slow:9")),
            "fault slow needs a worker between 1 and 3, got 9",
        ),
        (
            lambda: RunParams(fault=Fault.parse("melt")),
            "unknown fault 'melt'; valid: kill, raise, stop, ",
        ),
    ],
)
def test_param_errors_keep_their_english_and_carry_marked_sentences(
    params: Callable[[], RunParams], english: str
) -> None:
    with pytest.raises(ParamError) as caught:
        validate(params())
    error = caught.value
    assert str(error).startswith(english)
    assert error.sentence.render() == str(error)
    marked = marked_strings()
    for sentence in walk(error.sentence):
        assert sentence.template in marked
        assert placeholders(sentence.template) == {n for n, _ in sentence.args}
    assert error.sentence.render(lambda t: f"<{t}>") != str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) and copy.sentence == error.sentence


def test_a_plain_param_error_still_works() -> None:
    error = ParamError("start method fork is refused")
    assert str(error) == "start method fork is refused"
    assert error.sentence == Sentence("start method fork is refused")


def test_a_trial_carries_its_runs_sentences_and_its_json_stays_the_same() -> None:
    ev = CASES["duplicated"]()
    sentences = tuple(diagnose_sentences(ev))
    result = RunResult(
        params=ev.params,
        outcome="duplicated",
        outcomes=["duplicated"],
        items=100,
        processed=100,
        lost=[],
        dropped=[],
        left_in_queue=[],
        duplicates=[1, 2, 3],
        workers=ev.workers,
        diagnosis=render_diagnosis(sentences),
        elapsed_s=1.0,
        records=ItemRecords(),
        timeline=[],
        depth_samples=[],
        stack_dumps={},
        diagnosis_sentences=sentences,
    )
    trial = TrialSummary.of(0, 0, result, keep_run=False)
    assert trial.diagnosis_sentences == sentences
    assert render_diagnosis(trial.diagnosis_sentences) == trial.diagnosis == EXPECTED["duplicated"]
    assert "diagnosis_sentences" not in trial.to_dict()
    assert "diagnosis_sentences" not in result.to_dict()


# Real runs whose timelines show most kinds of event between them: saw-empty and
# blocked (a deadlock, usually), timed gets, pool processes idle between items.
TIMELINE_RUNS = [
    RunParams(strategy="seed-empty-after-get", items=50, work_ms=2),
    RunParams(strategy="sentinel-per-worker", items=50, work_ms=1),
    RunParams(strategy="get-timeout", items=50, work_ms=1),
    RunParams(strategy="pool-imap-unordered", items=50, work_ms=1),
]


@pytest.mark.timeout(120)
def test_timeline_events_carry_their_english_text_as_marked_sentences() -> None:
    marked = marked_strings()
    kinds: set[str] = set()
    for params in TIMELINE_RUNS:
        result = run(params)
        assert result.timeline, params.strategy
        for event in result.timeline:
            assert event.sentence is not None, event
            assert event.text == str(event.sentence), event
            assert event.sentence.template in marked, event
            assert placeholders(event.sentence.template) == {n for n, _ in event.sentence.args}
            assert "sentence" not in event.to_dict()
            kinds.add(event.kind)
    assert {"started", "took", "saw-empty", "exited"} <= kinds


@pytest.mark.parametrize(
    ("state", "item", "pid", "text"),
    [
        (WorkerState.STARTING, NO_ITEM, 0, "starting"),
        (WorkerState.STARTING, NO_ITEM, 4321, "started (pid 4321)"),
        (WorkerState.PROCESSING, 7, 4321, "took item 7"),
        (WorkerState.PROCESSING, SENTINEL_ITEM, 4321, "took a sentinel"),
        (WorkerState.PROCESSING, NO_ITEM, 4321, "processing"),  # a pool's item not yet written
        (WorkerState.BLOCKING_GET, NO_ITEM, 4321, "waiting in q.get()"),
        (WorkerState.CRASHED, 7, 4321, "crashed"),
    ],
)
def test_every_state_event_is_a_marked_sentence(
    state: WorkerState, item: int, pid: int, text: str
) -> None:
    table = [0.0] * W_FIELDS
    table[W_STATE], table[W_ITEM], table[W_PID], table[W_T_CHANGE] = state, item, pid, 1.5
    event = state_event(0, table, t0=0.0)
    assert event.sentence is not None
    assert event.text == str(event.sentence) == text
    assert event.sentence.template in marked_strings()
    assert placeholders(event.sentence.template) == {n for n, _ in event.sentence.args}
