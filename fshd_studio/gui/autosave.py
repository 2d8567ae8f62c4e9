"""Autosave to a sidecar file while the session has unsaved changes, and crash recovery.

The sidecar `<project>.autosave` (e.g. `visit.fshd.json.autosave`) sits beside the project and has the
project file's format, so recovering is loading it. It is written atomically every few seconds while the
session is dirty, and removed after a clean save or a deliberate "discard" on quit. A sidecar that is still
there when the project is opened again, and newer than the project, means the app did not end cleanly.
An untitled session (never saved) is autosaved into the user's data folder.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from fshd_studio.gui.controller import SessionController

log = logging.getLogger(__name__)

SUFFIX = ".autosave"
UNTITLED = "untitled.fshd.json"


def recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".local" / "share" / "fshd-studio") / "recovery"


def sidecar_for(project_path: Path | None) -> Path:
    if project_path is None:
        return recovery_dir() / (UNTITLED + SUFFIX)
    project_path = Path(project_path)
    return project_path.with_name(project_path.name + SUFFIX)


def pending_recovery(project_path: Path | None) -> Path | None:
    """The sidecar left by a session that did not end cleanly, if it is newer than the project."""
    side = sidecar_for(project_path)
    if not side.is_file():
        return None
    if project_path is not None and Path(project_path).is_file():
        if side.stat().st_mtime + 1e-3 < Path(project_path).stat().st_mtime:
            return None  # older than the saved project: a leftover, not newer work
    return side


def discard_sidecar(project_path: Path | None) -> None:
    sidecar_for(project_path).unlink(missing_ok=True)


class Autosaver(QObject):
    """Writes the sidecar every `interval_s` seconds while the controller is dirty and something changed."""

    saved = Signal(str)  # sidecar path
    failed = Signal(str)  # message

    def __init__(self, controller: SessionController, interval_s: float = 5.0, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self._changed = False
        self._last_path: Path | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(int(interval_s * 1000))
        self.timer.timeout.connect(self.autosave_if_needed)
        self.timer.start()
        for sig in (controller.segment_changed, controller.offset_changed, controller.properties_changed):
            sig.connect(self._on_change)
        controller.dirty_changed.connect(self._on_dirty)
        controller.session_loaded.connect(self._on_loaded)

    def set_interval(self, seconds: float) -> None:
        self.timer.setInterval(max(50, int(seconds * 1000)))

    def _on_change(self, *_args: object) -> None:
        self._changed = True

    def _on_loaded(self) -> None:
        # a relocated video or a recovered session is dirty without an edit: autosave it too
        self._changed = self.controller.is_dirty()
        if self.controller.project_path is None:  # untitled (new or recovered): its sidecar is in the data folder
            self._last_path = sidecar_for(None) if sidecar_for(None).is_file() else self._last_path

    def _on_dirty(self, dirty: bool) -> None:
        if dirty:
            self._changed = True
        else:  # saved: the project file holds everything now
            self._changed = False
            self.remove_sidecar()

    def sidecar(self) -> Path:
        return sidecar_for(self.controller.project_path)

    def autosave_if_needed(self) -> bool:
        if self.controller.session is None or not self.controller.is_dirty() or not self._changed:
            return False
        return self.autosave_now()

    def autosave_now(self) -> bool:
        from fshd_studio.io.project import save_autosave

        session = self.controller.session
        if session is None:
            return False
        target = self.sidecar()
        project = self.controller.project_path or target.with_name(UNTITLED)
        try:
            save_autosave(session, target, project)
        except OSError as exc:
            log.warning("autosave to %s failed: %s", target, exc)
            self.failed.emit(f"Autosave failed: {exc}")
            return False
        self._changed = False
        self._last_path = target
        self.saved.emit(str(target))
        return True

    def remove_sidecar(self) -> None:
        for p in {self.sidecar(), self._last_path}:
            if p is not None:
                p.unlink(missing_ok=True)
        self._last_path = None
