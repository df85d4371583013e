"""QueueScope's window. The only package that imports Qt.

``import gui`` stays cheap and Qt-free; MainWindow is imported on first use,
so that a module importing gui at top level does not load Qt by accident
(spawned workers re-import the main module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gui.main_window import MainWindow

__all__ = ["MainWindow"]


def __getattr__(name: str) -> Any:
    if name == "MainWindow":
        from gui.main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module 'gui' has no attribute {name!r}")
