"""What is on screen, kept across the language restart: temporary JSON files named in settings.

Before the restart the run and the experiment are written with the JSON exports
to a fresh temporary directory, and their paths saved under KEPT_KEY; the next
start takes them (the key is removed at once, so a crash cannot loop), opens
them like File → Open does and deletes the files and their directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QPlainTextEdit

from core.experiment import ExperimentResult
from core.export import write_experiment_json, write_run_json
from core.result import RunResult
from gui.result_files import (
    EXPERIMENT_FILE,
    RUN_FILE,
    SPEC_FILE,
    ResultFileError,
    open_experiment,
    open_run,
    store_files,
    stored_files,
)

KEPT_KEY = "restart/kept"
KEPT_PREFIX = "queuescope-kept-"


def keep_for_restart(
    settings: QSettings, run: RunResult | None, experiment: ExperimentResult | None
) -> list[str]:
    """Write what there is to temporary files and name them in settings; returns the paths.

    Raises OSError (nothing is named in settings then, and the files are removed).
    """
    if run is None and experiment is None:
        return []
    directory = tempfile.mkdtemp(prefix=KEPT_PREFIX)
    entries: list[tuple[str, str]] = []
    try:
        if run is not None:
            path = os.path.join(directory, "run.json")
            with open(path, "w", encoding="utf-8") as out:
                write_run_json(run, out)
            entries.append((RUN_FILE, path))
        if experiment is not None:
            path = os.path.join(directory, "experiment.json")
            with open(path, "w", encoding="utf-8") as out:
                write_experiment_json(experiment, out)
            entries.append((EXPERIMENT_FILE, path))
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    store_files(settings, KEPT_KEY, entries)
    settings.sync()
    return [path for _, path in entries]


def take_kept(settings: QSettings) -> list[tuple[str, str]]:
    """(kind, path) of the kept files, and forget them in settings."""
    stored = stored_files(settings, KEPT_KEY)
    settings.remove(KEPT_KEY)
    settings.sync()
    # Only files this module wrote: a kept path is in a directory it made.
    return [(kind, path) for kind, path in stored if kind != SPEC_FILE and _is_ours(path)]


def remove_kept(paths: list[str]) -> None:
    """Delete the kept files and their directories."""
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)
        with contextlib.suppress(OSError):
            os.rmdir(os.path.dirname(path))


class KeptHost(Protocol):
    """Where kept results are shown again (MainWindow is one)."""

    def show_run_result(self, result: RunResult, message: str) -> None: ...
    def show_experiment_result(self, result: ExperimentResult, message: str) -> None: ...
    @property
    def log_panel(self) -> QPlainTextEdit: ...


def restore_kept(settings: QSettings, host: KeptHost) -> bool:
    """Show the kept results, delete their files; True if there were any."""
    kept = take_kept(settings)
    for kind, path in kept:
        try:
            if kind == EXPERIMENT_FILE:
                host.show_experiment_result(open_experiment(path), "")
            else:
                host.show_run_result(open_run(path), "")
        except ResultFileError as error:
            host.log_panel.appendPlainText(
                QCoreApplication.translate(
                    "MainWindow", "Could not show the results kept over the restart: {reason}"
                ).format(reason=error)
            )
    remove_kept([path for _, path in kept])
    return bool(kept)


def _is_ours(path: str) -> bool:
    return os.path.basename(os.path.dirname(path)).startswith(KEPT_PREFIX)
