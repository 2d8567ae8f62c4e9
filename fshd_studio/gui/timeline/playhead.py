"""The timeline's playhead: a draggable line that gives way to a segment edge under the cursor.

After mark-out (O) the playhead sits exactly on the new segment's end edge, which is what the annotator
wants to drag next. pyqtgraph hands a drag to the topmost item that claimed it while hovering, so the
playhead does not claim it where an edge is under the cursor and the edge gets it.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt


class Playhead(pg.InfiniteLine):
    def __init__(self, edge_at: Callable[[QPointF], bool], **kwargs: object) -> None:
        super().__init__(pos=0.0, angle=90, movable=True, **kwargs)
        self.edge_at = edge_at  # scene position -> is a segment edge there?

    def hoverEvent(self, ev) -> None:  # noqa: ANN001 - pyqtgraph's HoverEvent
        if not ev.isExit() and self.edge_at(ev.scenePos()):
            self.setMouseHover(False)
            return
        super().hoverEvent(ev)

    def mouseDragEvent(self, ev) -> None:  # noqa: ANN001 - pyqtgraph's MouseDragEvent
        if ev.isStart() and ev.button() == Qt.MouseButton.LeftButton and self.edge_at(ev.buttonDownScenePos()):
            ev.ignore()
            return
        super().mouseDragEvent(ev)
