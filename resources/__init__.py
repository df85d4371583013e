"""Application resources by name: one registry, no Qt.

Everything the app loads from disk (icons, the desktop entry, translations)
is named here, so a missing or misspelt resource fails loudly at the call
site instead of showing an empty icon.
"""

from __future__ import annotations

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent
APP_ID = "io.github.queuescope.QueueScope"

_FILES = {
    "icon": "queuescope.svg",
    "desktop-entry": f"{APP_ID}.desktop",
    "translations": "translations",
    "schedules": "schedules",  # step mode's shipped schedules (core.schedule)
}


class UnknownResource(KeyError):
    """A resource name that the registry does not know."""


def path(name: str) -> Path:
    """The file (or folder) of a resource; raises UnknownResource or FileNotFoundError."""
    try:
        relative = _FILES[name]
    except KeyError:
        raise UnknownResource(f"unknown resource {name!r}; known: {', '.join(_FILES)}") from None
    found = RESOURCES_DIR / relative
    if not found.exists():
        raise FileNotFoundError(f"resource {name!r} is missing: {found}")
    return found


def names() -> tuple[str, ...]:
    return tuple(_FILES)
