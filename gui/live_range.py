"""Round steps for the live plots' ranges: a range set in steps is re-labelled once a step.

While a run goes, the lanes' time axis and the y axes of the depth and rate plots
grow to the next round value above their data, never to the data's own end: every
change of a range re-labels its axes (three linked ones for the time axis).
"""

from __future__ import annotations

import math

FINE_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)
COARSE_STEPS = (1.0, 2.0, 5.0)


def step_up(t: float, steps: tuple[float, ...] = FINE_STEPS) -> float:
    """The smallest step times a power of ten that is >= t (at least 0.1)."""
    t = max(t, 0.1)
    scale = 10.0 ** math.floor(math.log10(t))
    for step in steps:
        if step * scale >= t:
            return step * scale
    return 10.0 * scale
