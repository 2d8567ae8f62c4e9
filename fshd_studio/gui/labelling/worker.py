"""Run a long domain function (report/cancel shape of DESIGN.md) on the thread pool, with Qt signals."""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled, Progress


class JobSignals(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class Job(QRunnable):
    """`fn(report=..., cancel=...)` in a pool thread; results come back as queued signals."""

    def __init__(self, fn: Callable[..., Any]):
        super().__init__()
        self.fn = fn
        self.cancel = threading.Event()
        self.signals = JobSignals()

    def run(self) -> None:
        def report(p: Progress) -> None:
            self.signals.progress.emit(p.stage, p.done, p.total)
        try:
            result = self.fn(report=report, cancel=self.cancel)
        except Cancelled:
            self.signals.cancelled.emit()
        except UserError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a worker must never die silently: show it to the user
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.signals.finished.emit(result)

    def start(self) -> None:
        QThreadPool.globalInstance().start(self)
