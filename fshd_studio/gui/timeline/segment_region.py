"""One exercise segment on the timeline: a LinearRegionItem limited to the exercise lane, with a label."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF

from fshd_studio.core.protocol import Exercise
from fshd_studio.core.session import Segment
from fshd_studio.gui.timeline.style import edge_pen, hover_pen, region_brush


def elide(text: str, font: QFont, width_px: float) -> str:
    """`text` shortened with an ellipsis to fit `width_px`; empty when not even two characters fit."""
    metrics = QFontMetricsF(font)
    if width_px < metrics.horizontalAdvance("00"):
        return ""
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width_px)


class SegmentRegion(pg.LinearRegionItem):
    """Drag the body to move, an edge to resize. Emits `clicked(exercise_id)` on a left click.

    Values are session seconds. The widget applies model values with signals blocked and commits a
    drag once, on `sigRegionChangeFinished`.
    """

    clicked = Signal(int)

    def __init__(self, segment: Segment, exercise: Exercise | None, span: tuple[float, float],
                 bounds: tuple[float, float]) -> None:
        super().__init__(values=(segment.span.start_ms / 1000.0, segment.span.end_ms / 1000.0),
                         orientation="vertical", movable=True, bounds=bounds, span=span, swapMode="sort")
        self.exercise_id = segment.exercise_id
        self.setZValue(10)
        self.label = pg.TextItem(anchor=(0, 0), color=(235, 235, 235))
        self.label.setParentItem(self)
        self._lane_top = 1.0
        self._px_per_s = 0.0
        self.full_text = ""
        self.sigRegionChanged.connect(self._place_label)
        self.sigRegionChanged.connect(lambda: self.fit_label(self._px_per_s))
        self.apply(segment, exercise, selected=False)

    def apply(self, segment: Segment, exercise: Exercise | None, selected: bool) -> None:
        """Show `segment` (position, label, style) without emitting region-change signals."""
        self.blockSignals(True)
        try:
            self.setRegion((segment.span.start_ms / 1000.0, segment.span.end_ms / 1000.0))
        finally:
            self.blockSignals(False)
        name = exercise.label() if exercise else f"{segment.exercise_id:02d} ?"
        self.full_text = name + ("" if segment.status.value == "draft" else f" · {segment.status.value}")
        span = segment.span  # the whole name stays reachable when the label is elided to the region's width
        self.setToolTip(f"{self.full_text}\n{span.start_ms / 1000.0:.2f}–{span.end_ms / 1000.0:.2f} s"
                        f" ({span.duration_ms / 1000.0:.2f} s)" + (f"\nby {segment.annotator}" if segment.annotator else ""))
        self.fit_label(self._px_per_s)
        self.setBrush(region_brush(segment.exercise_id, selected, segment.status))
        pen = edge_pen(segment.exercise_id, selected, segment.status)
        for line in self.lines:
            line.setPen(pen)
            line.setHoverPen(hover_pen(segment.exercise_id))
        self.setZValue(20 if selected else 10)
        self._place_label()
        self.update()

    def fit_label(self, px_per_s: float) -> None:
        """Elide the label to the region's width on screen (0: not laid out yet, show it whole)."""
        self._px_per_s = px_per_s
        text = self.full_text
        if px_per_s > 0:
            a, b = self.getRegion()
            text = elide(text, self.label.textItem.font(), (b - a) * px_per_s - 6)
        if text != self.label.toPlainText():
            self.label.setText(text)

    def set_lane_top(self, y: float) -> None:
        self._lane_top = y
        self._place_label()

    def region_ms(self) -> tuple[float, float]:
        a, b = self.getRegion()
        return a * 1000.0, b * 1000.0

    def _place_label(self) -> None:
        self.label.setPos(self.getRegion()[0], self._lane_top)

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph override
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.clicked.emit(self.exercise_id)
            return
        super().mouseClickEvent(ev)
