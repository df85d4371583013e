"""What the parts of one run share: its fixed setup and its changing state.

The launcher, the producer, the monitor and the reaper each read and write
these two objects rather than each other, so no part needs a reference back
to the run that built it (and a run without pools is freed by reference
counting alone).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from typing import Any

from core.backends import BackendSession
from core.faults import Fault
from core.gate import Gate
from core.ledger import Ledger
from core.params import RunParams
from core.result import TimelineEvent
from core.strategies import Strategy
from core.worker import WorkSpec


@dataclass(frozen=True, eq=False)
class RunSetup:
    """What a run is, fixed before it starts."""

    params: RunParams
    strategy: Strategy
    ctx: BaseContext
    run_dir: str  # where workers leave their stack dumps; removed by the reaper
    fault: Fault | None
    work: WorkSpec
    t0: float  # one time zero for records, timeline and samples (the ledger's)
    gate: Gate | None = None  # a controlled run's (step mode); participant `workers` is P

    @property
    def producer_slot(self) -> int:
        """The concurrent producer's index at the gate."""
        return self.params.workers

    @property
    def workers(self) -> int:
        return self.params.workers


@dataclass(eq=False)
class RunState:
    """What a run has done so far, shared by its parts."""

    # Live while the run goes, then swapped for a frozen copy: the verdict's
    # evidence. Parts read it from here each time and never keep it.
    ledger: Ledger
    # Tells the run's own threads (producer, pool driver) to give up.
    shutting_down: threading.Event = field(default_factory=threading.Event)
    # Held while a worker process starts: the reaper waits for a start in progress.
    starting: threading.Lock = field(default_factory=threading.Lock)
    # The producer put everything it ever will (items, sentinels, finish step).
    nothing_more_to_put: threading.Event = field(default_factory=threading.Event)
    # A pool strategy's driver returned (or raised).
    pool_driver_returned: threading.Event = field(default_factory=threading.Event)
    # Set while step mode's controller decides who moves: nobody is stuck meanwhile.
    controlled: threading.Event = field(default_factory=threading.Event)
    phase: str = "starting"
    puts: int = 0
    producer_error: str | None = None
    feeder_error: str | None = None
    driver_error: str | None = None
    # The queue server went away (items processed by then, why): a networked backend's.
    server_lost: tuple[int, str] | None = None
    session: BackendSession | None = None  # the backend's side of this run's queue
    queue: Any = None
    workers_stop_event: Any = None  # the strategy's own event that its workers poll
    task_pool: Any = None  # the Pool whose apply_async tasks run a queue strategy's loop
    driver_pool: Any = None  # the Pool or executor a pool strategy's driver attached
    processes: list[Any] = field(default_factory=list)
    tasks: list[Any] = field(default_factory=list)
    task_errors: dict[int, str] = field(default_factory=dict)
    threads: list[threading.Thread] = field(default_factory=list)
    dead: dict[int, int | None] = field(default_factory=dict)  # worker -> exit code, died silently
    timeline: list[TimelineEvent] = field(default_factory=list)
    depth_samples: list[tuple[float, int, int]] = field(default_factory=list)
