"""Translations: the catalogs cover every source string; the Chinese window shows no English."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QModelIndex, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QGraphicsTextItem,
    QGraphicsView,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QTextEdit,
    QWidget,
)

import resources
from gui import i18n
from gui.about import AboutDialog, WhatIsThisPage
from gui.main_window import MainWindow
from gui.params_panel import ACTION_PREFIX
from tests.gui.experiment_helpers import (
    double_click,
    run_experiment_through_window,
    small_spec,
)
from tests.gui.helpers import run_through_window, set_params

ROOT = Path(__file__).resolve().parents[2]
LEFT = Qt.MouseButton.LeftButton
TRANSLATIONS = resources.path("translations")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    numerus: bool
    unfinished: bool
    forms: tuple[str, ...]


def read_catalog(path: Path) -> list[Message]:
    messages = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            forms = [form.text or "" for form in translation.iter("numerusform")]
            messages.append(
                Message(
                    context=name,
                    source=message.findtext("source") or "",
                    numerus=message.get("numerus") == "yes",
                    unfinished=translation.get("type") in ("unfinished", "vanished", "obsolete"),
                    forms=tuple(forms) if forms else (translation.text or "",),
                )
            )
    return messages


def test_catalogs_match_the_source(tmp_path: Path) -> None:
    """Re-extracting the strings into a copy changes nothing: no new, no stale messages."""
    for catalog in TRANSLATIONS.glob("*.ts"):
        shutil.copy(catalog, tmp_path / catalog.name)
    subprocess.run(
        ["sh", "scripts/translations.sh", "update"],
        cwd=ROOT,
        env={**os.environ, "TRANSLATIONS_DIR": str(tmp_path)},
        check=True,
        capture_output=True,
        timeout=120,
    )
    for catalog in TRANSLATIONS.glob("*.ts"):
        committed = read_catalog(catalog)
        extracted = read_catalog(tmp_path / catalog.name)
        assert [(m.context, m.source) for m in extracted] == [
            (m.context, m.source) for m in committed
        ], f"{catalog.name} is out of date: run sh scripts/translations.sh update"


def test_chinese_catalog_is_complete() -> None:
    messages = read_catalog(TRANSLATIONS / "queuescope_zh_CN.ts")
    assert len(messages) > 300  # the whole window and the core's text
    unfinished = [m.source for m in messages if m.unfinished or not all(m.forms)]
    assert not unfinished, f"{len(unfinished)} untranslated, e.g. {unfinished[:5]}"


def test_translations_keep_placeholders_and_accelerators() -> None:
    for message in read_catalog(TRANSLATIONS / "queuescope_zh_CN.ts"):
        for form in message.forms:
            assert sorted(PLACEHOLDER.findall(form)) == sorted(
                PLACEHOLDER.findall(message.source)
            ), (message.source, form)
            if message.numerus:
                assert "%n" in form or "%Ln" in form, (message.source, form)
            if re.search(r"&\w", message.source):
                assert re.search(r"&\w", form), (message.source, form)


def test_english_catalog_has_both_plural_forms() -> None:
    messages = read_catalog(TRANSLATIONS / "queuescope_en.ts")
    assert messages and all(m.numerus for m in messages)
    for message in messages:
        singular, plural = message.forms
        assert singular and plural and singular != plural, message


def installed(language: str) -> Iterator[i18n.Translations]:
    """The language's translators for one test; the app's translators and locale after."""
    before = QLocale()
    translations = i18n.install(language)
    yield translations
    translations.remove()
    QLocale.setDefault(before)


@pytest.fixture
def chinese(qapp: Any) -> Iterator[i18n.Translations]:
    yield from installed("zh_CN")


@pytest.fixture
def english(qapp: Any) -> Iterator[i18n.Translations]:
    yield from installed("en")


def test_chinese_installs_the_app_and_qt_catalogs(chinese: i18n.Translations) -> None:
    assert not chinese.missing
    assert len(chinese.translators) == 2
    # Qt's own catalog: standard dialog buttons.
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text().replace("&", "") in ("取消", "取消(C)")


def test_english_plurals_come_from_the_english_catalog(english: i18n.Translations) -> None:
    assert not english.missing
    assert QCoreApplication.translate("FilteredItemTable", "%n item(s)", None, 1) == "1 item"
    # %Ln in the English forms: counts with the locale's digit grouping.
    many = QCoreApplication.translate("FilteredItemTable", "%n item(s)", None, 1_000_000)
    assert many == "1,000,000 items"


def test_language_setting_round_trip(settings: QSettings) -> None:
    assert i18n.saved_language(settings) == i18n.FOLLOW_SYSTEM
    i18n.save_language(settings, "zh_CN")
    assert i18n.saved_language(settings) == "zh_CN"
    assert i18n.effective_language(settings) == "zh_CN"
    settings.setValue(i18n.LANGUAGE_KEY, "tlh")  # a hand-edited value falls back
    assert i18n.saved_language(settings) == i18n.FOLLOW_SYSTEM
    with pytest.raises(ValueError, match="unknown language"):
        i18n.save_language(settings, "tlh")


# --- The untranslated-string check -------------------------------------------------------

# English that stays English in the Chinese window, each for a reason.
KEPT_WORDS = {
    # Names of things: the app, languages and libraries, formats, signals.
    *["QueueScope", "Python", "Qt", "PySide6", "CPython", "Linux", "Windows", "macOS", "Debian"],
    "English",  # the language menu names each language in itself
    *["Ctrl", "Esc"],  # key names in shortcuts: Qt's catalog keeps them
    *[
        "Redis",
        *["URL", "Unix"],
        "CSV",
        "JSON",
        "TOML",
        "PNG",
        "SVG",
        "Chrome",
        "Perfetto",
        "CPU",
        "RSS",
        "GIL",
        "PID",
    ],
    *["SIGSTOP", "SIGKILL", "SIGTERM", "SIGINT", "SIGCONT", "SIGUSR1"],
    # Python API names that the text refers to as code.
    *[
        "Manager",
        "Queue",
        "JoinableQueue",
        "SimpleQueue",
        "Pool",
        "ProcessPoolExecutor",
        "Empty",
        "Full",
        *["BLMOVE", "LMOVE"],  # Redis commands
    ],
    *["multiprocessing", "concurrent", "futures", "queue", "spawn", "fork", "forkserver"],
    *["None", "True", "False", "STOP", "end", "Event", "chunksize", "faulthandler"],
    *["RuntimeError", "BrokenProcessPool", "AsyncResult"],
    # Loop keywords quoted in strategy titles: "while not empty(): get()", "break".
    *["while", "not", "break"],
    # A fault's argument, named ARG in its help as in the CLI's --fault KIND:ARG.
    "ARG",
    # Units.
    *["ms", "MiB"],
    # The explorer's random search, named after its paper (probabilistic concurrency testing).
    "PCT",
}
CODE_SPANS = (
    re.compile(r"`[^`]*`"),  # code in backquotes
    re.compile(r"<!DOCTYPE[^>]*>|<head>.*?</head>", re.S),  # Qt's HTML prologue
    re.compile(r"<(pre|code|tt)[^>]*>.*?</\1>", re.S),  # code in HTML
    re.compile(r"\w+://[^\s'\"<>）)]+"),  # addresses: https://…, chrome://tracing
    re.compile(r"'[^'\s]*'|\"[^\"\s]*\""),  # quoted literals: 'end', "STOP"
    re.compile(r"[\w.]+\([^)]*\)"),  # calls: q.get(), iter(q.get, 'STOP')
    re.compile(r"\b\w+(?:\.\w+)+\b"),  # dotted names and file names
    re.compile(r"\b[a-z0-9]+(?:[-_][a-z0-9]+)+\b"),  # ids: seed-single-sentinel, task_done
    re.compile(r"<[^>]+>"),  # markup
    re.compile(r"&\w+;"),  # entities
)
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}")


def english_left_in(text: str) -> list[str]:
    for span in CODE_SPANS:
        text = span.sub(" ", text)
    return [word for word in ENGLISH_WORD.findall(text) if word not in KEPT_WORDS]


def model_texts(view: QAbstractItemView) -> Iterator[str]:
    model = view.model()
    if model is None:
        return
    for column in range(model.columnCount()):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = model.headerData(column, Qt.Orientation.Horizontal, role)
            if isinstance(value, str):
                yield value
    for row in range(min(model.rowCount(), 20)):
        for column in range(model.columnCount()):
            index = model.index(row, column, QModelIndex())
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = index.data(role)
                if isinstance(value, str):
                    yield value
            # Tree views: the first level of children.
            for child_row in range(min(model.rowCount(index), 20)):
                value = model.index(child_row, 0, index).data()
                if isinstance(value, str):
                    yield value


# Widgets that show Python source code or stacks, which stay as Python wrote them.
CODE_WIDGETS = {"strategySource", "stackDumpText", "tracebackText"}


def widget_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every user-visible string under root, menus and models included."""
    widgets: list[Any] = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if widget.objectName() in CODE_WIDGETS:
            continue
        where = f"{type(widget).__name__} {widget.objectName()!r}"
        if widget.isWindow():
            yield where, widget.windowTitle()
        yield where, widget.toolTip()
        yield where, widget.statusTip()
        yield where, widget.whatsThis()
        if isinstance(widget, (QLabel, QAbstractButton)):
            yield where, widget.text()
        elif isinstance(widget, (QGroupBox, QMenu)):
            yield where, widget.title()
        elif isinstance(widget, QLineEdit):
            yield where, widget.placeholderText()
        elif isinstance(widget, QAbstractSpinBox):
            yield where, widget.specialValueText()
            for attribute in ("prefix", "suffix"):
                yield where, getattr(widget, attribute, str)()
        elif isinstance(widget, QTextBrowser):
            yield where, widget.toHtml()  # its code is marked up, and skipped
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            yield where, widget.toPlainText()
        if isinstance(widget, QComboBox):
            for index in range(widget.count()):
                yield where, widget.itemText(index)
        if isinstance(widget, QTabWidget):
            for index in range(widget.count()):
                yield where, widget.tabText(index)
                yield where, widget.tabToolTip(index)
        if isinstance(widget, QAbstractItemView):
            for text in model_texts(widget):
                yield where, text
        if isinstance(widget, QGraphicsView) and widget.scene() is not None:
            for text in chart_texts(widget):
                yield where, text
    # Actions the user can reach: in menus and on widgets (not pyqtgraph's disabled menus).
    actions: set[QAction] = set()
    for widget in widgets:
        actions.update(widget.actions())
    for action in actions:
        where = f"QAction {action.objectName() or action.text()!r}"
        yield where, action.text()
        yield where, action.toolTip()
        yield where, action.statusTip()
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield where, menu.title()


def chart_texts(view: QGraphicsView) -> Iterator[str]:
    """Axis titles, legends and labels that pyqtgraph draws in its scene."""
    for item in view.scene().items():
        if isinstance(item, QGraphicsTextItem):
            yield item.toPlainText()
        label = getattr(item, "labelText", None)  # pyqtgraph AxisItem
        if isinstance(label, str):
            yield label


def untranslated(root: QWidget) -> list[str]:
    found = []
    for where, text in widget_texts(root):
        if text and (words := english_left_in(text)):
            found.append(f"{where}: {text[:120]!r} ({', '.join(words[:5])})")
    return sorted(set(found))


def test_the_check_catches_english(qapp: Any) -> None:
    """The check itself must fail on English, or the window test below proves nothing."""
    assert english_left_in("Start the run") == ["Start", "the", "run"]
    assert english_left_in("q.get() 阻塞在 'STOP' 上, seed-single-sentinel, Manager") == []
    label = QLabel("Workers")
    label.setObjectName("probe")
    assert untranslated(label) == ["QLabel 'probe': 'Workers' (Workers)"]


def open_cell_and_trial(qtbot: Any, window: MainWindow) -> list[QWidget]:
    """Double-click the first cell, then its first trial: the two drill-down dialogs."""
    tab = window.experiment_tab
    double_click(qtbot, tab.table.viewport(), tab.table.visualRect(tab.model.index(0, 0)).center())
    trial_list = tab.trial_list_dialog
    assert trial_list is not None
    index = trial_list.model.index(0, 0)
    double_click(qtbot, trial_list.table.viewport(), trial_list.table.visualRect(index).center())
    assert trial_list.trial_dialog is not None
    return [trial_list, trial_list.trial_dialog]


@pytest.mark.timeout(150)
def test_chinese_window_has_no_english_left(
    chinese: i18n.Translations, qtbot: Any, settings: QSettings
) -> None:
    window = MainWindow(settings, language="zh_CN")
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.show()
    qtbot.waitExposed(window)
    left = untranslated(window)
    assert left == [], "\n".join(left)

    # The post's first loop: its diagnosis names a dropped item and blocked workers. It
    # hangs in most runs, not all (every worker may take one of the last items and leave).
    set_params(window, "seed-empty-after-get", items=40, workers=3)
    for _attempt in range(5):
        result = run_through_window(qtbot, window)
        if "deadlock" in result.outcomes:
            break
    assert "deadlock" in result.outcomes and "lost" in result.outcomes
    diagnosis = window.findChild(QLabel, "diagnosisLabel")
    assert diagnosis is not None and diagnosis.text().endswith("。")
    # Lists of outcomes use the Chinese separator too: "死锁，丢失".
    assert "，" in window.log_panel.lines()[-1]
    assert untranslated(window) == []

    window.banner.show_stack_dumps()
    dialogs: list[QWidget] = [AboutDialog(window), WhatIsThisPage(window)]
    stack_dumps = window.banner.stack_dump_dialog()
    assert stack_dumps is not None
    dialogs.append(stack_dumps)

    for strategy_index in range(window.params_panel.strategy_combo.count()):
        if str(window.params_panel.strategy_combo.itemData(strategy_index)).startswith(
            ACTION_PREFIX
        ):
            continue  # Open loop file…, New loop…: they open a file dialog
        window.params_panel.strategy_combo.setCurrentIndex(strategy_index)
        assert untranslated(window) == [], window.params_panel.strategy_combo.currentData()

    # An experiment fills the cell table, both charts and the drill-down dialogs.
    spec = small_spec(strategies=("seed-empty-after-get", "seed-sentinel-per-worker"), trials=1)
    run_experiment_through_window(qtbot, window, spec)
    assert untranslated(window) == []
    dialogs += open_cell_and_trial(qtbot, window)
    for dialog in dialogs:
        assert untranslated(dialog) == [], type(dialog).__name__
        dialog.close()


def test_a_missing_qm_is_compiled_from_the_ts_once(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain `pip install .` ships the .ts only: the catalog is compiled into the cache."""
    shipped = tmp_path / "translations"
    shipped.mkdir()
    shutil.copy(TRANSLATIONS / "queuescope_zh_CN.ts", shipped)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    before = QLocale()
    installed = i18n.install("zh_CN", directory=shipped)
    try:
        assert not installed.missing
        assert QCoreApplication.translate("MainWindow", "&Help") == "帮助(&H)"
    finally:
        installed.remove()
        QLocale.setDefault(before)
    compiled = list((tmp_path / "cache").rglob("queuescope_zh_CN.qm"))
    assert len(compiled) == 1
    assert not (shipped / "queuescope_zh_CN.qm").exists()  # the install folder stays as shipped


def test_no_catalog_leaves_english_and_says_so(
    qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = QLocale()
    installed = i18n.install("zh_CN", directory=tmp_path)
    try:
        assert installed.missing[0].endswith("queuescope_zh_CN.qm")
        assert len(installed.translators) == 1  # Qt's own still loads
        assert QCoreApplication.translate("MainWindow", "&Help") == "&Help"
    finally:
        installed.remove()
        QLocale.setDefault(before)
    assert "translation not found" in capsys.readouterr().err
