"""Per-camera sync offset: type a value (ms), nudge ±1 frame, or drag the jog slider; one undo step each.

The offset follows ELAN's TIME_ORIGIN: camera_ms = session_ms + offset_ms. Saving it to the project and to
the EAF is the controller's job; this widget only calls `controller.change_offset`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

JOG_RANGE_MS = 2000  # the jog slider moves the offset by up to ±2 s per drag


class OffsetEditor(QWidget):
    """Edits one camera's offset. While the jog slider is dragged it emits `preview` (no model change)."""

    preview = Signal(str, object)  # camera_id, offset_ms or None when the drag ends

    def __init__(self, controller: Any, camera_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.camera_id = camera_id
        self._jog_base = 0.0
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.minus = QToolButton(self)
        self.minus.setText("−1 f")
        self.minus.setToolTip("Offset one frame earlier")
        self.minus.clicked.connect(lambda: self.nudge_frames(-1))
        self.spin = QDoubleSpinBox(self)
        self.spin.setRange(-86_400_000.0, 86_400_000.0)
        self.spin.setDecimals(1)
        self.spin.setSuffix(" ms")
        self.spin.setKeyboardTracking(False)  # typing commits on Enter / focus out: one step per value
        self.spin.setToolTip("Sync offset (ELAN TIME_ORIGIN): camera time = session time + offset")
        self.spin.valueChanged.connect(self.set_offset)
        self.plus = QToolButton(self)
        self.plus.setText("+1 f")
        self.plus.setToolTip("Offset one frame later")
        self.plus.clicked.connect(lambda: self.nudge_frames(1))
        self.jog = QSlider(Qt.Orientation.Horizontal, self)
        self.jog.setRange(-JOG_RANGE_MS, JOG_RANGE_MS)
        self.jog.setToolTip("Drag to slide this camera against the others; released = one undo step")
        self.jog.sliderPressed.connect(self._jog_start)
        self.jog.sliderMoved.connect(self._jog_move)
        self.jog.sliderReleased.connect(self._jog_end)
        for w in (self.label, self.minus, self.spin, self.plus):
            lay.addWidget(w)
        lay.addWidget(self.jog, 1)
        controller.session_loaded.connect(self.refresh)
        controller.offset_changed.connect(self._on_offset_changed)
        self.refresh()

    def current_offset(self) -> float:
        session = self.controller.session
        cam = next((c for c in session.cameras if c.id == self.camera_id), None) if session else None
        return cam.offset_ms if cam else 0.0

    def frame_period_ms(self) -> float:
        tb = self.controller.timebase(self.camera_id)
        return tb.frame_period_ms if tb is not None else 1000.0 / 30.0

    # -- actions --------------------------------------------------------------------------------------
    def set_offset(self, offset_ms: float) -> None:
        if self.controller.session is None or abs(offset_ms - self.current_offset()) < 1e-9:
            return
        self.controller.change_offset(self.camera_id, float(offset_ms))

    def nudge_frames(self, n: int) -> None:
        """Shift this camera by `n` of its own frames (one undo step)."""
        self.set_offset(self.current_offset() + n * self.frame_period_ms())

    # -- jog drag: preview live, commit once ----------------------------------------------------------
    def _jog_start(self) -> None:
        self._jog_base = self.current_offset()

    def _jog_move(self, value: int) -> None:
        self.preview.emit(self.camera_id, self._jog_base + value)
        with QSignalBlocker(self.spin):
            self.spin.setValue(self._jog_base + value)

    def _jog_end(self) -> None:
        new = self._jog_base + self.jog.value()
        with QSignalBlocker(self.jog):
            self.jog.setValue(0)
        self.preview.emit(self.camera_id, None)
        self.set_offset(new)
        self.refresh()

    # -- observers ------------------------------------------------------------------------------------
    def _on_offset_changed(self, camera_id: str) -> None:
        if camera_id == self.camera_id:
            self.refresh()

    def refresh(self) -> None:
        session = self.controller.session
        self.setEnabled(session is not None)
        if session is None or self.camera_id not in {c.id for c in session.cameras}:
            return  # no session, or an editor of the previous session awaiting deletion
        cam = session.camera(self.camera_id)
        self.label.setText(f"{cam.label or cam.id} offset")
        with QSignalBlocker(self.spin):
            self.spin.setValue(cam.offset_ms)
