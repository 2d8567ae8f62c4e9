"""The camera views side by side (one per camera in the session), each with its offset editor, over one
transport bar. The main window places this panel and calls `shutdown()` before it closes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from fshd_studio.gui.media.camera_view import CameraView
from fshd_studio.gui.media.frame_loader import ReaderOpener
from fshd_studio.gui.media.offset_editor import OffsetEditor
from fshd_studio.gui.media.transport import TransportBar


class MediaPanel(QWidget):
    relocate_requested = Signal(str)  # camera_id

    def __init__(self, controller: Any, opener: ReaderOpener | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._opener = opener
        self.views: dict[str, CameraView] = {}
        self.offset_editors: dict[str, OffsetEditor] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self._splitter = QSplitter(Qt.Orientation.Horizontal, self)
        lay.addWidget(self._splitter, 1)
        self.transport = TransportBar(controller, self)
        lay.addWidget(self.transport)
        controller.session_loaded.connect(self._rebuild)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._rebuild()

    def camera_ids(self) -> list[str]:
        session = self.controller.session
        return [c.id for c in session.cameras] if session else []

    def _rebuild(self) -> None:
        if list(self.views) == self.camera_ids():
            return  # the views reload themselves on session_loaded
        self.shutdown()
        for i in reversed(range(self._splitter.count())):
            w = self._splitter.widget(i)
            w.setParent(None)
            w.deleteLater()
        self.views.clear()
        self.offset_editors.clear()
        for cam_id in self.camera_ids():
            column = QWidget(self._splitter)
            col = QVBoxLayout(column)
            col.setContentsMargins(2, 2, 2, 2)
            view = CameraView(self.controller, cam_id, self._opener, column)
            view.relocate_requested.connect(self.relocate_requested)
            view.frame_painted.connect(self.transport.show_painted_frame)
            editor = OffsetEditor(self.controller, cam_id, column)
            editor.preview.connect(self._on_preview)
            col.addWidget(view, 1)
            col.addWidget(editor)
            self._splitter.addWidget(column)
            self.views[cam_id] = view
            self.offset_editors[cam_id] = editor

    def _on_preview(self, camera_id: str, offset_ms: float | None) -> None:
        view = self.views.get(camera_id)
        if view is not None:
            view.set_preview_offset(offset_ms)

    def shutdown(self) -> None:
        """Stop every camera's decoding thread (cooperative, bounded wait) and the playback clock."""
        self.transport.pause()
        for view in self.views.values():
            view.shutdown()

    # -- actions forwarded to the transport bar (for the main window's shortcut table) --------------
    def toggle_play(self) -> None:
        self.transport.toggle_play()

    def step_frames(self, n: int) -> None:
        self.transport.step_frames(n)

    def step_seconds(self, seconds: float) -> None:
        self.transport.step_seconds(seconds)

    def set_speed(self, speed: float) -> None:
        self.transport.set_speed(speed)

    def toggle_loop(self) -> None:
        self.transport.toggle_loop()

    def nudge_offset(self, camera_id: str, frames: int) -> None:
        self.offset_editors[camera_id].nudge_frames(frames)
