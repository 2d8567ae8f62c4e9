"""The timeline's ViewBox: wheel zooms and plain drag pans time only; Shift+drag sweeps out a new segment;
a click on empty space moves the playhead there."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal


class TimelineViewBox(pg.ViewBox):
    """Emits `sweep(start_s, end_s, finished)` while a Shift+left drag sweeps over the time axis."""

    sweep = Signal(float, float, bool)
    clicked_at = Signal(float)  # a left click on empty space, in session seconds

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(x=True, y=False)
        self._sweeping = False
        self._sweep_start = 0.0

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 - pyqtgraph override
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if ev.button() != Qt.MouseButton.LeftButton or not (shift or self._sweeping):
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        x = self.mapSceneToView(ev.scenePos()).x()
        if ev.isStart():
            self._sweeping = True
            self._sweep_start = self.mapSceneToView(ev.buttonDownScenePos()).x()
        if not self._sweeping:
            return
        lo, hi = sorted((self._sweep_start, x))
        if ev.isFinish():
            self._sweeping = False
        self.sweep.emit(lo, hi, not self._sweeping)

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph override
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.clicked_at.emit(float(self.mapSceneToView(ev.scenePos()).x()))
            return
        super().mouseClickEvent(ev)
