"""Two strategies native to a Redis list, registered with the catalog (core.strategies).

Burst: a worker works until the list is empty, then exits, as `rq worker
--burst` does. Right when every item is in before the workers start; with
a producer still putting, a worker that finds the list empty for a moment
leaves early.

Reliable queue with a reaper: workers BLMOVE each item into their own
processing list (core.backends.redis_queue), and the main process, while it
waits for the queue and the processing lists to empty, moves the items of a
worker whose connection is gone (it died, or lost the network) back to the
head of the queue. Nothing is lost; an item the vanished worker was working
on may be taken (and processed) twice, and the lab shows that duplicate.
Then it sets the stop event.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.backends import Need
from core.loops import stop_event
from core.strategies import CORRECT, Strategy, register_strategy
from core.text import translatable

if TYPE_CHECKING:
    from core.hosts import FinishHost
    from core.worker import LoopOptions


def burst(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    while True:
        try:
            data = q.get_nowait()  # LMOVE: no waiting, as rq's burst mode pops
        except queue.Empty:
            break  # the list is empty: this burst is over
        process(data)


def finish_join_reaping_then_stop(run: FinishHost) -> None:
    """Wait for the queue and every processing list to empty (a vanished worker's items
    go back to the queue meanwhile), then tell the workers to stop."""
    if run.join_queue():
        run.set_stop()


_REDIS_DOCS = translatable(
    "core",
    "Redis docs, LMOVE: 'Pattern: Reliable queue' (BLMOVE into a processing list); "
    "rq docs: rq worker --burst.",
)

BURST = Strategy(
    id="redis-burst",
    title=translatable("core", "Redis: burst workers (exit when the list is empty)"),
    group=CORRECT,
    explanation=translatable(
        "core",
        "Like rq worker --burst: each worker pops items without waiting (LMOVE) and exits as "
        "soon as the list is empty. Correct when every item is in before the workers start "
        "(prefill); with a concurrent producer a worker that finds the list empty for a "
        "moment leaves early, and items can be left behind.",
    ),
    docs_note=_REDIS_DOCS,
    default_backend="redis",
    backends=("redis",),
    expected=translatable("core", "correct with prefill; may leave items otherwise"),
    expected_outcomes=frozenset({"ok", "lost"}),
    loop=burst,
)

RELIABLE_WITH_REAPER = Strategy(
    id="redis-reliable-reaper",
    title=translatable("core", "Redis: reliable queue with a reaper"),
    group=CORRECT,
    explanation=translatable(
        "core",
        "Workers move each item into their own processing list (BLMOVE) and take it out when "
        "they are done. The main process waits until the queue and every processing list are "
        "empty; meanwhile it moves the items of a worker whose connection is gone back to the "
        "queue, so nothing is lost. The price: an item the vanished worker was working on may "
        "be processed twice. Then it sets the stop event.",
    ),
    docs_note=_REDIS_DOCS,
    default_backend="redis",
    needs=frozenset({Need.JOIN, Need.STOP_EVENT, Need.GET_TIMEOUT, Need.REQUEUE}),
    expected=translatable("core", "correct; a vanished worker's item is done twice"),
    expected_outcomes=frozenset({"ok"}),
    loop=stop_event,
    finish=finish_join_reaping_then_stop,
)

for _strategy in (BURST, RELIABLE_WITH_REAPER):
    register_strategy(_strategy)
