"""The timeline's public actions (the main window's shortcuts call these). Each edit is one controller
gesture, hence one undo step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF

from fshd_studio.core.session import Span


class TimelineActions:
    """Mixed into TimelineWidget; relies on its `controller`, `regions`, `picker`, `digits`, markers."""

    controller: Any
    _pending: Span | None
    _mark_in_ms: float | None

    # -- helpers --------------------------------------------------------------------------------------
    def snapped_span(self, start_ms: float, end_ms: float) -> Span | None:
        """[start, end) snapped to frames of the reference camera and clamped to the session; None if empty."""
        ctl = self.controller
        if ctl.session is None:
            return None
        lo, hi = ctl.session_range_ms()
        a = ctl.snap_ms(min(max(start_ms, lo), hi))
        b = ctl.snap_ms(min(max(end_ms, lo), hi))
        if b <= a:
            b = ctl.snap_ms(a + ctl.reference_frame_ms())
        return Span(a, b) if b > a else None

    def _selected_segment(self):
        session = self.controller.session
        return session.segments.get(self.controller.selected()) if session else None

    def _candidate_ids(self) -> list[int]:
        session = self.controller.session
        return session.protocol.ids() if session else []

    def missing_exercises(self) -> list:
        session = self.controller.session
        if session is None:
            return []
        missing = [ex for ex in session.protocol.exercises if ex.id not in session.segments]
        return missing or list(session.protocol.exercises)

    # -- creating a segment ---------------------------------------------------------------------------
    @property
    def pending(self) -> Span | None:
        """A swept or marked span still waiting for its exercise."""
        return self._pending

    def set_pending(self, span: Span) -> None:
        """Show `span` as the new segment and ask for its exercise (list, or number keys)."""
        self._pending = span
        self.pending_item.setRegion((span.start_ms / 1000.0, span.end_ms / 1000.0))
        self.pending_item.show()
        scene = self.plot.vb.mapViewToScene(QPointF(span.start_ms / 1000.0, 0.0))
        x = self.plot_widget.mapTo(self, self.plot_widget.mapFromScene(scene)).x()
        self.picker.show_for(self.missing_exercises(), x)
        self.setFocus()

    def cancel_pending(self) -> None:
        self._pending = None
        self.digits.clear()
        self.pending_item.hide()
        self.picker.hide()

    def type_digit(self, digit: int) -> None:
        """A number key: picks the exercise for the pending span, or relabels the selected segment."""
        self.digits.type_digit(digit)

    def assign_exercise(self, exercise_id: int) -> None:
        """Give the pending span (or the selected segment) this exercise; one undo step."""
        ctl = self.controller
        session = ctl.session
        if session is None or exercise_id not in session.protocol.ids():
            return
        span = self._pending
        if span is not None:
            self.cancel_pending()
            if exercise_id in session.segments:
                ok = self._commit(lambda: ctl.move_segment(exercise_id, span))
            else:
                ok = self._commit(lambda: ctl.create_segment(exercise_id, span))
            if ok:
                ctl.select(exercise_id)
            return
        selected = self._selected_segment()
        if selected is not None and selected.exercise_id != exercise_id:
            if self._commit(lambda: ctl.relabel_segment(selected.exercise_id, exercise_id)):
                ctl.select(exercise_id)

    def mark_in(self) -> None:
        """Remember the playhead (snapped) as the start of a new segment."""
        if self.controller.session is None:
            return
        self._mark_in_ms = self.controller.snap_ms(self.controller.playhead_ms())
        self.mark_line.setValue(self._mark_in_ms / 1000.0)
        self.mark_line.show()

    def mark_out(self) -> None:
        """With a mark-in set: the span from it to the playhead becomes the pending segment."""
        if self._mark_in_ms is None or self.controller.session is None:
            return
        a, b = sorted((self._mark_in_ms, self.controller.playhead_ms()))
        span = self.snapped_span(a, b)
        self._mark_in_ms = None
        self.mark_line.hide()
        if span is not None:
            self.set_pending(span)

    # -- editing the selected segment -----------------------------------------------------------------
    def nudge_start(self, frames: int) -> None:
        self._nudge(frames, 0)

    def nudge_end(self, frames: int) -> None:
        self._nudge(frames, 1)

    def _nudge(self, frames: int, edge: int) -> None:
        seg = self._selected_segment()
        if seg is None:
            return
        ctl = self.controller
        step = frames * ctl.reference_frame_ms()
        a, b = seg.span.start_ms, seg.span.end_ms
        if edge == 0:
            a = ctl.snap_ms(a + step)
        else:
            b = ctl.snap_ms(b + step)
        lo, hi = ctl.session_range_ms()
        if not lo <= a < b <= hi or (a, b) == (seg.span.start_ms, seg.span.end_ms):
            return
        self._commit(lambda: ctl.move_segment(seg.exercise_id, Span(a, b)))

    def delete_selected(self) -> None:
        """Delete the selected segment (or drop the pending one)."""
        if self._pending is not None:
            self.cancel_pending()
            return
        seg = self._selected_segment()
        if seg is not None:
            self._commit(lambda: self.controller.delete_segment(seg.exercise_id))

    # -- navigation -----------------------------------------------------------------------------------
    def next_segment(self) -> None:
        self._jump(+1)

    def previous_segment(self) -> None:
        self._jump(-1)

    def _jump(self, direction: int) -> None:
        session = self.controller.session
        if session is None or not session.segments:
            return
        ordered = session.ordered_segments()
        current = self._selected_segment()
        ref = current.span.start_ms if current is not None else self.controller.playhead_ms()
        if direction > 0:
            target = next((s for s in ordered if s.span.start_ms > ref + 1e-6), None)
        else:
            target = next((s for s in reversed(ordered) if s.span.start_ms < ref - 1e-6), None)
        if target is None:
            return
        self.controller.select(target.exercise_id)
        self.controller.set_playhead(target.span.start_ms)
        self.ensure_visible(target.span)

    def ensure_visible(self, span: Span) -> None:
        (x0, x1), _ = self.plot.vb.viewRange()
        a, b = span.start_ms / 1000.0, span.end_ms / 1000.0
        if a < x0 or b > x1:
            width = max(x1 - x0, b - a)
            self.plot.vb.setXRange(a - 0.1 * width, a + 0.9 * width, padding=0)

    def zoom(self, factor: float) -> None:
        """Zoom the time axis around the playhead (factor < 1 zooms in)."""
        center = self.controller.playhead_ms() / 1000.0
        self.plot.vb.scaleBy(x=factor, center=(center, 0))

    def zoom_to_fit(self) -> None:
        lo, hi = self.controller.session_range_ms()
        self.plot.vb.setXRange(lo / 1000.0, hi / 1000.0, padding=0)
