"""One camera's picture: the frame for the playhead, scaled with its aspect ratio, with an overlay.

The overlay's frame number is the index that came with the painted image (never the requested one),
so the number shown is the frame shown. Ctrl+drag sideways previews a new sync offset and commits it
as one undo step on release (`controller.change_offset`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from fshd_studio.core.session import Camera
from fshd_studio.gui.media.frame_loader import DecodedFrame, FrameLoader, ReaderOpener
from fshd_studio.gui.media.timefmt import format_ms

DRAG_MS_PER_PIXEL = 2.0  # Ctrl+drag: 50 px move the offset by 100 ms
_STOPPING: set[FrameLoader] = set()  # loaders asked to stop whose last decode has not returned yet


def _prescaled(image: QSize, widget: QSize) -> bool:
    """The image fits the widget and touches it on one axis (±1 px): it was scaled for this widget."""
    fits = image.width() <= widget.width() and image.height() <= widget.height()
    return fits and (abs(image.width() - widget.width()) <= 1 or abs(image.height() - widget.height()) <= 1)


class CameraView(QWidget):
    """Shows camera `camera_id` at the controller's playhead; decoding runs on its own FrameLoader."""

    relocate_requested = Signal(str)  # camera_id: the user asked to point the camera at its moved video
    frame_painted = Signal(str, int)  # camera_id, frame index: emitted once a new frame has been painted

    def __init__(self, controller: Any, camera_id: str, opener: ReaderOpener | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.camera_id = camera_id
        self._opener = opener
        self._loader: FrameLoader | None = None
        self._frame: DecodedFrame | None = None
        self._wanted: int | None = None
        self._message = ""
        self._preview_offset: float | None = None
        self._drag_x: float | None = None
        self._drag_start_offset = 0.0
        self._painted: DecodedFrame | None = None
        self.frame_overlay: Callable[[QPainter, CameraView], None] | None = None  # drawn over the frame (heatmap)
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._relocate = QPushButton("Relocate video…", self)
        self._relocate.clicked.connect(lambda: self.relocate_requested.emit(self.camera_id))
        self._relocate.hide()
        controller.session_loaded.connect(self.reload)
        controller.playhead_moved.connect(self._on_playhead)
        controller.offset_changed.connect(self._on_offset_changed)
        self.reload()

    # -- public ---------------------------------------------------------------------------------------
    @property
    def shown_index(self) -> int | None:
        """Index of the frame currently painted, or None."""
        return self._frame.index if self._frame else None

    @property
    def shown_frame(self) -> DecodedFrame | None:
        return self._frame

    @property
    def wanted_index(self) -> int | None:
        return self._wanted

    @property
    def loader(self) -> FrameLoader | None:
        return self._loader

    def camera(self) -> Camera | None:
        """This view's camera in the current session (None once a new session no longer has it)."""
        session = self.controller.session
        if session is None:
            return None
        return next((c for c in session.cameras if c.id == self.camera_id), None)

    def offset_ms(self) -> float:
        if self._preview_offset is not None:
            return self._preview_offset
        cam = self.camera()
        return cam.offset_ms if cam else 0.0

    def camera_ms(self) -> float:
        return self.controller.playhead_ms() + self.offset_ms()

    def set_preview_offset(self, offset_ms: float | None) -> None:
        """Show the picture as if the offset were `offset_ms` (during a drag); None returns to the real one."""
        self._preview_offset = offset_ms
        self.refresh()

    def reload(self) -> None:
        """(Re)open the camera's video after a session load or relocation."""
        self.shutdown()
        self._frame, self._wanted, self._message = None, None, ""
        cam = self.camera()
        if cam is None:
            self._show_missing("")  # no session, or a view of the previous session awaiting deletion
            return
        video = Path(cam.video)
        problem = self.controller.video_problem(self.camera_id)
        if problem:
            self._show_missing(f"{problem} — relocate\n{video.name}")
            return
        self._relocate.hide()
        self._loader = FrameLoader(self.camera_id, video, self._opener)
        if self.testAttribute(Qt.WidgetAttribute.WA_Resized) or self.isVisible():
            self._loader.set_target_size(self._target_size())
        self._loader.frame_ready.connect(self._on_frame)
        self._loader.failed.connect(self._on_failed)
        self.refresh()

    def refresh(self) -> None:
        """Request the frame that belongs on screen for the current playhead and offset."""
        tb = self.controller.timebase(self.camera_id)
        if tb is None or self._loader is None:
            return
        index = tb.frame_at(self.camera_ms())
        if index != self._wanted or self._frame is None:
            self._wanted = index
            self._loader.request(index)  # the new frame's arrival repaints
        else:
            self.update()  # same frame, new camera time in the overlay

    def shutdown(self) -> None:
        """Stop the decoding thread (bounded wait). Call before the window closes."""
        loader, self._loader = self._loader, None
        if loader is None:
            return
        loader.frame_ready.disconnect(self._on_frame)
        if not loader.stop():  # a decode still running after the bounded wait: keep the thread object
            _STOPPING.add(loader)  # alive until it ends (destroying a running QThread aborts the process)
            loader.finished.connect(lambda: _STOPPING.discard(loader))

    # -- slots ----------------------------------------------------------------------------------------
    def _on_playhead(self, _ms: float) -> None:
        self.refresh()

    def _on_offset_changed(self, camera_id: str) -> None:
        if camera_id == self.camera_id:
            self.refresh()

    def _on_frame(self, frame: DecodedFrame) -> None:
        if frame.camera_id != self.camera_id:
            return
        self._frame = frame
        self.update()

    def _on_failed(self, _camera_id: str, message: str) -> None:
        self._message = message
        self.update()

    def _show_missing(self, message: str) -> None:
        self._message = message
        self._relocate.setVisible(bool(message))
        self._place_button()
        self.update()

    # -- painting -------------------------------------------------------------------------------------
    def image_rect(self) -> QRect:
        """Where the frame is drawn: the widget's rect shrunk to the frame's aspect ratio, centred."""
        if self._frame is None:
            return QRect()
        img = self._frame.image
        size = img.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        if self.devicePixelRatioF() == 1.0 and _prescaled(img.size(), self.size()):
            size = img.size()  # the loader already scaled it for this view: paint it 1:1 (a plain copy)
        x = (self.width() - size.width()) // 2
        y = (self.height() - size.height()) // 2
        return QRect(x, y, size.width(), size.height())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(16, 16, 16))
        if self._frame is not None and not self._message:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            p.drawImage(self.image_rect(), self._frame.image)
            if self.frame_overlay is not None:
                self.frame_overlay(p, self)
        self._paint_overlay(p)
        p.end()
        if self._frame is not None and self._frame is not self._painted:
            self._painted = self._frame
            self.frame_painted.emit(self.camera_id, self._frame.index)

    def _overlay_lines(self) -> list[str]:
        cam = self.camera()
        if cam is None:
            return []
        title = cam.label or cam.id
        if self._message:
            return [title, self._message]
        frame = "—" if self._frame is None else str(self._frame.index)
        offset = self.offset_ms()
        lines = [title, f"frame {frame}   camera {format_ms(self.camera_ms())}",
                 f"offset {offset:+.1f} ms" + ("  (dragging)" if self._preview_offset is not None else "")]
        tb = self.controller.timebase(self.camera_id)
        if tb is not None and not tb.contains(self.camera_ms()):
            lines.append("outside the recording")
        return lines

    def _paint_overlay(self, p: QPainter) -> None:
        lines = self._overlay_lines()
        if not lines:
            return
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF()))
        p.setFont(font)
        fm = p.fontMetrics()
        h = fm.height() * len(lines) + 8
        w = max(fm.horizontalAdvance(t) for ln in lines for t in ln.split("\n")) + 12
        p.fillRect(QRectF(4, 4, w, h + fm.height() * sum(ln.count("\n") for ln in lines)), QColor(0, 0, 0, 150))
        p.setPen(QColor(255, 255, 255))
        y = 4 + fm.ascent() + 4
        for line in lines:
            for part in line.split("\n"):
                p.drawText(QPointF(10, y), part)
                y += fm.height()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_button()
        if self._loader is not None:
            self._loader.set_target_size(self._target_size())
            if self._wanted is not None:
                self._loader.request(self._wanted)  # the same frame, scaled for the new size

    def _target_size(self) -> QSize:
        dpr = self.devicePixelRatioF()
        return QSize(max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr)))

    def _place_button(self) -> None:
        b = self._relocate
        b.adjustSize()
        b.move((self.width() - b.width()) // 2, (self.height() - b.height()) // 2 + 30)

    # -- Ctrl+drag edits the sync offset --------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._drag_x = event.position().x()
            self._drag_start_offset = self.offset_ms()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag_x is None:
            return super().mouseMoveEvent(event)
        self.set_preview_offset(self._drag_offset(event))
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag_x is None:
            return super().mouseReleaseEvent(event)
        new = self._drag_offset(event)
        self._drag_x = None
        self._preview_offset = None
        if new != self._drag_start_offset:
            self.controller.change_offset(self.camera_id, new)  # one undo step for the whole drag
        self.refresh()
        event.accept()

    def _drag_offset(self, event: QMouseEvent) -> float:
        dx = event.position().x() - (self._drag_x or 0.0)
        return round(self._drag_start_offset + dx * DRAG_MS_PER_PIXEL, 1)
