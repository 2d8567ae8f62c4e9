"""One transport bar moves every camera: frame steps, second steps, speed, playback clock and loop."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QElapsedTimer

from fshd_studio.core.session import Segment, Span
from fshd_studio.gui.media.media_panel import MediaPanel
from tests.gui.media_doubles import make_controller, reader_for


@pytest.fixture
def panel(qtbot, external):
    # different frame rates (30 fps CFR and HEVC VFR ~24 fps) and a non-zero offset on the second camera
    ctl = make_controller({"A": external / "video" / "pyfeat_single_face.mp4",
                           "B": external / "video" / "pyfeat_noface_face.mov"},
                          offsets={"A": 0.0, "B": 412.5}, segments={3: Segment(3, Span(500.0, 700.0))})
    p = MediaPanel(ctl, opener=reader_for)
    qtbot.addWidget(p)
    p.resize(900, 400)
    p.show()
    yield p
    p.shutdown()
    for v in p.views.values():
        assert v.loader is None


def expected(ctl, cam_id: str) -> int:
    return ctl.timebase(cam_id).frame_at(ctl.playhead_ms() + ctl.session.camera(cam_id).offset_ms)


def wait_shown(qtbot, panel) -> dict[str, int]:
    ctl = panel.controller
    want = {c: expected(ctl, c) for c in panel.views}
    qtbot.waitUntil(lambda: all(panel.views[c].shown_index == want[c] for c in want), timeout=10_000)
    return want


def test_frame_steps_move_both_cameras(qtbot, panel) -> None:
    ctl = panel.controller
    ctl.set_playhead(1000.0)
    start = wait_shown(qtbot, panel)
    assert start["A"] == 30 and start["B"] != start["A"]
    seen_a = [start["A"]]
    for n in (1, 1, 1, -1, 5, -2):
        panel.step_frames(n)
        shown = wait_shown(qtbot, panel)
        seen_a.append(shown["A"])
        assert seen_a[-1] - seen_a[-2] == n  # the reference camera moves exactly n frames
    assert seen_a[-1] == 30 + 5
    # the playhead sits on a frame start of camera A
    tb = ctl.timebase("A")
    assert ctl.playhead_ms() == pytest.approx(tb.time_of(35))


def test_second_steps_and_time_display(qtbot, panel) -> None:
    ctl = panel.controller
    ctl.set_playhead(500.0)
    panel.step_seconds(1.0)
    assert ctl.playhead_ms() == pytest.approx(1500.0)
    shown = wait_shown(qtbot, panel)
    qtbot.waitUntil(lambda: panel.transport.time_label.text() == f"00:00:01.500  frame {shown['A']}")
    assert panel.transport.slider.value() == 1500
    panel.step_seconds(-10.0)
    assert ctl.playhead_ms() == 0.0  # clamped to the session


def test_scrub_slider_sets_playhead(qtbot, panel) -> None:
    panel.transport.slider.setValue(2000)
    assert panel.controller.playhead_ms() == pytest.approx(2000.0)
    wait_shown(qtbot, panel)


def test_playback_follows_wall_clock_at_speed(qtbot, panel) -> None:
    ctl = panel.controller
    panel.set_speed(2.0)
    assert panel.transport.speed_combo.currentText() == "2×"
    ctl.set_playhead(100.0)
    clock = QElapsedTimer()
    clock.start()
    panel.toggle_play()
    qtbot.wait(400)
    panel.toggle_play()
    elapsed = clock.elapsed()
    advanced = ctl.playhead_ms() - 100.0
    assert 2.0 * 300 <= advanced <= 2.0 * elapsed + 40, (advanced, elapsed)
    assert not panel.transport.clock.playing
    panel.set_speed(0.1)
    assert panel.transport.clock.speed == 0.25  # clamped to 0.25–2×


def test_loop_wraps_inside_the_selected_segment(qtbot, panel) -> None:
    ctl = panel.controller
    ctl.select(3)
    panel.toggle_loop()
    assert panel.transport.loop_button.isChecked()
    panel.set_speed(2.0)
    positions: list[float] = []
    ctl.playhead_moved.connect(positions.append)
    panel.toggle_play()
    qtbot.wait(350)  # 700 ms of media: at least three passes through a 200 ms segment
    panel.toggle_play()
    assert positions and all(500.0 <= p < 700.0 for p in positions)
    assert any(b < a for a, b in zip(positions, positions[1:])), "never wrapped"


def test_new_session_with_other_cameras_rebuilds_the_views(qtbot, panel, external) -> None:
    ctl = panel.controller
    old_loaders = [v.loader for v in panel.views.values()]
    other = make_controller({"C": external / "video" / "pyfeat_no_face.mp4"}).session
    ctl.set_session(other, None)
    assert list(panel.views) == ["C"] and list(panel.offset_editors) == ["C"]
    assert all(ld is None or not ld.isRunning() for ld in old_loaders)  # old threads stopped
    ctl.set_playhead(1000.0)
    wait_shown(qtbot, panel)


def test_slow_decoding_drops_frames_instead_of_lagging(qtbot, external) -> None:
    import time

    class SlowReader:
        def __init__(self, path) -> None:
            self.inner = reader_for(path)
            self.info = self.inner.info

        def frame(self, i: int):
            time.sleep(0.06)  # slower than the 33 ms a 30 fps frame lasts
            return self.inner.frame(i)

    ctl = make_controller({"A": external / "video" / "pyfeat_single_face.mp4"})
    p = MediaPanel(ctl, opener=SlowReader)
    qtbot.addWidget(p)
    try:
        clock = QElapsedTimer()
        clock.start()
        p.toggle_play()
        qtbot.wait(600)
        p.toggle_play()
        elapsed = clock.elapsed()
        assert ctl.playhead_ms() >= 500.0 and ctl.playhead_ms() <= elapsed + 40  # playback kept wall time
        loader = p.views["A"].loader
        assert loader.decodes + loader.read_aheads <= 12  # ~18 frames were due: the late ones were skipped
        qtbot.waitUntil(lambda: p.views["A"].shown_index == p.views["A"].wanted_index, timeout=5000)
    finally:
        p.shutdown()


def test_three_cameras_step_together(qtbot, external) -> None:
    video = external / "video"
    ctl = make_controller({"A": video / "pyfeat_single_face.mp4", "B": video / "pyfeat_noface_face.mov",
                           "C": video / "pyfeat_WolfgangLanger_Pexels.mp4"}, offsets={"C": -150.0})
    p = MediaPanel(ctl, opener=reader_for)
    qtbot.addWidget(p)
    try:
        assert list(p.views) == ["A", "B", "C"]
        ctl.set_playhead(800.0)
        p.step_frames(2)
        shown = wait_shown(qtbot, p)
        assert shown["A"] == 26 and len(shown) == 3
    finally:
        p.shutdown()
