"""Parameter widgets: only valid choices offered, inline errors, persistence with fallbacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QSpinBox

from core.errors import ParamError
from core.params import MAX_ITEMS, MAX_WORKERS, RunParams
from core.strategies import GROUPS, STRATEGIES
from core.user_loops import USER_LOOPS
from gui import MainWindow
from gui import params_panel as params_module
from gui.loop_files import NEW_ACTION, OPEN_ACTION
from gui.params_panel import DEFAULTS
from gui.params_settings import params_from_settings
from tests.gui.helpers import choose, make_records, set_params


def combo_data(window: MainWindow, name: str) -> list[Any]:
    combo = window.findChild(QComboBox, name)
    assert combo is not None, name
    return [combo.itemData(i) for i in range(combo.count())]


def test_ranges_and_start_methods(window: MainWindow) -> None:
    items = window.findChild(QSpinBox, "itemCountSpin")
    workers = window.findChild(QSpinBox, "workerCountSpin")
    assert items is not None and workers is not None
    assert (items.minimum(), items.maximum()) == (0, MAX_ITEMS)
    assert (workers.minimum(), workers.maximum()) == (1, MAX_WORKERS)
    items.setValue(MAX_ITEMS + 5)  # clamped, never accepted out of range
    assert window.params_panel.params().items == MAX_ITEMS
    # A window has threads: fork is refused by the engine, so it is not offered.
    assert combo_data(window, "startMethodCombo") == ["spawn", "forkserver"]


def test_strategy_combo_is_grouped(window: MainWindow) -> None:
    combo = window.findChild(QComboBox, "strategyCombo")
    assert combo is not None
    model = combo.model()
    assert isinstance(model, QStandardItemModel)
    headings = [combo.itemText(i) for i in range(combo.count()) if not model.item(i).isEnabled()]
    # Then your own loops: none yet, and the entries that open or make one.
    assert headings == [f"— {group} —" for group in (*GROUPS, USER_LOOPS)]
    ids = [combo.itemData(i) for i in range(combo.count()) if model.item(i).isEnabled()]
    # Every strategy under its group, in the catalog's order within it (registered ones too),
    # then the entries that open or make a loop file.
    in_groups = sorted(STRATEGIES, key=lambda s: GROUPS.index(STRATEGIES[s].group))
    assert ids == [*in_groups, OPEN_ACTION, NEW_ACTION]
    post = [combo.itemData(i) for i in range(1, 5)]
    assert all(STRATEGIES[s].group == GROUPS[0] for s in post)


@pytest.mark.parametrize("strategy_id", list(STRATEGIES))
def test_queue_kinds_follow_the_strategy(window: MainWindow, strategy_id: str) -> None:
    set_params(window, strategy_id)
    strategy = STRATEGIES[strategy_id]
    assert combo_data(window, "queueKindCombo") == list(strategy.queue_kinds)
    params = window.params_panel.params()
    if strategy.queue_kinds == ("pool",):
        assert params.queue_kind is None  # no queue of your own
        assert not window.params_panel.queue_kind_combo.isEnabled()
        assert window.params_panel.chunksize_spin.isEnabled()
    else:
        assert params.queue_kind == strategy.queue_kinds[0]
    assert window.params_panel.is_valid()
    assert window.start_button.isEnabled()
    # The strategy panel follows too: the loop's real source and its explanation.
    panel = window.strategy_panel
    assert panel.source_view.toPlainText().strip() == strategy.source.strip()
    assert panel.explanation_label.text() == strategy.explanation
    assert panel.title_label.text() == strategy.title


def test_param_error_is_shown_inline_and_disables_start(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(params: RunParams) -> RunParams:
        raise ParamError(f"items must be fewer than {params.items}")

    monkeypatch.setattr(params_module, "validate", refuse)
    set_params(window, "get-timeout", items=123)
    panel = window.params_panel
    assert panel.error() == "items must be fewer than 123"
    assert panel.error_label.isVisible()
    assert panel.error_label.text() == "items must be fewer than 123"
    assert not window.start_button.isEnabled()

    monkeypatch.undo()
    set_params(window, "get-timeout", items=124)
    assert panel.error() is None
    assert not panel.error_label.isVisible()
    assert window.start_button.isEnabled()


def test_params_and_geometry_persist(
    make_window: Callable[[], MainWindow], settings: QSettings
) -> None:
    first = make_window()
    set_params(first, "sentinel-reput", items=4321, workers=7, queue_kind="joinable", work_ms=2.5)
    choose(first, "startMethodCombo", "forkserver")
    first.resize(796, 650)  # the offscreen screen is 800 x 800; the window needs ~790
    assert (first.width(), first.height()) == (796, 650)
    wanted = first.params_panel.params()
    first.close()

    second = make_window()
    assert second.params_panel.params() == wanted
    assert (second.width(), second.height()) == (796, 650)


def test_corrupted_settings_fall_back_to_defaults(
    make_window: Callable[[], MainWindow], settings: QSettings
) -> None:
    settings.beginGroup("params")
    for key, value in {
        "strategy": "no-such-strategy",
        "items": "a lot",
        "workers": "100000",
        "queue_kind": "no-such-queue",
        "start_method": "fork",
        "producer": 17,
        "rate": "-5",
        "work_ms": "nan",
        "watchdog_s": "0",
        "get_timeout_s": "inf",
        "chunksize": "2.5",
    }.items():
        settings.setValue(key, value)
    settings.endGroup()
    settings.setValue("window/geometry", "not a geometry")
    settings.setValue("window/splitters", "garbage")

    window = make_window()
    assert window.params_panel.params() == DEFAULTS.replace(
        queue_kind=STRATEGIES[DEFAULTS.strategy].queue_kinds[0]
    )
    assert window.start_button.isEnabled()


def test_one_bad_value_keeps_the_good_ones() -> None:
    stored = {"strategy": "get-timeout", "items": "250", "workers": "-3", "queue_kind": "manager"}
    params = params_from_settings(stored)
    assert params.strategy == "get-timeout"
    assert params.items == 250
    assert params.workers == DEFAULTS.workers
    assert params.queue_kind == "manager"
    # A queue kind the strategy does not support is dropped, not passed to the core.
    unsupported = {"strategy": "joinable-task-done", "queue_kind": "mp"}
    assert params_from_settings(unsupported).queue_kind is None
    assert params_from_settings({"strategy": ["a", "list"]}).strategy == DEFAULTS.strategy


def test_header_click_sorts_the_table(qtbot: Any, window: MainWindow) -> None:
    window.model.set_records(make_records(1000))
    header = window.table.horizontalHeader()
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)  # what a header click does
    first = window.model.index(0, 0).data()
    assert first == "999"
