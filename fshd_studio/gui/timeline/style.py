"""Colours and pens of the timeline: one hue per exercise, line style by segment status."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

from fshd_studio.core.session import SegmentStatus

PLAYHEAD = QColor(230, 60, 60)
MARK_IN = QColor(80, 200, 120)
PENDING = QColor(160, 160, 160)
TIER_BLOCK = QColor(120, 140, 170)


def exercise_color(exercise_id: int, count: int = 15) -> QColor:
    """A distinct hue per exercise id (golden-angle steps so neighbours differ)."""
    hue = ((exercise_id - 1) * 0.381966) % 1.0
    return QColor.fromHsvF(hue, 0.65, 0.95)


def region_brush(exercise_id: int, selected: bool, status: SegmentStatus) -> QBrush:
    c = QColor(exercise_color(exercise_id))
    alpha = 120 if selected else 60
    if status == SegmentStatus.UNUSABLE:
        c = QColor(128, 128, 128)
    c.setAlpha(alpha)
    return QBrush(c)


def edge_pen(exercise_id: int, selected: bool, status: SegmentStatus) -> QPen:
    """Suggested = dashed, draft = thin solid, confirmed = thick solid, unusable = dotted grey; selected = white."""
    color = QColor(255, 255, 255) if selected else exercise_color(exercise_id).darker(130)
    pen = QPen(color)
    pen.setCosmetic(True)
    pen.setWidthF(3.0 if selected else 1.5)
    if status == SegmentStatus.SUGGESTED:
        pen.setStyle(Qt.PenStyle.DashLine)
    elif status == SegmentStatus.CONFIRMED:
        pen.setWidthF(pen.widthF() + 1.5)
    elif status == SegmentStatus.UNUSABLE:
        pen.setStyle(Qt.PenStyle.DotLine)
        pen.setColor(QColor(150, 150, 150))
    return pen


def hover_pen(exercise_id: int) -> QPen:
    pen = QPen(exercise_color(exercise_id).lighter(130))
    pen.setCosmetic(True)
    pen.setWidthF(4.0)
    return pen
