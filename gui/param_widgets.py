"""The parameters panel's small helpers: spin boxes over a parameter's range, settings values."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QSpinBox

from core.params import PARAMS
from gui.qtutil import named


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def shown_setting(raw: Any, limit: int = 40) -> str:
    text = repr(raw)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def setting_value(raw: Any, kind: type) -> Any:
    """A QSettings value (often a str) as the parameter's type, for PARAMS to check."""
    if kind is str or not isinstance(raw, str):
        return raw
    try:
        number = float(raw.strip())
    except ValueError:
        return raw
    return int(number) if kind is int and number.is_integer() else number


def select_data(combo: QComboBox, data: Any, fallback: Any) -> None:
    index = combo.findData(data) if data is not None else -1
    if index < 0 and fallback is not None:
        index = combo.findData(fallback)
    if index < 0:
        index = 0 if combo.count() else -1
    combo.setCurrentIndex(index)


def int_spin(name: str, param: str) -> QSpinBox:
    """A spin box over the parameter's range (core.params)."""
    spin = named(QSpinBox(), name)
    spin.setRange(int(PARAMS[param].low or 0), int(PARAMS[param].high or 0))
    spin.setGroupSeparatorShown(True)
    return spin


def double_spin(
    name: str, param: str, decimals: int, step: float, suffix: str = ""
) -> QDoubleSpinBox:
    """A spin box over the parameter's range; an excluded low end starts one step above."""
    spec = PARAMS[param]
    low, high = float(spec.low or 0.0), float(spec.high or 0.0)
    if spec.low_excluded and not spec.optional:
        low += 10.0**-decimals
    spin = named(QDoubleSpinBox(), name)
    spin.setDecimals(decimals)
    spin.setRange(low, high)
    spin.setSingleStep(step)
    if suffix:
        spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    return spin
