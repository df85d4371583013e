"""Small Qt helpers shared by the widgets."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

QObjectT = TypeVar("QObjectT", bound=QObject)


def named(obj: QObjectT, name: str) -> QObjectT:
    """obj with its objectName set (tests and stylesheets find widgets by name)."""
    obj.setObjectName(name)
    return obj
