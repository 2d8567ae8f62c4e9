"""Sync offsets: nudge by a frame, type a value, drag the jog slider or Ctrl+drag the picture — one undo step each."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from fshd_studio.gui.media.media_panel import MediaPanel
from tests.gui.media_doubles import make_controller, reader_for


@pytest.fixture
def panel(qtbot, external):
    ctl = make_controller({"A": external / "video" / "pyfeat_single_face.mp4",
                           "B": external / "video" / "pyfeat_noface_face.mov"})
    p = MediaPanel(ctl, opener=reader_for)
    qtbot.addWidget(p)
    p.resize(900, 400)
    ctl.set_playhead(1000.0)
    yield p
    p.shutdown()


def offset(panel, cam: str) -> float:
    return panel.controller.session.camera(cam).offset_ms


def test_nudge_one_frame_is_one_undo_step(qtbot, panel) -> None:
    ctl = panel.controller
    period = ctl.timebase("A").frame_period_ms
    before = panel.views["A"].wanted_index
    panel.offset_editors["A"].plus.click()
    assert offset(panel, "A") == pytest.approx(period, abs=1e-3)
    assert ctl.undo_stack.count() == 1
    assert panel.offset_editors["A"].spin.value() == pytest.approx(period, abs=0.05)
    qtbot.waitUntil(lambda: panel.views["A"].shown_index == before + 1, timeout=10_000)
    ctl.undo_stack.undo()
    assert offset(panel, "A") == 0.0
    assert panel.offset_editors["A"].spin.value() == 0.0
    assert offset(panel, "B") == 0.0


def test_typed_value_is_one_undo_step(qtbot, panel) -> None:
    spin = panel.offset_editors["B"].spin
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin.lineEdit(), "-250.5")
    assert panel.controller.undo_stack.count() == 0  # nothing until Enter
    QTest.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert offset(panel, "B") == pytest.approx(-250.5)
    assert panel.controller.undo_stack.count() == 1


def test_jog_drag_previews_then_commits_once(qtbot, panel) -> None:
    ctl = panel.controller
    editor, view = panel.offset_editors["B"], panel.views["B"]
    editor.jog.sliderPressed.emit()
    for v in range(0, 301, 20):  # a drag: many moves
        editor.jog.setSliderPosition(v)
        editor.jog.sliderMoved.emit(v)
    assert view.offset_ms() == 300.0 and offset(panel, "B") == 0.0 and ctl.undo_stack.count() == 0
    editor.jog.setValue(300)
    editor.jog.sliderReleased.emit()
    assert offset(panel, "B") == 300.0
    assert ctl.undo_stack.count() == 1
    assert editor.jog.value() == 0 and view.offset_ms() == 300.0


def test_ctrl_drag_on_picture_is_one_undo_step(qtbot, panel) -> None:
    ctl = panel.controller
    view = panel.views["A"]
    ctrl = Qt.KeyboardModifier.ControlModifier
    QTest.mousePress(view, Qt.MouseButton.LeftButton, ctrl, QPoint(100, 100))
    for x in range(110, 160, 10):
        QTest.mouseMove(view, QPoint(x, 100))
    QTest.mouseRelease(view, Qt.MouseButton.LeftButton, ctrl, QPoint(150, 100))
    assert ctl.undo_stack.count() == 1
    assert offset(panel, "A") == pytest.approx(100.0)  # 50 px × 2 ms


def test_edited_offset_reaches_the_project_and_the_eaf_time_origin(qtbot, panel, tmp_path) -> None:
    from fshd_studio.io.elan import read_eaf, write_session_eaf
    from fshd_studio.io.project import load_project

    ctl = panel.controller
    panel.offset_editors["B"].jog.sliderPressed.emit()
    panel.offset_editors["B"].jog.setValue(-640)
    panel.offset_editors["B"].jog.sliderReleased.emit()
    panel.offset_editors["B"].plus.click()
    expected = -640.0 + ctl.timebase("B").frame_period_ms
    assert offset(panel, "B") == pytest.approx(expected) and ctl.undo_stack.count() == 2
    project = ctl.save(tmp_path / "visit.fshd.json")
    assert load_project(project).session.camera("B").offset_ms == pytest.approx(expected)
    write_session_eaf(ctl.session, tmp_path / "visit.eaf")
    origins = {Path(m.url).name: m.time_origin_ms for m in read_eaf(tmp_path / "visit.eaf").media()}
    assert origins[ctl.session.camera("B").video.name] == pytest.approx(expected, abs=1.0)  # ELAN stores whole ms
    ctl.undo_stack.undo()
    ctl.undo_stack.undo()
    assert offset(panel, "B") == 0.0 and panel.offset_editors["B"].spin.value() == 0.0
