"""Each worker's exact processing spans, from the item records, merged but never dropped.

A span runs from an item's processing start to its done time. Spans closer
together than a lane's merge gap are merged into one (its count says how
many items it holds), and the gap doubles whenever a lane holds more than its
cap, so the memory and the drawing cost stay bounded at a million items while
every processed item stays inside some span. Drawing merges once more at the
screen's resolution and widens what remains to at least one pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.result import ItemRecords

MAX_SPANS_TOTAL = 20_000  # over all lanes
MIN_SPANS_PER_LANE = 256
FIRST_GAP_S = 1e-5  # the first merge gap once a lane is over its cap


@dataclass
class Spans:
    """Merged spans, sorted by start: parallel arrays."""

    start: np.ndarray
    end: np.ndarray
    count: np.ndarray  # items in the span
    item_lo: np.ndarray
    item_hi: np.ndarray
    take: np.ndarray  # the first item's take time (NaN if unknown)

    @classmethod
    def empty(cls) -> Spans:
        floats, ints = np.empty(0), np.empty(0, dtype=np.int64)
        return cls(floats, floats, ints, ints, ints, floats)

    def __len__(self) -> int:
        return len(self.start)

    def concat(self, other: Spans) -> Spans:
        return Spans(
            *(np.concatenate((a, b)) for a, b in zip(self.columns(), other.columns(), strict=True))
        )

    def columns(self) -> tuple[np.ndarray, ...]:
        return (self.start, self.end, self.count, self.item_lo, self.item_hi, self.take)

    def merged(self, gap: float) -> Spans:
        """Spans whose starts are within `gap` of the reach of those before them, as one."""
        if len(self) < 2:
            return self
        ordered = self
        if not np.all(self.start[1:] >= self.start[:-1]):  # one worker's records mostly are
            order = np.argsort(self.start, kind="stable")
            ordered = Spans(*(c[order] for c in self.columns()))
        start, end = ordered.start, ordered.end
        reach = np.maximum.accumulate(end)
        first = np.empty(len(start), dtype=bool)
        first[0] = True
        first[1:] = start[1:] > reach[:-1] + gap
        if first.all():
            return ordered
        at = np.flatnonzero(first)
        return Spans(
            start[at],
            np.maximum.reduceat(end, at),
            np.add.reduceat(ordered.count, at),
            np.minimum.reduceat(ordered.item_lo, at),
            np.maximum.reduceat(ordered.item_hi, at),
            ordered.take[at],
        )

    def find(self, t: float, tolerance: float) -> int | None:
        """The index of the span at time t (within tolerance), or None."""
        if not len(self):
            return None
        k = int(np.searchsorted(self.start, t + tolerance, side="right")) - 1
        if k >= 0 and self.end[k] >= t - tolerance:
            return k
        return None


class SpanLane:
    """One worker's processing spans, added to as records arrive."""

    def __init__(self, gap: float = 0.0) -> None:
        self.spans = Spans.empty()
        self.gap = gap

    def add(self, spans: Spans, cap: int) -> None:
        self.absorb(spans)
        while self.shrink_once(cap):
            pass

    def absorb(self, spans: Spans) -> None:
        """Take spans in, merged at the lane's gap (the first half of add)."""
        self.spans = self.spans.concat(spans).merged(self.gap)

    def shrink_once(self, cap: int) -> bool:
        """One doubling of the gap if the lane is over its cap; False once within it."""
        if len(self.spans) <= cap:
            return False
        self.gap = self.gap * 2 if self.gap else FIRST_GAP_S
        self.spans = self.spans.merged(self.gap)
        return True

    def last_done(self) -> float:
        return float(self.spans.end.max()) if len(self.spans) else -1.0


def spans_by_worker(
    records: ItemRecords, workers: int, lo: int = 0, hi: int | None = None
) -> dict[int, Spans]:
    """Each worker's processed items (1-based worker) as one-item spans, of records lo..hi-1.

    Like the trace export: an item's last processing, from its start to its
    done time; items not (yet) done are left to the sampled states.
    """
    hi = len(records) if hi is None else min(hi, len(records))
    if hi <= lo:
        return {}
    block = slice(lo, hi)
    worker = np.frombuffer(records.worker, dtype=np.int32)[block]
    start = np.frombuffer(records.t_start, dtype=np.float64)[block]
    done = np.frombuffer(records.t_done, dtype=np.float64)[block]
    times = np.frombuffer(records.times_processed, dtype=np.int32)[block]
    keep = np.flatnonzero((times >= 1) & ~np.isnan(start) & ~np.isnan(done) & (worker >= 1))
    owner_keys = worker[keep].astype(np.int16) if workers < 2**15 else worker[keep]
    keep = keep[np.argsort(owner_keys, kind="stable")]  # a radix sort for int16
    owners = worker[keep]
    # The bounds in the owners' own dtype: int64 keys would convert the whole column each time.
    bounds = np.searchsorted(owners, np.arange(1, workers + 2, dtype=owners.dtype))
    items = np.frombuffer(records.item, dtype=np.int32)[block]
    take = np.frombuffer(records.t_take, dtype=np.float64)[block]
    out: dict[int, Spans] = {}
    for w in range(1, workers + 1):
        first, last = bounds[w - 1], bounds[w]
        if first == last:
            continue
        mine = keep[first:last]
        mine_start = start[mine]
        mine_items = items[mine].astype(np.int64)
        out[w] = Spans(
            mine_start,
            np.maximum(done[mine], mine_start),  # a second processing still under way
            np.ones(len(mine), dtype=np.int64),
            mine_items,
            mine_items.copy(),
            take[mine],
        )
    return out


def drawable(spans: Spans, pixel: float) -> tuple[np.ndarray, np.ndarray]:
    """Starts and widths to draw: merged at one pixel, each at least a pixel wide."""
    shown = spans.merged(pixel)
    return shown.start, np.maximum(shown.end - shown.start, pixel)


def lane_cap(workers: int) -> int:
    return max(MIN_SPANS_PER_LANE, MAX_SPANS_TOTAL // max(workers, 1))
