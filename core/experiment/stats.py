"""Statistics of outcome rates: the Wilson score interval, and a rate with its interval."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95 % by default).

    Unlike p ± z·sqrt(p(1-p)/n), it stays inside [0, 1] and is not empty at
    0/n or n/n. With no trials the interval is the whole of [0, 1].
    """
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes}/{n}")
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


@dataclass(frozen=True)
class Rate:
    """count of n trials had the outcome; rate None when n is 0."""

    count: int
    n: int
    low: float
    high: float

    @property
    def rate(self) -> float | None:
        return self.count / self.n if self.n else None

    @classmethod
    def of(cls, count: int, n: int) -> Rate:
        low, high = wilson_interval(count, n)
        return cls(count, n, low, high)

    def to_dict(self) -> dict[str, Any]:
        rate = self.rate
        return {
            "count": self.count,
            "n": self.n,
            "rate": None if rate is None else round(rate, 6),
            "low": round(self.low, 6),
            "high": round(self.high, 6),
        }
