"""The window's File menu: experiment specs, exports of a run and of an experiment, plots.

Every file is written through core.outputs: to a temporary file next to the
target, renamed over it when complete (a symlink there is replaced, never
followed; a directory or a device is refused), so a failed export leaves
neither a half-written file nor a changed window: the result stays on screen,
and the error goes to the status bar and a message box. File dialogs go
through ask_save_path()/ask_open_path(), which tests replace.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox, QWidget

from core.experiment import (
    ExperimentSpecError,
    dump_spec,
    load_spec,
    spec_format,
)
from core.outputs import TextWriter, failure_reason, write_file, write_outputs, writes_text
from gui.exports import (
    EXPERIMENT_EXPORTS,
    PLOT_EXPORTS,
    PLOT_FAILED,
    PLOT_SAVED,
    RECENT_KINDS,
    RUN_EXPORTS,
    SPEC_FILTER,
    Export,
    FileMenuHost,
    Plot,
)
from gui.i18n import core_text
from gui.plot_export import captioned_plot
from gui.result_files import SPEC_FILE
from gui.spec_loops import spec_to_open

EXPORT_DIR_KEY = "exports/directory"


class _PngError(OSError):
    pass


# --- the menu ------------------------------------------------------------------------


class FileMenu(QObject):
    """Builds the File menu of a window and does what its actions say.

    window is the QMainWindow the menu is in (its menu bar and status bar, the
    dialogs' parent); host is what the actions work on: the same MainWindow in
    the app.

    Signals:
        fileUsed(str, str): a result or spec file (its kind, its path) was saved or opened.
    """

    fileUsed = Signal(str, str)

    def __init__(self, window: QMainWindow, host: FileMenuHost) -> None:
        super().__init__(window)
        self.window = window
        self.host = host
        self.last_message_box: QMessageBox | None = None
        menu = window.menuBar().addMenu(self.tr("&File"))
        menu.setObjectName("fileMenu")
        self.menu = menu

        def action(
            name: str, text: str, slot: Callable[[], Any], shortcut: str = "", into: QMenu = menu
        ) -> QAction:
            act = QAction(text, window)
            act.setObjectName(name)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            into.addAction(act)
            return act

        self.open_spec_action = action(
            "openSpecAction", self.tr("Open experiment spec…"), self.open_spec, "Ctrl+O"
        )
        self.save_spec_action = action(
            "saveSpecAction", self.tr("Save experiment spec…"), self.save_spec, "Ctrl+S"
        )
        # Each export's action, by entry (tests find them by objectName too).
        self.export_actions: dict[Export, QAction] = {}
        for group in (RUN_EXPORTS, EXPERIMENT_EXPORTS):
            menu.addSeparator()
            for entry in group:
                self.export_actions[entry] = action(
                    entry.action_name, _tr(entry.text), self._export_slot(entry)
                )
        menu.addSeparator()
        plots = menu.addMenu(self.tr("Save plot as PNG"))
        plots.setObjectName("savePlotMenu")
        self.plot_menu = plots
        for entry in PLOT_EXPORTS:
            self.export_actions[entry] = action(
                entry.action_name, _tr(entry.text), self._export_slot(entry), into=plots
            )
        menu.addSeparator()
        action("quitAction", self.tr("Quit"), window.close, "Ctrl+Q")

        menu.aboutToShow.connect(self.refresh)
        for signal in (
            host.controller.started,
            host.controller.errored,
            host.experiment_controller.started,
            host.experiment_controller.finished,
            host.experiment_controller.errored,
            host.experiment_tab.spec_panel.changed,
        ):
            signal.connect(self.refresh)
        self.refresh()

    def _export_slot(self, entry: Export) -> Callable[[], None]:
        def export() -> None:
            self.export(entry)

        return export

    # --- dialogs (tests replace these) -------------------------------------------

    def ask_save_path(self, title: str, default_name: str, name_filter: str) -> str | None:
        """title is translated; name_filter is one of the *_FILTER constants (English)."""
        start = str(Path(self._directory()) / default_name)
        path, _ = QFileDialog.getSaveFileName(self.window, title, start, _tr(name_filter))
        return path or None

    def ask_open_path(self, title: str, name_filter: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, title, self._directory(), _tr(name_filter)
        )
        return path or None

    def report_error(self, title: str, detail: str) -> None:
        """Status bar and a message box (window-modal, not blocking the event loop)."""
        self.window.statusBar().showMessage(
            self.tr("{problem}: {detail}").format(problem=title, detail=detail)
        )
        if self.last_message_box is not None:
            with contextlib.suppress(RuntimeError):  # already closed and deleted
                self.last_message_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, "QueueScope", title, parent=self.window)
        box.setObjectName("errorMessageBox")
        box.setInformativeText(detail)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message_box = box

    # --- state -------------------------------------------------------------------

    @Slot()
    def refresh(self, *_: Any) -> None:
        """Enable exactly the actions that have something to work on."""
        host = self.host
        for entry, act in self.export_actions.items():
            source = entry.source
            if isinstance(entry.writes, Plot):
                act.setEnabled(source.has_plot(host))
            else:
                act.setEnabled(source.result(host) is not None and not source.busy(host))
        self.save_spec_action.setEnabled(host.experiment_tab.spec_panel.is_valid())
        self.open_spec_action.setEnabled(not host.experiment_controller.is_running())

    # --- specs -------------------------------------------------------------------

    @Slot()
    def open_spec(self) -> bool:
        if self.host.experiment_controller.is_running():
            return False
        path = self.ask_open_path(self.tr("Open experiment spec"), SPEC_FILTER)
        return path is not None and self.open_spec_file(path)

    def open_spec_file(self, path: str) -> bool:
        try:
            spec = load_spec(path)
        except ExperimentSpecError as error:
            self.report_error(
                self.tr("Could not open the experiment spec"), error.sentence.render(core_text)
            )
            return False
        tab = self.host.experiment_tab
        notes = tab.spec_panel.set_spec(spec_to_open(self.window, spec))
        self.host.tabs.setCurrentWidget(tab)
        self._remember(path)
        self.fileUsed.emit(SPEC_FILE, path)
        said = self.tr("Opened experiment spec {path}").format(path=path)
        self.window.statusBar().showMessage("; ".join([said, *notes]))
        return True

    @Slot()
    def save_spec(self) -> bool:
        panel = self.host.experiment_tab.spec_panel
        try:
            spec = panel.plan().spec
        except ExperimentSpecError as error:
            self.report_error(
                self.tr("The experiment spec is not valid"), error.sentence.render(core_text)
            )
            return False
        path = self.ask_save_path(
            self.tr("Save experiment spec"), "queuescope-experiment.json", SPEC_FILTER
        )
        if not path:
            return False
        saved = self._write_text(
            path,
            self.tr("Could not write the experiment spec to {path}"),
            self.tr("Saved the experiment spec to {path}"),
            writes_text(dump_spec(spec, spec_format(path))),
        )
        if saved:
            self.fileUsed.emit(SPEC_FILE, path)
        return saved

    # --- exports -----------------------------------------------------------------

    def export(self, entry: Export) -> bool:
        """Ask where, then write entry's file; False when nothing was written."""
        source, result = entry.source, entry.source.result(self.host)
        if isinstance(entry.writes, Plot):
            # Shown first, so that the plot is grabbed as laid out on screen.
            self.host.tabs.setCurrentWidget(source.tab(self.host))
        elif result is None:
            return False
        if result is None:
            default_name = source.nameless + entry.suffix
        else:
            default_name = source.file_name(result, entry.suffix)
        path = self.ask_save_path(_tr(entry.title), default_name, entry.name_filter)
        if not path:
            return False
        write = entry.writes
        if isinstance(write, Plot):
            return self._save_png(write.widget(self.host), path)
        written = self._write_text(
            path, _tr(entry.failed), _tr(entry.saved), lambda out: write(result, out)
        )
        if written and entry in RECENT_KINDS:
            self.fileUsed.emit(RECENT_KINDS[entry], path)
        return written

    def _save_png(self, widget: QWidget, path: str) -> bool:
        if not path.lower().endswith(".png"):
            path += ".png"
        pixmap = captioned_plot(widget)

        def write(temporary: str) -> None:
            if not pixmap.save(temporary, "PNG"):
                raise _PngError(self.tr("Qt could not write the PNG image"))

        try:
            write_file(path, write, suffix=".png")
        except OSError as error:
            self.report_error(_tr(PLOT_FAILED).format(path=path), _reason(error))
            return False
        self._done(path, _tr(PLOT_SAVED))
        return True

    # --- internals ---------------------------------------------------------------

    def _write_text(self, path: str, failed: str, saved: str, write: TextWriter) -> bool:
        """failed and saved: translated messages with a {path} placeholder."""
        self.window.setCursor(Qt.CursorShape.WaitCursor)
        try:
            write_outputs([(path, write)])
        except OSError as error:
            self.report_error(failed.format(path=path), _reason(error))
            return False
        finally:
            self.window.unsetCursor()
        self._done(path, saved)
        return True

    def _done(self, path: str, saved: str) -> None:
        self._remember(path)
        self.window.statusBar().showMessage(saved.format(path=path))

    def _directory(self) -> str:
        stored = self.host.settings.value(EXPORT_DIR_KEY)
        if isinstance(stored, str) and os.path.isdir(stored):
            return stored
        return str(Path.home())

    def _remember(self, path: str) -> None:
        self.host.settings.setValue(EXPORT_DIR_KEY, os.path.dirname(os.path.abspath(path)))


def _tr(source: str) -> str:
    """A FileMenu text marked with QT_TRANSLATE_NOOP, in the window's language."""
    return QCoreApplication.translate("FileMenu", source)


def _reason(error: OSError) -> str:
    # core.outputs's own reasons are marked for translation; the system's pass as they are.
    return failure_reason(error, translate=core_text)
