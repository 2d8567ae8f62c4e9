"""Run one piece of long work on the thread pool while the window stays responsive.

`run_with_progress` shows a modal progress dialog (only when the work lasts longer than `show_after_ms`),
waits in a nested event loop that ends on the worker's own signal (no processEvents loop), and returns the
result or raises what the work raised. Cancel sets a threading.Event the work checks between its steps.
With `reported=True` the work is called as `work(cancel, report)`: the Progress it reports is polled by the GUI
thread (latest wins, a few times a second) and drawn as a determinate bar with the stage name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QWidget

from fshd_studio.core.progress import Cancelled, Progress

POLL_MS = 100


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


def run_with_progress(parent: QWidget | None, label: str, work: Callable[..., Any],
                      show_after_ms: int = 400, reported: bool = False) -> Any:
    """Run `work(cancel)` (or `work(cancel, report)`) on the pool; returns its result.
    Raises Cancelled when the user cancelled."""
    cancel = threading.Event()
    latest: list[Progress] = []

    def report(p: Progress) -> None:  # worker thread: one list slot, read by the GUI thread's poll
        latest[:] = [p]

    job = _Job((lambda c: work(c, report)) if reported else work, cancel)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    dialogs: list[tuple[QProgressDialog, QProgressBar]] = []

    def on_done(result: Any, exc: Any) -> None:
        outcome["result"], outcome["exc"] = result, exc
        loop.quit()

    def show_progress() -> None:  # only for work that takes a while: no flicker for quick opens
        if "exc" in outcome:
            return
        dlg = QProgressDialog(label, "Cancel", 0, 0, parent)
        bar = QProgressBar(dlg)  # set directly: QProgressDialog.setValue runs processEvents when modal
        bar.setRange(0, 0)
        dlg.setBar(bar)
        dlg.setWindowTitle("FSHD Studio")
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.canceled.connect(cancel.set)
        dlg.show()
        dialogs.append((dlg, bar))

    def poll() -> None:
        if not dialogs or not latest:
            return
        p, (dlg, bar) = latest[0], dialogs[0]
        if p.total > 0:
            bar.setRange(0, p.total)
            bar.setValue(min(p.done, p.total))
        dlg.setLabelText(f"{label}\n{p.stage.replace('_', ' ')}" + (f": {p.done} of {p.total}" if p.total else ""))

    job.signals.done.connect(on_done)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(show_progress)
    timer.start(show_after_ms)
    poller = QTimer()
    poller.timeout.connect(poll)
    if reported:
        poller.start(POLL_MS)
    QThreadPool.globalInstance().start(job)
    loop.exec()
    timer.stop()
    poller.stop()
    cancelled = cancel.is_set()  # before closing: a QProgressDialog emits canceled() when it closes
    for dlg, _bar in dialogs:
        dlg.canceled.disconnect(cancel.set)
        dlg.close()
        dlg.deleteLater()
    if dialogs and parent is not None:
        parent.activateWindow()  # the keys go back to the window (not all platforms do this on their own)
    if outcome.get("exc") is not None:
        raise outcome["exc"]
    if cancelled:
        raise Cancelled()
    return outcome.get("result")
