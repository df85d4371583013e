"""The one bridge between the window and the core: runs a core job in a QThread.

Nothing else in gui/ calls core.run or core.experiment.run_experiment, or touches
multiprocessing. A job is one run (RunController), one experiment
(ExperimentController), one exploration (ExploreController) or the check of
a loop file, whose top-level code runs in a probe process (LoopController);
a job on a loop file probes it first, as the command line does. All go
through the same worker and controller shape, superqt's
``new_worker_qthread``: a QObject worker moved to a QThread,
``thread.started -> worker.work``, the worker's last signal -> ``thread.quit``;
the worker is deleted (``deleteLater``) in the GUI thread once its thread has
finished. Control is cooperative (a core RunControl that the core polls); the
thread is never terminated, and shutdown waits for it with a bound.

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

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, SignalInstance, Slot

from core import ParamError, RunControl, RunInProgress, RunParams, run
from core.backends.redis_backend import serving
from core.backends.redis_queue import RemotePlan
from core.backends.redis_remote import RemoteWaiting
from core.cli_redis import DEFAULT_REMOTE_WAIT_S, shared_address
from core.experiment import ExperimentPlan, run_experiment
from core.explorer.grid import add_explorer_column
from core.explorer.isolated import explore_in_child
from core.explorer.session import ExploreRequest, explore
from core.launcher import ensure_process_room
from core.result import built_records
from core.schedule import StepControl
from core.user_loops import checked_loop, is_loop_id
from gui.i18n import core_text

# core.run returns within ~0.1 s of a cancel, plus cleanup whose steps are
# each bounded by a few seconds (pool terminate, joins, thread joins); an
# experiment's trials in flight end within about a second of a cancel.
DEFAULT_SHUTDOWN_TIMEOUT_S = 20.0

# A core job: called with (on_progress, control) in the worker's thread, returns the result.
Job = Callable[[Callable[[object], None], RunControl], object]


def probe_loop_files(*strategy_ids: str) -> None:
    """Import each loop file among the ids once in a probe process; LoopFileError if one fails."""
    for strategy_id in strategy_ids:
        if is_loop_id(strategy_id):
            checked_loop(strategy_id)


def refusal_text(error: ParamError | RunInProgress) -> str:
    """The core's refusal (bad parameters or spec, another run going) in the window's language."""
    if isinstance(error, ParamError):
        return error.sentence.render(core_text)
    return core_text(str(error))


@dataclass(frozen=True)
class SharedRedis:
    """A run's queue on a shared Redis server instead of the lab's own, as the window chose it.

    The password is never here: it comes from password_file, or from the
    QUEUESCOPE_REDIS_PASSWORD environment variable, when the run starts.
    remote_workers of the run's workers join from other hosts (main.py worker).
    """

    url: str
    password_file: str | None = None
    remote_workers: int = 0
    remote_wait_s: float = DEFAULT_REMOTE_WAIT_S


class CoreWorker(QObject):
    """Runs one core job, blocking, in the thread it was moved to.

    Signals:
        started(object): the job is about to start; carries what it runs
            (RunParams, ExperimentPlan or ExploreRequest).
        progress(object): a snapshot while it goes: Progress (a run, at most ~30 per
            second) or RemoteWaiting (a run's wait for its remote workers),
            ExperimentProgress (after every counted trial) or ExploreProgress.
        finished(object): the result, RunResult, ExperimentResult or Exploration;
            every child process has been reaped.
        errored(str): the core refused the job or it failed; one line, translated.

    Exactly one of finished or errored is emitted, last.
    """

    started = Signal(object)
    progress = Signal(object)
    finished = Signal(object)
    errored = Signal(str)

    def __init__(self, job: Job, subject: object, control: RunControl, failure: str) -> None:
        super().__init__()
        self._job = job
        self._subject = subject
        self._control = control
        self._failure = failure  # translated in the GUI thread, with an {error} placeholder

    @Slot()
    def work(self) -> None:
        self.started.emit(self._subject)
        try:
            # progress.emit is called in this thread (or one trial thread at a time);
            # Qt queues it to the GUI thread either way.
            result = self._job(self.progress.emit, self._control)
        except (ParamError, RunInProgress) as error:  # ExperimentSpecError is a ParamError
            self._end(self.errored, refusal_text(error))
        except Exception as error:  # a bug must end the thread, not leave it hanging
            last_line = traceback.format_exception_only(type(error), error)[-1].strip()
            # The Python error itself stays as Python wrote it.
            self._end(self.errored, self._failure.format(error=last_line))
        else:
            self._end(self.finished, result)

    def _end(self, last_signal: SignalInstance, value: object) -> None:
        """Hand this object back to the GUI thread, then emit the last signal.

        The controller deletes it there once the thread has finished (see the
        module docstring); nothing in this thread touches it afterwards.
        """
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())  # a push from its own thread, which Qt allows
        last_signal.emit(value)


class CoreController(QObject):
    """Owns one job thread at a time: start, cancel and stop, from the GUI thread.

    Lives in the GUI thread, so the worker's signals reach its slots queued,
    in the order they were emitted. The subclasses say what a job is.

    Signals:
        started(object): a job began in its thread.
        progress(object): a snapshot of the job.
        finished(object): the job ended and its thread has stopped.
        errored(str): the job could not start or failed; its thread has stopped.
    """

    started = Signal(object)
    progress = Signal(object)
    finished = Signal(object)
    errored = Signal(str)

    def __init__(self, thread_name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread_name = thread_name
        self._job_thread: QThread | None = None
        self._worker: CoreWorker | None = None
        self._control = RunControl()
        self._result: object | None = None
        self._error: str | None = None
        self._no_result = ""
        self._listening = False

    def is_running(self) -> bool:
        return self._job_thread is not None

    def _start(
        self,
        job: Job,
        subject: object,
        failure: str,
        no_result: str,
        stepping: StepControl | None = None,
    ) -> None:
        if self._job_thread is not None:
            raise RuntimeError(f"{self._thread_name} is already going")
        self._control = RunControl(stepping)
        self._result = None
        self._error = None
        self._no_result = no_result
        self._listening = True

        job_thread = QThread(self)
        job_thread.setObjectName(self._thread_name)
        worker = CoreWorker(job, subject, self._control, failure)
        worker.moveToThread(job_thread)

        job_thread.started.connect(worker.work)
        for last_signal in (worker.finished, worker.errored):
            last_signal.connect(job_thread.quit)
        worker.started.connect(self._on_worker_started)
        worker.progress.connect(self._on_worker_progress)
        worker.finished.connect(self._on_worker_finished)
        worker.errored.connect(self._on_worker_errored)
        # Our slot first: it must see the thread before deleteLater removes it; it
        # also deletes the worker (in this, the GUI thread).
        job_thread.finished.connect(self._on_thread_finished)
        job_thread.finished.connect(job_thread.deleteLater)

        self._job_thread = job_thread
        self._worker = worker
        job_thread.start()

    def cancel(self) -> bool:
        """Ask the job to stop; it ends (outcome "cancelled") shortly.

        False if no job was going (nothing to cancel).
        """
        if self._job_thread is None:
            return False
        self._control.cancel()
        return True

    def is_cancelling(self) -> bool:
        """A job is still going after cancel() asked it to stop."""
        return self._job_thread is not None and self._control.cancelled

    def shutdown(self, timeout_s: float = DEFAULT_SHUTDOWN_TIMEOUT_S) -> bool:
        """Cancel any job and wait for its thread; True once no thread runs.

        Blocks the calling (GUI) thread for at most timeout_s. Signals still
        queued from the stopped job are dropped.
        """
        self._control.cancel()
        job_thread = self._job_thread
        if job_thread is None:
            return True
        # quit() directly: the queued quit from the worker cannot run while
        # this thread is blocked in wait().
        job_thread.quit()
        if not job_thread.wait(int(timeout_s * 1000)):
            return False
        self._listening = False
        self._job_thread = None
        self._drop_worker()
        return True

    def _drop_worker(self) -> None:
        """Delete the worker here, in the GUI thread; its thread has finished."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.deleteLater()

    # --- slots (GUI thread) ------------------------------------------------------

    @Slot(object)
    def _on_worker_started(self, subject: Any) -> None:
        if self._listening:
            self.started.emit(subject)

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
        job_thread = self._job_thread
        if job_thread is None or self.sender() is not job_thread:
            return  # shutdown() already dealt with this thread
        # QThread emits finished() from the thread, before its last steps: wait
        # for them, so that nothing runs there when the worker is deleted.
        job_thread.wait()
        self._listening = False
        self._job_thread = None
        self._drop_worker()
        if self._result is not None:
            self.finished.emit(self._result)
        else:
            self.errored.emit(self._error or self._no_result)


class RunController(CoreController):
    """The window's only way to start, cancel and stop a single run.

    Signals:
        started(RunParams): a run began in its thread.
        progress(Progress): a snapshot of the running run.
        remoteWaiting(RemoteWaiting): the run waits for its remote workers (where they
            join, k of N joined so far); again after each one joins. A cancel ends the wait.
        finished(RunResult): the run ended and its thread has stopped.
        errored(str): the run could not start or failed (remote workers that did not
            come in time, a shared server that cannot be used); its thread has stopped.
    """

    remoteWaiting = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__("queuescope-run", parent)

    def start(
        self,
        params: RunParams,
        stepping: StepControl | None = None,
        shared: SharedRedis | None = None,
    ) -> None:
        """Start a run; with stepping, a controlled one (step mode) that stepping drives;
        with shared, its redis queue on that server, with its remote workers."""

        def job(on_progress: Callable[[object], None], control: RunControl) -> object:
            ensure_process_room(params.workers)  # or refused like bad parameters
            probe_loop_files(params.strategy)
            if shared is None:
                return built_records(run(params, on_progress=on_progress, control=control))
            address = shared_address(shared.url, shared.password_file)  # checked here, off-GUI
            remote = None
            if shared.remote_workers:
                # The wait travels with the snapshots: same queue, same order, same guard.
                remote = RemotePlan(
                    shared.remote_workers, shared.remote_wait_s, _unused_line, on_progress
                )
            with serving(address, remote):
                return built_records(run(params, on_progress=on_progress, control=control))

        self._start(
            job,
            params,
            failure=self.tr("the run failed: {error}"),
            no_result=self.tr("the run ended without a result"),
            stepping=stepping,
        )

    @Slot(object)
    def _on_worker_progress(self, progress: Any) -> None:
        if self._listening and isinstance(progress, RemoteWaiting):
            self.remoteWaiting.emit(progress)
        else:
            super()._on_worker_progress(progress)


def _unused_line(_text: str) -> None:
    """The command line's one-line announcement; the window shows RemoteWaiting instead."""


class ExperimentController(CoreController):
    """The window's only way to start, cancel and stop an experiment.

    Signals:
        started(ExperimentPlan): an experiment began in its thread.
        progress(ExperimentProgress): a trial finished (done/total, ETA, its cell's snapshot).
        finished(ExperimentResult): the experiment ended (done or cancelled); its thread stopped.
        errored(str): it could not start or failed; its thread has stopped.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__("queuescope-experiment", parent)

    def start(self, plan: ExperimentPlan) -> None:
        def job(on_progress: Callable[[object], None], control: RunControl) -> object:
            ensure_process_room(max(plan.spec.workers, default=0), plan.spec.parallel)
            probe_loop_files(*plan.spec.strategy_ids)
            # Trials keep their runs: the window drills down into them.
            result = run_experiment(plan, on_progress=on_progress, control=control, keep_runs=True)
            if plan.spec.explorer:
                add_explorer_column(result, lambda: control.cancelled)
            return result

        self._start(
            job,
            plan,
            failure=self.tr("the experiment failed: {error}"),
            no_result=self.tr("the experiment ended without a result"),
        )


class ExploreController(CoreController):
    """The window's only way to start, cancel and stop an exploration (core.explorer).

    The search runs the model in this job's thread; a find is then confirmed
    on real processes (core.run), so an exploration and a run never overlap.

    Signals:
        started(ExploreRequest): an exploration began in its thread.
        progress(ExploreProgress): schedules and states so far (at most ~10 a second).
        finished(Exploration): the search ended (found, none, or cancelled); its thread stopped.
        errored(str): it could not start or failed; its thread has stopped.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__("queuescope-explore", parent)

    def start(self, request: ExploreRequest) -> None:
        def job(on_progress: Callable[[object], None], control: RunControl) -> object:
            ensure_process_room(request.workers)  # for the confirmation on real processes
            if is_loop_id(request.strategy):  # the model would run the loop in this process
                probe_loop_files(request.strategy)
                return explore_in_child(request, control)
            return explore(request, on_progress, control)

        self._start(
            job,
            request,
            failure=self.tr("the exploration failed: {error}"),
            no_result=self.tr("the exploration ended without a result"),
        )


class LoopController(CoreController):
    """The window's way to check a loop file: its text, then its import in a probe process.

    Signals:
        started(str): the check of the file (FILE:FUNCTION) began in its thread.
        finished(Strategy): the file can run; the strategy is not registered yet
            (the window registers it, in the GUI thread).
        errored(str): why it cannot run, one line with the file, line and column.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__("queuescope-loop-check", parent)

    def start(self, spec: str) -> None:
        def job(_on_progress: Callable[[object], None], _control: RunControl) -> object:
            return checked_loop(spec)

        self._start(
            job,
            spec,
            failure=self.tr("checking the loop file failed: {error}"),
            no_result=self.tr("the check of the loop file ended without a result"),
        )
