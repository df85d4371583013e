"""The GIL switch interval the window uses while a run goes.

While a run goes, its threads (producer, queue feeder, monitor) share this process's
GIL with the GUI thread. Each Qt call that releases the GIL can cost the GUI thread a
whole switch interval to get it back (5 ms by default), and one pyqtgraph redraw makes
dozens: bench/ measured 300-500 ms event-loop stalls at 5 ms, ~50 ms at 1 ms.
"""

from __future__ import annotations

import sys

RUN_SWITCH_INTERVAL_S = 0.001


class RunSwitchInterval:
    """Shortens the switch interval while a run goes and restores it after."""

    def __init__(self) -> None:
        self._saved: float | None = None

    def use(self, running: bool) -> None:
        if running and self._saved is None:
            self._saved = sys.getswitchinterval()
            sys.setswitchinterval(min(RUN_SWITCH_INTERVAL_S, self._saved))
        elif not running and self._saved is not None:
            sys.setswitchinterval(self._saved)
            self._saved = None
