"""Saved run parameters: QSettings values read back as RunParams, bad ones reset and named."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from core.errors import ParamError
from core.faults import Fault
from core.params import PARAMS, POOL_QUEUE, RunParams
from core.strategies import STRATEGIES
from core.validation import validate
from gui.i18n import core_text
from gui.param_widgets import is_empty, setting_value, shown_setting

# A window is a multi-threaded process: the engine refuses fork there.
GUI_START_METHODS = ("spawn", "forkserver")
DEFAULTS = RunParams(strategy=next(iter(STRATEGIES)))


def param_error_text(error: ParamError) -> str:
    """core's message for a refused parameter, in the current language."""
    return error.sentence.render(core_text)


def params_from_settings(stored: dict[str, Any]) -> RunParams:
    """RunParams from raw QSettings values; a bad value gives that field's default."""
    return read_settings(stored)[0]


def read_settings(stored: dict[str, Any]) -> tuple[RunParams, list[str]]:
    """RunParams from raw QSettings values, and the settings that were reset.

    A missing key gives its default silently (a first start); a present but
    corrupted or out-of-range value gives the default and is listed as
    "key (stored value)". An empty string stands for None (no rate, the
    strategy's own queue, no fault), as save() writes it.
    """
    reset: list[str] = []

    def bad(key: str) -> None:
        if key in stored:
            reset.append(f"{key} ({shown_setting(stored[key])})")

    def value(key: str, choices: tuple[str, ...] | None = None) -> Any:
        param = PARAMS[key]
        try:
            return param.check(setting_value(stored.get(key), param.kind), choices)
        except ParamError:
            bad(key)
            return param.default

    strategy_id = stored.get("strategy")
    if not (isinstance(strategy_id, str) and strategy_id in STRATEGIES):
        bad("strategy")
        strategy_id = DEFAULTS.strategy
    strategy = STRATEGIES[strategy_id]
    queue_kind = stored.get("queue_kind")
    if queue_kind in ("", None, POOL_QUEUE):
        queue_kind = None
    elif queue_kind not in strategy.queue_kinds:
        bad("queue_kind")
        queue_kind = None
    rate = None if is_empty(stored.get("rate")) else value("rate")
    items = value("items")
    workers = value("workers")
    fault = stored.get("fault")
    if is_empty(fault):
        fault = None
    else:
        try:
            fault = Fault.parse(str(fault)).resolved(items, workers)
        except ParamError:
            bad("fault")
            fault = None
    start_method = value("start_method", GUI_START_METHODS)
    params = RunParams(
        strategy=strategy.id,
        items=items,
        workers=workers,
        queue_kind=queue_kind,
        start_method=start_method,
        producer=value("producer"),
        rate=rate,
        work_ms=value("work_ms"),
        work_kind=value("work_kind"),
        jitter_ms=value("jitter_ms"),
        watchdog_s=value("watchdog_s"),
        get_timeout_s=value("get_timeout_s"),
        chunksize=value("chunksize"),
        batch_size=value("batch_size"),
        fault=fault,
    )
    try:
        return validate(params).replace(queue_kind=queue_kind), reset
    except ParamError as error:
        invalid = QCoreApplication.translate(
            "ParamsPanel", "all parameters (together they are invalid: {error})"
        ).format(error=param_error_text(error))
        return DEFAULTS, [*reset, invalid]
