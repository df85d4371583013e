"""Plain-words diagnosis of a run, built only from the recorded evidence."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from core.ledger import (
    W_FIELDS,
    W_ITEM_AT_EMPTY,
    W_LAST_EMPTY,
    W_SENTINELS,
    W_STATE,
)
from core.states import WorkerState, WorkerStatus
from core.text import Ids, Sentence, Translate, Value, counted, identity, translatable

if TYPE_CHECKING:
    from core.faults import Fault
    from core.params import RunParams
    from core.result import WorkerSummary
    from core.strategies import Strategy


@dataclass
class Evidence:
    strategy: Strategy
    params: RunParams
    outcomes: list[str]
    table: list[float]
    workers: list[WorkerSummary]
    dropped: list[int]
    left: list[int]
    duplicates: list[int]
    taker: list[int]  # 1-based worker that took each dropped item
    error: str | None
    puts: int
    phase: str
    fault: Fault | None = None
    missing_cwd: str | None = None  # the deleted working directory, if that is what failed
    server_lost: tuple[int, str] | None = None  # the queue server went: items done by then, why
    held: dict[int, list[Any]] = field(default_factory=dict)  # vanished worker -> its items
    moved_back: list[tuple[int, Any]] = field(default_factory=list)  # (worker, item) requeued


SERVER_LOST = translatable("core", "queue server lost after {items} items ({reason})")


def error_line(text: str) -> str:
    """The line of an error's text that says what went wrong: the last one but rulers.

    A Manager's RemoteError carries the server's traceback between lines of
    dashes; its real exception is the last line inside them.
    """
    lines = [line.strip() for line in text.strip().splitlines()]
    said = [line for line in lines if line.strip("-")]
    return said[-1] if said else text.strip()


def missing_working_directory() -> str | None:
    """The deleted directory this process still works in; None while it exists."""
    try:
        os.getcwd()
    except FileNotFoundError:
        try:
            return os.readlink("/proc/self/cwd").removesuffix(" (deleted)")
        except OSError:
            return os.environ.get("PWD", "?")
    return None


MISSING_CWD = translatable(
    "core",
    "the working directory {dir} no longer exists (new processes start in it); change to "
    "an existing directory",
)


# How render_diagnosis joins and ends the sentences (Chinese: "；" and "。").
JOINER = translatable("core", "; ")
FINAL = translatable("core", "{sentences}.")


def _workers(numbers: list[int]) -> Sentence:
    """'1, 2 and 3' for the plural templates."""
    return Sentence.of(
        translatable("core", "{first} and {last}"),
        first=Ids.of(numbers[:-1], None),
        last=numbers[-1],
    )


def render_diagnosis(sentences: Sequence[Sentence], translate: Translate = identity) -> str:
    """The sentences as one paragraph; with identity, the English of diagnose()."""
    text = translate(JOINER).join(s.render(translate) for s in sentences)
    return translate(FINAL).format(sentences=text[:1].upper() + text[1:])


def diagnose(ev: Evidence) -> str:
    return render_diagnosis(diagnose_sentences(ev))


def diagnose_sentences(ev: Evidence) -> list[Sentence]:
    sentences: list[Sentence] = []
    add = sentences.append
    table = ev.table

    def col(worker: int, field: int) -> Any:
        return table[(worker - 1) * W_FIELDS + field]

    if "cancelled" in ev.outcomes:
        add(Sentence(translatable("core", "cancelled before the run ended")))
    if ev.fault is not None:
        from core.faults import FAULT_KINDS, PIPE_BUFFER_BYTES

        what = Sentence.of(FAULT_KINDS[ev.fault.kind].effect, arg=ev.fault.value)
        add(
            Sentence.of(
                translatable("core", "injected fault {fault}: {what}"),
                fault=str(ev.fault),
                what=what,
            )
        )
        if ev.fault.kind == "big-payload" and ev.fault.value > PIPE_BUFFER_BYTES:
            add(
                Sentence(
                    translatable(
                        "core",
                        "each item is larger than the pipe buffer, so a process cannot exit "
                        "while items it put are unread (the docs' join-before-drain deadlock); "
                        "here only the main process puts items, and it never joins before the "
                        "workers drain the queue",
                    )
                )
            )
    stopped = [w.index for w in ev.workers if w.state == WorkerStatus.STOPPED]
    if len(stopped) == 1:
        add(
            Sentence.of(
                translatable(
                    "core",
                    "worker {worker} is stopped (SIGSTOP): alive but unable to run, so no "
                    "deadlock can be proven",
                ),
                worker=stopped[0],
            )
        )
    elif stopped:
        add(
            Sentence.of(
                translatable(
                    "core",
                    "workers {workers} are stopped (SIGSTOP): alive but unable to run, so no "
                    "deadlock can be proven",
                ),
                workers=_workers(stopped),
            )
        )

    if ev.server_lost is not None:
        processed_then, reason = ev.server_lost
        add(Sentence.of(SERVER_LOST, items=f"{processed_then:,}", reason=reason))
    for sentence in _merged(_crash_sentences(ev.workers)):
        add(sentence)
    sentences.extend(_vanished_sentences(ev))
    if ev.server_lost is not None:
        pass  # the main process's failure to put is the lost server's, said above
    elif ev.error and not any(w.error == ev.error for w in ev.workers):
        last_line = error_line(ev.error)
        if "feeder thread" in last_line:
            add(Sentence.of(translatable("core", "{error}"), error=last_line))
        else:
            error: Value = last_line
            if ev.missing_cwd is not None and last_line.startswith("FileNotFoundError"):
                error = Sentence.of(MISSING_CWD, dir=ev.missing_cwd)
            add(Sentence.of(translatable("core", "the main process failed: {error}"), error=error))

    by_worker: dict[int, list[int]] = {}
    for item_id, worker in zip(ev.dropped, ev.taker, strict=True):
        if item_id not in ev.held.get(worker, ()):  # named as held by a vanished worker
            by_worker.setdefault(worker, []).append(item_id)
    for worker, items in sorted(by_worker.items()):
        if worker <= 0:
            add(
                Sentence.of(
                    translatable("core", "items {items} were taken but never processed"),
                    items=Ids.of(items),
                )
            )
            continue
        saw_empty = col(worker, W_LAST_EMPTY) == 1.0 and int(col(worker, W_ITEM_AT_EMPTY)) in items
        state = int(col(worker, W_STATE))
        one = len(items) == 1
        if saw_empty and state == WorkerState.EXITED:
            template = (
                translatable(
                    "core",
                    "worker {worker} took item {items}, saw q.empty() == True and exited "
                    "without processing it",
                )
                if one
                else translatable(
                    "core",
                    "worker {worker} took items {items}, saw q.empty() == True and exited "
                    "without processing them",
                )
            )
        else:
            template = (
                translatable("core", "worker {worker} took item {items} but never processed it")
                if one
                else translatable(
                    "core", "worker {worker} took items {items} but never processed them"
                )
            )
        add(Sentence.of(template, worker=worker, items=Ids.of(items)))

    if ev.left and "cancelled" in ev.outcomes:
        # Not a loss: the user stopped the run before these were taken.
        add(
            Sentence.of(
                counted(
                    len(ev.left),
                    translatable("core", "{count} item was still in the queue when cancelled"),
                    translatable("core", "{count} items were still in the queue when cancelled"),
                ),
                count=len(ev.left),
            )
        )
    elif ev.left:
        if all(w.state in _GONE for w in ev.workers):
            template = counted(
                len(ev.left),
                translatable(
                    "core",
                    "{count} item was never taken and stays in the queue after every worker "
                    "had left: {items}",
                ),
                translatable(
                    "core",
                    "{count} items were never taken and stay in the queue after every worker "
                    "had left: {items}",
                ),
            )
        else:
            template = counted(
                len(ev.left),
                translatable(
                    "core", "{count} item was never taken and stays in the queue: {items}"
                ),
                translatable(
                    "core", "{count} items were never taken and stay in the queue: {items}"
                ),
            )
        add(Sentence.of(template, count=len(ev.left), items=Ids.of(ev.left)))

    if ev.duplicates:
        add(
            Sentence.of(
                translatable("core", "items {items} were processed more than once"),
                items=Ids.of(ev.duplicates),
            )
        )

    blocked = [w.index for w in ev.workers if w.state == WorkerStatus.BLOCKED]
    if "deadlock" in ev.outcomes:
        exited_on_sentinel = [
            w.index
            for w in ev.workers
            if w.state == WorkerStatus.EXITED and col(w.index, W_SENTINELS) > 0
        ]
        if ev.strategy.sentinels == "one" and exited_on_sentinel:
            add(
                Sentence.of(
                    translatable(
                        "core", "worker {worker} took the only {sentinel} sentinel and exited"
                    ),
                    worker=exited_on_sentinel[0],
                    sentinel=repr(ev.strategy.sentinel),
                )
            )
        raced = [w for w in blocked if col(w, W_LAST_EMPTY) == 0.0]
        if ev.strategy.checks_empty_then_gets and len(raced) == 1:
            add(
                Sentence.of(
                    translatable(
                        "core",
                        "worker {worker} saw q.empty() == False, then another worker took the "
                        "last item before their q.get() (check-then-act race)",
                    ),
                    worker=raced[0],
                )
            )
        elif ev.strategy.checks_empty_then_gets and raced:
            add(
                Sentence.of(
                    translatable(
                        "core",
                        "workers {workers} saw q.empty() == False, then another worker took the "
                        "last item before their q.get() (check-then-act race)",
                    ),
                    workers=_workers(raced),
                )
            )
        if len(blocked) == 1:
            add(
                Sentence.of(
                    translatable(
                        "core",
                        "worker {worker} is blocked in q.get() on an empty queue; the producer "
                        "is done: deadlock",
                    ),
                    worker=blocked[0],
                )
            )
        else:
            add(
                Sentence.of(
                    translatable(
                        "core",
                        "workers {workers} are blocked in q.get() on an empty queue; the "
                        "producer is done: deadlock",
                    ),
                    workers=_workers(blocked),
                )
            )
    elif "stalled" in ev.outcomes:
        stuck = tuple(
            Sentence.of(
                translatable("core", "worker {worker} {state}"),
                worker=w.index,
                state=Sentence(w.state),
            )
            for w in ev.workers
            if w.state != WorkerStatus.EXITED
        )
        phase = Sentence(ev.phase)
        if stuck:
            add(
                Sentence.of(
                    translatable(
                        "core",
                        "no progress for {seconds} s and no proof of deadlock ({workers}); the "
                        "main process was {phase}: stalled",
                    ),
                    seconds=f"{ev.params.watchdog_s:g}",
                    workers=stuck,
                    phase=phase,
                )
            )
        else:
            add(
                Sentence.of(
                    translatable(
                        "core",
                        "no progress for {seconds} s and no proof of deadlock; the main process "
                        "was {phase}: stalled",
                    ),
                    seconds=f"{ev.params.watchdog_s:g}",
                    phase=phase,
                )
            )
    elif ev.phase == "finishing" and "cancelled" not in ev.outcomes:
        add(
            Sentence(
                translatable(
                    "core", "the main process was still waiting for the workers when none was left"
                )
            )
        )

    if ev.outcomes == ["ok"]:
        done = Sentence.of(
            translatable(
                "core",
                "every item ({items}) was processed exactly once and all {workers} workers exited",
            ),
            items=ev.params.items,
            workers=len(ev.workers),
        )
        sentences = [*sentences[: 1 if ev.fault else 0], done]
    if not sentences:
        sentences = [
            Sentence.of(
                translatable("core", "{outcomes}"),
                outcomes=tuple(Sentence(outcome) for outcome in ev.outcomes),
            )
        ]
    return sentences


@dataclass(frozen=True)
class _PerWorker:
    """A sentence about one worker, and its plural for several workers that say the same.

    many is None when the values are the worker's own (an item it held): never merged.
    """

    one: str  # a template with {worker}
    many: str | None  # the same with {workers}
    worker: int
    args: tuple[tuple[str, Value], ...] = ()


_GONE = (WorkerStatus.EXITED, WorkerStatus.CRASHED, WorkerStatus.VANISHED)


def _vanished_sentences(ev: Evidence) -> list[Sentence]:
    """A remote worker whose heartbeat expired, the items it held, and their fate."""
    said = []
    for worker, held in sorted(ev.held.items()):
        items = [item for item in held if item.__class__ is int]
        if not items:
            template = translatable(
                "core",
                "worker {worker} vanished (its heartbeat on the queue server expired: it died "
                "or lost the network) holding no item",
            )
        elif len(items) == 1:
            template = translatable(
                "core",
                "worker {worker} vanished (its heartbeat on the queue server expired: it died "
                "or lost the network) while its processing list held item {items}",
            )
        else:
            template = translatable(
                "core",
                "worker {worker} vanished (its heartbeat on the queue server expired: it died "
                "or lost the network) while its processing list held items {items}",
            )
        said.append(Sentence.of(template, worker=worker, items=Ids.of(items)))
    for worker, item in ev.moved_back:
        template = (
            translatable(
                "core",
                "item {item} was moved back from vanished worker {worker} and processed twice",
            )
            if item in ev.duplicates
            else translatable("core", "item {item} was moved back from vanished worker {worker}")
        )
        said.append(Sentence.of(template, item=item, worker=worker))
    return said


def _worker_span(numbers: list[int]) -> Sentence:
    """'1–7' for a run of consecutive workers, else '1, 3 and 4'."""
    consecutive = all(b == a + 1 for a, b in pairwise(numbers))
    if consecutive and len(numbers) >= 3:
        return Sentence.of(
            translatable("core", "{first}–{last}"), first=numbers[0], last=numbers[-1]
        )
    return _workers(numbers)


def _merged(per_worker: list[_PerWorker]) -> list[Sentence]:
    """One sentence per distinct statement: 'workers 1–3 …' instead of the same line thrice."""
    groups: dict[tuple[object, ...], list[_PerWorker]] = {}
    for said in per_worker:
        key = (said.one, said.args) if said.many else (said.one, said.args, said.worker)
        groups.setdefault(key, []).append(said)
    sentences = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1 or first.many is None:
            sentences.append(Sentence.of(first.one, worker=first.worker, **dict(first.args)))
        else:
            workers = _worker_span([said.worker for said in group])
            sentences.append(Sentence.of(first.many, workers=workers, **dict(first.args)))
    return sentences


def _crash_sentences(workers: list[WorkerSummary]) -> list[_PerWorker]:
    """What each crashed worker's evidence says: its task's error, its exception, its death."""
    said: list[_PerWorker] = []
    for summary in workers:
        if summary.state != WorkerStatus.CRASHED:
            continue
        worker = summary.index
        if summary.error and summary.pid is None:
            if "inheritance" in summary.error:
                one = translatable(
                    "core",
                    "worker {worker}'s task never reached a process: {error} (the post's "
                    "pattern never calls .get() on the AsyncResult, so there this error is "
                    "silent and the workers simply never run)",
                )
                many = translatable(
                    "core",
                    "the tasks of workers {workers} never reached a process: {error} (the "
                    "post's pattern never calls .get() on the AsyncResult, so there this error "
                    "is silent and the workers simply never run)",
                )
            else:
                one = translatable(
                    "core", "worker {worker}'s task never reached a process: {error}"
                )
                many = translatable(
                    "core", "the tasks of workers {workers} never reached a process: {error}"
                )
            said.append(_PerWorker(one, many, worker, (("error", summary.error),)))
        elif summary.error:
            last = error_line(summary.error)
            if summary.last_item is not None:
                one = translatable(
                    "core", "worker {worker} raised while holding item {item}: {error}"
                )
                args: tuple[tuple[str, Value], ...] = (
                    ("item", summary.last_item),
                    ("error", last),
                )
                said.append(_PerWorker(one, None, worker, args))
            else:
                said.append(
                    _PerWorker(
                        translatable("core", "worker {worker} raised: {error}"),
                        translatable("core", "workers {workers} raised: {error}"),
                        worker,
                        (("error", last),),
                    )
                )
        else:
            said.append(_death(worker, summary.exit_code, summary.last_item))
    return said


def _death(worker: int, code: int | None, item: int | None) -> _PerWorker:
    """A worker that died without a word: its exit code and the item it held, if known."""
    if code is not None and item is not None:
        one = translatable(
            "core",
            "worker {worker} died with exit code {code} while holding item {item} "
            "without reporting it",
        )
        return _PerWorker(one, None, worker, (("code", code), ("item", item)))
    if item is not None:
        one = translatable(
            "core", "worker {worker} died while holding item {item} without reporting it"
        )
        return _PerWorker(one, None, worker, (("item", item),))
    if code is not None:
        return _PerWorker(
            translatable("core", "worker {worker} died with exit code {code} without reporting it"),
            translatable(
                "core", "workers {workers} died with exit code {code} without reporting it"
            ),
            worker,
            (("code", code),),
        )
    return _PerWorker(
        translatable("core", "worker {worker} died without reporting it"),
        translatable("core", "workers {workers} died without reporting it"),
        worker,
    )
