"""SessionController: one undo step per gesture, findings and dirty state follow the model."""

from __future__ import annotations

import pytest

from fshd_studio.core.errors import UserError
from fshd_studio.core.session import SegmentStatus, Span
from fshd_studio.core.validation import FindingKind
from fshd_studio.gui.controller import SessionController
from tests.gui.window_fixtures import OFFSET_MS, SECONDS


@pytest.fixture
def ctl(qtbot, window_project) -> SessionController:
    c = SessionController()
    assert c.open_project(window_project) == []
    return c


def test_time_helpers_use_the_real_frame_times(ctl) -> None:
    assert ctl.reference_frame_ms() == pytest.approx(40.0)
    assert ctl.snap_ms(1019.0) == pytest.approx(1000.0) and ctl.snap_ms(1021.0) == pytest.approx(1040.0)
    lo, hi = ctl.session_range_ms()
    assert lo == 0.0 and hi == pytest.approx(SECONDS * 1000.0, abs=50.0)  # the left camera ends last
    assert ctl.timebase("right").fps == pytest.approx(30.0)
    ctl.set_playhead(10 * hi)
    assert ctl.playhead_ms() == hi  # clamped


def test_each_gesture_is_one_undo_step_with_signals(qtbot, ctl) -> None:
    changed: list[int] = []
    ctl.segment_changed.connect(changed.append)
    with qtbot.waitSignal(ctl.dirty_changed, timeout=1000) as dirty:
        ctl.create_segment(7, Span(100.0, 900.0))
    assert dirty.args == [True] and changed == [7] and ctl.undo_stack.count() == 1
    ctl.move_segment(7, Span(100.0, 900.0))  # no change: no step
    assert ctl.undo_stack.count() == 1
    ctl.move_segment(7, Span(200.0, 900.0))
    assert "Resize" in ctl.undo_stack.undoText()
    ctl.set_segment_status(7, SegmentStatus.CONFIRMED)
    assert ctl.session.segments[7].status == SegmentStatus.CONFIRMED and ctl.undo_stack.count() == 3
    ctl.undo_stack.setIndex(0)
    assert 7 not in ctl.session.segments and not ctl.is_dirty()


def test_relabel_onto_an_existing_segment_swaps(ctl) -> None:
    a, b = ctl.session.segments[1].span, ctl.session.segments[2].span
    ctl.relabel_segment(1, 2)
    assert ctl.session.segments[2].span == a and ctl.session.segments[1].span == b
    assert ctl.undo_stack.count() == 1
    ctl.undo_stack.undo()
    assert ctl.session.segments[1].span == a and ctl.session.segments[2].span == b


def test_refused_gestures_raise_user_errors(ctl) -> None:
    with pytest.raises(UserError):
        ctl.create_segment(99, Span(0.0, 10.0))
    with pytest.raises(UserError):
        ctl.move_segment(12, Span(0.0, 10.0))
    assert ctl.undo_stack.count() == 0


def test_findings_follow_edits_and_offsets(qtbot, ctl) -> None:
    kinds = {(f.kind, f.exercise_id) for f in ctl.findings()}
    assert (FindingKind.OVERLAP, 3) in kinds and (FindingKind.TOO_SHORT, 2) in kinds
    with qtbot.waitSignal(ctl.findings_changed, timeout=1000):
        ctl.move_segment(4, Span(20000.0, 23000.0))
    assert not any(f.kind == FindingKind.OVERLAP for f in ctl.findings())
    ctl.change_offset("right", 5000.0)  # exercise 4 now ends after the right camera's video
    assert any(f.kind == FindingKind.OUTSIDE_VIDEO and f.camera_id == "right" for f in ctl.findings())
    ctl.undo_stack.undo()
    assert ctl.session.camera("right").offset_ms == OFFSET_MS


def test_delete_clears_the_selection_and_replace_all_is_one_step(ctl) -> None:
    ctl.select(3)
    ctl.delete_segment(3)
    assert ctl.selected() == -1 and 3 not in ctl.session.segments
    ctl.replace_all({}, {"right": 0.0}, "Import x")
    assert ctl.session.segments == {} and ctl.session.camera("right").offset_ms == 0.0
    assert ctl.undo_stack.undoText() == "Import x"
    ctl.undo_stack.undo()
    assert len(ctl.session.segments) == 3 and ctl.session.camera("right").offset_ms == OFFSET_MS


def test_save_and_relocate_mark_dirty_and_clean(ctl, window_project, tmp_path) -> None:
    ctl.relocate_video("right", window_project.parent / "right.mp4")
    assert ctl.is_dirty() and ctl.undo_stack.count() == 0
    ctl.save()
    assert not ctl.is_dirty()


def test_checklist_judges_length_by_time_and_names_the_camera_a_segment_is_padded_for(ctl) -> None:
    from fshd_studio.gui.checklist import ItemState, checklist_items

    # 9.5 s: 237 frames at 25 fps (left), but the model samples 8.5 s by time, whatever the frame rate
    ctl.move_segment(1, Span(1000.0, 10500.0))
    item = next(i for i in checklist_items(ctl.session, ctl.findings()) if i.exercise_id == 1)
    assert item.state == ItemState.CONFIRMED
    both = next(i for i in checklist_items(ctl.session, ctl.findings()) if i.exercise_id == 2)
    assert both.state == ItemState.TOO_SHORT and both.cameras == ()  # 2.5 s
    ctl.delete_segment(3)
    ctl.delete_segment(4)
    # the right camera (offset +400 ms) ends 200 ms before this segment does, 7.9 s after its start
    ctl.move_segment(1, Span(15700.0, 23800.0))
    item = next(i for i in checklist_items(ctl.session, ctl.findings()) if i.exercise_id == 1)
    assert item.state == ItemState.PADDED and item.cameras == ("right",)
