"""The window's File menu: experiment specs, exports of a run and of an experiment, plots.

Every file is written to a temporary file next to the target and renamed
over it, so a failed export leaves neither a half-written file nor a changed
window: the result stays on screen, and the error goes to the status bar and
a message box. File dialogs go through ask_save_path()/ask_open_path(), which
tests replace.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from core.experiment import (
    ExperimentResult,
    ExperimentSpecError,
    dump_spec,
    load_spec,
    spec_format,
)
from core.export import (
    write_chrome_trace,
    write_experiment_csv,
    write_experiment_json,
    write_records_csv,
    write_run_json,
    write_trials_csv,
)
from core.result import RunResult
from gui.i18n import core_text

if TYPE_CHECKING:
    from gui.main_window import MainWindow

EXPORT_DIR_KEY = "exports/directory"
# File dialog filters, translated where a dialog shows them (FileMenu.ask_*_path).
# str(): the stubs type QT_TRANSLATE_NOOP as returning object.
SPEC_FILTER = str(
    QT_TRANSLATE_NOOP(
        "FileMenu", "Experiment spec (*.json *.toml);;JSON (*.json);;TOML (*.toml);;All files (*)"
    )
)
CSV_FILTER = str(QT_TRANSLATE_NOOP("FileMenu", "CSV (*.csv);;All files (*)"))
JSON_FILTER = str(QT_TRANSLATE_NOOP("FileMenu", "JSON (*.json);;All files (*)"))
TRACE_FILTER = str(QT_TRANSLATE_NOOP("FileMenu", "Chrome trace JSON (*.json);;All files (*)"))
PNG_FILTER = str(QT_TRANSLATE_NOOP("FileMenu", "PNG image (*.png)"))


# --- names and writing ---------------------------------------------------------------


def stamp(wall_time: float) -> str:
    """YYYYmmdd-HHMMSS of a wall-clock time (time.time()), local time."""
    return time.strftime("%Y%m%d-%H%M%S", time.localtime(wall_time or time.time()))


def run_file_name(result: RunResult, suffix: str) -> str:
    """queuescope-<strategy>-<outcome>-<YYYYmmdd-HHMMSS><suffix>"""
    when = stamp(result.started_at)
    return f"queuescope-{result.params.strategy}-{result.outcome}-{when}{suffix}"


def experiment_file_name(result: ExperimentResult, suffix: str) -> str:
    """queuescope-experiment-<N>cells-<YYYYmmdd-HHMMSS><suffix>"""
    cells = len(result.cells)
    return f"queuescope-experiment-{cells}cells-{stamp(result.started_at)}{suffix}"


def _umask() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def atomic_write(path: str, write: Callable[[str], None], suffix: str = ".tmp") -> None:
    """write(temporary path) next to path, then rename it over path.

    Raises OSError; on any failure the temporary file is removed and path is
    untouched. The file gets the permissions a plain open() would give it.
    """
    target = os.path.abspath(path)
    fd, temporary = tempfile.mkstemp(
        prefix=".queuescope-", suffix=suffix, dir=os.path.dirname(target)
    )
    os.close(fd)
    try:
        write(temporary)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def atomic_write_text(path: str, write: Callable[[IO[str]], None]) -> None:
    def write_to(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8", newline="") as out:
            write(out)

    atomic_write(path, write_to)


class _PngError(OSError):
    pass


# --- the menu ------------------------------------------------------------------------


class FileMenu(QObject):
    """Builds the File menu of a MainWindow and does what its actions say."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
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
        menu.addSeparator()
        self.export_records_action = action(
            "exportRecordsAction", self.tr("Export records (CSV)…"), self.export_records
        )
        self.export_result_action = action(
            "exportResultAction", self.tr("Export result (JSON)…"), self.export_result
        )
        self.export_trace_action = action(
            "exportTraceAction",
            self.tr("Export trace (Perfetto / chrome://tracing)…"),
            self.export_trace,
        )
        menu.addSeparator()
        self.export_experiment_action = action(
            "exportExperimentAction", self.tr("Export experiment (JSON)…"), self.export_experiment
        )
        self.export_cells_action = action(
            "exportCellsAction", self.tr("Export experiment cells (CSV)…"), self.export_cells
        )
        self.export_trials_action = action(
            "exportTrialsAction", self.tr("Export trials (CSV)…"), self.export_trials
        )
        menu.addSeparator()
        plots = menu.addMenu(self.tr("Save plot as PNG"))
        plots.setObjectName("savePlotMenu")
        self.plot_menu = plots
        self.save_lanes_action = action(
            "saveLanesPngAction",
            self.tr("Worker lanes, queue depth and throughput…"),
            self.save_lanes_png,
            into=plots,
        )
        self.save_outcomes_action = action(
            "saveOutcomesPngAction",
            self.tr("Experiment outcome chart…"),
            self.save_outcomes_png,
            into=plots,
        )
        self.save_timing_action = action(
            "saveTimingPngAction",
            self.tr("Experiment latency and throughput chart…"),
            self.save_timing_png,
            into=plots,
        )
        menu.addSeparator()
        action("quitAction", self.tr("Quit"), window.close, "Ctrl+Q")

        menu.aboutToShow.connect(self.refresh)
        window.runEnded.connect(self.refresh)
        for signal in (
            window.controller.started,
            window.controller.errored,
            window.experiment_controller.started,
            window.experiment_controller.finished,
            window.experiment_controller.errored,
            window.experiment_tab.spec_panel.changed,
        ):
            signal.connect(self.refresh)
        self.refresh()

    # --- dialogs (tests replace these) -------------------------------------------

    def ask_save_path(self, title: str, default_name: str, name_filter: str) -> str | None:
        """title is translated; name_filter is one of the *_FILTER constants (English)."""
        start = str(Path(self._directory()) / default_name)
        path, _ = QFileDialog.getSaveFileName(self.window, title, start, _filter(name_filter))
        return path or None

    def ask_open_path(self, title: str, name_filter: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, title, self._directory(), _filter(name_filter)
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
        window = self.window
        run = window.last_result
        experiment = window.experiment_tab.result
        running = window.controller.is_running()
        experimenting = window.experiment_controller.is_running()
        for act in (
            self.export_records_action,
            self.export_result_action,
            self.export_trace_action,
        ):
            act.setEnabled(run is not None and not running)
        self.save_lanes_action.setEnabled(run is not None or running)
        for act in (
            self.export_experiment_action,
            self.export_cells_action,
            self.export_trials_action,
        ):
            act.setEnabled(experiment is not None and not experimenting)
        has_cells = window.experiment_tab.model.rowCount() > 0
        self.save_outcomes_action.setEnabled(has_cells)
        self.save_timing_action.setEnabled(has_cells)
        self.save_spec_action.setEnabled(window.experiment_tab.spec_panel.is_valid())
        self.open_spec_action.setEnabled(not experimenting)

    # --- specs -------------------------------------------------------------------

    @Slot()
    def open_spec(self) -> bool:
        if self.window.experiment_controller.is_running():
            return False
        path = self.ask_open_path(self.tr("Open experiment spec"), SPEC_FILTER)
        if not path:
            return False
        try:
            spec = load_spec(path)
        except ExperimentSpecError as error:
            self.report_error(
                self.tr("Could not open the experiment spec"), error.sentence.render(core_text)
            )
            return False
        tab = self.window.experiment_tab
        notes = tab.spec_panel.set_spec(spec)
        self.window.tabs.setCurrentWidget(tab)
        self._remember(path)
        said = self.tr("Opened experiment spec {path}").format(path=path)
        self.window.statusBar().showMessage("; ".join([said, *notes]))
        return True

    @Slot()
    def save_spec(self) -> bool:
        panel = self.window.experiment_tab.spec_panel
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
        text = dump_spec(spec, spec_format(path))

        def write(out: IO[str]) -> None:
            out.write(text)

        return self._write_text(
            path,
            self.tr("Could not write the experiment spec to {path}"),
            self.tr("Saved the experiment spec to {path}"),
            write,
        )

    # --- one run -----------------------------------------------------------------

    # Each export names what it writes in whole sentences (translated as such):
    # the dialog's title, the failure and the success message.

    @Slot()
    def export_records(self) -> bool:
        texts = (
            self.tr("Export records"),
            self.tr("Could not write the records to {path}"),
            self.tr("Saved the records to {path}"),
        )
        return self._export_run(texts, ".csv", CSV_FILTER, write_records_csv)

    @Slot()
    def export_result(self) -> bool:
        texts = (
            self.tr("Export result"),
            self.tr("Could not write the result to {path}"),
            self.tr("Saved the result to {path}"),
        )
        return self._export_run(texts, ".json", JSON_FILTER, write_run_json)

    @Slot()
    def export_trace(self) -> bool:
        texts = (
            self.tr("Export trace"),
            self.tr("Could not write the trace to {path}"),
            self.tr("Saved the trace to {path}"),
        )
        return self._export_run(texts, ".trace.json", TRACE_FILTER, write_chrome_trace)

    def _export_run(
        self,
        texts: tuple[str, str, str],
        suffix: str,
        name_filter: str,
        write: Callable[[RunResult, IO[str]], None],
    ) -> bool:
        result = self.window.last_result
        if result is None:
            return False
        title, failed, saved = texts
        path = self.ask_save_path(title, run_file_name(result, suffix), name_filter)
        if not path:
            return False
        return self._write_text(path, failed, saved, lambda out: write(result, out))

    # --- an experiment -----------------------------------------------------------

    @Slot()
    def export_experiment(self) -> bool:
        texts = (
            self.tr("Export experiment"),
            self.tr("Could not write the experiment to {path}"),
            self.tr("Saved the experiment to {path}"),
        )
        return self._export_experiment(texts, ".json", JSON_FILTER, write_experiment_json)

    @Slot()
    def export_cells(self) -> bool:
        texts = (
            self.tr("Export experiment cells"),
            self.tr("Could not write the experiment cells to {path}"),
            self.tr("Saved the experiment cells to {path}"),
        )
        return self._export_experiment(texts, "-cells.csv", CSV_FILTER, write_experiment_csv)

    @Slot()
    def export_trials(self) -> bool:
        texts = (
            self.tr("Export trials"),
            self.tr("Could not write the trials to {path}"),
            self.tr("Saved the trials to {path}"),
        )
        return self._export_experiment(texts, "-trials.csv", CSV_FILTER, write_trials_csv)

    def _export_experiment(
        self,
        texts: tuple[str, str, str],
        suffix: str,
        name_filter: str,
        write: Callable[[ExperimentResult, IO[str]], None],
    ) -> bool:
        result = self.window.experiment_tab.result
        if result is None:
            return False
        title, failed, saved = texts
        path = self.ask_save_path(title, experiment_file_name(result, suffix), name_filter)
        if not path:
            return False
        return self._write_text(path, failed, saved, lambda out: write(result, out))

    # --- plots -------------------------------------------------------------------

    @Slot()
    def save_lanes_png(self) -> bool:
        result = self.window.last_result
        name = run_file_name(result, "-lanes.png") if result else "queuescope-lanes.png"
        self.window.tabs.setCurrentWidget(self.window.run_tab)
        return self._save_png(self.window.lanes, self.tr("Save worker lanes"), name)

    @Slot()
    def save_outcomes_png(self) -> bool:
        tab = self.window.experiment_tab
        self.window.tabs.setCurrentWidget(tab)
        return self._save_png(
            tab.outcome_chart, self.tr("Save outcome chart"), self._chart_name("outcomes")
        )

    @Slot()
    def save_timing_png(self) -> bool:
        tab = self.window.experiment_tab
        self.window.tabs.setCurrentWidget(tab)
        return self._save_png(
            tab.timing_chart, self.tr("Save latency chart"), self._chart_name("timing")
        )

    def _chart_name(self, what: str) -> str:
        result = self.window.experiment_tab.result
        if result is None:
            return f"queuescope-experiment-{what}.png"
        return experiment_file_name(result, f"-{what}.png")

    def _save_png(self, widget: QWidget, title: str, default_name: str) -> bool:
        path = self.ask_save_path(title, default_name, PNG_FILTER)
        if not path:
            return False
        if not path.lower().endswith(".png"):
            path += ".png"
        pixmap = widget.grab()

        def write(temporary: str) -> None:
            if not pixmap.save(temporary, "PNG"):
                raise _PngError(self.tr("Qt could not write the PNG image"))

        try:
            atomic_write(path, write, suffix=".png")
        except OSError as error:
            failed = self.tr("Could not save the plot to {path}").format(path=path)
            self.report_error(failed, _reason(error))
            return False
        self._done(path, self.tr("Saved the plot to {path}"))
        return True

    # --- internals ---------------------------------------------------------------

    def _write_text(
        self, path: str, failed: str, saved: str, write: Callable[[IO[str]], None]
    ) -> bool:
        """failed and saved: translated messages with a {path} placeholder."""
        self.window.setCursor(Qt.CursorShape.WaitCursor)
        try:
            atomic_write_text(path, write)
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
        stored = self.window.settings.value(EXPORT_DIR_KEY)
        if isinstance(stored, str) and os.path.isdir(stored):
            return stored
        return str(Path.home())

    def _remember(self, path: str) -> None:
        self.window.settings.setValue(EXPORT_DIR_KEY, os.path.dirname(os.path.abspath(path)))


def _filter(name_filter: str) -> str:
    return QCoreApplication.translate("FileMenu", name_filter)


def _reason(error: OSError) -> str:
    if error.strerror:
        return f"{error.strerror} ({error.filename})" if error.filename else error.strerror
    return str(error)
