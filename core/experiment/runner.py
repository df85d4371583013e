"""Running an experiment: every trial of every cell, one or several at a time, cancellable."""

from __future__ import annotations

import gc
import threading
import time

from core.control import RunControl
from core.engine import exclusive_runs, run_unlocked
from core.experiment.plan import ExperimentPlan, plan_experiment
from core.experiment.results import (
    CellResult,
    ExperimentProgress,
    ExperimentProgressCallback,
    ExperimentResult,
    TrialSummary,
)
from core.experiment.spec import ExperimentSpec, spec_error
from core.result import RunResult
from core.text import translatable


def run_experiment(
    spec: ExperimentSpec | ExperimentPlan,
    on_progress: ExperimentProgressCallback | None = None,
    control: RunControl | None = None,
    keep_runs: bool = True,
) -> ExperimentResult:
    """Run every trial of every cell; blocks until done or cancelled.

    Holds exclusive_runs() throughout, so no single run can start meanwhile
    (RunInProgress at once if one is going). Trials run one after another,
    or spec.parallel at a time on that many threads. on_progress is called
    after every trial, one call at a time, from the thread that ran it.
    control.cancel() stops the trials in flight (each returns within about a
    second, its processes gone) and starts no new one; the result then has
    cancelled=True and the trials done so far. keep_runs keeps each trial's
    full RunResult (records included) in TrialSummary.run: needed to open a
    trial's single-run views, but memory grows with items × trials.

    Raises ExperimentSpecError for a bad spec, before anything runs.
    """
    plan = spec if isinstance(spec, ExperimentPlan) else plan_experiment(spec)
    if "fork" in plan.spec.start_methods and threading.active_count() > 1:
        raise spec_error(
            translatable(
                "core",
                "start method fork is refused in a process with threads (the child would "
                "inherit locks held by other threads); use spawn or forkserver",
            )
        )
    with exclusive_runs():
        return _Experiment(plan, on_progress, control or RunControl(), keep_runs).execute()


class _Experiment:
    def __init__(
        self,
        plan: ExperimentPlan,
        on_progress: ExperimentProgressCallback | None,
        control: RunControl,
        keep_runs: bool,
    ) -> None:
        self.plan = plan
        self.on_progress = on_progress
        self.control = control  # shared with every trial: one cancel stops them all
        self.keep_runs = keep_runs
        self.cells = [CellResult(cell) for cell in plan.cells]
        self.jobs = plan.order()
        self.lock = threading.Lock()
        self.done = 0
        self.running = 0
        self.error: BaseException | None = None
        self.t0 = 0.0

    def execute(self) -> ExperimentResult:
        self.t0 = time.monotonic()
        started_at = time.time()
        total = self.plan.total_trials
        self._report(None, None)
        threads_wanted = min(self.plan.spec.parallel, total)
        if threads_wanted <= 1:
            self._work()
        else:
            threads = [
                threading.Thread(target=self._work, name=f"queuescope-trial-{k + 1}", daemon=True)
                for k in range(threads_wanted)
            ]
            for thread in threads:
                thread.start()
            try:
                for thread in threads:
                    while thread.is_alive():
                        thread.join(0.1)
            except BaseException:
                # KeyboardInterrupt while waiting: stop the trials, leave no child.
                self.control.cancel()
                for thread in threads:
                    thread.join()
                raise
        if threads_wanted > 1:
            # Each run collects its own cycles (queues, pools) as it ends, but a
            # gc.collect() that starts while another thread's collection is under
            # way does nothing, so a parallel run's named semaphores can outlive
            # it. Nothing else runs now: collect once more.
            gc.collect()
        if self.error is not None:
            raise self.error
        for cell in self.cells:
            cell.trials.sort(key=lambda t: t.trial)
        return ExperimentResult(
            plan=self.plan,
            cells=self.cells,
            cancelled=self.done < total,
            trials_done=self.done,
            trials_total=total,
            elapsed_s=time.monotonic() - self.t0,
            started_at=started_at,
        )

    def _next(self) -> tuple[int, int] | None:
        with self.lock:
            if self.control.cancelled or self.error is not None:
                return None
            job = next(self.jobs, None)
            if job is not None:
                self.running += 1
            return job

    def _work(self) -> None:
        while (job := self._next()) is not None:
            cell, trial = job
            try:
                result = run_unlocked(self.plan.trial_params(cell, trial), None, self.control)
            except BaseException as error:
                with self.lock:
                    self.running -= 1
                    if self.error is None:
                        self.error = error
                return
            try:
                self._record(cell, trial, result)
            except BaseException as error:  # a failing progress callback
                with self.lock:
                    if self.error is None:
                        self.error = error
                return

    def _record(self, cell: int, trial: int, result: RunResult) -> None:
        with self.lock:
            self.running -= 1
            if result.outcome == "cancelled" or "cancelled" in result.outcomes:
                return  # cut short by our cancel: not a measurement
            summary = TrialSummary.of(cell, trial, result, self.keep_runs)
            self.cells[cell].trials.append(summary)
            self.done += 1
            self._report(summary, self.cells[cell].snapshot())

    def _report(self, summary: TrialSummary | None, cell: CellResult | None) -> None:
        if self.on_progress is None:
            return
        elapsed = time.monotonic() - self.t0
        total = self.plan.total_trials
        eta = elapsed / self.done * (total - self.done) if self.done else None
        self.on_progress(
            ExperimentProgress(
                done=self.done,
                total=total,
                elapsed_s=elapsed,
                eta_s=eta,
                running=self.running,
                trial=summary,
                cell=cell,
            )
        )
