"""Timeline display: lanes for other tiers, playhead both ways without feedback, limits, partial refresh, styles."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from fshd_studio.core.session import Segment, SegmentStatus, Span
from fshd_studio.gui.timeline import TimelineWidget
from tests.gui.media_doubles import make_controller
from tests.gui.timeline_helpers import drag


@dataclass
class Tier:
    name: str
    annotations: list[tuple[float, float, str]]


@pytest.fixture
def tl(qtbot, window_project_src):
    segments = {3: Segment(3, Span(2000.0, 4000.0), SegmentStatus.SUGGESTED),
                5: Segment(5, Span(6000.0, 7000.0), SegmentStatus.CONFIRMED)}
    ctl = make_controller({"A": window_project_src.parent / "left.mp4"}, segments=segments)
    assert ctl.session_range_ms() == pytest.approx((0.0, 24000.0))
    w = TimelineWidget(ctl)
    qtbot.addWidget(w)
    w.resize(1000, 240)
    w.show()
    qtbot.waitExposed(w)
    ctl.session_loaded.emit()
    return w


def test_other_tiers_get_read_only_lanes_below(tl) -> None:
    tl.set_other_tiers([Tier("Speech", [(1000.0, 2500.0, "hello"), (3000.0, 3200.0, "")]),
                        Tier("Gesture", [(500.0, 900.0, "nod")])])
    assert tl.lane_count == 3
    ticks = dict((name, y) for y, name in tl.plot.getAxis("left")._tickLevels[0])
    assert ticks["Exercise"] > ticks["Speech"] > ticks["Gesture"]
    assert tl.regions[3].span == pytest.approx((2 / 3, 1.0))  # the exercise lane is the top third
    assert list(tl.lanes.tiers[0].start_ms) == [1000.0, 3000.0] and list(tl.lanes.tiers[0].end_ms) == [2500.0, 3200.0]
    assert tl.controller.undo_stack.count() == 0
    # a drag in a tier lane pans; it never edits the read-only tier or the segments
    tl.plot.vb.setXRange(0.0, 10.0, padding=0)
    drag(tl, 1.5, 2.5, lane_frac=0.4)
    assert tl.controller.undo_stack.count() == 0 and tl.pending is None


def test_playhead_follows_and_drives_without_feedback(tl) -> None:
    ctl = tl.controller
    moves: list[float] = []
    ctl.playhead_moved.connect(moves.append)
    ctl.set_playhead(3000.0)
    assert tl.playhead.value() == pytest.approx(3.0)
    assert moves == [3000.0]  # updating the line did not call set_playhead again
    tl.playhead.setValue(5.0)
    tl.playhead.sigDragged.emit(tl.playhead)
    assert ctl.playhead_ms() == pytest.approx(5000.0) and moves[-1] == pytest.approx(5000.0)
    assert len(moves) == 2


def test_zoom_and_pan_stay_inside_the_session(tl) -> None:
    vb = tl.plot.vb
    vb.setXRange(-50.0, 500.0, padding=0)
    lo, hi = vb.viewRange()[0]
    assert lo >= -1e-6 and hi <= 24.0 + 1e-6
    tl.controller.set_playhead(10000.0)
    tl.zoom(0.1)
    lo, hi = vb.viewRange()[0]
    assert hi - lo < 5.0 and lo <= 10.0 <= hi
    tl.zoom_to_fit()
    assert vb.viewRange()[0] == pytest.approx([0.0, 24.0])


def test_segment_changed_rebuilds_only_that_region(tl, monkeypatch) -> None:
    ctl = tl.controller
    other = tl.regions[5]
    calls: list[int] = []
    monkeypatch.setattr(type(other), "apply", lambda self, seg, ex, selected: calls.append(seg.exercise_id))
    ctl.move_segment(3, Span(2400.0, 4000.0))
    assert calls == [3]
    assert tl.regions[5] is other


def test_status_and_selection_styles(tl) -> None:
    dashed = tl.regions[3].lines[0].pen
    solid = tl.regions[5].lines[0].pen
    assert dashed.style() == Qt.PenStyle.DashLine
    assert solid.style() == Qt.PenStyle.SolidLine
    before = tl.regions[5].brush.color().alpha()
    tl.controller.select(5)
    assert tl.regions[5].brush.color().alpha() > before
    assert tl.regions[5].lines[0].pen.widthF() > solid.widthF()
    assert "confirmed" in tl.regions[5].full_text


def test_labels_are_elided_to_the_region_width(tl) -> None:
    label = tl.regions[5].label  # a 1 s segment
    tl.plot.vb.setXRange(0.0, 24.0, padding=0)
    short = label.toPlainText()
    assert short.startswith("05") and len(short) < len(tl.regions[5].full_text)
    tl.plot.vb.setXRange(5.5, 7.5, padding=0)  # zoomed in: the whole label fits
    assert label.toPlainText() == tl.regions[5].full_text


def test_next_and_previous_segment_select_and_seek(tl) -> None:
    ctl = tl.controller
    ctl.set_playhead(0.0)
    tl.next_segment()
    assert ctl.selected() == 3 and ctl.playhead_ms() == 2000.0
    tl.next_segment()
    assert ctl.selected() == 5 and ctl.playhead_ms() == 6000.0
    tl.next_segment()
    assert ctl.selected() == 5
    tl.previous_segment()
    assert ctl.selected() == 3
    assert ctl.undo_stack.count() == 0  # navigation is view state, not an edit


def test_view_follows_the_playhead_when_it_leaves(tl) -> None:
    vb = tl.plot.vb
    vb.setXRange(0.0, 5.0, padding=0)
    tl.controller.set_playhead(3000.0)
    assert vb.viewRange()[0] == pytest.approx([0.0, 5.0])  # inside: the view stays
    tl.controller.set_playhead(12000.0)
    lo, hi = vb.viewRange()[0]
    assert lo < 12.0 < hi and hi - lo == pytest.approx(5.0)


def test_click_on_empty_space_moves_the_playhead(tl, qtbot) -> None:
    from PySide6.QtTest import QTest

    from tests.gui.timeline_helpers import view_point

    tl.plot.vb.setXRange(0.0, 24.0, padding=0)
    QTest.mouseClick(tl.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=view_point(tl, 10.0, 0.5))
    assert tl.controller.playhead_ms() == pytest.approx(10000.0, abs=60.0)
    assert tl.controller.undo_stack.count() == 0 and tl.controller.selected() == -1


@pytest.mark.parametrize("name", ["tla_eafparser_example.eaf", "pympi_sample_3.0.eaf"])
def test_real_eaf_tiers_in_lanes(tl, external, name) -> None:
    from fshd_studio.io.elan import other_tiers, read_eaf

    tiers = other_tiers(read_eaf(external / "elan" / name))
    tl.set_other_tiers(tiers)
    assert tl.lane_count == 1 + len(tiers)
    names = [n for _, n in tl.plot.getAxis("left")._tickLevels[0]]
    assert names[1:] == [t.name for t in tiers]
    shown = sum(int(t.start_ms.size) for t in tl.lanes.tiers)
    assert shown == sum(1 for t in tiers for a in t.annotations if a[1] > a[0])
    assert shown > 0 and tl.controller.undo_stack.count() == 0
