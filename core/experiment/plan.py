"""The plan: a spec expanded into cells, each trial's seed, and what is skipped and why."""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from core.errors import ParamError
from core.experiment.spec import (
    DEFAULT_QUEUE,
    NO_FAULT,
    POOL_QUEUE,
    RUN_SCALARS,
    ExperimentSpec,
    ExperimentSpecError,
    spec_error,
    validate_spec,
)
from core.faults import Fault
from core.params import RunParams
from core.strategies import get_strategy
from core.text import Sentence, Value, translatable
from core.user_loops import ensure_registered
from core.validation import validate

MAX_TOTAL_TRIALS = 1_000_000


class CellCoordinates(NamedTuple):
    """Where a cell sits in the grid, in column order.

    The field names are the coordinates' CSV columns and JSON keys, in this
    order (COORDINATE_COLUMNS); the window's cells table shows them first.
    """

    strategy: str
    queue_kind: str  # resolved: the strategy's default filled in; "pool" for pool strategies
    start_method: str
    workers: int
    items: int
    fault: str = NO_FAULT  # last: a cell without a fault keeps the key it had before faults

    @property
    def key(self) -> str:
        """The coordinates as one string, as used to derive the cell's seeds."""
        shown = self if self.fault != NO_FAULT else self[:-1]
        return "|".join(str(value) for value in shown)


#: The coordinates' names: the columns the exports start with, the keys of a cell's JSON.
COORDINATE_COLUMNS: tuple[str, ...] = CellCoordinates._fields


@dataclass(frozen=True)
class Cell:
    """One combination of the grid. params is the run template (seed 0)."""

    index: int
    coordinates: CellCoordinates
    params: RunParams

    @property
    def key(self) -> str:
        """The cell's coordinates, as used to derive its seeds."""
        return self.coordinates.key

    @property
    def label(self) -> str:
        return self.label_sentence.render()

    @property
    def label_sentence(self) -> Sentence:
        """label in translatable parts, for the window."""
        args: dict[str, Value] = self.coordinates._asdict()
        if self.coordinates.fault == NO_FAULT:
            del args["fault"]
            template = translatable(
                "core",
                "{strategy} ({queue_kind}, {start_method}, {workers} workers, {items} items)",
            )
        else:
            template = translatable(
                "core",
                "{strategy} ({queue_kind}, {start_method}, {workers} workers, {items} items, "
                "fault {fault})",
            )
        return Sentence.of(template, **args)

    def to_dict(self) -> dict[str, Any]:
        params = self.params.to_dict()
        del params["seed"]  # every trial has its own
        return {"index": self.index, **self.coordinates._asdict(), "params": params}


_UNSET = Sentence("")


@dataclass(frozen=True)
class Skipped:
    """A strategy × queue kind combination that was left out, and why."""

    strategy: str
    queue_kind: str
    reason: str
    sentence: Sentence = _UNSET  # reason in translatable parts, for the window

    def __post_init__(self) -> None:
        if not self.sentence.template:
            object.__setattr__(self, "sentence", Sentence(self.reason))

    def to_dict(self) -> dict[str, str]:
        return {"strategy": self.strategy, "queue_kind": self.queue_kind, "reason": self.reason}


@dataclass(frozen=True)
class ExperimentPlan:
    """A validated spec expanded into cells; what run_experiment() will do."""

    spec: ExperimentSpec
    cells: tuple[Cell, ...]
    skipped: tuple[Skipped, ...]
    notes: tuple[str, ...]  # warnings worth showing before and after the run
    note_sentences: tuple[Sentence, ...] = ()  # notes in translatable parts, for the window

    def __post_init__(self) -> None:
        if len(self.note_sentences) != len(self.notes):
            object.__setattr__(self, "note_sentences", tuple(Sentence(n) for n in self.notes))

    @property
    def total_trials(self) -> int:
        return len(self.cells) * self.spec.trials

    def trial_seed(self, cell: int, trial: int) -> int:
        return trial_seed(self.spec.seed, self.cells[cell], trial)

    def trial_params(self, cell: int, trial: int) -> RunParams:
        """The exact parameters of one trial (to re-run it as a single run)."""
        return self.cells[cell].params.replace(seed=self.trial_seed(cell, trial))

    def order(self) -> Iterator[tuple[int, int]]:
        """(cell, trial) in run order: round-robin over the cells."""
        for trial in range(self.spec.trials):
            for cell in range(len(self.cells)):
                yield cell, trial


def trial_seed(base_seed: int, cell: Cell, trial: int) -> int:
    """A trial's seed: SHA-256 of the base seed, the cell's coordinates and the trial.

    Stable across processes and Python versions (no hash randomisation), and
    independent of the other cells in the grid. 48 bits: exact in JSON.
    """
    text = f"queuescope-experiment|{base_seed}|{cell.key}|{trial}"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:6], "big")


def plan_experiment(spec: ExperimentSpec) -> ExperimentPlan:
    """Validate the spec and expand it into cells. Raises ExperimentSpecError."""
    spec = validate_spec(spec)
    cells: list[Cell] = []
    skipped: list[Skipped] = []
    notes: list[Sentence] = []
    seen: set[CellCoordinates] = set()
    # The run parameters every cell shares (a trial's seed is set per trial).
    shared = {name: getattr(spec, name) for name in RUN_SCALARS}
    for strategy_id in spec.strategy_ids:
        ensure_registered(strategy_id)  # a loop file's, from its text: none of it runs here
        strategy = get_strategy(strategy_id)
        is_pool = strategy.is_pool
        if is_pool and any(q not in (DEFAULT_QUEUE, POOL_QUEUE) for q in spec.queue_kinds):
            notes.append(
                Sentence.of(
                    translatable(
                        "core",
                        "{strategy} runs its own pool: the queue-kind axis does not apply to it",
                    ),
                    strategy=strategy_id,
                )
            )
        supported: list[str] = []
        for asked in spec.queue_kinds:
            queue_kind = strategy.queue_kinds[0] if asked == DEFAULT_QUEUE or is_pool else asked
            if queue_kind not in strategy.queue_kinds:
                reason = Sentence.of(
                    translatable(
                        "core",
                        "{strategy} does not support queue kind {value} (it supports: {valid})",
                    ),
                    strategy=strategy_id,
                    value=repr(asked),
                    valid=", ".join(strategy.queue_kinds),
                )
                skipped.append(Skipped(strategy_id, asked, reason.render(), reason))
                continue
            if queue_kind not in supported:
                supported.append(queue_kind)
        if not supported:
            raise spec_error(
                translatable(
                    "core",
                    "strategy {strategy} supports none of the queue kinds asked for ({asked}); "
                    "it supports: {valid}",
                ),
                strategy=strategy_id,
                asked=", ".join(spec.queue_kinds),
                valid=", ".join(strategy.queue_kinds),
            )
        for queue_kind in supported:
            for start_method, workers, items, fault in itertools.product(
                spec.start_methods, spec.workers, spec.items, spec.faults
            ):
                coordinates = CellCoordinates(
                    strategy_id, queue_kind, start_method, workers, items, fault
                )
                if coordinates in seen:
                    continue
                seen.add(coordinates)
                params = RunParams(
                    strategy=strategy_id,
                    items=items,
                    workers=workers,
                    queue_kind=None if is_pool else queue_kind,
                    start_method=start_method,
                    **shared,
                    fault=None if fault == NO_FAULT else Fault.parse(fault),
                )
                try:
                    validate(params)
                except ParamError as error:
                    raise ExperimentSpecError(error.sentence) from None
                cells.append(Cell(len(cells), coordinates, params))
    total = len(cells) * spec.trials
    if total > MAX_TOTAL_TRIALS:
        raise spec_error(
            translatable(
                "core", "the grid has {cells} cells × {trials} trials = {total} runs; at most {max}"
            ),
            cells=len(cells),
            trials=spec.trials,
            total=f"{total:,}",
            max=f"{MAX_TOTAL_TRIALS:,}",
        )
    if "fork" in spec.start_methods and spec.parallel > 1:
        raise spec_error(
            translatable(
                "core",
                "start method fork cannot run trials in parallel (a forked child would inherit "
                "locks held by the other trials' threads); use spawn or forkserver, or parallel 1",
            )
        )
    cpus = os.cpu_count() or 1
    busiest = spec.parallel * max(spec.workers)
    if spec.parallel > 1 and busiest > cpus:
        notes.append(
            Sentence.of(
                translatable(
                    "core",
                    "{parallel} trials at once × up to {workers} workers = {busiest} worker "
                    "processes on {cpus} CPUs: oversubscribed, so timings are slower and race "
                    "rates can differ from sequential trials",
                ),
                parallel=spec.parallel,
                workers=max(spec.workers),
                busiest=busiest,
                cpus=cpus,
            )
        )
    return ExperimentPlan(
        spec, tuple(cells), tuple(skipped), tuple(n.render() for n in notes), tuple(notes)
    )
