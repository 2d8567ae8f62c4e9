"""The main window driven as a user would: open, keys, drags, undo/redo, offsets, checklist, modes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from fshd_studio.core.session import SegmentStatus, Span
from fshd_studio.gui.checklist import ItemState
from fshd_studio.gui.shortcuts import SHORTCUTS
from tests.gui.timeline_helpers import drag
from tests.gui.window_fixtures import OFFSET_MS, wait_frames

FRAME = 40.0  # the reference (left) camera runs at 25 fps


def key(w, k, mod=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(w, k, mod)


def test_open_shows_the_session(main_window) -> None:
    w = main_window
    c = w.controller
    assert w.windowTitle().startswith("visit.fshd.json")
    assert set(w.media.views) == {"left", "right"}
    assert "FSHD-0042" in w.status.patient.text()
    assert "Research use only" in w.status.note.text() and w.status.note.isVisible()
    states = {i.exercise_id: i.state for i in w.checklist.items}
    assert len(states) == 15
    assert states[1] == ItemState.CONFIRMED
    assert states[2] == ItemState.TOO_SHORT
    assert states[3] == states[4] == ItemState.OVERLAP
    assert states[5] == ItemState.MISSING
    # the right camera is 400 ms ahead: at session 0 it shows frame 12 (30 fps)
    assert w.media.views["right"].shown_index == 12 and w.media.views["left"].shown_index == 0
    assert not c.is_dirty() and "visit.fshd.json" in w.status.project.text()


def test_frame_keys_step_both_cameras(qtbot, main_window) -> None:
    w = main_window
    for _ in range(3):
        key(w, Qt.Key.Key_Right)
    assert w.controller.playhead_ms() == pytest.approx(3 * FRAME)
    key(w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert w.controller.playhead_ms() == pytest.approx(1000 + 3 * FRAME)
    wait_frames(qtbot, w)
    assert w.media.views["left"].shown_index == 28
    assert w.media.views["right"].shown_index == int((1120 + OFFSET_MS) * 30 / 1000)
    assert "Left frame 28" in w.status.frame.text()


def test_create_segment_with_keys_then_undo_redo(qtbot, main_window) -> None:
    w = main_window
    c = w.controller
    c.set_playhead(2000.0)
    key(w, Qt.Key.Key_I)
    for _ in range(5):
        key(w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    key(w, Qt.Key.Key_O)
    key(w, Qt.Key.Key_7)
    qtbot.waitUntil(lambda: 7 in c.session.segments, timeout=3000)
    assert c.session.segments[7].span == Span(2000.0, 7000.0)
    assert c.undo_stack.count() == 1 and c.is_dirty()
    assert w.checklist.item_for(7).state != ItemState.MISSING
    assert "●" in w.status.dirty.text() and w.isWindowModified()
    key(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert 7 not in c.session.segments and not c.is_dirty()
    assert w.checklist.item_for(7).state == ItemState.MISSING
    key(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert c.session.segments[7].span == Span(2000.0, 7000.0)


def test_shift_digit_gives_exercises_above_ten(qtbot, main_window) -> None:
    w = main_window
    c = w.controller
    c.set_playhead(1000.0)
    key(w, Qt.Key.Key_I)
    c.set_playhead(3000.0)
    key(w, Qt.Key.Key_O)
    w.actions_by_id["exercise_13"].trigger()  # Shift+3 on a US keyboard types '#': use the action itself
    assert c.session.segments[13].span == Span(1000.0, 3000.0)
    assert w.actions_by_id["exercise_13"].shortcut().toString() == "Shift+3"


def test_drag_an_edge_is_one_undo_step(qtbot, main_window) -> None:
    w = main_window
    c = w.controller
    w.timeline.plot.vb.setXRange(10.0, 17.0, padding=0)
    drag(w.timeline, 15.0, 14.0, lane_frac=0.5)  # the end edge of exercise 2 (12.5–15 s)
    qtbot.waitUntil(lambda: c.undo_stack.count() == 1, timeout=3000)
    span = c.session.segments[2].span
    assert span.start_ms == 12520.0
    assert span.end_ms == pytest.approx(14000.0, abs=2 * FRAME) and span.end_ms < 15000.0
    assert abs(span.end_ms / FRAME - round(span.end_ms / FRAME)) < 1e-6  # snapped to a frame
    w.actions_by_id["undo"].trigger()
    assert c.session.segments[2].span == Span(12520.0, 15000.0)
    w.actions_by_id["redo"].trigger()
    assert c.session.segments[2].span == span


def test_nudge_keys_move_the_selected_edges(main_window) -> None:
    w = main_window
    c = w.controller
    w.checklist.click_exercise(3)
    assert c.selected() == 3 and c.playhead_ms() == 15520.0
    key(w, Qt.Key.Key_BracketLeft)
    key(w, Qt.Key.Key_BraceRight)  # "}" (Shift+] on a US keyboard)
    assert c.session.segments[3].span == Span(15520.0 - FRAME, 20000.0 + FRAME)
    assert c.undo_stack.count() == 2
    key(w, Qt.Key.Key_Delete)
    assert 3 not in c.session.segments and c.selected() == -1


def test_change_offset_by_keys_and_undo(qtbot, main_window) -> None:
    w = main_window
    c = w.controller
    shift_right = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    key(w, Qt.Key.Key_Right, shift_right)  # by accident, outside the Sync adjust mode: nothing changes
    assert c.session.camera("right").offset_ms == OFFSET_MS and c.undo_stack.count() == 0
    assert "only in Sync adjust mode" in w.statusBar().currentMessage()
    w.actions_by_id["sync_mode"].trigger()  # deliberate and visible
    assert w.sync_mode.on and w.sync_mode.banner.isVisible()
    key(w, Qt.Key.Key_Right, shift_right)
    assert c.session.camera("right").offset_ms == pytest.approx(OFFSET_MS + 1000.0 / 30.0, abs=0.5)
    assert "+400.0 → +433.3 ms" in w.statusBar().currentMessage()  # the change is shown
    wait_frames(qtbot, w)
    assert w.media.views["right"].shown_index == 13
    assert c.undo_stack.count() == 1 and "offset" in c.undo_stack.undoText().lower()
    c.undo_stack.undo()
    assert c.session.camera("right").offset_ms == OFFSET_MS
    w.media.offset_editors["right"].set_offset(1000.0)
    assert c.session.camera("right").offset_ms == 1000.0 and c.undo_stack.count() == 1


def test_checklist_click_selects_and_shows(main_window) -> None:
    w = main_window
    w.checklist.click_exercise(4)
    c = w.controller
    assert c.selected() == 4 and c.playhead_ms() == 19000.0
    assert w.segment_info.title.text().startswith("04")
    assert "overlap" in w.checklist.item_for(4).details[0]
    (x0, x1), _ = w.timeline.plot.vb.viewRange()
    assert x0 <= 19.0 and x1 >= 23.0


def test_confirm_and_status_in_checklist(main_window) -> None:
    w = main_window
    w.checklist.click_exercise(2)
    key(w, Qt.Key.Key_C)
    assert w.controller.session.segments[2].status == SegmentStatus.CONFIRMED
    assert w.checklist.item_for(2).state == ItemState.TOO_SHORT  # a confirmed short segment is still short
    key(w, Qt.Key.Key_C)  # again: back to draft
    assert w.controller.session.segments[2].status == SegmentStatus.DRAFT
    w.checklist.click_exercise(1)
    key(w, Qt.Key.Key_U)
    assert w.controller.session.segments[1].status == SegmentStatus.UNUSABLE
    assert w.checklist.item_for(1).state == ItemState.UNUSABLE and w.controller.undo_stack.count() == 3


def test_every_shortcut_has_an_action_in_a_menu(main_window) -> None:
    w = main_window
    keys_seen: dict[str, str] = {}
    menu_actions = {a for m in w.menus.values() for a in m.actions()}  # submenus are in w.menus too
    assert w.actions_by_id["exercise_12"] in w.menus["Segment/Assign exercise"].actions()
    for s in SHORTCUTS:
        act = w.actions_by_id[s.action_id]
        assert act in menu_actions
        for k in s.keys:
            assert k not in keys_seen, f"{k} bound to {keys_seen[k]} and {s.action_id}"
            keys_seen[k] = s.action_id
        keymap = w.preferences.keymap.keys()  # the table's keys, plus ELAN's in the default preset
        assert [QKeySequence(k) for k in s.keys] == list(act.shortcuts())[:len(s.keys)]
        assert list(act.shortcuts()) == [QKeySequence(k) for k in keymap[s.action_id]]
        assert all(not q.isEmpty() for q in act.shortcuts())
    assert w.preferences.keymap.conflicts() == {}
    assert [q.toString() for q in w.actions_by_id["play"].shortcuts()] == ["Space", "Ctrl+Space"]
    w.show_shortcuts()
    html = w._shortcuts_dialog.browser.toPlainText()
    assert "Alt+Right" in html and "Ctrl+Shift+Z" in html and "Play or pause" in html
    w._shortcuts_dialog.close()


def test_mode_switch_to_labelling_and_back(main_window) -> None:
    w = main_window
    key(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert w.mode() == "labelling" and w.stack.currentWidget() is not w.review
    assert not w.actions_by_id["play"].isEnabled() and not w.actions_by_id["zoom_fit"].isEnabled()
    assert not w.actions_by_id["exercise_1"].isEnabled()  # 1–4 are the labelling workspace's vote keys
    assert w.status.note.isVisible() and not w.status.frame.isVisible()
    try:
        from fshd_studio.gui.labelling import LabellingWorkspace
    except ImportError:
        LabellingWorkspace = None
    if LabellingWorkspace is not None:
        assert isinstance(w.stack.currentWidget(), LabellingWorkspace)
    key(w, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert w.mode() == "review" and w.actions_by_id["play"].isEnabled() and w.status.frame.isVisible()
    assert w.actions_by_id["exercise_1"].isEnabled()
    assert w.actions_by_id["export_eaf"].isEnabled() and not w.actions_by_id["undo"].isEnabled()


def test_enter_in_the_offset_field_gives_the_keys_back(qtbot, main_window) -> None:
    w = main_window
    spin = w.media.offset_editors["right"].spin
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=2000)
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin, "500")
    key(spin, Qt.Key.Key_Return)
    assert w.controller.session.camera("right").offset_ms == 500.0
    qtbot.waitUntil(lambda: not spin.hasFocus(), timeout=2000)
    key(w.focusWidget() or w, Qt.Key.Key_Right)  # now a frame step, not a cursor move in the field
    assert w.controller.playhead_ms() == pytest.approx(FRAME)
