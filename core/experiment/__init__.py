"""Experiments: a grid of run parameters, many trials per cell, outcome rates with intervals.

A race that shows up in one run out of three is not proven or ruled out by
one run. An experiment runs every cell of a grid (strategies × worker counts
× item counts × start methods × queue kinds) many times, each trial a full
run from the engine, and reports per cell how often each outcome happened,
with a 95 % Wilson score interval.

Definitions (the GUI, the CLI and the exports all use these):

- A trial's seed is derived from the base seed, the cell's own coordinates
  (strategy, queue kind, start method, workers, items) and the trial number
  with SHA-256, so it does not depend on Python's hash randomisation, on the
  order of the grid, or on which other cells are in it. The seed drives the
  per-item jitter only: with jitter 0 it changes nothing, and re-running a
  trial with its seed repeats its parameters, not its race.
- Rates are per flag: a run has one or more outcomes (RunResult.outcomes,
  e.g. deadlock + lost); the trial counts once for each of them, so rates of
  one cell do not add up to 1. The headline (first) outcome is counted
  separately in `headline_counts`, and those do add up to the trial count.
- A trial cut short by Cancel is neither counted nor kept.
- Queue kinds a strategy does not support are skipped and listed in
  ExperimentPlan.skipped; the pool strategies run their own pool, so the
  queue-kind axis does not apply to them (one cell per other coordinate).
  A strategy left with no cell at all is an error.

Trials run in a round-robin order (trial 0 of every cell, then trial 1, ...)
so a slow drift of the machine's load spreads over all cells, and a
cancelled experiment has comparable partial results for every cell.

The package: spec (what to run, JSON and TOML), plan (cells, seeds, what is
skipped), stats (Wilson intervals), results (trials, cells, the whole) and
runner (run_experiment). Every public name is importable from here.
"""

from core.experiment.plan import (
    COORDINATE_COLUMNS,
    MAX_TOTAL_TRIALS,
    Cell,
    CellCoordinates,
    ExperimentPlan,
    Skipped,
    plan_experiment,
    trial_seed,
)
from core.experiment.results import (
    COUNTED_OUTCOMES,
    RATES_DEFINITION,
    CellResult,
    ExperimentProgress,
    ExperimentProgressCallback,
    ExperimentResult,
    TrialSummary,
)
from core.experiment.runner import (
    run_experiment,
)
from core.experiment.spec import (
    DEFAULT_QUEUE,
    DEFAULT_TRIALS,
    MAX_CHUNKSIZE,
    MAX_PARALLEL,
    MAX_SECONDS,
    MAX_SEED,
    MAX_TRIALS,
    MAX_WORK_MS,
    NO_FAULT,
    POOL_QUEUE,
    SPEC_VERSION,
    ExperimentSpec,
    ExperimentSpecError,
    dump_spec,
    load_spec,
    parse_spec,
    save_spec,
    spec_format,
    spec_from_dict,
    spec_queue_kinds,
    validate_spec,
)
from core.experiment.stats import (
    Z_95,
    Rate,
    wilson_interval,
)

__all__ = [
    "COORDINATE_COLUMNS",
    "COUNTED_OUTCOMES",
    "DEFAULT_QUEUE",
    "DEFAULT_TRIALS",
    "MAX_CHUNKSIZE",
    "MAX_PARALLEL",
    "MAX_SECONDS",
    "MAX_SEED",
    "MAX_TOTAL_TRIALS",
    "MAX_TRIALS",
    "MAX_WORK_MS",
    "NO_FAULT",
    "POOL_QUEUE",
    "RATES_DEFINITION",
    "SPEC_VERSION",
    "Z_95",
    "Cell",
    "CellCoordinates",
    "CellResult",
    "ExperimentPlan",
    "ExperimentProgress",
    "ExperimentProgressCallback",
    "ExperimentResult",
    "ExperimentSpec",
    "ExperimentSpecError",
    "Rate",
    "Skipped",
    "TrialSummary",
    "dump_spec",
    "load_spec",
    "parse_spec",
    "plan_experiment",
    "run_experiment",
    "save_spec",
    "spec_format",
    "spec_from_dict",
    "spec_queue_kinds",
    "trial_seed",
    "validate_spec",
    "wilson_interval",
]
