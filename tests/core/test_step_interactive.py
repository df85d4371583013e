"""Step mode on request: another thread says who moves; the run records the steps taken."""

from __future__ import annotations

import threading
from collections.abc import Callable

import resources
from core.control import RunControl
from core.engine import run
from core.params import RunParams
from core.result import Progress, RunResult
from core.schedule import Offer, Step, StepControl, load
from core.states import EventKind, WorkerStatus

LOOP2 = load(resources.path("schedules") / "loop2-deadlock.json")
BOUND_S = 30.0


class Session:
    """A controlled run in a thread, driven from the test like the window drives it."""

    def __init__(self, replay: tuple[Step, ...] = ()) -> None:
        self.changed = threading.Condition()
        self.snapshots: list[Progress] = []
        self.stepping = StepControl(replay=replay, interactive=True, on_change=self._notify)
        self.control = RunControl(self.stepping)
        self.result: RunResult | None = None
        params = RunParams(strategy=LOOP2.strategy, workers=2, items=2, start_method="spawn")
        self.thread = threading.Thread(target=self._run, args=(params,))
        self.thread.start()

    def _run(self, params: RunParams) -> None:
        self.result = run(params, self._seen, control=self.control)

    def _seen(self, progress: Progress) -> None:
        self.snapshots.append(progress)
        self._notify()

    def _notify(self) -> None:
        with self.changed:
            self.changed.notify_all()

    def until(self, condition: Callable[[], bool]) -> None:
        with self.changed:
            assert self.changed.wait_for(condition, timeout=BOUND_S)

    def offer_of(self, who: str) -> Offer | None:
        return next((o for o in self.stepping.offers() if o.who == who), None)

    def click(self, who: str) -> Step:
        self.until(lambda: self.offer_of(who) is not None)
        count = len(self.stepping.steps())
        self.stepping.advance(who)
        self.until(lambda: len(self.stepping.steps()) > count)
        return self.stepping.steps()[-1]

    def finish(self) -> RunResult:
        self.thread.join(BOUND_S)
        assert not self.thread.is_alive() and self.result is not None
        return self.result


def test_clicks_alone_force_loop_2s_deadlock() -> None:
    session = Session()
    session.until(lambda: len(session.stepping.offers()) == 2)
    assert str(session.offer_of("W2")) == "W2 \u25b8 q.empty()"
    taken = [session.click(step.who) for step in LOOP2.steps]
    assert taken == list(LOOP2.steps)
    result = session.finish()
    assert result.outcome == "deadlock"
    assert session.stepping.stepping_over and session.stepping.offers() == ()


def test_a_get_on_an_empty_queue_is_offered_as_blocking_and_shown_blocked_once() -> None:
    session = Session(replay=LOOP2.steps[:5])
    session.until(lambda: session.offer_of("W1") is not None)
    offer = session.offer_of("W1")
    assert offer is not None and offer.blocks and offer.op == "get"
    assert session.click("W1").result == "blocked"
    session.stepping.advance("W1")  # blocked already: nothing happens
    session.stepping.advance("W9")  # no such worker: nothing happens
    assert session.click("W2") == LOOP2.steps[6]
    assert session.finish().outcome == "deadlock"
    assert session.stepping.steps() == list(LOOP2.steps)


def test_back_replays_all_but_the_last_step_then_waits_for_requests() -> None:
    first = Session()
    for step in LOOP2.steps[:3]:
        first.click(step.who)
    first.control.cancel()
    assert first.finish().outcome == "cancelled"
    back = Session(replay=tuple(first.stepping.steps()[:-1]))
    back.until(lambda: len(back.stepping.steps()) == 2 and back.offer_of("W1") is not None)
    assert back.stepping.steps() == list(LOOP2.steps[:2])
    back.stepping.run_freely()
    result = back.finish()
    assert result.outcome in ("ok", "deadlock")  # free from here on: either can happen
    assert back.stepping.stepping_over


def test_cancel_while_waiting_for_a_request_ends_the_run() -> None:
    session = Session()
    session.click("W1")
    session.until(lambda: session.offer_of("W1") is not None)
    session.control.cancel()
    assert session.finish().outcome == "cancelled"
    assert session.stepping.stepping_over


def test_a_worker_waiting_for_its_turn_is_drawn_as_such_not_as_processing() -> None:
    session = Session()
    session.click("W1")  # W1 q.empty() -> False: W1 runs its loop up to q.get(), then waits
    session.until(lambda: session.offer_of("W1") is not None)
    session.until(
        lambda: (
            bool(session.snapshots)
            and [w.state for w in session.snapshots[-1].workers] == [WorkerStatus.AT_GATE] * 2
        )
    )
    session.click("W1")  # W1 q.get() -> item 0: it processes, then waits again
    session.stepping.run_freely()
    result = session.finish()
    assert result.outcome in ("ok", "deadlock")
    at_gate = [e for e in result.timeline if e.kind == EventKind.AT_GATE]
    assert {e.worker for e in at_gate} == {1, 2}
    assert all(e.text == "waiting for its turn" for e in at_gate)
