"""What an experiment found: each trial in brief, each cell's counts and rates, the whole."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.experiment.plan import Cell, CellCoordinates, ExperimentPlan, Skipped
from core.experiment.spec import NO_FAULT, ExperimentSpec, spec_from_dict
from core.experiment.stats import Rate
from core.outputs import finite, json_safe
from core.result import OUTCOMES, DataReader, RunResult, built_records, run_params_from_dict
from core.text import Sentence

#: The outcomes an experiment counts ("cancelled" trials are not counted).
COUNTED_OUTCOMES = ("ok", "deadlock", "stalled", "lost", "duplicated", "crashed")

RATES_DEFINITION = (
    "per flag: a trial counts once for every outcome it had (deadlock + lost counts for both), "
    "so a cell's rates need not add up to 1; headline counts the first outcome only; trials "
    "cut short by cancel are not counted"
)


@dataclass
class TrialSummary:
    """One trial, small enough to keep thousands; run is the full result if kept."""

    cell: int
    trial: int
    seed: int
    outcome: str
    outcomes: tuple[str, ...]
    items: int
    processed: int
    lost: int
    duplicated: int
    elapsed_s: float
    diagnosis: str
    run: RunResult | None = field(default=None, repr=False, compare=False)
    # what the window translates; the JSON keeps the English diagnosis only
    diagnosis_sentences: tuple[Sentence, ...] = field(default=(), repr=False, compare=False)

    @property
    def items_per_s(self) -> float:
        return self.processed / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @classmethod
    def of(cls, cell: int, trial: int, result: RunResult, keep_run: bool) -> TrialSummary:
        return cls(
            cell=cell,
            trial=trial,
            seed=result.params.seed,
            outcome=result.outcome,
            outcomes=tuple(result.outcomes),
            items=result.items,
            processed=result.processed,
            lost=len(result.lost),
            duplicated=len(result.duplicates),
            elapsed_s=result.elapsed_s,
            diagnosis=result.diagnosis,
            run=built_records(result) if keep_run else None,  # here: in the trial's thread
            diagnosis_sentences=result.diagnosis_sentences,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "trial": self.trial,
            "seed": self.seed,
            "outcome": self.outcome,
            "outcomes": list(self.outcomes),
            "items": self.items,
            "processed": self.processed,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "elapsed_s": finite(round(self.elapsed_s, 6)),
            "items_per_s": finite(round(self.items_per_s, 3)),
            "diagnosis": self.diagnosis,
        }

    @classmethod
    def from_dict(cls, cell: int, reader: DataReader) -> TrialSummary:
        """A trial of to_dict() data back (without its run; the diagnosis as text only)."""
        return cls(
            cell=cell,
            trial=reader.integer("trial"),
            seed=reader.integer("seed"),
            outcome=reader.choice("outcome", OUTCOMES),
            outcomes=tuple(reader.choices("outcomes", OUTCOMES)),
            items=reader.integer("items"),
            processed=reader.integer("processed"),
            lost=reader.integer("lost"),
            duplicated=reader.integer("duplicated"),
            elapsed_s=reader.number("elapsed_s"),
            diagnosis=reader.text("diagnosis"),
        )


@dataclass
class CellResult:
    """A cell's trials (in trial order) and what they add up to."""

    cell: Cell
    trials: list[TrialSummary] = field(default_factory=list)
    # What the explorer finds reachable at the cell's size (core.explorer.grid); None: not asked.
    explorer: str | None = None

    @property
    def n(self) -> int:
        return len(self.trials)

    def counts(self) -> dict[str, int]:
        """Trials with each outcome, per flag (a deadlock + lost trial counts for both)."""
        counts = dict.fromkeys(COUNTED_OUTCOMES, 0)
        for trial in self.trials:
            for outcome in set(trial.outcomes):
                if outcome in counts:
                    counts[outcome] += 1
        return counts

    def headline_counts(self) -> dict[str, int]:
        """Trials by their headline (first) outcome only; these add up to n."""
        counts = dict.fromkeys(COUNTED_OUTCOMES, 0)
        for trial in self.trials:
            counts[trial.outcome] = counts.get(trial.outcome, 0) + 1
        return counts

    def rates(self) -> dict[str, Rate]:
        n = self.n
        return {outcome: Rate.of(count, n) for outcome, count in self.counts().items()}

    def elapsed(self) -> dict[str, float] | None:
        """median, min and max elapsed seconds; None without trials."""
        values = [t.elapsed_s for t in self.trials]
        if not values:
            return None
        return {"median": statistics.median(values), "min": min(values), "max": max(values)}

    @property
    def median_elapsed_s(self) -> float | None:
        elapsed = self.elapsed()
        return None if elapsed is None else elapsed["median"]

    @property
    def median_items_per_s(self) -> float | None:
        values = [t.items_per_s for t in self.trials]
        return statistics.median(values) if values else None

    def snapshot(self) -> CellResult:
        return CellResult(self.cell, sorted(self.trials, key=lambda t: t.trial), self.explorer)

    def to_dict(self, include_trials: bool = True) -> dict[str, Any]:
        data = self.cell.to_dict()
        data["trials"] = self.n
        data["counts"] = self.counts()
        data["headline"] = self.headline_counts()
        data["rates"] = {name: rate.to_dict() for name, rate in self.rates().items()}
        elapsed = self.elapsed()
        data["elapsed_s"] = (
            None if elapsed is None else {k: round(v, 6) for k, v in elapsed.items()}
        )
        items_per_s = self.median_items_per_s
        data["items_per_s"] = {"median": None if items_per_s is None else round(items_per_s, 3)}
        if self.explorer is not None:
            data["explorer"] = self.explorer
        if include_trials:
            data["runs"] = [t.to_dict() for t in self.trials]
        safe: dict[str, Any] = json_safe(data)
        return safe

    @classmethod
    def from_dict(cls, reader: DataReader) -> CellResult:
        """A cell of to_dict() data back; it needs the trials ("runs"): counts and rates
        are computed from them."""
        index = reader.integer("index")
        coordinates = CellCoordinates(
            strategy=reader.text("strategy"),
            queue_kind=reader.text("queue_kind"),
            start_method=reader.text("start_method"),
            workers=reader.integer("workers"),
            items=reader.integer("items"),
            fault=reader.text("fault") if reader.has("fault") else NO_FAULT,
        )
        cell = Cell(
            index,
            coordinates,
            run_params_from_dict(reader.child("params")),
        )
        trials = [TrialSummary.from_dict(index, t) for t in reader.objects("runs")]
        return cls(cell, trials, reader.text("explorer") if reader.has("explorer") else None)


@dataclass
class ExperimentResult:
    plan: ExperimentPlan
    cells: list[CellResult]
    cancelled: bool
    trials_done: int  # counted trials (those cut by cancel are not)
    trials_total: int
    elapsed_s: float
    started_at: float  # wall clock (time.time())

    @property
    def spec(self) -> ExperimentSpec:
        return self.plan.spec

    def trial(self, cell: int, trial: int) -> TrialSummary | None:
        for summary in self.cells[cell].trials:
            if summary.trial == trial:
                return summary
        return None

    def to_dict(self, include_trials: bool = True) -> dict[str, Any]:
        """Plain JSON data: a number that is not finite is null."""
        data = {
            "spec": self.spec.to_dict(),
            "cancelled": self.cancelled,
            "trials_done": self.trials_done,
            "trials_total": self.trials_total,
            "elapsed_s": round(self.elapsed_s, 6),
            "started_at": self.started_at,
            "rates_are": RATES_DEFINITION,
            "interval": "95% Wilson score",
            "skipped": [s.to_dict() for s in self.plan.skipped],
            "notes": list(self.plan.notes),
            "cells": [c.to_dict(include_trials) for c in self.cells],
        }
        safe: dict[str, Any] = json_safe(data)
        return safe

    @classmethod
    def from_dict(cls, data: Any) -> ExperimentResult:
        """The result of to_dict() data (parsed JSON) back, trials included but not their runs.

        Raises ResultDataError (or ExperimentSpecError for the spec): both are ParamErrors.
        """
        reader = DataReader(data, "experiment")
        spec = spec_from_dict(reader.value("spec"), "spec")
        skipped = tuple(
            Skipped(s.text("strategy"), s.text("queue_kind"), s.text("reason"))
            for s in reader.objects("skipped")
        )
        cells = [CellResult.from_dict(c) for c in reader.objects("cells")]
        plan = ExperimentPlan(
            spec, tuple(c.cell for c in cells), skipped, tuple(reader.texts("notes"))
        )
        return cls(
            plan=plan,
            cells=cells,
            cancelled=reader.flag("cancelled"),
            trials_done=reader.integer("trials_done"),
            trials_total=reader.integer("trials_total"),
            elapsed_s=reader.number("elapsed_s"),
            started_at=reader.number("started_at"),
        )


@dataclass(frozen=True)
class ExperimentProgress:
    """After each trial (and once at the start, with trial None)."""

    done: int
    total: int
    elapsed_s: float
    eta_s: float | None  # None until a trial has finished
    running: int  # trials in flight
    trial: TrialSummary | None  # the one that just finished
    cell: CellResult | None  # a snapshot of its cell's results so far


ExperimentProgressCallback = Callable[[ExperimentProgress], None]
