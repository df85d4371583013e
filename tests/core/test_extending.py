"""Adding a strategy or a queue backend from outside the core: one entry, one registration.

Both are done from this test module (and tests/core/threaded_backend.py),
without touching a core file, and the additions then show wherever the
built-ins do: validation, the CLI, the experiment grid, real runs.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core import cli
from core.backends import backend_names, register_backend, unregister_backend
from core.engine import run
from core.errors import ParamError
from core.params import RunParams
from core.strategies import STRATEGIES, Strategy, register_strategy, unregister_strategy
from core.validation import validate
from core.worker import LoopOptions
from tests.core.test_strategies import assert_accounted
from tests.core.threaded_backend import ThreadServedBackend


def drain_then_leave(q: Any, process: Callable[[Any], None], opts: LoopOptions) -> None:
    """A worker loop written outside the core: one "done" per worker ends it."""
    while (data := q.get()) != "done":
        process(data)


ADDED = Strategy(
    id="test-added-done-marker",
    title="A strategy added by a test",
    group=STRATEGIES["sentinel-per-worker"].group,
    explanation="One 'done' marker per worker.",
    docs_note="",
    expected="correct",
    expected_outcomes=frozenset({"ok"}),
    loop=drain_then_leave,
    sentinel="done",
    sentinels="per-worker",
)


@pytest.fixture
def added_strategy() -> Iterator[Strategy]:
    register_strategy(ADDED)
    yield ADDED
    unregister_strategy(ADDED.id)


@pytest.fixture
def threads_backend() -> Iterator[str]:
    backend = ThreadServedBackend()
    register_backend(backend)
    yield backend.name
    unregister_backend(backend.name)


@pytest.mark.timeout(60)
def test_an_added_strategy_validates_and_runs_like_a_built_in(added_strategy: Strategy) -> None:
    params = validate(RunParams(strategy=added_strategy.id, items=50, workers=2))
    assert params.queue_kind == added_strategy.default_backend
    result = run(params)
    assert result.outcomes == ["ok"], result.diagnosis
    assert_accounted(result)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["strategies"]) == 0
    assert added_strategy.id in out.getvalue()


def test_without_registration_the_strategy_is_unknown() -> None:
    with pytest.raises(ParamError, match="unknown strategy 'test-added-done-marker'"):
        validate(RunParams(strategy=ADDED.id))


QUEUE_STRATEGIES = [s.id for s in STRATEGIES.values() if not s.is_pool and not s.backends]


def test_an_added_backend_is_offered_to_the_strategies_whose_needs_it_meets(
    threads_backend: str,
) -> None:
    assert threads_backend in backend_names()
    for strategy_id in QUEUE_STRATEGIES:
        strategy = STRATEGIES[strategy_id]
        fits = strategy.needs <= ThreadServedBackend.supports
        assert (threads_backend in strategy.queue_kinds) == fits, strategy_id
    args = cli.build_parser().parse_args(["run", "--strategy", "x", "--queue", threads_backend])
    assert args.queue_kind == threads_backend
    with pytest.raises(ParamError, match="does not support queue kind 'threads'"):
        validate(RunParams(strategy="mp-queue-into-pool", queue_kind=threads_backend))


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "strategy_id",
    [s for s in QUEUE_STRATEGIES if STRATEGIES[s].needs <= ThreadServedBackend.supports],
)
def test_every_queue_strategy_runs_on_a_backend_added_from_a_test_module(
    threads_backend: str, strategy_id: str
) -> None:
    strategy = STRATEGIES[strategy_id]
    result = run(
        RunParams(
            strategy=strategy_id,
            items=30,
            workers=2,
            queue_kind=threads_backend,
            watchdog_s=10,
        )
    )
    assert result.params.queue_kind == threads_backend
    assert set(result.outcomes) <= strategy.expected_outcomes | {"lost"}, result.diagnosis
    assert "crashed" not in result.outcomes, result.diagnosis
    assert_accounted(result)
    if strategy.expected == "correct":
        assert result.outcomes == ["ok"], result.diagnosis
