"""How the Run tab words a run: its phase, rate, outcomes and shortcuts, in the window's language.

The texts keep the main window's translation context: they are its words.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence

from core.result import RunResult
from core.text import LIST_SEPARATOR
from gui.i18n import core_text

PHASE_DONE = "done"  # after the run; the others are core's phase names


def phase_label(phase: str) -> str:
    if phase == PHASE_DONE:
        return QCoreApplication.translate("MainWindow", "done")
    return core_text(phase)


def average_rate(result: RunResult) -> float:
    """Items per second over the whole run (not the last instant's rate)."""
    return result.processed / result.elapsed_s if result.elapsed_s > 0 else 0.0


def rate_text(rate: float) -> str:
    """'1 item/s', '1,250 items/s'."""
    shown = f"{rate:,.0f}"
    if shown == "1":
        return QCoreApplication.translate("MainWindow", "{rate} item/s").format(rate=shown)
    return QCoreApplication.translate("MainWindow", "{rate} items/s").format(rate=shown)


def shortcut_text(keys: str) -> str:
    """A shortcut as the platform writes it, key names in the current language."""
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def outcomes_text(result: RunResult) -> str:
    return core_text(LIST_SEPARATOR).join(core_text(outcome) for outcome in result.outcomes)
