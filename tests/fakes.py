"""Results built by hand, without running anything, for the core and gui tests alike (Qt-free)."""

from __future__ import annotations

from collections.abc import Sequence

from core.experiment import CellResult, ExperimentPlan, ExperimentResult, TrialSummary


def fake_experiment(
    plan: ExperimentPlan,
    outcomes_per_cell: Sequence[Sequence[tuple[str, ...]]],
    diagnosis: str = "trial {trial}",
    started_at: float = 1_700_000_000.0,
) -> ExperimentResult:
    """plan's cells with one trial per outcomes tuple, of 100 items each.

    A trial whose outcomes include "lost" lost one item; trial k took 0.1 * (k + 1) s;
    diagnosis is formatted with the trial's number.
    """
    cells = []
    for cell, trials in zip(plan.cells, outcomes_per_cell, strict=True):
        summaries = [
            TrialSummary(
                cell=cell.index,
                trial=k,
                seed=plan.trial_seed(cell.index, k),
                outcome=outcomes[0],
                outcomes=outcomes,
                items=100,
                processed=100 - (1 if "lost" in outcomes else 0),
                lost=1 if "lost" in outcomes else 0,
                duplicated=0,
                elapsed_s=0.1 * (k + 1),
                diagnosis=diagnosis.format(trial=k),
            )
            for k, outcomes in enumerate(trials)
        ]
        cells.append(CellResult(cell, summaries))
    total = sum(len(trials) for trials in outcomes_per_cell)
    return ExperimentResult(
        plan=plan,
        cells=cells,
        cancelled=False,
        trials_done=total,
        trials_total=total,
        elapsed_s=1.0,
        started_at=started_at,
    )
