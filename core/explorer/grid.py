"""The experiment grid's "explorer" column: per cell, the failures the explorer can reach.

Asked for with ExperimentSpec.explorer (`main.py experiment --explorer`, the
window's spec panel). After the trials, each cell's strategy is explored at
the cell's workers × items with the spec's producer (the model has no queue
kinds, start methods or faults: cells that differ only in those share one
search). The column holds the outcomes a failing schedule reaches
("deadlock+lost"), NONE when the whole space was covered without one, or why
there is no answer: CUT (the search stopped at its bound first), TOO_LARGE
(above the explorer's limits), NOT_EXPLORABLE (a pool), CANCELLED.
"""

from __future__ import annotations

from collections.abc import Callable

from core.experiment import ExperimentResult
from core.explorer.session import MAX_ITEMS, MAX_WORKERS, ExploreRequest, refusal, search
from core.params import RunParams
from core.strategies import STRATEGIES
from core.text import translatable

NONE = translatable("core", "none")
CUT = translatable("core", "none found (not exhaustive)")
TOO_LARGE = translatable("core", "too large")
NOT_EXPLORABLE = translatable("core", "not explorable")
CANCELLED = translatable("core", "cancelled")
# Each cell's search stops here (a cell must not hold up its experiment for minutes).
GRID_MAX_SCHEDULES = 20_000


def explorer_cell(
    strategy: str,
    workers: int,
    items: int,
    producer: str,
    cancelled: Callable[[], bool] | None = None,
    batch_size: int = RunParams.batch_size,
) -> str:
    """What the column says for one cell (one of the words above, or outcomes joined by +)."""
    if refusal(STRATEGIES[strategy], 1, 1) is not None:
        return NOT_EXPLORABLE
    if workers > MAX_WORKERS or items > MAX_ITEMS:
        return TOO_LARGE
    request = ExploreRequest(
        strategy,
        workers,
        items,
        producer,
        max_schedules=GRID_MAX_SCHEDULES,
        batch_size=batch_size,
    )
    answer = search(request, cancelled=cancelled)
    if answer.verdict is not None:
        return "+".join(answer.verdict.outcomes)
    if answer.cancelled:
        return CANCELLED
    return NONE if answer.exhaustive else CUT


def add_explorer_column(
    result: ExperimentResult, cancelled: Callable[[], bool] | None = None
) -> None:
    """Fill every cell's explorer value (once per distinct strategy × size)."""
    known: dict[tuple[str, int, int], str] = {}
    producer = result.spec.producer
    for cell_result in result.cells:
        coordinates = cell_result.cell.coordinates
        key = (coordinates.strategy, coordinates.workers, coordinates.items)
        if key not in known:
            if cancelled is not None and cancelled():
                known[key] = CANCELLED
            else:
                known[key] = explorer_cell(*key, producer, cancelled, result.spec.batch_size)
        cell_result.explorer = known[key]
