"""Your loops in the window: the strategy list's loop files, their editor, their checks.

The strategy list ends with "Your own loops": the loop files in use (each a
strategy like the built-ins, core.user_loops), Open loop file…, New loop…
(a copy of a built-in, gui.loop_template) and recent files that could not be
read. A file is opened only when the user chooses it; the recent ones are
read at start (their text only: none of their code runs). Opening, saving
or an outside change checks a file in the LoopController's thread: its text,
then its import in a probe process; a file that cannot run gets one line
under the strategy list, never a traceback.

A selected loop file is shown in a LoopEditor (gui.loop_editor) in place of
the read-only code: checked as you type, Save / Save as, and watched
(QFileSystemWatcher), so a change made in another editor reloads it. Start
waits (ParamsPanel.strategy_check) while the text has problems, is unsaved
or is being checked.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QFileSystemWatcher,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QScrollArea,
    QVBoxLayout,
)

from core.outputs import failure_reason, write_outputs, writes_text
from core.strategies import STRATEGIES, Strategy, register_strategy, unregister_strategy
from core.user_loops import (
    USER_LOOPS,
    LoopFileError,
    LoopProblem,
    check_loop_source,
    is_loop_id,
    loop_path,
    read_loop,
    read_loop_text,
    split_loop_spec,
)
from gui.bridge import LoopController
from gui.file_menu import EXPORT_DIR_KEY
from gui.i18n import core_text
from gui.loop_editor import LoopEditor
from gui.loop_template import copyable, loop_file_text
from gui.panels import StrategyPanel
from gui.params_panel import ACTION_PREFIX, ParamsPanel
from gui.qtutil import named, signals_blocked

RECENT_KEY = "loops/recent"
MAX_RECENT = 8
OPEN_ACTION = ACTION_PREFIX + "open-loop"
NEW_ACTION = ACTION_PREFIX + "new-loop"
RECENT_ACTION = ACTION_PREFIX + "recent-loop:"
PYTHON_FILTER = "Python files (*.py)"  # translated where shown
CHECK_DELAY_MS = 150  # check as you type, once typing pauses


class LoopFiles(QObject):
    """The loop files of a window's strategy list and its editor pane."""

    def __init__(
        self,
        window: QMainWindow,
        params_panel: ParamsPanel,
        strategy_panel: StrategyPanel,
        settings: QSettings,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.params_panel = params_panel
        self.strategy_panel = strategy_panel
        self.settings = settings
        self.controller = LoopController(self)
        self.watcher = QFileSystemWatcher(self)
        self.editor = LoopEditor()
        self.problems: list[LoopProblem] = []
        self.load_error: str | None = None  # why the shown file cannot run (its last check)
        self._checking = ""  # the FILE:FUNCTION being checked, "" if none
        self._queued: str | None = None
        self._select_when_checked = ""
        self.message_label = named(QLabel(wordWrap=True), "loopMessage")
        self.message_label.setStyleSheet("color: #c62828;")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setVisible(False)
        self._type_timer = QTimer(self)
        self._type_timer.setSingleShot(True)
        self._type_timer.setInterval(CHECK_DELAY_MS)

        form = params_panel.layout()
        assert isinstance(form, QFormLayout)
        form.insertRow(1, self.message_label)  # right under the strategy list
        layout = strategy_panel.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(strategy_panel.source_view) + 1, self.editor)
        combo = params_panel.strategy_combo
        self._first_row = combo.count()
        self._broken: dict[str, str] = {}  # recent specs that could not be read: why
        for spec in self.recent():
            self._register_from_text(spec)
        self.fill_list()

        params_panel.strategy_check = self.strategy_check
        params_panel.actionChosen.connect(self._on_action)
        params_panel.changed.connect(self._show_selected)
        self.controller.finished.connect(self._on_checked)
        self.controller.errored.connect(self._on_check_failed)
        self.watcher.fileChanged.connect(self._on_file_changed)
        self.editor.code.textChanged.connect(self._type_timer.start)
        self.editor.code.modificationChanged.connect(self._recheck_params)
        self._type_timer.timeout.connect(self.check_text)
        self.editor.saveRequested.connect(self.save)
        self.editor.saveAsRequested.connect(self.save_as)

    # --- dialogs (tests replace these) -------------------------------------------

    def ask_open_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Open loop file"), self._directory(), self.tr(PYTHON_FILTER)
        )
        return path or None

    def ask_save_path(self, default_name: str) -> str | None:
        start = str(Path(self._directory()) / default_name)
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Save loop file"), start, self.tr(PYTHON_FILTER)
        )
        return path or None

    def ask_copy_source(self) -> Strategy | None:
        """Which built-in a new loop starts from (the selected one is offered first)."""
        choices = copyable()
        if not choices:
            return None
        titles = [core_text(s.title) for s in choices]
        current = self.params_panel.strategy()
        first = next((i for i, s in enumerate(choices) if s.id == current.id), 0)
        title, ok = QInputDialog.getItem(
            self.window,
            self.tr("New loop"),
            self.tr("Start from a copy of:"),
            titles,
            first,
            False,
        )
        return choices[titles.index(title)] if ok and title in titles else None

    # --- opening, making, saving ---------------------------------------------------

    @Slot()
    def open_loop(self) -> bool:
        path = self.ask_open_path()
        if path is None:
            return False
        self.open_file(path)
        return True

    def open_file(self, spec: str) -> None:
        """Check FILE[:FUNCTION] off the GUI thread; once it can run, it is selected."""
        path, function = loop_path(spec)
        self._select_when_checked = f"{path}:{function}"
        self.check_file(self._select_when_checked)

    @Slot()
    def new_loop(self) -> bool:
        """A copy of a built-in, written where the user says, then opened to edit."""
        source = self.ask_copy_source()
        if source is None:
            return False
        path = self.ask_save_path(f"my_{source.id.replace('-', '_')}.py")
        if path is None:
            return False
        title = self.tr("My copy of {title}").format(title=core_text(source.title))
        text = loop_file_text(source, title, core_text(source.explanation))
        if not self._write(path, text):
            return False
        self.open_file(path)
        return True

    @Slot()
    def save(self) -> bool:
        path = self.editor.path
        if not path or not self._write(path, self.editor.text()):
            return False
        self.editor.mark_saved()
        self.check_file(self.shown_spec())
        return True

    @Slot()
    def save_as(self) -> bool:
        path = self.ask_save_path(os.path.basename(self.editor.path) or "my_loop.py")
        if path is None or not self._write(path, self.editor.text()):
            return False
        function = split_loop_spec(self.shown_spec())[1]
        self.editor.mark_saved()
        self.open_file(f"{path}:{function}")
        return True

    def _write(self, path: str, text: str) -> bool:
        try:
            write_outputs([(path, writes_text(text))])
        except OSError as error:
            self._say(
                self.tr("Could not write {path}: {reason}").format(
                    path=path, reason=failure_reason(error, translate=core_text)
                )
            )
            return False
        self._remember_directory(path)
        return True

    # --- checking in the LoopController's thread ---------------------------------------

    def check_file(self, spec: str) -> None:
        """Check FILE:FUNCTION (its text, its import in a probe) off the GUI thread."""
        if self.controller.is_running():
            self._queued = spec
            return
        self._checking = spec
        self.editor.set_busy(True)
        self.window.statusBar().showMessage(
            self.tr("Checking the loop file {path}…").format(path=spec)
        )
        self.controller.start(spec)
        self._recheck_params()

    def is_checking(self) -> bool:
        return self.controller.is_running()

    @Slot(object)
    def _on_checked(self, strategy: Strategy) -> None:
        spec = self._end_check()
        unregister_strategy(strategy.id)  # a file checked again replaces its earlier version
        register_strategy(strategy)
        self._broken.pop(spec, None)
        self._add_recent(spec)
        if spec == self.shown_spec():
            self.load_error = None
            self.check_text()
        self.window.statusBar().showMessage(
            self.tr("Loop file ready: {path}").format(path=split_loop_spec(spec)[0])
        )
        self._say("")
        select = spec == self._select_when_checked
        if select:
            self._select_when_checked = ""
        self.fill_list(select=strategy.id if select else None)
        if select:
            QTimer.singleShot(0, self._scroll_to_editor)  # once shown
        self._next_check()

    def _scroll_to_editor(self) -> None:
        """An opened loop file's code in view (the side panel scrolls)."""
        area = self.editor.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        inner = area.widget() if area is not None else None
        if area is None or inner is None or not self.editor.isVisible():
            return
        # The scroll area grows its content on a posted LayoutRequest: let it, first.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        code = self.editor.code
        bottom = code.mapTo(inner, QPoint(0, 0)).y() + code.height()
        bar = area.verticalScrollBar()
        if bottom > bar.value() + area.viewport().height():
            bar.setValue(bottom - area.viewport().height())

    @Slot(str)
    def _on_check_failed(self, message: str) -> None:
        spec = self._end_check()
        if spec == self.shown_spec():
            self.load_error = message
            self.check_text()
        else:
            self._say(self.tr("Could not open the loop file: {reason}").format(reason=message))
        if spec == self._select_when_checked:
            self._select_when_checked = ""
        self.window.statusBar().showMessage(message)
        self._recheck_params()
        self._next_check()

    def _end_check(self) -> str:
        spec, self._checking = self._checking, ""
        self.editor.set_busy(False)
        return spec

    def _next_check(self) -> None:
        queued, self._queued = self._queued, None
        if queued is not None:
            self.check_file(queued)

    # --- the strategy list -------------------------------------------------------------

    def fill_list(self, select: str | None = None) -> None:
        """The list's "Your own loops" part as it is now; select: a strategy id to choose."""
        combo = self.params_panel.strategy_combo
        current = select or combo.currentData()
        with signals_blocked(combo):
            while combo.count() > self._first_row:
                combo.removeItem(combo.count() - 1)
            combo.addItem(self.tr("— {group} —").format(group=core_text(USER_LOOPS)))
            model = combo.model()
            assert isinstance(model, QStandardItemModel)
            header = model.item(combo.count() - 1)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            for strategy in STRATEGIES.values():
                if is_loop_id(strategy.id):
                    self._add_entry(combo, core_text(strategy.title), strategy.id, strategy.id)
            for spec, reason in self._broken.items():
                name = os.path.basename(split_loop_spec(spec)[0])
                label = self.tr("{name} (cannot be read)").format(name=name)
                self._add_entry(combo, label, RECENT_ACTION + spec, reason)
            self._add_entry(
                combo,
                self.tr("Open loop file…"),
                OPEN_ACTION,
                self.tr("Run your own loop: a Python file with def loop(q, process, opts)"),
            )
            self._add_entry(
                combo,
                self.tr("New loop…"),
                NEW_ACTION,
                self.tr("Start a loop file from a copy of a built-in, to edit"),
            )
            index = combo.findData(current)
            if index >= 0:
                combo.setCurrentIndex(index)
        # Shown again through the panel: a replaced strategy may offer other queues.
        self.params_panel.set_params(self.params_panel.params())

    def _add_entry(self, combo: QComboBox, text: str, data: str, tip: str) -> None:
        combo.addItem(text, data)
        combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)

    @Slot(str)
    def _on_action(self, action: str) -> None:
        if action == OPEN_ACTION:
            self.open_loop()
        elif action == NEW_ACTION:
            self.new_loop()
        elif action.startswith(RECENT_ACTION):
            self.open_file(action.removeprefix(RECENT_ACTION))

    # --- the editor ----------------------------------------------------------------------

    def shown_spec(self) -> str:
        """FILE:FUNCTION of the loop file in the editor ("" if none)."""
        strategy = self.params_panel.strategy()
        return strategy.id.removeprefix("loop:") if is_loop_id(strategy.id) else ""

    @Slot()
    def _show_selected(self) -> None:
        """The editor for a loop file, the read-only code for a built-in."""
        spec = self.shown_spec()
        self.strategy_panel.source_view.setVisible(not spec)
        path = split_loop_spec(spec)[0] if spec else ""
        if path == self.editor.path and self.editor.isVisible() == bool(spec):
            return
        self.editor.setVisible(bool(spec))
        self._watch(path)
        if not spec:
            self.editor.path = ""
            return
        self.load_error = None
        self._load_text(path)

    def _load_text(self, path: str) -> None:
        try:
            text = read_loop_text(path)
        except LoopFileError as error:
            self.editor.set_file(path, "")
            self.load_error = str(error)
        else:
            self.editor.set_file(path, text)
        self.check_text()

    @Slot()
    def check_text(self) -> None:
        """Check the editor's text now (as you type, once typing pauses)."""
        self._type_timer.stop()
        spec = self.shown_spec()
        if not spec:
            return
        self.problems = check_loop_source(self.editor.text(), split_loop_spec(spec)[1])
        self.editor.show_problems(self.problems, self.load_error or "")
        self._recheck_params()

    @Slot()
    def _recheck_params(self, *_: object) -> None:
        self.params_panel.recheck()

    def strategy_check(self, strategy: Strategy) -> str | None:
        """Why a loop file cannot be started now (ParamsPanel asks); None if it can."""
        if not is_loop_id(strategy.id) or strategy.id.removeprefix("loop:") != self.shown_spec():
            return None
        if self.problems:
            return self.editor.problem_text(self.problems[0])
        if self.editor.is_modified():
            return self.tr("the loop file has unsaved changes: save it to run it")
        if self._checking:
            return self.tr("the loop file is being checked…")
        return self.load_error

    # --- the file on disk ----------------------------------------------------------------

    def _watch(self, path: str) -> None:
        watched = self.watcher.files()
        if watched and watched != [path]:
            self.watcher.removePaths(watched)
        if path and os.path.exists(path) and path not in self.watcher.files():
            self.watcher.addPath(path)

    @Slot(str)
    def _on_file_changed(self, path: str) -> None:
        """Another editor changed the file: reload it (unless edits here are unsaved)."""
        if path != self.editor.path:
            return
        self._watch(path)  # a save by rename drops the path from the watcher
        try:
            text = read_loop_text(path)
        except LoopFileError as error:
            self.load_error = str(error)
            self.check_text()
            return
        if text == self.editor.text():
            return  # our own save
        if self.editor.is_modified():
            self.window.statusBar().showMessage(
                self.tr("{path} changed on disk; Save here writes over it").format(path=path)
            )
            return
        self.editor.set_file(path, text)
        self.load_error = None
        self.check_text()
        self.window.statusBar().showMessage(
            self.tr("{path} changed on disk: reloaded").format(path=path)
        )
        if not self.problems:
            self.check_file(self.shown_spec())

    # --- recent files and settings ------------------------------------------------------

    def recent(self) -> list[str]:
        stored = self.settings.value(RECENT_KEY)
        if isinstance(stored, str):
            stored = [stored]
        return [s for s in stored if isinstance(s, str) and s] if isinstance(stored, list) else []

    def _add_recent(self, spec: str) -> None:
        specs = [spec, *(s for s in self.recent() if s != spec)][:MAX_RECENT]
        self.settings.setValue(RECENT_KEY, specs)

    def _register_from_text(self, spec: str) -> None:
        """A recent loop file as a strategy, from its text (none of its code runs)."""
        try:
            strategy = read_loop(spec)
        except LoopFileError as error:
            self._broken[spec] = str(error)
            return
        with contextlib.suppress(ValueError):
            unregister_strategy(strategy.id)
            register_strategy(strategy)

    def _directory(self) -> str:
        stored = self.settings.value(EXPORT_DIR_KEY)
        return stored if isinstance(stored, str) and os.path.isdir(stored) else str(Path.home())

    def _remember_directory(self, path: str) -> None:
        self.settings.setValue(EXPORT_DIR_KEY, os.path.dirname(os.path.abspath(path)))

    def _say(self, message: str) -> None:
        """The one line under the strategy list ("" hides it); all of it in its tooltip."""
        lines = [line for line in message.splitlines() if line.strip()]
        self.message_label.setText(lines[0] if lines else "")
        self.message_label.setToolTip(message)
        self.message_label.setVisible(bool(lines))
