"""Saved results read back, and the list of recent files.

A run's JSON (core.export.write_run_json) and an experiment's JSON
(write_experiment_json) are read as data only: strict JSON (no NaN or
Infinity, no duplicate keys), never pickle, at most MAX_RESULT_BYTES, every
field checked by RunResult.from_dict / ExperimentResult.from_dict and the run's
parameters against the catalog. Anything else is one ResultFileError with a
message in the window's language, raised before anything is shown.
"""

from __future__ import annotations

import json
import os
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings

from core.errors import ParamError
from core.experiment import ExperimentResult
from core.result import RunResult
from core.validation import validate
from gui.i18n import core_text

# A million-item run's JSON is about 150 MB; a bigger file is not one QueueScope wrote.
MAX_RESULT_BYTES = 256 << 20
RECENT_KEY = "files/recent"
RECENT_LIMIT = 10
# What a recent file is: how it is opened again.
RUN_FILE = "run"
EXPERIMENT_FILE = "experiment"
SPEC_FILE = "spec"
FILE_KINDS = (RUN_FILE, EXPERIMENT_FILE, SPEC_FILE)


class ResultFileError(Exception):
    """A file that cannot be shown; str(error) is the reason, in the window's language."""


def read_json(path: str) -> Any:
    """The file's JSON data; raises ResultFileError (too big, unreadable, not strict JSON)."""
    try:
        size = os.stat(path).st_size
        if size > MAX_RESULT_BYTES:
            raise ResultFileError(
                QCoreApplication.translate(
                    "ResultFiles", "The file is {size} MB; results up to {limit} MB are opened."
                ).format(size=f"{size / 1e6:,.0f}", limit=f"{MAX_RESULT_BYTES / 1e6:,.0f}")
            )
        with open(path, "rb") as source:
            raw = source.read(MAX_RESULT_BYTES + 1)
    except OSError as error:
        raise ResultFileError(str(error.strerror or error)) from None
    if len(raw) > MAX_RESULT_BYTES:  # grew since stat()
        raise ResultFileError(
            QCoreApplication.translate("ResultFiles", "The file is too big to be a result.")
        )
    try:
        return json.loads(
            raw.decode("utf-8"), parse_constant=_refuse_constant, object_pairs_hook=_unique_keys
        )
    except UnicodeDecodeError:
        raise ResultFileError(
            QCoreApplication.translate("ResultFiles", "The file is not UTF-8 text.")
        ) from None
    except json.JSONDecodeError as error:
        raise ResultFileError(
            QCoreApplication.translate(
                "ResultFiles", "Not valid JSON at line {line}, column {column}: {error}"
            ).format(line=error.lineno, column=error.colno, error=error.msg)
        ) from None
    except _NotStrict as error:
        raise ResultFileError(str(error)) from None
    except RecursionError:
        raise ResultFileError(
            QCoreApplication.translate("ResultFiles", "The JSON is nested too deeply.")
        ) from None


class _NotStrict(ValueError):
    pass


def _refuse_constant(token: str) -> None:
    raise _NotStrict(
        QCoreApplication.translate(
            "ResultFiles", "The JSON has {token}, which strict JSON does not allow."
        ).format(token=token)
    )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _NotStrict(
            QCoreApplication.translate("ResultFiles", "The JSON repeats a key in an object.")
        )
    return data


def open_run(path: str) -> RunResult:
    """A run's JSON export as a RunResult whose parameters this window can show."""
    data = read_json(path)
    try:
        result = RunResult.from_dict(data)
        validate(result.params)
    except ParamError as error:
        raise ResultFileError(
            _not_a(
                QCoreApplication.translate(
                    "ResultFiles", "This is not a run result QueueScope can show:"
                ),
                error,
            )
        ) from None
    return result


def open_experiment(path: str) -> ExperimentResult:
    """An experiment's JSON export (with its trials) as an ExperimentResult."""
    data = read_json(path)
    try:
        return ExperimentResult.from_dict(data)
    except ParamError as error:
        raise ResultFileError(
            _not_a(
                QCoreApplication.translate(
                    "ResultFiles", "This is not an experiment result QueueScope can show:"
                ),
                error,
            )
        ) from None


def _not_a(lead: str, error: ParamError) -> str:
    return f"{lead} {error.sentence.render(core_text)}"


class RecentFiles:
    """The last RECENT_LIMIT result and spec files opened or saved, newest first, in settings."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def entries(self) -> list[tuple[str, str]]:
        """(kind, path) pairs; entries the settings garbled are skipped."""
        return stored_files(self.settings, RECENT_KEY)

    def add(self, kind: str, path: str) -> None:
        path = os.path.abspath(path)
        kept = [(k, p) for k, p in self.entries() if p != path]
        self._store([(kind, path), *kept][:RECENT_LIMIT])

    def drop_missing(self) -> list[str]:
        """Forget the files that are no longer there; returns their paths."""
        entries = self.entries()
        missing = [path for _, path in entries if not os.path.isfile(path)]
        if missing:
            self._store([(k, p) for k, p in entries if p not in missing])
        return missing

    def clear(self) -> None:
        self._store([])

    def _store(self, entries: list[tuple[str, str]]) -> None:
        store_files(self.settings, RECENT_KEY, entries)


def stored_files(settings: QSettings, key: str) -> list[tuple[str, str]]:
    """The (kind, path) list saved under key by store_files(); garbled entries are skipped."""
    stored = settings.value(key)
    if isinstance(stored, str):  # QSettings gives a one-element list back as a string
        stored = [stored]
    if not isinstance(stored, list):
        return []
    entries = []
    for entry in stored:
        kind, _, path = str(entry).partition(":")
        if kind in FILE_KINDS and path:
            entries.append((kind, path))
    return entries


def store_files(settings: QSettings, key: str, entries: list[tuple[str, str]]) -> None:
    settings.setValue(key, [f"{kind}:{path}" for kind, path in entries])
