"""The issue's user story on the demo session: open it, make a segment with keys, drag an edge, undo/redo,
change an offset, export an EAF that validates and re-imports to the same segments."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from fshd_studio.gui.dialogs import SaveChoice
from tests.gui.timeline_helpers import drag
from tests.gui.window_fixtures import open_window, wait_frames

from lxml import etree


@pytest.fixture
def demo_copy(demo_project, tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(demo_project.project.parent, folder)
    return folder / demo_project.project.name


def test_demo_user_story(qtbot, app_settings, demo_copy, schema, tmp_path) -> None:
    w = open_window(qtbot, demo_copy)
    c = w.controller
    assert len(c.session.segments) == 15 and len(w.media.views) == 2
    frame = c.reference_frame_ms()
    # 1. a new segment for exercise 5 from the keyboard, over the old one: I, →×30, O, 5
    old5 = c.session.segments[5].span
    c.set_playhead(old5.start_ms)
    QTest.keyClick(w, Qt.Key.Key_I)
    for _ in range(30):
        QTest.keyClick(w, Qt.Key.Key_Right)
    QTest.keyClick(w, Qt.Key.Key_O)
    QTest.keyClick(w, Qt.Key.Key_5)
    qtbot.waitUntil(lambda: c.session.segments[5].span != old5, timeout=3000)
    new5 = c.session.segments[5].span
    assert new5.start_ms == pytest.approx(old5.start_ms, abs=frame) and new5.duration_ms == pytest.approx(30 * frame)
    wait_frames(qtbot, w)
    # 2. drag its end edge one second later on the timeline
    a, b = new5.start_ms / 1000.0, new5.end_ms / 1000.0
    w.timeline.plot.vb.setXRange(a - 1.0, b + 2.0, padding=0)
    steps = c.undo_stack.count()
    assert c.playhead_ms() == pytest.approx(new5.end_ms, abs=frame)  # after O the playhead is on the edge
    lo, hi = w.timeline.exercise_lane_span()  # other ELAN tiers may sit below the exercise lane
    drag(w.timeline, b, b + 1.0, lane_frac=(lo + hi) / 2)
    qtbot.waitUntil(lambda: c.undo_stack.count() == steps + 1, timeout=3000)
    dragged = c.session.segments[5].span
    assert dragged.end_ms == pytest.approx(new5.end_ms + 1000.0, abs=2 * frame)
    # 3. undo both, redo both
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert c.session.segments[5].span == new5
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert c.session.segments[5].span == old5
    for _ in range(2):
        QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert c.session.segments[5].span == dragged
    # 4. the side camera's offset, one frame later, by key (in the Sync adjust mode, turned on on purpose)
    side = c.session.cameras[1].id
    before = c.session.camera(side).offset_ms
    w.actions_by_id["sync_mode"].trigger()
    QTest.keyClick(w, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert c.session.camera(side).offset_ms == pytest.approx(before + c.timebase(side).frame_period_ms, abs=0.5)
    # 5. export, validate, re-import into a fresh window: same segments and offsets
    out = tmp_path / "out.eaf"
    w.prompts.save_path = out
    w.actions_by_id["export_eaf"].trigger()
    assert schema.validate(etree.parse(str(out))), schema.error_log.last_error
    expected = {i: (s.span.start_ms, s.span.end_ms) for i, s in c.session.segments.items()}
    offsets = {cam.id: cam.offset_ms for cam in c.session.cameras}
    c.replace_all({}, {cam: 0.0 for cam in offsets}, "clear")
    assert w.import_eaf(out) is not None  # parsed on the window's job runner
    qtbot.waitUntil(lambda: not w.jobs.running(), timeout=30000)
    got = {i: (s.span.start_ms, s.span.end_ms) for i, s in c.session.segments.items()}
    assert got.keys() == expected.keys()
    for i in expected:
        assert got[i] == pytest.approx(expected[i], abs=1.0)
    assert {cam.id: cam.offset_ms for cam in c.session.cameras} == pytest.approx(offsets, abs=1.0)
    w.prompts.save_choice = SaveChoice.DISCARD
    w.close()
