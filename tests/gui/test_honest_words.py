"""Honest outcomes and one name per thing: the banner's counts and links, merged sentences,
titles, the code pane's end step, tooltips, the Outcomes page and plurals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QSpinBox, QWidget

from core.params import RunParams
from core.result import STATUS_DROPPED, STATUS_DUPLICATED, STATUS_LEFT, RunResult, WorkerSummary
from core.states import WorkerStatus
from core.strategies import STRATEGIES
from gui import MainWindow
from gui.about import OutcomesPage
from gui.i18n import core_text
from gui.main_window import FOCUS_STYLE
from gui.panels import docs_html
from gui.results_model import FILTER_LOST, FILTER_LOST_OR_DUPLICATED
from gui.run_text import rate_text
from gui.trial_dialogs import TrialListDialog, cell_description
from gui.verdict import MAX_IDS_SHOWN, OUTCOMES, VerdictBanner, outcome_explanation
from tests.gui.experiment_helpers import fake_result
from tests.gui.helpers import make_records, run_through_window, set_params


def hand_result(outcomes: list[str], lost: list[int], items: int = 20_000) -> RunResult:
    return RunResult(
        params=RunParams("seed-empty-after-get", items=items),
        outcome=outcomes[0],
        outcomes=outcomes,
        items=items,
        processed=items - len(lost),
        lost=lost,
        dropped=[],
        left_in_queue=lost,
        duplicates=[],
        workers=[WorkerSummary(1, 11, 0, 0, WorkerStatus.EXITED, 0)],
        diagnosis="A sentence.",
        elapsed_s=2.0,
        records=make_records(0),
        timeline=[],
        depth_samples=[],
        stack_dumps={},
    )


def test_a_cancelled_run_counts_what_it_did_not_process(qtbot: Any) -> None:
    banner = VerdictBanner()
    qtbot.addWidget(banner)
    banner.show_result(hand_result(["cancelled"], list(range(2520, 20_000))))
    text = banner.lost_label.text()
    assert text == "Not processed (cancelled): 17,480"
    assert "Lost" not in text and "2520" not in text
    assert "cancelled:" in banner.outcome_label.toolTip()


def test_long_id_lists_take_one_line_and_link_to_the_table(qtbot: Any, window: MainWindow) -> None:
    records = make_records(2000)
    status = np.frombuffer(records.status, dtype=np.int8)
    lost = [int(i) for i in np.flatnonzero((status == STATUS_DROPPED) | (status == STATUS_LEFT))]
    duplicated = [int(i) for i in np.flatnonzero(status == STATUS_DUPLICATED)]
    result = hand_result(["lost", "duplicated"], lost, items=2000)
    result.duplicates = duplicated
    result.records = records
    window.show_trial_result(result)
    banner = window.banner
    lines = banner.lost_label.text().split("\n")
    assert len(lines) == 2  # one line for the lost ids, one for the duplicated
    assert lines[0].endswith(f"and {len(lost) - MAX_IDS_SHOWN:,} more")
    assert str(lost[MAX_IDS_SHOWN]) not in lines[0].split(":")[1].split(" and ")[0].split(", ")
    assert banner.items_link.isVisible() and banner.items_filter() == FILTER_LOST_OR_DUPLICATED
    banner.items_link.linkActivated.emit("items")
    assert window.filter_combo.currentData() == FILTER_LOST_OR_DUPLICATED
    assert window.model.rowCount() == len(lost) + len(duplicated)

    window.show_trial_result(hand_result(["lost"], list(range(50)), items=100))
    assert banner.items_filter() == FILTER_LOST


@pytest.mark.timeout(60)
def test_a_queue_passed_to_a_pool_is_one_sentence_and_no_empty_plots(
    qtbot: Any, window: MainWindow
) -> None:
    set_params(window, "mp-queue-into-pool", workers=3, items=20)
    result = run_through_window(qtbot, window)
    assert "crashed" in result.outcomes
    diagnosis = window.banner.diagnosis_label.text()
    assert diagnosis.count("RuntimeError") == 1
    assert diagnosis.startswith("The tasks of workers 1–3 never reached a process")
    note = window.findChild(QLabel, "lanesNote")
    assert note is not None and note.isVisible()
    assert not window.lanes.isVisible()
    # The next run draws its lanes again.
    set_params(window, "sentinel-per-worker", workers=2, items=20)
    run_through_window(qtbot, window)
    assert window.lanes.isVisible() and not note.isVisible()


def test_the_code_pane_shows_the_end_step_of_loop_3_and_loop_4(window: MainWindow) -> None:
    set_params(window, "seed-single-sentinel")
    loop_3 = window.strategy_panel.source_view.toPlainText()
    set_params(window, "seed-sentinel-per-worker")
    loop_4 = window.strategy_panel.source_view.toPlainText()
    assert "q.put('end')  # one, after the items" in loop_3
    assert "for _ in range(workers):  # one per worker, after the items" in loop_4
    assert loop_3 != loop_4
    set_params(window, "pool-imap-unordered")
    pool = window.strategy_panel.source_view.toPlainText()
    assert "pool.imap_unordered(process, items, chunksize)" in pool
    assert "run.attach" not in pool
    assert window.strategy_panel.title_label.toolTip().endswith("pool-imap-unordered")


def test_titles_not_ids_where_a_person_reads(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "seed-sentinel-per-worker")
    title = core_text(STRATEGIES["seed-sentinel-per-worker"].title)
    assert window.strategy_panel.title_label.text() == title
    assert window.start_button.toolTip().startswith("Start the run")
    cell = fake_result([[("ok",)]]).cells[0]
    dialog = TrialListDialog(cell)
    qtbot.addWidget(dialog)
    strategy_id = cell.cell.coordinates.strategy
    assert STRATEGIES[strategy_id].title in dialog.windowTitle()
    assert strategy_id not in dialog.windowTitle()
    assert strategy_id not in cell_description(cell.cell)


def test_every_parameter_has_a_tooltip_on_its_field_and_label(window: MainWindow) -> None:
    panel = window.params_panel
    fields: list[QWidget] = [*panel.findChildren(QComboBox), *panel.findChildren(QSpinBox)]
    fields += panel.findChildren(QDoubleSpinBox)
    missing = [w.objectName() for w in fields if not w.toolTip()]
    assert not missing
    messages = ("paramError", "loopMessage")  # one-line messages, not labels of a field
    labels = [w for w in panel.findChildren(QLabel) if w.objectName() not in messages]
    assert all(label.toolTip() for label in labels), [
        label.text() for label in labels if not label.toolTip()
    ]
    assert panel.items_spin.toolTip() == "How many items the producer puts"


def test_the_outcomes_page_explains_all_seven(qtbot: Any, window: MainWindow) -> None:
    page = window.help_menu.show_outcomes()
    assert isinstance(page, OutcomesPage)
    text = page.browser.toPlainText()
    assert len(OUTCOMES) == 7
    for outcome in OUTCOMES:
        assert outcome in text and outcome_explanation(outcome) in text
    page.close()


def test_numbers_with_counted_nouns_and_a_visible_focus() -> None:
    assert rate_text(1.0) == "1 item/s"
    assert rate_text(2.0) == "2 items/s"
    assert rate_text(1250.4) == "1,250 items/s"
    assert "QPushButton:focus" in FOCUS_STYLE


def test_window_uses_the_focus_style(window: MainWindow) -> None:
    assert window.styleSheet() == FOCUS_STYLE
    assert window.start_button.focusPolicy() != Qt.FocusPolicy.NoFocus


def test_docs_quotes_show_code_not_backticks() -> None:
    html = docs_html(core_text(STRATEGIES["sentinel-per-worker"].docs_note))
    assert "`" not in html and "<code>for func, args in iter(input.get, 'STOP')</code>" in html
    assert docs_html("an `unpaired quote") == "an `unpaired quote"


@pytest.mark.timeout(60)
def test_the_rate_at_the_end_is_the_runs_average(qtbot: Any, window: MainWindow) -> None:
    set_params(window, "seed-empty-after-get", workers=3, items=100)
    result = run_through_window(qtbot, window)
    assert result.processed > 0
    expected = rate_text(result.processed / result.elapsed_s)
    assert window.stats_label.text().startswith(f"{expected}  ·  ")
