"""The one job runner of the window: long work off the GUI thread, non-modal, with progress and Cancel.

    job = window.jobs.start("Scoring the session", lambda report, cancel: score_session(..., report=report,
                            cancel=cancel, on_score=job_partial), on_done=..., on_error=..., on_partial=...)

`fn(report, cancel)` runs on the runner's own thread pool with DESIGN.md's shape: it calls `report(Progress)`
and checks `cancel` (a threading.Event). Every callback runs on the GUI thread. A job's intermediate results
(e.g. one exercise's score) go through `job.partial(obj)`, which the work function may call from its thread.
Progress is throttled (the GUI thread is never flooded); the latest value always wins. `shutdown()` (called
when the window closes) cancels every running job and waits a bounded time for them to stop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled, Progress

log = logging.getLogger(__name__)
THROTTLE_S = 0.05


class Job(QObject):
    """One piece of long work. Lives on the GUI thread; its signals are emitted from the worker."""

    progressed = Signal(object)   # Progress
    partial_result = Signal(object)
    finished = Signal(object)     # the work's return value
    failed = Signal(str)          # one message for the user
    cancelled = Signal()
    ended = Signal()              # after any of finished / failed / cancelled

    def __init__(self, name: str, fn: Callable[..., Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name, self.fn = name, fn
        self.cancel_event = threading.Event()
        self.started_at = time.monotonic()
        self.latest: Progress | None = None
        self.running = True
        self._last_emit = 0.0

    def cancel(self) -> None:
        self.cancel_event.set()

    def partial(self, obj: object) -> None:
        """Hand an intermediate result to the GUI thread (callable from the worker)."""
        self.partial_result.emit(obj)

    def seconds_left(self) -> float | None:
        p = self.latest
        if p is None or p.total <= 0 or p.done <= 0:
            return None
        elapsed = time.monotonic() - self.started_at
        return elapsed * (p.total - p.done) / p.done

    def _report(self, p: Progress) -> None:  # worker thread
        self.latest = p
        now = time.monotonic()
        if now - self._last_emit >= THROTTLE_S or p.done >= p.total:
            self._last_emit = now
            self.progressed.emit(p)

    def _run(self) -> None:  # worker thread
        try:
            result = self.fn(self._report, self.cancel_event)
        except Cancelled:
            self.cancelled.emit()
        except UserError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a worker never dies silently: the user sees it, the log keeps the stack
            log.exception("job %r failed", self.name)
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            if self.cancel_event.is_set():
                self.cancelled.emit()
            else:
                self.finished.emit(result)
        self.ended.emit()


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:
        self.job._run()


class JobRunner(QObject):
    """Owns the running jobs of one window."""

    changed = Signal()  # a job started or ended

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self.jobs: list[Job] = []

    def start(self, name: str, fn: Callable[[Callable[[Progress], None], threading.Event], Any], *,
              on_done: Callable[[Any], None] | None = None, on_error: Callable[[str], None] | None = None,
              on_cancelled: Callable[[], None] | None = None,
              on_progress: Callable[[Progress], None] | None = None,
              on_partial: Callable[[Any], None] | None = None) -> Job:
        job = Job(name, fn, self)
        for signal, slot in ((job.finished, on_done), (job.failed, on_error), (job.cancelled, on_cancelled),
                             (job.progressed, on_progress), (job.partial_result, on_partial)):
            if slot is not None:
                signal.connect(slot)
        job.progressed.connect(lambda _p: self.changed.emit())
        job.ended.connect(lambda: self._ended(job))
        self.jobs.append(job)
        self.changed.emit()
        self.pool.start(_Runnable(job))
        return job

    def running(self, name: str | None = None) -> list[Job]:
        return [j for j in self.jobs if j.running and (name is None or j.name == name)]

    def cancel_all(self) -> None:
        for job in self.jobs:
            job.cancel()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancel everything and wait (bounded) for the workers to stop. True when all stopped."""
        self.cancel_all()
        return self.pool.waitForDone(timeout_ms)

    def _ended(self, job: Job) -> None:
        job.running = False
        if job in self.jobs:
            self.jobs.remove(job)
        self.changed.emit()
