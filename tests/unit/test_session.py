from pathlib import Path

import numpy as np
import pytest

from fshd_studio.core.session import Camera, Segment, Session, Span
from fshd_studio.core.timebase import Timebase
from fshd_studio.core.validation import CameraExtent, FindingKind, validate_session
from fshd_studio.io.protocol_file import load_protocol


def make_session(n=15, length=10_000.0, gap=1_000.0):
    p = load_protocol()
    segs = {}
    for i, ex in enumerate(p.exercises[:n]):
        start = i * (length + gap)
        segs[ex.id] = Segment(ex.id, Span(start, start + length))
    cams = [Camera("front", Path("/v/front.mp4"), 0.0), Camera("side", Path("/v/side.mp4"), 1500.0)]
    return Session("P001", "2026-11-24", p, cams, segs)


def test_span_rules():
    with pytest.raises(ValueError):
        Span(10, 10)
    assert Span(0, 10).overlaps(Span(9, 20)) and not Span(0, 10).overlaps(Span(10, 20))


def test_complete_session_has_no_findings():
    s = make_session()
    ext = {"front": CameraExtent(200_000, 30.0), "side": CameraExtent(200_000, 30.0)}
    assert validate_session(s, ext) == []


def test_missing_overlap_outside_and_short_are_reported():
    s = make_session(n=14)
    s.segments[14] = Segment(14, Span(5_000, 20_000))  # overlaps exercise 1 and 2
    s.segments[13] = Segment(13, Span(150_000, 152_000))  # 60 frames at 30 fps: too short
    ext = {"front": CameraExtent(151_000, 30.0), "side": CameraExtent(200_000, 30.0)}
    kinds = {(f.kind, f.exercise_id, f.camera_id) for f in validate_session(s, ext)}
    assert (FindingKind.MISSING, 15, None) in kinds
    assert any(k == FindingKind.OVERLAP and e == 14 for k, e, _ in kinds)
    assert (FindingKind.PADDED, 13, "front") in kinds  # runs past the video's end inside the model's 8.5 s
    assert (FindingKind.PADDED, 13, "side") not in kinds
    assert (FindingKind.TOO_SHORT, 13, "front") in kinds


def test_missing_video_is_reported_not_raised():
    s = make_session()
    kinds = {f.kind for f in validate_session(s, {"front": CameraExtent(200_000, 30.0)})}
    assert FindingKind.VIDEO_MISSING in kinds


def test_timebase_variable_frame_rate():
    pts = np.array([0.0, 33.0, 70.0, 100.0, 140.0])
    tb = Timebase(pts)
    assert tb.frame_count == 5 and tb.is_variable
    assert tb.frame_at(0) == 0 and tb.frame_at(32.9) == 0 and tb.frame_at(33) == 1
    assert tb.frame_at(139) == 3 and tb.frame_at(10_000) == 4 and tb.frame_at(-5) == 0
    assert list(tb.frames_in(33, 100)) == [1, 2]
    assert tb.time_of(2) == 70.0


def test_timebase_constant_and_camera_offset():
    tb = Timebase.constant(300, 25.0)
    cam = Camera("side", Path("x"), offset_ms=400.0)
    # session time 0 is camera time 400 ms = frame 10 at 25 fps
    assert tb.frame_at(cam.camera_ms(0.0)) == 10
    assert not tb.is_variable and abs(tb.fps - 25.0) < 1e-9
    with pytest.raises(ValueError):
        Timebase(np.array([0.0, 0.0]))
