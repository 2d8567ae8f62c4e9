"""Mouse helpers for pyqtgraph in offscreen tests (QTest.mouseMove carries no buttons in Qt 6)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from fshd_studio.gui.timeline import TimelineWidget


def view_point(tl: TimelineWidget, x_s: float, lane_frac: float = 0.95) -> QPoint:
    """Viewport pixel of session second `x_s`, at `lane_frac` of the view height from the bottom."""
    vb = tl.plot.vb
    (_, _), (y0, y1) = vb.viewRange()
    scene = vb.mapViewToScene(QPointF(x_s, y0 + lane_frac * (y1 - y0)))
    return tl.plot_widget.mapFromScene(scene)


def drag(tl: TimelineWidget, x0_s: float, x1_s: float, *, lane_frac: float = 0.95, steps: int = 8,
         modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    vp = tl.plot_widget.viewport()
    scene = tl.plot_widget.scene()
    p0, p1 = view_point(tl, x0_s, lane_frac), view_point(tl, x1_s, lane_frac)
    left = Qt.MouseButton.LeftButton

    def send(kind: QEvent.Type, p: QPoint, button: Qt.MouseButton, buttons: Qt.MouseButton) -> None:
        pos = QPointF(p)
        scene._lastMoveEventTime = 0  # pyqtgraph drops moves closer than its rate limit; these are synthetic
        ev = QMouseEvent(kind, pos, QPointF(vp.mapToGlobal(p)), button, buttons, modifiers)
        QApplication.sendEvent(vp, ev)

    send(QEvent.Type.MouseMove, p0, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    send(QEvent.Type.MouseButtonPress, p0, left, left)
    for i in range(1, steps + 1):
        p = p0 + (p1 - p0) * (i / steps)
        send(QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, left)
    send(QEvent.Type.MouseButtonRelease, p1, left, Qt.MouseButton.NoButton)
