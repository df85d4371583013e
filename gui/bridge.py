"""The one bridge between the window and the core: runs core.run in a QThread.

Nothing else in gui/ calls core.run or touches multiprocessing. The shape is
superqt's ``new_worker_qthread``: a QObject worker moved to a QThread,
``thread.started -> worker.work``, the worker's last signal -> ``thread.quit``;
the worker is deleted (``deleteLater``) in the GUI thread once its thread has
finished. Cancel is cooperative (a threading.Event that core.run polls); the
thread is never terminated.

Why not ``last signal -> worker.deleteLater`` in the worker's own thread:
~QObject there calls the Python-wrapped QThread's disconnectNotify while it
holds one of Qt's pooled signal/slot mutexes, and PySide needs the GIL for
that call. If the GUI thread meanwhile holds the GIL and destroys any other
QObject whose pooled mutex is the same one (a closed window or dialog being
garbage-collected), both wait forever: seen in the window tests, main thread
in QObject::~QObject (lockInternal), run thread in Shiboken::GilState::acquire.
So the worker moves itself back to the GUI thread before its last signal and
is destroyed there, where no other thread can be holding its mutex.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, SignalInstance, Slot

from core import ParamError, RunInProgress, RunParams, RunResult, run
from gui.i18n import core_text

# core.run returns within ~0.1 s of a cancel, plus cleanup whose steps are
# each bounded by a few seconds (pool terminate, joins, thread joins).
DEFAULT_SHUTDOWN_TIMEOUT_S = 20.0


class RunWorker(QObject):
    """Runs one experiment, blocking, in the thread it was moved to.

    Signals:
        started(): core.run is about to start.
        progress(Progress): a snapshot while the run goes (at most ~30 per second).
        finished(RunResult): the verdict; every child process has been reaped.
        errored(str): core.run refused the parameters or failed; one line, translated.

    Exactly one of finished or errored is emitted, last.
    """

    started = Signal()
    progress = Signal(object)
    finished = Signal(object)
    errored = Signal(str)

    def __init__(self, params: RunParams, cancel: threading.Event) -> None:
        super().__init__()
        self._params = params
        self._cancel = cancel

    @Slot()
    def work(self) -> None:
        self.started.emit()
        try:
            # progress.emit is called in this thread; Qt queues it to the GUI thread.
            result = run(self._params, on_progress=self.progress.emit, cancel=self._cancel)
        except ParamError as error:
            self._end(self.errored, error.sentence.render(core_text))
            return
        except RunInProgress:  # core's message, in words the window can translate
            self._end(
                self.errored, self.tr("a run is already in progress; wait for it or cancel it")
            )
            return
        except Exception as error:  # a bug must end the thread, not leave it hanging
            last_line = traceback.format_exception_only(type(error), error)[-1].strip()
            # The Python error itself stays as Python wrote it.
            self._end(self.errored, self.tr("the run failed: {error}").format(error=last_line))
            return
        self._end(self.finished, result)

    def _end(self, last_signal: SignalInstance, value: object) -> None:
        """Hand this object back to the GUI thread, then emit the last signal.

        The controller deletes it there once the thread has finished (see the
        module docstring); nothing in this thread touches it afterwards.
        """
        hand_back_to_gui_thread(self)
        last_signal.emit(value)


def hand_back_to_gui_thread(worker: QObject) -> None:
    """Move worker (from its own thread: a push, which Qt allows) to the application's thread."""
    app = QCoreApplication.instance()
    if app is not None:
        worker.moveToThread(app.thread())


class RunController(QObject):
    """Owns the run thread; the window's only way to start, cancel and stop a run.

    Lives in the GUI thread, so the worker's signals reach its slots queued,
    in the order they were emitted.

    Signals:
        started(): a run began in its thread.
        progress(Progress): a snapshot of the running experiment.
        finished(RunResult): the run ended and its thread has stopped.
        errored(str): the run could not start or failed; its thread has stopped.
    """

    started = Signal()
    progress = Signal(object)
    finished = Signal(object)
    errored = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run_thread: QThread | None = None
        self._worker: RunWorker | None = None
        self._cancel = threading.Event()
        self._result: RunResult | None = None
        self._error: str | None = None
        self._listening = False

    def is_running(self) -> bool:
        return self._run_thread is not None

    def start(self, params: RunParams) -> None:
        if self._run_thread is not None:
            raise RuntimeError("a run is already going")
        self._cancel = threading.Event()
        self._result = None
        self._error = None
        self._listening = True

        run_thread = QThread(self)
        run_thread.setObjectName("queuescope-run")
        worker = RunWorker(params, self._cancel)
        worker.moveToThread(run_thread)

        run_thread.started.connect(worker.work)
        for last_signal in (worker.finished, worker.errored):
            last_signal.connect(run_thread.quit)
        worker.started.connect(self._on_worker_started)
        worker.progress.connect(self._on_worker_progress)
        worker.finished.connect(self._on_worker_finished)
        worker.errored.connect(self._on_worker_errored)
        # Our slot first: it must see the thread before deleteLater removes it; it
        # also deletes the worker (in this, the GUI thread).
        run_thread.finished.connect(self._on_thread_finished)
        run_thread.finished.connect(run_thread.deleteLater)

        self._run_thread = run_thread
        self._worker = worker
        run_thread.start()

    def cancel(self) -> None:
        """Ask the run to stop; it ends with outcome "cancelled" shortly."""
        self._cancel.set()

    def shutdown(self, timeout_s: float = DEFAULT_SHUTDOWN_TIMEOUT_S) -> bool:
        """Cancel any run and wait for its thread; True once no thread runs.

        Blocks the calling (GUI) thread for at most timeout_s. Signals still
        queued from the stopped run are dropped.
        """
        self._cancel.set()
        run_thread = self._run_thread
        if run_thread is None:
            return True
        # quit() directly: the queued quit from the worker cannot run while
        # this thread is blocked in wait().
        run_thread.quit()
        if not run_thread.wait(int(timeout_s * 1000)):
            return False
        self._listening = False
        self._run_thread = None
        self._drop_worker()
        return True

    def _drop_worker(self) -> None:
        """Delete the worker here, in the GUI thread; its thread has finished."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.deleteLater()

    # --- slots (GUI thread) ------------------------------------------------------

    @Slot()
    def _on_worker_started(self) -> None:
        if self._listening:
            self.started.emit()

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
        run_thread = self._run_thread
        if run_thread is None or self.sender() is not run_thread:
            return  # shutdown() already dealt with this thread
        # QThread emits finished() from the thread, before its last steps: wait
        # for them, so that nothing runs there when the worker is deleted.
        run_thread.wait()
        self._listening = False
        self._run_thread = None
        self._drop_worker()
        if self._result is not None:
            self.finished.emit(self._result)
        else:
            self.errored.emit(self._error or self.tr("the run ended without a result"))
