"""How a bench script prints its figures: one JSON object with --json, aligned lines otherwise."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_figures(figures: dict[str, Any]) -> None:
    if "--json" in sys.argv:
        print(json.dumps(figures))
        return
    width = max((len(name) for name in figures), default=0) + 2
    for name, value in figures.items():
        print(f"{name:<{width}}{value}")
