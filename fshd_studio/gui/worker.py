"""Run one piece of long work on the thread pool while the window stays responsive.

`run_with_progress` shows a modal progress dialog (only when the work lasts longer than `show_after_ms`),
waits in a nested event loop that ends on the worker's own signal (no processEvents loop), and returns the
result or raises what the work raised. Cancel sets a threading.Event the work checks between its steps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from fshd_studio.core.progress import Cancelled


class _Signals(QObject):
    done = Signal(object, object)  # result, exception


class _Job(QRunnable):
    def __init__(self, work: Callable[[threading.Event], Any], cancel: threading.Event) -> None:
        super().__init__()
        self.work, self.cancel, self.signals = work, cancel, _Signals()

    def run(self) -> None:
        try:
            result = self.work(self.cancel)
        except BaseException as exc:  # handed back to the GUI thread, which re-raises it
            self.signals.done.emit(None, exc)
            return
        self.signals.done.emit(result, None)


def run_with_progress(parent: QWidget | None, label: str, work: Callable[[threading.Event], Any],
                      show_after_ms: int = 400) -> Any:
    """Run `work(cancel)` on the pool; returns its result. Raises Cancelled when the user cancelled."""
    cancel = threading.Event()
    job = _Job(work, cancel)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    dialogs: list[QProgressDialog] = []

    def on_done(result: Any, exc: Any) -> None:
        outcome["result"], outcome["exc"] = result, exc
        loop.quit()

    def show_progress() -> None:  # only for work that takes a while: no flicker for quick opens
        if "exc" in outcome:
            return
        dlg = QProgressDialog(label, "Cancel", 0, 0, parent)
        dlg.setWindowTitle("FSHD Studio")
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.canceled.connect(cancel.set)
        dlg.show()
        dialogs.append(dlg)

    job.signals.done.connect(on_done)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(show_progress)
    timer.start(show_after_ms)
    QThreadPool.globalInstance().start(job)
    loop.exec()
    timer.stop()
    cancelled = cancel.is_set()  # before closing: a QProgressDialog emits canceled() when it closes
    for dlg in dialogs:
        dlg.canceled.disconnect(cancel.set)
        dlg.close()
        dlg.deleteLater()
    if outcome.get("exc") is not None:
        raise outcome["exc"]
    if cancelled:
        raise Cancelled()
    return outcome.get("result")
