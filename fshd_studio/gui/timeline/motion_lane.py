"""The motion lane under the exercise lane: facial expression activity over the session (what ELAN shows as a
waveform), so segment boundaries can be placed by eye where the face starts and stops moving.

The signal is `preprocess.boundaries.motion_trace` (the same one Suggest segments reads), computed on the
window's job runner by gui/motion_track.py; this item only draws it. The curve is scaled to the lane by its
98th percentile (a blink or a sneeze does not flatten the exercises) and square-rooted (faint exercises stay
visible beside an open mouth); stretches without a face are shaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

CURVE = QColor(120, 210, 255)
NO_FACE = QColor(200, 80, 80, 60)
LANE_NAME = "Motion"


@dataclass(frozen=True)
class MotionCurve:
    """What the lane draws: session seconds, activity scaled to 0–1, and where a face was found."""

    times_s: np.ndarray
    level: np.ndarray
    found: np.ndarray
    source: str  # e.g. "Front camera" (the lane's tooltip says which camera the motion is from)


def curve_from_trace(times_ms: np.ndarray, activity: np.ndarray, found: np.ndarray, offset_ms: float,
                     source: str) -> MotionCurve:
    """Camera time → session time (session = camera − offset), activity → 0–1 (98th percentile, square root)."""
    act = np.nan_to_num(np.asarray(activity, float), nan=0.0)
    top = float(np.percentile(act, 98)) if act.size else 0.0
    level = np.sqrt(np.clip(act / top, 0.0, 1.0)) if top > 0 else np.zeros_like(act)
    times = (np.asarray(times_ms, float) - offset_ms) / 1000.0
    return MotionCurve(times, level, np.asarray(found, bool), source)


class MotionLane:
    """Lives in the timeline's plot at y ∈ [base, base + 1)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.shown = False
        self.curve: MotionCurve | None = None
        self.base = 0.0
        self.line = pg.PlotDataItem(pen=pg.mkPen(CURVE, width=1.5), fillLevel=0.0,
                                    fillBrush=pg.mkBrush(CURVE.red(), CURVE.green(), CURVE.blue(), 50))
        self.line.setZValue(5)
        self.no_face = pg.BarGraphItem(x0=[], x1=[], y0=0.0, height=1.0, brush=NO_FACE, pen=pg.mkPen(None))
        self.no_face.setZValue(4)
        self.text = pg.TextItem("", anchor=(0, 0.5), color=(190, 200, 210))
        self.text.setZValue(6)
        for item in (self.no_face, self.line, self.text):
            plot.addItem(item, ignoreBounds=True)
            item.hide()

    def set_shown(self, shown: bool) -> None:
        self.shown = bool(shown)
        self._redraw()

    def set_base(self, base: float) -> None:
        """The lane's bottom (the timeline lays lanes out from the bottom)."""
        self.base = float(base)
        self._redraw()

    def set_curve(self, curve: MotionCurve | None) -> None:
        self.curve = curve
        if curve is not None:
            self.text.setText("")
        self._redraw()

    def set_message(self, text: str) -> None:
        """E.g. "computing facial motion… 40 %" while there is no curve yet."""
        self.text.setText(text)
        self._redraw()

    def message(self) -> str:
        return self.text.toPlainText()

    def has_curve(self) -> bool:
        return self.curve is not None and self.curve.times_s.size > 1 and self.line.isVisible()

    def _redraw(self) -> None:
        c = self.curve
        visible = self.shown and c is not None and c.times_s.size > 1
        if visible:
            self.line.setData(c.times_s, self.base + 0.08 + 0.84 * c.level)
            self.line.setFillLevel(self.base + 0.08)
            gaps = _runs(~c.found)
            x0 = [float(c.times_s[a]) for a, _ in gaps]
            x1 = [float(c.times_s[min(b + 1, c.times_s.size - 1)]) for _, b in gaps]
            self.no_face.setOpts(x0=x0, x1=x1, y0=self.base + 0.04, height=0.92)
            self.line.setToolTip(f"Facial motion of the {c.source}; shaded: no face found")
        self.line.setVisible(visible)
        self.no_face.setVisible(visible and bool(c is not None and (~c.found).any()))
        (x0, _x1), _ = self.plot.getViewBox().viewRange()
        self.text.setPos(x0, self.base + 0.5)
        self.text.setVisible(self.shown and not visible and bool(self.text.toPlainText()))

    def follow_view(self) -> None:
        """Keep the message at the left edge of the visible time range."""
        if self.text.isVisible():
            (x0, _x1), _ = self.plot.getViewBox().viewRange()
            self.text.setPos(x0, self.base + 0.5)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end inclusive) index runs where `mask` is true."""
    if mask.size == 0 or not mask.any():
        return []
    d = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist()))

