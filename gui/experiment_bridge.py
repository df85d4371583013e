"""The bridge for experiments: runs core.experiment.run_experiment in a QThread.

The sibling of gui.bridge (single runs), with the same shape: a QObject
worker moved to a QThread, ``thread.started -> worker.work``, the worker's
last signal -> ``thread.quit``; the worker hands itself back to the GUI thread
before that signal and is deleted there (``deleteLater``) once its thread has
finished (gui.bridge's docstring says why: deleting it in its own thread can
deadlock PySide). Cancel is cooperative (a threading.Event that
run_experiment hands to every trial); the thread is never terminated, and
shutdown waits for it with a bound. Nothing else in gui/ calls
run_experiment.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, SignalInstance, Slot

from core import ParamError, RunInProgress
from core.experiment import ExperimentPlan, ExperimentResult, run_experiment
from gui.bridge import DEFAULT_SHUTDOWN_TIMEOUT_S, hand_back_to_gui_thread
from gui.i18n import core_text


def _message(error: ParamError | RunInProgress) -> str:
    """The core's refusal in the window's language."""
    if isinstance(error, ParamError):
        return error.sentence.render(core_text)
    return core_text(str(error))


class ExperimentWorker(QObject):
    """Runs one experiment, blocking, in the thread it was moved to.

    Signals:
        started(ExperimentPlan): run_experiment is about to start.
        progress(ExperimentProgress): after every counted trial (and once at the start);
            it carries the trial and a snapshot of its cell.
        finished(ExperimentResult): every trial done, or cancelled; no child process is left.
        errored(str): run_experiment refused the plan (RunInProgress, a bad spec) or failed;
            one line, translated.

    Exactly one of finished or errored is emitted, last.
    """

    started = Signal(object)
    progress = Signal(object)
    finished = Signal(object)
    errored = Signal(str)

    def __init__(self, plan: ExperimentPlan, cancel: threading.Event) -> None:
        super().__init__()
        self._plan = plan
        self._cancel = cancel

    @Slot()
    def work(self) -> None:
        self.started.emit(self._plan)
        try:
            # on_progress runs in this thread (or, with parallel trials, in the trial's
            # thread, one call at a time); emit queues it to the GUI thread either way.
            result = run_experiment(
                self._plan, on_progress=self.progress.emit, cancel=self._cancel, keep_runs=True
            )
        except (ParamError, RunInProgress) as error:  # ExperimentSpecError is a ParamError
            self._end(self.errored, _message(error))
            return
        except Exception as error:  # a bug must end the thread, not leave it hanging
            last_line = traceback.format_exception_only(type(error), error)[-1].strip()
            # The Python error itself stays as Python wrote it.
            self._end(
                self.errored, self.tr("the experiment failed: {error}").format(error=last_line)
            )
            return
        self._end(self.finished, result)

    def _end(self, last_signal: SignalInstance, value: object) -> None:
        """Back to the GUI thread (where the controller deletes it), then the last signal."""
        hand_back_to_gui_thread(self)
        last_signal.emit(value)


class ExperimentController(QObject):
    """Owns the experiment thread; the window's only way to start, cancel and stop one.

    Lives in the GUI thread, so the worker's signals reach its slots queued,
    in the order they were emitted.

    Signals:
        started(ExperimentPlan): an experiment began in its thread.
        progress(ExperimentProgress): a trial finished (done/total, ETA, its cell's snapshot).
        finished(ExperimentResult): the experiment ended (done or cancelled); its thread stopped.
        errored(str): it could not start or failed; its thread has stopped.
    """

    started = Signal(object)
    progress = Signal(object)
    finished = Signal(object)
    errored = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._experiment_thread: QThread | None = None
        self._worker: ExperimentWorker | None = None
        self._cancel = threading.Event()
        self._result: ExperimentResult | None = None
        self._error: str | None = None
        self._listening = False

    def is_running(self) -> bool:
        return self._experiment_thread is not None

    def start(self, plan: ExperimentPlan) -> None:
        if self._experiment_thread is not None:
            raise RuntimeError("an experiment is already going")
        self._cancel = threading.Event()
        self._result = None
        self._error = None
        self._listening = True

        experiment_thread = QThread(self)
        experiment_thread.setObjectName("queuescope-experiment")
        worker = ExperimentWorker(plan, self._cancel)
        worker.moveToThread(experiment_thread)

        experiment_thread.started.connect(worker.work)
        for last_signal in (worker.finished, worker.errored):
            last_signal.connect(experiment_thread.quit)
        worker.started.connect(self._on_worker_started)
        worker.progress.connect(self._on_worker_progress)
        worker.finished.connect(self._on_worker_finished)
        worker.errored.connect(self._on_worker_errored)
        # Our slot first: it must see the thread before deleteLater removes it; it
        # also deletes the worker (in this, the GUI thread).
        experiment_thread.finished.connect(self._on_thread_finished)
        experiment_thread.finished.connect(experiment_thread.deleteLater)

        self._experiment_thread = experiment_thread
        self._worker = worker
        experiment_thread.start()

    def cancel(self) -> None:
        """Ask the experiment to stop: the trials in flight end within about a second."""
        self._cancel.set()

    def shutdown(self, timeout_s: float = DEFAULT_SHUTDOWN_TIMEOUT_S) -> bool:
        """Cancel any experiment and wait for its thread; True once no thread runs.

        Blocks the calling (GUI) thread for at most timeout_s. Signals still
        queued from the stopped experiment are dropped.
        """
        self._cancel.set()
        experiment_thread = self._experiment_thread
        if experiment_thread is None:
            return True
        experiment_thread.quit()
        if not experiment_thread.wait(int(timeout_s * 1000)):
            return False
        self._listening = False
        self._experiment_thread = None
        self._drop_worker()
        return True

    def _drop_worker(self) -> None:
        """Delete the worker here, in the GUI thread; its thread has finished."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.deleteLater()

    # --- slots (GUI thread) ------------------------------------------------------

    @Slot(object)
    def _on_worker_started(self, plan: Any) -> None:
        if self._listening:
            self.started.emit(plan)

    @Slot(object)
    def _on_worker_progress(self, progress: Any) -> None:
        if self._listening:
            self.progress.emit(progress)

    @Slot(object)
    def _on_worker_finished(self, result: Any) -> None:
        if self._listening:
            self._result = result

    @Slot(str)
    def _on_worker_errored(self, message: str) -> None:
        if self._listening:
            self._error = message

    @Slot()
    def _on_thread_finished(self) -> None:
        experiment_thread = self._experiment_thread
        if experiment_thread is None or self.sender() is not experiment_thread:
            return  # shutdown() already dealt with this thread
        # finished() is emitted from the thread before its last steps: wait for them.
        experiment_thread.wait()
        self._listening = False
        self._experiment_thread = None
        self._drop_worker()
        if self._result is not None:
            self.finished.emit(self._result)
        else:
            self.errored.emit(self._error or self.tr("the experiment ended without a result"))
