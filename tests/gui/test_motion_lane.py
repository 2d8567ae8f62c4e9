"""The motion lane: the demo's facial motion drawn under the exercise lane, high where the exercises are."""

from __future__ import annotations

import numpy as np
import pytest

from fshd_studio.core.session import SegmentStatus
from fshd_studio.gui.dialogs import SaveChoice
from fshd_studio.gui.timeline.motion_lane import curve_from_trace
from tests.gui.test_start_page import _shot
from tests.gui.window_fixtures import open_window


def test_curve_is_in_session_time_and_scaled_to_the_lane() -> None:
    t = np.arange(0.0, 10000.0, 100.0)
    act = np.where((t > 3000) & (t < 6000), 5.0, 0.2)
    found = t < 9000
    c = curve_from_trace(t, act, found, offset_ms=1240.0, source="Side camera")
    assert c.times_s[0] == pytest.approx(-1.24) and c.level.max() == 1.0 and c.level.min() == pytest.approx(0.2)
    assert (~c.found).sum() == 10


def test_motion_lane_shows_the_demo_motion(qtbot, app_settings, demo_project, tmp_path) -> None:
    import shutil

    folder = tmp_path / "demo"
    shutil.copytree(demo_project.project.parent, folder)
    w = open_window(qtbot, folder / demo_project.project.name)
    tl = w.timeline
    lanes_before = tl.lane_count
    w.actions_by_id["motion_lane"].setChecked(False)
    w.actions_by_id["motion_lane"].trigger()  # View → Motion lane, as the annotator turns it on
    assert w.motion.enabled and w.preferences.show_motion_lane
    assert tl.lane_count == lanes_before + 1
    axis_names = [name for _pos, name in tl.plot.getAxis("left")._tickLevels[0]]
    assert "Motion" in axis_names
    qtbot.waitUntil(tl.motion.has_curve, timeout=180000)
    curve = tl.motion.curve
    session = w.controller.session
    cam = session.camera(w.motion.camera_id)
    moving = [s for s in session.segments.values() if s.status != SegmentStatus.UNUSABLE and s.exercise_id != 1]
    inside = np.zeros(curve.times_s.size, bool)
    for seg in moving:
        inside |= (curve.times_s >= seg.span.start_ms / 1000.0) & (curve.times_s < seg.span.end_ms / 1000.0)
    # the exercises are where the face moves: boundaries can be placed by eye
    assert curve.level[inside].mean() > 1.5 * curve.level[~inside].mean()
    tl.zoom_to_fit()
    _shot(qtbot, w, "motion_lane.png")
    first = float(curve.times_s[0])
    w.controller.change_offset(cam.id, cam.offset_ms + 500.0)  # the curve follows its camera's offset
    assert float(tl.motion.curve.times_s[0]) == pytest.approx(first - 0.5)
    w.actions_by_id["motion_lane"].trigger()  # off again: the lane goes, the preference is kept
    assert tl.lane_count == lanes_before and not w.settings.preferences().show_motion_lane
    w.prompts.save_choice = SaveChoice.DISCARD
    w.close()


def test_motion_lane_sits_between_exercise_and_tiers_and_names_fit(qtbot, window_project_src) -> None:
    from PySide6.QtGui import QFontMetrics

    from fshd_studio.core.session import Segment, Span
    from fshd_studio.gui.timeline import TimelineWidget
    from fshd_studio.gui.timeline.timeline_widget import MAX_AXIS_PX
    from tests.gui.media_doubles import make_controller
    from tests.gui.test_timeline_view import Tier

    ctl = make_controller({"A": window_project_src.parent / "left.mp4"},
                          segments={3: Segment(3, Span(2000.0, 4000.0), SegmentStatus.SUGGESTED)})
    tl = TimelineWidget(ctl)
    qtbot.addWidget(tl)
    tl.resize(1000, 240)
    tl.show()
    long_name = "Transcription of the examiner's spoken instructions, speaker A"
    tl.set_other_tiers([Tier(long_name, [(1000.0, 2500.0, "raise your eyebrows")])])
    tl.show_motion(True)
    t = np.arange(0.0, 24000.0, 100.0)
    tl.set_motion(curve_from_trace(t, np.sin(t / 1000.0) ** 2, np.ones(t.size, bool), 0.0, "A"))
    ticks = {name: y for y, name in tl.plot.getAxis("left")._tickLevels[0]}
    lane = next(n for n in ticks if n.startswith("Transcr"))
    assert ticks["Exercise"] > ticks["Motion"] > ticks[lane] and tl.lane_count == 3
    assert "…" in lane and lane.endswith("speaker A")  # elided in the middle, not clipped
    font = tl.plot.getAxis("left").style.get("tickFont") or tl.font()
    assert QFontMetrics(font).horizontalAdvance(lane) <= MAX_AXIS_PX - 18
    assert tl.regions[3].span == pytest.approx((2 / 3, 1.0))  # segments stay in the exercise lane
    assert "03 Frown · suggested" in tl.regions[3].toolTip()  # the whole label, even when elided on screen
    line_y = tl.motion.line.getData()[1]
    assert 1.0 <= line_y.min() and line_y.max() < 2.0  # drawn inside its own lane
