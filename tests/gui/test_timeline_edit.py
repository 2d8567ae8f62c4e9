"""Timeline gestures: each one is exactly one undo step, snapped to frames, and undo/redo redraw it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from fshd_studio.core.session import Segment, Span
from fshd_studio.gui.timeline import TimelineWidget
from tests.gui.media_doubles import make_controller
from tests.gui.timeline_helpers import drag

FRAME = 40.0  # the reference camera (left.mp4) runs at 25 fps


@pytest.fixture
def tl(qtbot, window_project_src):
    folder = window_project_src.parent
    ctl = make_controller({"A": folder / "left.mp4", "B": folder / "right.mp4"}, offsets={"B": 120.0},
                          segments={3: Segment(3, Span(2000.0, 4000.0)), 5: Segment(5, Span(6000.0, 7000.0))})
    assert ctl.reference_frame_ms() == pytest.approx(FRAME)
    w = TimelineWidget(ctl)
    qtbot.addWidget(w)
    w.resize(1000, 200)
    w.show()
    qtbot.waitExposed(w)
    ctl.session_loaded.emit()
    return w


def span_of(tl, exercise_id: int) -> Span:
    return tl.controller.session.segments[exercise_id].span


def on_frame_grid(ms: float) -> bool:
    return abs(ms / FRAME - round(ms / FRAME)) < 1e-9


def test_regions_show_the_model(tl) -> None:
    assert set(tl.regions) == {3, 5}
    assert tl.regions[3].getRegion() == pytest.approx((2.0, 4.0))
    assert "03" in tl.regions[3].label.toPlainText()


def test_edge_drag_by_driving_the_item_is_one_snapped_step(tl) -> None:
    ctl = tl.controller
    end = tl.regions[3].lines[1]
    for x in (4.1, 4.3, 4.5, 4.5171):  # live updates while dragging
        end.setValue(x)
    assert ctl.undo_stack.count() == 0 and span_of(tl, 3) == Span(2000.0, 4000.0)
    end.sigPositionChangeFinished.emit(end)  # the drag ends
    assert ctl.undo_stack.count() == 1
    new = span_of(tl, 3)
    assert new.start_ms == 2000.0 and new.end_ms == pytest.approx(4520.0) and on_frame_grid(new.end_ms)  # nearest
    assert tl.regions[3].getRegion()[1] == pytest.approx(4.52)  # the region shows the snapped value
    ctl.undo_stack.undo()
    assert span_of(tl, 3) == Span(2000.0, 4000.0)
    assert tl.regions[3].getRegion() == pytest.approx((2.0, 4.0))
    ctl.undo_stack.redo()
    assert tl.regions[3].getRegion()[1] == pytest.approx(4.52)


def test_body_drag_with_the_mouse_moves_once(tl) -> None:
    ctl = tl.controller
    drag(tl, 3.0, 3.5, steps=10)
    assert ctl.undo_stack.count() == 1
    new = span_of(tl, 3)
    assert new.duration_ms == pytest.approx(2000.0, abs=FRAME)
    assert 2300.0 < new.start_ms < 2700.0 and on_frame_grid(new.start_ms) and on_frame_grid(new.end_ms)
    assert ctl.selected() == 3


def test_shift_sweep_then_number_key_creates_one_segment(tl) -> None:
    ctl = tl.controller
    drag(tl, 10.0, 12.0, modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert tl.pending is not None and ctl.undo_stack.count() == 0
    assert tl.picker.isVisible() and 3 not in tl.picker.exercise_ids() and 7 in tl.picker.exercise_ids()
    QTest.keyClick(tl, Qt.Key.Key_7)
    assert ctl.undo_stack.count() == 1
    seg = ctl.session.segments[7]
    assert on_frame_grid(seg.span.start_ms) and on_frame_grid(seg.span.end_ms)
    assert seg.span.start_ms == pytest.approx(10000.0, abs=2 * FRAME)
    assert 7 in tl.regions and ctl.selected() == 7 and not tl.picker.isVisible()
    ctl.undo_stack.undo()
    assert 7 not in ctl.session.segments and 7 not in tl.regions


def test_plain_drag_pans_instead_of_creating(tl) -> None:
    tl.plot.vb.setXRange(8.0, 12.0, padding=0)
    drag(tl, 10.0, 11.0, lane_frac=0.2)
    assert tl.pending is None and tl.controller.undo_stack.count() == 0
    assert tl.plot.vb.viewRange()[0][0] < 7.9


def test_mark_in_out_and_two_digit_exercise(tl) -> None:
    ctl = tl.controller
    ctl.set_playhead(8013.0)
    tl.mark_in()
    ctl.set_playhead(9507.0)
    tl.mark_out()
    assert tl.pending == Span(8000.0, 9520.0)  # snapped to the nearest frames
    QTest.keyClick(tl, Qt.Key.Key_1)  # could be 1 or 10–15: waits
    assert ctl.undo_stack.count() == 0
    QTest.keyClick(tl, Qt.Key.Key_2)
    assert ctl.undo_stack.count() == 1
    assert ctl.session.segments[12].span == Span(8000.0, 9520.0)


def test_picker_click_assigns(tl) -> None:
    tl.set_pending(Span(12000.0, 13000.0))
    row = tl.picker.exercise_ids().index(9)
    tl.picker.itemClicked.emit(tl.picker.item(row))
    assert tl.controller.session.segments[9].span == Span(12000.0, 13000.0)
    assert tl.controller.undo_stack.count() == 1


def test_number_key_relabels_selected(tl) -> None:
    tl.controller.select(5)
    QTest.keyClick(tl, Qt.Key.Key_8)
    segs = tl.controller.session.segments
    assert 5 not in segs and segs[8].span == Span(6000.0, 7000.0)
    assert tl.controller.undo_stack.count() == 1
    assert set(tl.regions) == {3, 8}


def test_nudges_are_one_frame_and_one_step_each(tl) -> None:
    ctl = tl.controller
    ctl.select(3)
    tl.nudge_start(+1)
    tl.nudge_end(-1)
    tl.nudge_end(-1)
    assert span_of(tl, 3) == Span(2000.0 + FRAME, 4000.0 - 2 * FRAME)
    assert ctl.undo_stack.count() == 3
    ctl.undo_stack.undo()
    assert span_of(tl, 3) == Span(2000.0 + FRAME, 4000.0 - FRAME)
    assert tl.regions[3].getRegion() == pytest.approx((2.04, 3.96))


def test_delete_and_undo(tl) -> None:
    ctl = tl.controller
    ctl.select(5)
    tl.delete_selected()
    assert 5 not in ctl.session.segments and 5 not in tl.regions and ctl.undo_stack.count() == 1
    ctl.undo_stack.undo()
    assert 5 in tl.regions and tl.regions[5].getRegion() == pytest.approx((6.0, 7.0))


def test_an_edge_under_the_playhead_is_dragged_not_the_playhead(tl) -> None:
    """After mark-out the playhead sits on the new end edge: dragging there resizes the segment."""
    ctl = tl.controller
    tl.plot.vb.setXRange(0.0, 10.0, padding=0)
    lo, hi = tl.exercise_lane_span()
    ctl.set_playhead(4000.0)  # exactly on exercise 3's end
    drag(tl, 4.0, 5.0, lane_frac=(lo + hi) / 2)
    assert span_of(tl, 3).end_ms == pytest.approx(5000.0, abs=FRAME)
    assert ctl.playhead_ms() == pytest.approx(4000.0) and ctl.undo_stack.count() == 1


def test_the_playhead_away_from_edges_is_dragged(tl) -> None:
    ctl = tl.controller
    tl.plot.vb.setXRange(0.0, 10.0, padding=0)
    ctl.set_playhead(8000.0)  # no segment edge here
    drag(tl, 8.0, 9.0, lane_frac=0.5)
    assert ctl.playhead_ms() == pytest.approx(9000.0, abs=60.0)
    assert span_of(tl, 3) == Span(2000.0, 4000.0) and ctl.undo_stack.count() == 0
