"""The session timeline (pyqtgraph): time axis in session seconds, zoom/pan limited to the session, a
draggable playhead, one region per exercise segment, the other ELAN tiers in read-only lanes below.

Refreshes from the controller with signals blocked (no feedback loops); a segment_changed(id) rebuilds
only that region. Drags update the region live and commit one `controller.move_segment` when they end.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from fshd_studio.core.errors import UserError
from fshd_studio.core.session import Segment
from fshd_studio.gui.timeline.actions import TimelineActions
from fshd_studio.gui.timeline.exercise_picker import DigitBuffer, ExercisePicker
from fshd_studio.gui.timeline.motion_lane import LANE_NAME, MotionCurve, MotionLane
from fshd_studio.gui.timeline.playhead import Playhead
from fshd_studio.gui.timeline.segment_region import SegmentRegion
from fshd_studio.gui.timeline.style import MARK_IN, PENDING, PLAYHEAD
from fshd_studio.gui.timeline.tier_lanes import TierLanes
from fshd_studio.gui.timeline.view_box import TimelineViewBox

MIN_VIEW_S = 0.2  # the narrowest zoom: a few frames across the whole width
MAX_AXIS_PX = 180  # lane names longer than this are cut (ELAN tier names can be long)


class TimeAxis(pg.AxisItem):
    """Session seconds as m:ss (or m:ss.fff when zoomed in)."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph override
        out = []
        for v in values:
            sign = "-" if v < 0 else ""
            m, s = divmod(abs(v), 60.0)
            out.append(f"{sign}{int(m)}:{s:06.3f}" if spacing < 1 else f"{sign}{int(m)}:{int(round(s)):02d}")
        return out


class TimelineWidget(TimelineActions, QWidget):
    """See fshd_studio.gui.timeline for the public actions."""

    message = Signal(str)  # a short status-bar message (e.g. a refused edit)

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.controller = controller
        self.view_box = TimelineViewBox()
        self.plot_widget = pg.PlotWidget(viewBox=self.view_box, axisItems={"bottom": TimeAxis("bottom")})
        self.plot = self.plot_widget.getPlotItem()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, alpha=0.15)
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot_widget)
        self.lanes = TierLanes(self.plot)
        self.motion = MotionLane(self.plot)  # under the exercise lane, above the other tiers
        self.regions: dict[int, SegmentRegion] = {}
        self._other_tiers: list[Any] = []
        self._build_markers()
        self.picker = ExercisePicker(self)
        self.picker.picked.connect(self.assign_exercise)
        self.picker.cancelled.connect(self.cancel_pending)
        self.picker.digit_typed.connect(self.type_digit)
        self.digits = DigitBuffer(self._candidate_ids, self.assign_exercise, self)
        self._pending = None
        self._mark_in_ms: float | None = None
        self._styled_selected = -1
        self.follow_playhead = True  # pan the view when the playhead leaves it
        self.view_box.sweep.connect(self._on_sweep)
        self.view_box.clicked_at.connect(lambda s: controller.set_playhead(s * 1000.0))
        self.view_box.sigXRangeChanged.connect(self.fit_labels)
        self.view_box.sigXRangeChanged.connect(lambda *_a: self.motion.follow_view())
        self.view_box.sigResized.connect(self.fit_labels)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        controller.session_loaded.connect(self.rebuild)
        controller.segment_changed.connect(self.sync_region)
        controller.selection_changed.connect(self._on_selection)
        controller.playhead_moved.connect(self._on_playhead)
        controller.offset_changed.connect(lambda _cid: self._apply_range(keep_view=True))
        self.rebuild()

    def _build_markers(self) -> None:
        self.playhead = Playhead(self._edge_at, pen=pg.mkPen(PLAYHEAD, width=2),
                                 hoverPen=pg.mkPen(PLAYHEAD.lighter(130), width=4))
        self.playhead.setZValue(100)
        self.playhead.sigDragged.connect(self._on_playhead_dragged)
        self.mark_line = pg.InfiniteLine(pos=0.0, angle=90, movable=False,
                                         pen=pg.mkPen(MARK_IN, width=2, style=Qt.PenStyle.DashLine))
        self.mark_line.setZValue(90)
        self.pending_item = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(*PENDING.getRgb()[:3], 90),
                                                pen=pg.mkPen(PENDING, style=Qt.PenStyle.DashLine))
        self.pending_item.setZValue(30)
        for item in (self.playhead, self.mark_line, self.pending_item):
            self.plot.addItem(item, ignoreBounds=True)
        self.mark_line.hide()
        self.pending_item.hide()

    def _edge_at(self, scene_pos: QPointF) -> bool:
        """Whether a segment's start or end edge can be grabbed at this scene position."""
        for region in self.regions.values():
            for line in region.lines:
                if line.isVisible() and line.boundingRect().contains(line.mapFromScene(scene_pos)):
                    return True
        return False

    # -- geometry -------------------------------------------------------------------------------------
    @property
    def lane_count(self) -> int:
        return 1 + int(self.motion.shown) + len(self.lanes.tiers)

    def exercise_lane_span(self) -> tuple[float, float]:
        """The exercise lane as a fraction of the view's height (pyqtgraph's `span`)."""
        n = self.lane_count
        return ((n - 1) / n, 1.0)

    def _apply_range(self, keep_view: bool = False) -> None:
        lo, hi = (x / 1000.0 for x in self.controller.session_range_ms()) if self.controller.session else (0.0, 1.0)
        hi = max(hi, lo + MIN_VIEW_S)
        n = self.lane_count
        self.view_box.setLimits(xMin=lo, xMax=hi, yMin=0, yMax=n, minXRange=MIN_VIEW_S, maxXRange=hi - lo)
        if not keep_view:
            self.view_box.setXRange(lo, hi, padding=0)
        self.view_box.setYRange(0, n, padding=0)
        for region in self.regions.values():
            for line in region.lines:
                line.setBounds((lo, hi))
        self.playhead.setBounds((lo, hi))
        ticks = [(n - 0.5, self.controller.session.exercise_tier if self.controller.session else "Exercise")]
        if self.motion.shown:
            ticks.append((n - 1.5, LANE_NAME))
        self.motion.set_base(float(len(self.lanes.tiers)))
        ticks += [(len(self.lanes.tiers) - 0.5 - k, name) for k, name in enumerate(self.lanes.lane_names())]
        axis = self.plot.getAxis("left")
        # a fixed width that fits the lane names: the axis only widens itself on the paint after the first;
        # a name too long for it is elided in the middle ("Transcr…speaker A"), never clipped mid-letter
        font = axis.style.get("tickFont") or self.font()
        metrics = QFontMetrics(font)
        ticks = [(y, metrics.elidedText(str(name), Qt.TextElideMode.ElideMiddle, MAX_AXIS_PX - 18))
                 for y, name in ticks]
        axis.setTicks([ticks, []])
        widest = max(metrics.horizontalAdvance(str(name)) for _, name in ticks)
        axis.setWidth(min(int(widest) + 18, MAX_AXIS_PX))

    # -- refresh from the controller ------------------------------------------------------------------
    def set_other_tiers(self, tiers: Iterable[Any]) -> None:
        """Show imported tiers (`fshd_studio.io.elan.other_tiers(doc)`) in read-only lanes."""
        self._other_tiers = list(tiers)
        session = self.controller.session
        exercise_tier = session.exercise_tier if session else None
        self.lanes.set_tiers(t for t in self._other_tiers if str(t.name) != exercise_tier)
        self.rebuild()

    def show_motion(self, shown: bool) -> None:
        """Show or hide the motion lane (a lane more or less: the layout is rebuilt)."""
        if shown != self.motion.shown:
            self.motion.set_shown(shown)
            self.rebuild()

    def set_motion(self, curve: MotionCurve | None, message: str = "") -> None:
        """The motion lane's curve (None: none yet, `message` says why, e.g. still computing)."""
        self.motion.set_curve(curve)
        if curve is None:
            self.motion.set_message(message)

    def rebuild(self) -> None:
        """Full refresh (session loaded, lanes added or removed): every region, lanes, range, playhead.

        Existing regions are kept and moved to the new lane layout and range: making pyqtgraph items is most of
        a rebuild's time, and an ELAN import rebuilds the lanes on the GUI thread."""
        self.cancel_pending()
        self._mark_in_ms = None
        self.mark_line.hide()
        self._apply_range()
        self._styled_selected = self.controller.selected()
        session = self.controller.session
        span, top = self.exercise_lane_span(), float(self.lane_count)
        bounds = tuple(x / 1000.0 for x in self.controller.session_range_ms()) if session else (None, None)
        for exercise_id in list(self.regions):
            if session is None or exercise_id not in session.segments:
                self.plot.removeItem(self.regions.pop(exercise_id))
                continue
            region = self.regions[exercise_id]
            region.setSpan(*span)
            region.setBounds(bounds)
            region.set_lane_top(top)
        if session is not None:
            for exercise_id in session.segments:
                self.sync_region(exercise_id)
        self._on_playhead(self.controller.playhead_ms())

    def sync_region(self, exercise_id: int) -> None:
        """Make the region of one exercise match the model (create, update or remove it)."""
        session = self.controller.session
        seg: Segment | None = session.segments.get(exercise_id) if session else None
        region = self.regions.get(exercise_id)
        if seg is None:
            if region is not None:
                self.plot.removeItem(self.regions.pop(exercise_id))
            return
        if region is None:
            lo, hi = (x / 1000.0 for x in self.controller.session_range_ms())
            region = SegmentRegion(seg, self._exercise(exercise_id), self.exercise_lane_span(), (lo, hi))
            region.set_lane_top(float(self.lane_count))
            region.sigRegionChangeFinished.connect(self._on_region_finished)
            region.clicked.connect(self.controller.select)
            self.plot.addItem(region)
            self.regions[exercise_id] = region
        region.apply(seg, self._exercise(exercise_id), selected=exercise_id == self.controller.selected())
        region.fit_label(self.px_per_second())

    def px_per_second(self) -> float:
        (x0, x1), _ = self.view_box.viewRange()
        return self.view_box.width() / (x1 - x0) if x1 > x0 else 0.0

    def fit_labels(self, *_args: object) -> None:
        """Elide segment and annotation labels to their width on screen (after zoom, pan or resize)."""
        px = self.px_per_second()
        for region in self.regions.values():
            region.fit_label(px)
        self.lanes.fit_labels(px)

    def _exercise(self, exercise_id: int):
        try:
            return self.controller.session.protocol.by_id(exercise_id)
        except KeyError:
            return None

    def _on_selection(self, exercise_id: int) -> None:
        """Restyle only the region that lost the selection and the one that got it."""
        previous, self._styled_selected = self._styled_selected, exercise_id
        for eid in {previous, exercise_id}:
            if eid in self.regions:
                self.sync_region(eid)

    def _on_playhead(self, ms: float) -> None:
        with QSignalBlocker(self.playhead):
            self.playhead.setValue(ms / 1000.0)
        if self.follow_playhead and not self.playhead.moving:
            (x0, x1), _ = self.view_box.viewRange()
            x = ms / 1000.0
            if not x0 <= x <= x1:  # keep the playhead in view (playback, slider, jumps)
                width = x1 - x0
                self.view_box.setXRange(x - 0.1 * width, x + 0.9 * width, padding=0)

    # -- user gestures on the plot --------------------------------------------------------------------
    def _on_playhead_dragged(self, line: pg.InfiniteLine) -> None:
        self.controller.set_playhead(float(line.value()) * 1000.0)

    def _on_region_finished(self, region: SegmentRegion) -> None:
        """A drag ended: one move_segment with frame-snapped values (or nothing if it did not change)."""
        session = self.controller.session
        seg = session.segments.get(region.exercise_id) if session else None
        if seg is None:
            return
        span = self.snapped_span(*region.region_ms())
        if span is not None and span != seg.span:
            self._commit(lambda: self.controller.move_segment(region.exercise_id, span))
        self.controller.select(region.exercise_id)
        self.sync_region(region.exercise_id)  # show the model's (snapped or refused) value

    def _commit(self, gesture) -> bool:
        try:
            gesture()
        except (UserError, ValueError) as exc:
            self.message.emit(str(exc))
            return False
        return True

    def _on_sweep(self, start_s: float, end_s: float, finished: bool) -> None:
        span = self.snapped_span(start_s * 1000.0, end_s * 1000.0)
        if span is None:
            self.pending_item.hide()
            return
        self.pending_item.setRegion((span.start_ms / 1000.0, span.end_ms / 1000.0))
        self.pending_item.show()
        if finished:
            self.set_pending(span)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.text().isdigit() and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.type_digit(int(event.text()))
        elif event.key() == Qt.Key.Key_Escape and self._pending is not None:
            self.cancel_pending()
        else:
            super().keyPressEvent(event)
