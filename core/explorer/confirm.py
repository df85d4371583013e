"""Confirmation: a schedule the model found, replayed on real processes through the step gate.

The replay is the same run as `main.py run --schedule`: core.engine.run with
a StepControl. The real run agrees when it followed every step and ended
with the same outcomes and the same lost item ids; anything else is a
disagreement between the model and real processes, and is reported so.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.control import RunControl
from core.engine import run
from core.explorer.model import Verdict
from core.schedule import Schedule, StepControl
from core.stepper import schedule_params


@dataclass(frozen=True)
class Confirmation:
    agreed: bool
    outcomes: tuple[str, ...]  # the real run's
    lost: tuple[int, ...]
    divergence: str | None  # where the real run left the schedule

    def to_dict(self) -> dict[str, object]:
        return {
            "agreed": self.agreed,
            "outcomes": list(self.outcomes),
            "lost": list(self.lost),
            "diverged": self.divergence,
        }


def confirm(
    schedule: Schedule, expected: Verdict, control: RunControl | None = None
) -> Confirmation:
    """Replay schedule on real processes; agreed when the real verdict is expected's."""
    stepping = StepControl(replay=schedule.steps, feeder_steps=schedule.feeder == "steps")
    control = control or RunControl()
    control.stepping = stepping
    params = schedule_params(schedule)
    result = run(params, control=control)
    outcomes = tuple(sorted(result.outcomes))
    lost = tuple(result.lost)
    divergence = str(stepping.divergence) if stepping.divergence else None
    agreed = (
        divergence is None
        and outcomes == tuple(sorted(expected.outcomes))
        and lost == expected.lost
    )
    return Confirmation(agreed, outcomes, lost, divergence)
