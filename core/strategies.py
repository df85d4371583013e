"""Termination strategies: each is one small worker loop (or pool driver) plus its data.

The loops (core.loops) are what actually runs, and their source is what the
lab shows. The post's loops are kept exactly as written: do not "fix" them.
Adding a strategy means adding one loop and one entry to _STRATEGY_LIST (or
register_strategy() from another module). A strategy declares what it needs
from a queue backend (core.backends.Need); the backends that supply it are
the ones it runs on. A loop file's strategy (core.user_loops) names its
backends itself (Strategy.backends) and shows its file's source as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.backends import Launch, Need, backends, get_backend
from core.loops import (  # the loops: pickled to workers by their module's name
    get_nowait,
    get_timeout,
    joinable_task_done,
    seed_empty_after_get,
    seed_single_sentinel,
    seed_while_not_empty,
    sentinel_per_worker,
    sentinel_per_worker_batched,
    sentinel_reput,
    stop_event,
)
from core.params import POOL_QUEUE
from core.text import translatable

if TYPE_CHECKING:
    from core.backends import QueueBackend
    from core.hosts import FinishHost, PoolHost
    from core.worker import LoopOptions

# The worker side (core.worker) and concurrent.futures are imported where a
# pool driver runs: listing the strategies (main.py strategies) and the
# command line's start need the catalog only.

_DEF_LINE = re.compile(r"^def \w+\(.*?\)(?: -> [^:]+)?:", re.DOTALL)

POST = translatable("core", "The post's loops")
CORRECT = translatable("core", "Correct patterns")
POOLS = translatable("core", "Pools")
GROUPS = (POST, CORRECT, POOLS)


# --- what the main process does once the items are in (queue strategies) -------


def finish_join_then_stop(run: FinishHost) -> None:
    """Wait for every task_done(), then send one None per worker."""
    if run.join_queue():
        for _ in range(run.workers):
            run.put(None)


def finish_drain_then_set_event(run: FinishHost) -> None:
    """Wait until the queue looks empty, then tell the workers to stop."""
    if run.wait_until_empty():
        run.set_stop()


# --- pool drivers (no queue of the user's own) ---------------------------------


# Both hand the pool the chunks it would build from (items, chunksize), one task
# each, so a worker can record a chunk at once (core.chunks); results come per chunk.


def pool_imap_unordered(run: PoolHost) -> None:
    from core.cpython import iterate_with_timeout
    from core.worker import process_chunk

    with run.ctx.Pool(run.workers, run.initializer, run.initargs) as pool:
        run.attach(pool)
        results = pool.imap_unordered(process_chunk, run.chunks)
        for _ in iterate_with_timeout(results, run.cancelled):  # so Cancel is honoured
            pass


def process_pool_executor(run: PoolHost) -> None:
    from concurrent.futures import ProcessPoolExecutor

    from core.worker import process_chunk

    with ProcessPoolExecutor(
        run.workers, run.ctx, initializer=run.initializer, initargs=run.initargs
    ) as executor:
        run.attach(executor)
        for _ in executor.map(process_chunk, run.chunks):
            if run.cancelled():
                break


@dataclass(frozen=True)
class Strategy:
    id: str
    title: str
    group: str
    explanation: str
    docs_note: str
    expected: str  # what it does, in a few words
    expected_outcomes: frozenset[str]
    loop: Callable[[Any, Callable[[Any], None], LoopOptions], None] | None = None
    pool_driver: Callable[[PoolHost], None] | None = None
    sentinel: Any = None
    sentinels: str = "none"  # none | one | per-worker: put after the items
    finish: Callable[[FinishHost], None] | None = None
    needs: frozenset[Need] = frozenset()
    default_backend: str = "mp"
    # Only these backends, when given (a loop file's BACKENDS); else every one that fits.
    backends: tuple[str, ...] = ()
    # How workers start, when the strategy decides it rather than its backend:
    # POOL_DRIVER for a pool strategy, POOL_TASKS to put any queue into a Pool.
    launch: Launch | None = None
    checks_empty_then_gets: bool = False  # `while not q.empty(): q.get()`: the race
    batches: bool = False  # the main process puts lists of batch_size items, not items
    # For display, where a harness runs the user's pattern (a pool the lab watches):
    # the main process's code as a user writes it.
    main_code: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_pool(self) -> bool:
        """A pool is the strategy: no queue of the user's own, no backend."""
        return self.launch is Launch.POOL_DRIVER

    def runs_on(self, backend: QueueBackend) -> bool:
        if self.backends and backend.name not in self.backends:
            return False
        return not self.is_pool and self.needs <= backend.supports

    @property
    def queue_kinds(self) -> tuple[str, ...]:
        """The backends it runs on, its default first ("pool" alone for a pool strategy)."""
        if self.is_pool:
            return (POOL_QUEUE,)
        names = [b.name for b in backends() if self.runs_on(b)]
        names.sort(key=lambda name: name != self.default_backend)
        return tuple(names)

    def launch_on(self, backend: QueueBackend) -> Launch:
        """How this strategy's workers start on that backend."""
        return self.launch or backend.launch

    @property
    def source(self) -> str:
        """For display: the worker loop, then what the main process does to end the run.

        The loop is exactly what runs (its def line without type annotations,
        which say nothing about how it ends); the main process's part is its
        end step (loop 3's one 'end' against loop 4's one per worker), or the
        code a user writes where a harness runs it (main_code).
        """
        parts = [_source_of(self.loop)] if self.loop is not None else []
        return "\n".join([*parts, self.main_source])

    @property
    def main_source(self) -> str:
        """The main process's part, as a user writes it."""
        if self.main_code:
            return self.main_code
        if self.pool_driver is not None:
            return _source_of(self.pool_driver)
        lines = ["# the main process", "for item in items:", "    q.put(item)"]
        if self.batches:
            lines[1:] = [
                "for start in range(0, len(items), batch_size):",
                "    q.put(items[start:start + batch_size])  # one list per batch",
            ]
        if self.sentinels == "one":
            lines.append(f"q.put({self.sentinel!r})  # one, after the items")
        elif self.sentinels == "per-worker":
            lines += [
                "for _ in range(workers):  # one per worker, after the items",
                f"    q.put({self.sentinel!r})",
            ]
        text = "\n".join(lines) + "\n"
        if self.finish is not None:
            text += "\n" + _source_of(self.finish)
        return text


def _source_of(fn: Callable[..., Any]) -> str:
    source_text = getattr(fn, "source_text", None)  # a loop file's function, as written
    if isinstance(source_text, str):
        return source_text + "\n"
    import inspect

    try:
        text = inspect.getsource(fn)
    except (OSError, TypeError):
        return f"# source of {fn.__name__} is not available in this build\n"
    names = ", ".join(inspect.signature(fn).parameters)
    return _DEF_LINE.sub(f"def {fn.__name__}({names}):", text, count=1)


_DOCS_EMPTY = translatable(
    "core",
    'Python docs, multiprocessing.Queue.empty(): "Because of multithreading/multiprocessing '
    'semantics, this is not reliable."',
)
_DOCS_STOP = translatable(
    "core",
    "Python docs, multiprocessing examples: workers run `for func, args in iter(input.get, "
    "'STOP')` and the main process puts one 'STOP' per worker.",
)

_STRATEGY_LIST = [
    Strategy(
        id="seed-empty-after-get",
        title=translatable("core", "The post, loop 1: get(), then break if empty()"),
        group=POST,
        explanation=translatable(
            "core",
            "Each worker takes an item and then asks q.empty(). Whoever takes the last item sees "
            "an empty queue and breaks before processing it, so the last item is dropped after "
            "being taken (sometimes several, when workers race for the tail). The other workers "
            "are already back in a blocking q.get() on a queue that will never get another item, "
            "so they wait forever and Pool.join() never returns: a deadlock with lost items.",
        ),
        docs_note=_DOCS_EMPTY,
        default_backend="manager",
        expected=translatable("core", "drops the last item, sometimes more; usually deadlocks"),
        expected_outcomes=frozenset({"lost", "deadlock"}),
        loop=seed_empty_after_get,
    ),
    Strategy(
        id="seed-while-not-empty",
        title=translatable("core", "The post, loop 2: while not empty(): get()"),
        group=POST,
        explanation=translatable(
            "core",
            "Check-then-act: two workers can both see q.empty() == False when one item is left. "
            "One takes it; the other calls q.get() on what is now an empty queue and blocks "
            "forever. Nothing is lost, but the run hangs in most runs with fast items, and less "
            "often when each item takes longer (the workers then rarely check at the same moment).",
        ),
        docs_note=_DOCS_EMPTY,
        default_backend="manager",
        expected=translatable("core", "processes everything; often deadlocks"),
        expected_outcomes=frozenset({"ok", "deadlock"}),
        loop=seed_while_not_empty,
        checks_empty_then_gets=True,
    ),
    Strategy(
        id="seed-single-sentinel",
        title=translatable("core", "The post, loop 3: one 'end' sentinel"),
        group=POST,
        explanation=translatable(
            "core",
            "One 'end' marker after the items releases exactly one worker. The q.empty() check "
            "releases at most one more (the one that takes the last object). Every other worker "
            "blocks in q.get() after the queue is drained. With more workers it always hangs; with "
            "two or three it can occasionally slip out, and items can be dropped when a worker "
            "sees empty() == True right after taking one.",
        ),
        docs_note=_DOCS_STOP,
        default_backend="manager",
        expected=translatable("core", "releases one worker; the rest deadlock"),
        expected_outcomes=frozenset({"deadlock", "lost", "ok"}),
        loop=seed_single_sentinel,
        sentinel="end",
        sentinels="one",
    ),
    Strategy(
        id="seed-sentinel-per-worker",
        title=translatable("core", "The post, loop 4 (its fix): one 'end' per worker"),
        group=POST,
        explanation=translatable(
            "core",
            "The post's final code: the same loop, but the main process puts one 'end' per "
            "worker. Every worker gets its own marker, so all of them leave. The q.empty() check "
            "is now redundant but harmless: while any item is left, at least one 'end' is still "
            "behind it, so empty() cannot be True for a worker holding a real item.",
        ),
        docs_note=_DOCS_STOP,
        default_backend="manager",
        expected=translatable("core", "correct: every worker exits"),
        expected_outcomes=frozenset({"ok"}),
        loop=seed_single_sentinel,
        sentinel="end",
        sentinels="per-worker",
    ),
    Strategy(
        id="sentinel-per-worker",
        title=translatable("core", "Docs recipe: iter(q.get, 'STOP') with one STOP per worker"),
        group=CORRECT,
        explanation=translatable(
            "core",
            "The pattern from the Python docs. Workers never ask whether the queue is empty; they "
            "stop only when they receive a STOP, and the main process puts exactly one per "
            "worker after the items. Queues are FIFO, so every item is taken before any STOP.",
        ),
        docs_note=_DOCS_STOP,
        expected=translatable("core", "correct"),
        expected_outcomes=frozenset({"ok"}),
        loop=sentinel_per_worker,
        sentinel="STOP",
        sentinels="per-worker",
    ),
    Strategy(
        id="sentinel-per-worker-batched",
        title=translatable("core", "Docs recipe in batches: lists of items, one STOP per worker"),
        group=CORRECT,
        explanation=translatable(
            "core",
            "The docs' STOP recipe, with the items put in lists of batch_size: one put and one "
            "get move a whole batch, so a queue's cost per item shrinks by about the batch size. "
            "The price: an item waits until its batch is full and then until its batch's earlier "
            "items are done (latency), a batch is held in memory whole on both sides, and a worker "
            "that dies takes its whole batch with it: every item of that batch is lost, not one.",
        ),
        docs_note=_DOCS_STOP,
        expected=translatable("core", "correct; a dead worker loses its whole batch"),
        expected_outcomes=frozenset({"ok"}),
        loop=sentinel_per_worker_batched,
        sentinel="STOP",
        sentinels="per-worker",
        batches=True,
    ),
    Strategy(
        id="sentinel-reput",
        title=translatable("core", "One sentinel, put back by each worker"),
        group=CORRECT,
        explanation=translatable(
            "core",
            "A single STOP follows the items. A worker that takes it puts it back before exiting, "
            "so the next worker finds it too. One marker is enough for any number of workers; the "
            "marker is left in the queue at the end.",
        ),
        docs_note=_DOCS_STOP,
        expected=translatable("core", "correct"),
        expected_outcomes=frozenset({"ok"}),
        loop=sentinel_reput,
        sentinel="STOP",
        sentinels="one",
    ),
    Strategy(
        id="get-timeout",
        title=translatable("core", "get(timeout=t), exit on queue.Empty"),
        group=CORRECT,
        explanation=translatable(
            "core",
            "Workers never block forever: after t seconds without an item they leave. This ends "
            "reliably when the queue is filled up front, but it guesses: a producer slower than "
            "t (or a pause longer than t) makes workers leave early and items stay in the queue.",
        ),
        docs_note=translatable(
            "core",
            "Python docs, Queue.get(block, timeout): raises queue.Empty if no item was available "
            "within that time.",
        ),
        expected=translatable("core", "correct when prefilled; loses items to a slow producer"),
        expected_outcomes=frozenset({"ok", "lost"}),
        loop=get_timeout,
        needs=frozenset({Need.GET_TIMEOUT}),
    ),
    Strategy(
        id="get-nowait",
        title=translatable("core", "get_nowait(), exit on queue.Empty"),
        group=CORRECT,
        explanation=translatable(
            "core",
            "Workers leave at the first moment the queue looks empty. With an mp queue an item "
            "that the producer's feeder thread has not yet flushed into the pipe is invisible, so "
            "workers can leave while items are still on their way; with a concurrent producer "
            "this loses items.",
        ),
        docs_note=_DOCS_EMPTY,
        expected=translatable("core", "ends, but can leave items behind"),
        expected_outcomes=frozenset({"ok", "lost"}),
        loop=get_nowait,
    ),
    Strategy(
        id="joinable-task-done",
        title=translatable("core", "JoinableQueue: task_done(), join(), then stop the workers"),
        group=CORRECT,
        explanation=translatable(
            "core",
            "Each worker calls task_done() after every item. The main process waits in "
            "q.join() until every item is done, then puts one None per worker to stop them.",
        ),
        docs_note=translatable(
            "core",
            "Python docs, JoinableQueue.join(): blocks until all items in the queue have been "
            "gotten and processed.",
        ),
        default_backend="joinable",
        needs=frozenset({Need.JOIN}),
        expected=translatable("core", "correct"),
        expected_outcomes=frozenset({"ok"}),
        loop=joinable_task_done,
        finish=finish_join_then_stop,
    ),
    Strategy(
        id="stop-event",
        title=translatable("core", "A stop Event, workers poll with get(timeout)"),
        group=CORRECT,
        explanation=translatable(
            "core",
            "Workers poll the queue with a timeout and leave when it times out and the stop "
            "Event is set. The main process sets the Event once the queue has drained.",
        ),
        docs_note=translatable(
            "core", "Python docs, multiprocessing.Event: a clone of threading.Event."
        ),
        expected=translatable("core", "correct"),
        expected_outcomes=frozenset({"ok"}),
        loop=stop_event,
        finish=finish_drain_then_set_event,
        needs=frozenset({Need.STOP_EVENT, Need.GET_TIMEOUT}),
    ),
    Strategy(
        id="pool-imap-unordered",
        title=translatable("core", "Pool.imap_unordered(process, items, chunksize)"),
        group=POOLS,
        explanation=translatable(
            "core",
            "No queue of your own: the pool feeds items to its processes and knows when they are "
            "all done. Larger chunks cut the per-item IPC cost.",
        ),
        docs_note=translatable(
            "core", "Python docs, Pool.imap_unordered: like imap(), but results come in any order."
        ),
        launch=Launch.POOL_DRIVER,
        expected=translatable("core", "correct"),
        expected_outcomes=frozenset({"ok"}),
        pool_driver=pool_imap_unordered,
        main_code=(
            "# the main process\n"
            "with Pool(workers) as pool:\n"
            "    for _ in pool.imap_unordered(process, items, chunksize):\n"
            "        pass\n"
        ),
    ),
    Strategy(
        id="process-pool-executor",
        title=translatable("core", "ProcessPoolExecutor.map(process, items, chunksize)"),
        group=POOLS,
        explanation=translatable(
            "core",
            "concurrent.futures does the queueing and the shutdown; a worker that dies breaks "
            "the pool loudly (BrokenProcessPool) instead of hanging.",
        ),
        docs_note=translatable(
            "core", "Python docs, Executor.map: chunksize only matters for ProcessPoolExecutor."
        ),
        launch=Launch.POOL_DRIVER,
        expected=translatable("core", "correct"),
        expected_outcomes=frozenset({"ok"}),
        pool_driver=process_pool_executor,
        main_code=(
            "# the main process\n"
            "with ProcessPoolExecutor(workers) as executor:\n"
            "    for _ in executor.map(process, items, chunksize=chunksize):\n"
            "        pass\n"
        ),
    ),
    Strategy(
        id="mp-queue-into-pool",
        title=translatable("core", "A plain multiprocessing.Queue passed to Pool.apply_async"),
        group=POOLS,
        explanation=translatable(
            "core",
            "A multiprocessing.Queue can only reach a process by inheritance. Passing it as a "
            "task argument fails while the pool pickles the task: RuntimeError: Queue objects "
            "should only be shared between processes through inheritance. The post's code never "
            "calls .get() on the AsyncResult, so there the error is silent and nothing runs.",
        ),
        docs_note=translatable(
            "core",
            "Python docs, programming guidelines: a queue should be passed to a child process as "
            "an argument of its constructor (inheritance).",
        ),
        needs=frozenset({Need.INHERITED_QUEUE}),
        expected=translatable("core", "crashes before any worker starts"),
        expected_outcomes=frozenset({"crashed", "lost"}),
        loop=sentinel_per_worker,
        sentinel="STOP",
        sentinels="per-worker",
        launch=Launch.POOL_TASKS,
        main_code=(
            "# the main process\n"
            "q = multiprocessing.Queue()\n"
            "for item in items:\n"
            "    q.put(item)\n"
            "for _ in range(workers):  # one per worker, after the items\n"
            "    q.put('STOP')\n"
            "with Pool(workers) as pool:\n"
            "    for _ in range(workers):\n"
            "        pool.apply_async(sentinel_per_worker, (q, process, opts))\n"
            "    pool.close()\n"
            "    pool.join()\n"
        ),
    ),
]

STRATEGIES: dict[str, Strategy] = {s.id: s for s in _STRATEGY_LIST}


def get_strategy(strategy_id: str) -> Strategy:
    return STRATEGIES[strategy_id]


def register_strategy(strategy: Strategy) -> None:
    """Add a strategy from another module; it shows wherever the built-ins do."""
    if strategy.id in STRATEGIES and STRATEGIES[strategy.id] is not strategy:
        raise ValueError(f"a strategy with id {strategy.id!r} exists already")
    if not strategy.is_pool:
        get_backend(strategy.default_backend)  # a KeyError names an unknown backend
    STRATEGIES[strategy.id] = strategy


def unregister_strategy(strategy_id: str) -> None:
    """Take an added strategy away again (tests that add one)."""
    STRATEGIES.pop(strategy_id, None)
