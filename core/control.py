"""RunControl: the one inbound channel of a run or an experiment.

The window, the CLI's signal handlers and the experiment runner talk to a
run only through this object. Today it carries a cancel; pause, resume and
single steps (the step-mode scheduler) arrive here too, so no layer between
the caller and the run has to change for them. Thread-safe; the run polls
it, so a control is cheap to ask.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # step mode's module loads only for a run in step mode
    from core.schedule import StepControl


class RunControl:
    """Tell a run (or a whole experiment) from another thread what to do next.

    stepping makes the run a controlled one (step mode): its workers move one
    queue operation at a time, as stepping says (core.schedule.StepControl).
    """

    def __init__(self, stepping: StepControl | None = None) -> None:
        self._cancelled = threading.Event()
        self.stepping = stepping

    def cancel(self) -> None:
        """Stop as soon as possible; every process the run started is reaped."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def wait_cancelled(self, timeout: float) -> bool:
        """Sleep up to timeout, waking at once on cancel; True if cancelled."""
        return self._cancelled.wait(timeout)
