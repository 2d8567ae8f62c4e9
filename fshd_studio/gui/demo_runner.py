"""`gui --demo`: generate the demo session once into the user's data folder (worker thread, progress
dialog with Cancel), then hand back its project path."""

from __future__ import annotations

import inspect
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QStandardPaths, QThreadPool, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled


def demo_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "demo" if base else Path.home() / ".local" / "share" / "fshd-studio" / "demo"


def existing_demo(folder: Path) -> Path | None:
    found = sorted(folder.glob("*.fshd.json")) if folder.is_dir() else []
    return found[0] if found else None


def _project_of(result: Any, folder: Path) -> Path:
    for attr in ("project", "project_path", "path"):
        v = getattr(result, attr, None)
        if isinstance(v, (str, Path)) and str(v).endswith(".fshd.json"):
            return Path(v)
    found = existing_demo(folder)
    if found is None:
        raise UserError(f"the demo generator wrote no project file into {folder}")
    return found


class _Signals(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object, str)  # project path or None, error message


class _DemoJob(QRunnable):
    def __init__(self, folder: Path, cancel: threading.Event) -> None:
        super().__init__()
        self.folder, self.cancel, self.signals = folder, cancel, _Signals()

    def run(self) -> None:
        try:
            from fshd_studio.demo import make_demo

            kwargs: dict[str, Any] = {}
            params = inspect.signature(make_demo).parameters
            open_kw = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in params.values())
            if "report" in params or open_kw:
                kwargs["report"] = lambda p: self.signals.progress.emit(p.stage, p.done, p.total)
            if "cancel" in params or open_kw:
                kwargs["cancel"] = self.cancel
            result = make_demo(self.folder, **kwargs)
            self.signals.finished.emit(_project_of(result, self.folder), "")
        except Cancelled:
            self.signals.finished.emit(None, "")
        except Exception as exc:  # shown to the user; the worker must always report back
            self.signals.finished.emit(None, f"{type(exc).__name__}: {exc}")


def ensure_demo(parent: QWidget | None, folder: Path | None = None) -> Path | None:
    """The demo project path, generating it first if needed. None when cancelled. Raises UserError."""
    folder = folder or demo_dir()
    found = existing_demo(folder)
    if found is not None:
        return found
    dlg = QProgressDialog("Generating the demo session…", "Cancel", 0, 0, parent)
    dlg.setWindowTitle("Demo session")
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.setMinimumDuration(0)
    cancel = threading.Event()
    job = _DemoJob(folder, cancel)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def on_progress(stage: str, done: int, total: int) -> None:
        dlg.setLabelText(f"Generating the demo session: {stage}…")
        dlg.setMaximum(max(total, 0))
        dlg.setValue(done)

    def on_finished(path: Any, error: str) -> None:
        outcome["path"], outcome["error"] = path, error
        loop.quit()

    job.signals.progress.connect(on_progress)
    job.signals.finished.connect(on_finished)
    dlg.canceled.connect(cancel.set)
    dlg.show()
    QThreadPool.globalInstance().start(job)
    loop.exec()  # a nested event loop that ends on the worker's signal (not a processEvents loop)
    dlg.close()
    if outcome.get("error"):
        raise UserError(f"could not generate the demo session in {folder}: {outcome['error']}")
    return outcome.get("path")

