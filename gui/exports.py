"""What the File menu can export: one table of entries, and whose result each writes.

Each entry is data (its texts, the file name's ending, the dialog's filter,
and a writer or a plot); gui.file_menu does the writing for all of them alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings
from PySide6.QtWidgets import QTabWidget, QWidget

from core import export as core_export
from core.experiment import ExperimentResult
from core.result import RunResult
from gui.bridge import ExperimentController, RunController
from gui.experiment_tab import ExperimentTab
from gui.result_files import EXPERIMENT_FILE, RUN_FILE

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


# --- what the menu works on ------------------------------------------------------------


class FileMenuHost(Protocol):
    """What the File menu works on, in the window it belongs to (MainWindow is one).

    Read at each use, never kept: the window replaces its results as runs end.
    """

    @property
    def settings(self) -> QSettings: ...  # the export directory is remembered there
    @property
    def last_result(self) -> RunResult | None: ...  # the run on the Run tab
    @property
    def controller(self) -> RunController: ...
    @property
    def experiment_controller(self) -> ExperimentController: ...
    @property
    def experiment_tab(self) -> ExperimentTab: ...  # its result, spec panel, cells, charts
    @property
    def run_tab(self) -> QWidget: ...
    @property
    def lanes(self) -> QWidget: ...
    @property
    def tabs(self) -> QTabWidget: ...


@dataclass(frozen=True)
class Source:
    """Whose result an export writes: a single run's or an experiment's."""

    result: Callable[[FileMenuHost], Any]  # None until there is one
    busy: Callable[[FileMenuHost], bool]  # a result is being made: not exported meanwhile
    has_plot: Callable[[FileMenuHost], bool]  # its plot has something to show
    tab: Callable[[FileMenuHost], QWidget]  # where its plot is
    file_name: Callable[[Any, str], str]  # (result, suffix) -> the default file name
    nameless: str  # the default file name's start for a plot with no result yet


RUN = Source(
    result=lambda host: host.last_result,
    busy=lambda host: host.controller.is_running(),
    # The lanes draw a run as it goes.
    has_plot=lambda host: host.last_result is not None or host.controller.is_running(),
    tab=lambda host: host.run_tab,
    file_name=run_file_name,
    nameless="queuescope",
)
EXPERIMENT = Source(
    result=lambda host: host.experiment_tab.result,
    busy=lambda host: host.experiment_controller.is_running(),
    has_plot=lambda host: host.experiment_tab.model.rowCount() > 0,
    tab=lambda host: host.experiment_tab,
    file_name=experiment_file_name,
    nameless="queuescope-experiment",
)


@dataclass(frozen=True)
class Plot:
    """What a plot export saves as PNG: a widget of the window."""

    widget: Callable[[FileMenuHost], QWidget]


@dataclass(frozen=True)
class Export:
    """One entry of the File menu that writes a file: a result as text, or a plot as PNG.

    Texts are English sources in the FileMenu context, translated where shown,
    each a whole sentence: the menu entry, the dialog's title, and the failure
    and success messages (with a {path} placeholder).
    """

    action_name: str  # the QAction's objectName
    text: str
    title: str
    failed: str
    saved: str
    source: Source
    suffix: str  # how the default file name ends
    name_filter: str
    writes: Callable[[Any, IO[str]], None] | Plot  # write(result, out), or the plot


# str(): the stubs type QT_TRANSLATE_NOOP as returning object.
PLOT_FAILED = str(QT_TRANSLATE_NOOP("FileMenu", "Could not save the plot to {path}"))
PLOT_SAVED = str(QT_TRANSLATE_NOOP("FileMenu", "Saved the plot to {path}"))

EXPORT_RECORDS = Export(
    "exportRecordsAction",
    str(QT_TRANSLATE_NOOP("FileMenu", "Export records (CSV)…")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Export records")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Could not write the records to {path}")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Saved the records to {path}")),
    RUN,
    ".csv",
    CSV_FILTER,
    core_export.write_records_csv,
)
EXPORT_RESULT = Export(
    "exportResultAction",
    str(QT_TRANSLATE_NOOP("FileMenu", "Export result (JSON)…")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Export result")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Could not write the result to {path}")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Saved the result to {path}")),
    RUN,
    ".json",
    JSON_FILTER,
    core_export.write_run_json,
)
EXPORT_TRACE = Export(
    "exportTraceAction",
    str(QT_TRANSLATE_NOOP("FileMenu", "Export trace (Perfetto / chrome://tracing)…")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Export trace")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Could not write the trace to {path}")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Saved the trace to {path}")),
    RUN,
    ".trace.json",
    TRACE_FILTER,
    core_export.write_chrome_trace,
)
EXPORT_EXPERIMENT = Export(
    "exportExperimentAction",
    str(QT_TRANSLATE_NOOP("FileMenu", "Export experiment (JSON)…")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Export experiment")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Could not write the experiment to {path}")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Saved the experiment to {path}")),
    EXPERIMENT,
    ".json",
    JSON_FILTER,
    core_export.write_experiment_json,
)
EXPORT_CELLS = Export(
    "exportCellsAction",
    str(QT_TRANSLATE_NOOP("FileMenu", "Export experiment cells (CSV)…")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Export experiment cells")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Could not write the experiment cells to {path}")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Saved the experiment cells to {path}")),
    EXPERIMENT,
    "-cells.csv",
    CSV_FILTER,
    core_export.write_experiment_csv,
)
EXPORT_TRIALS = Export(
    "exportTrialsAction",
    str(QT_TRANSLATE_NOOP("FileMenu", "Export trials (CSV)…")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Export trials")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Could not write the trials to {path}")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Saved the trials to {path}")),
    EXPERIMENT,
    "-trials.csv",
    CSV_FILTER,
    core_export.write_trials_csv,
)
SAVE_LANES = Export(
    "saveLanesPngAction",
    str(QT_TRANSLATE_NOOP("FileMenu", "Worker lanes, queue depth and throughput…")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Save worker lanes")),
    PLOT_FAILED,
    PLOT_SAVED,
    RUN,
    "-lanes.png",
    PNG_FILTER,
    Plot(lambda host: host.lanes),
)
SAVE_OUTCOMES = Export(
    "saveOutcomesPngAction",
    str(QT_TRANSLATE_NOOP("FileMenu", "Experiment outcome chart…")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Save outcome chart")),
    PLOT_FAILED,
    PLOT_SAVED,
    EXPERIMENT,
    "-outcomes.png",
    PNG_FILTER,
    Plot(lambda host: host.experiment_tab.outcome_chart),
)
SAVE_TIMING = Export(
    "saveTimingPngAction",
    str(QT_TRANSLATE_NOOP("FileMenu", "Experiment latency and throughput chart…")),
    str(QT_TRANSLATE_NOOP("FileMenu", "Save latency chart")),
    PLOT_FAILED,
    PLOT_SAVED,
    EXPERIMENT,
    "-timing.png",
    PNG_FILTER,
    Plot(lambda host: host.experiment_tab.timing_chart),
)
# The menu's groups, in its order: a run's, an experiment's, then the plots (a submenu).
RUN_EXPORTS = (EXPORT_RECORDS, EXPORT_RESULT, EXPORT_TRACE)
EXPERIMENT_EXPORTS = (EXPORT_EXPERIMENT, EXPORT_CELLS, EXPORT_TRIALS)
PLOT_EXPORTS = (SAVE_LANES, SAVE_OUTCOMES, SAVE_TIMING)
EXPORTS = (*RUN_EXPORTS, *EXPERIMENT_EXPORTS, *PLOT_EXPORTS)
# The exports File → Open reads back, and File → Recent lists.
RECENT_KINDS = {EXPORT_RESULT: RUN_FILE, EXPORT_EXPERIMENT: EXPERIMENT_FILE}
