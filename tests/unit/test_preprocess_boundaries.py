"""Suggested exercise boundaries from expression activity (synthetic landmarks, then the demo session)."""

import numpy as np

from fshd_studio.core.session import SegmentStatus
from fshd_studio.io.protocol_file import load_protocol
from fshd_studio.preprocess.boundaries import MotionParams, expression_activity
from fshd_studio.preprocess.suggest import moves, segments_from_trace


def _synthetic_recording(rng):
    """15 exercises of 4 s with 2 s of rest around them; each moves its own landmarks by its own amount."""
    proto = load_protocol()
    fps = 10.0
    t = np.arange(0, 2 + 15 * 6, 1 / fps)
    base = rng.uniform(-1, 1, (468, 2)) * [0.9, 1.4] + [0, 0.6]
    base[[33, 133]] = [(-0.72, 0), (-0.28, 0)]
    base[[362, 263]] = [(0.28, 0), (0.72, 0)]
    lm = np.repeat(base[None], t.size, 0) + rng.normal(0, 0.004, (t.size, 468, 2))
    truth = []
    for k, ex in enumerate(proto.exercises):
        a, b = 2 + 6 * k, 2 + 6 * k + 4
        truth.append((ex.id, a * 1000, b * 1000))
        if not moves(ex):
            continue
        pts = rng.choice(np.setdiff1d(np.arange(468), [33, 133, 362, 263]), 60, replace=False)
        amp = [0.06, 0.4][k % 2] * rng.uniform(0.8, 1.2)
        env = np.clip(np.minimum(t - a, b - t) / 0.6, 0, 1)  # 0.6 s ramps inside the segment
        lm[:, pts] += env[:, None, None] * amp * rng.normal(0, 1, (1, 60, 2))
    scale, shift = 150.0, np.array([320.0, 200.0])
    return proto, lm * scale + shift, t * 1000, truth


def test_suggested_boundaries_match_a_synthetic_recording():
    rng = np.random.default_rng(5)
    proto, lm, t, truth = _synthetic_recording(rng)
    trace = expression_activity(lm, t, MotionParams())
    segs = segments_from_trace(trace, proto, offset_ms=250.0)
    assert [s.exercise_id for s in segs] == proto.ids()
    assert all(s.status == SegmentStatus.SUGGESTED for s in segs)
    errors = []
    for seg, (ex_id, a, b) in zip(segs, truth):
        errors += [abs(seg.span.start_ms + 250.0 - a), abs(seg.span.end_ms + 250.0 - b)]
    within = np.mean(np.array(errors) <= 500.0)
    assert within >= 0.8, np.round(errors)


def test_suggestions_stay_inside_the_video_and_where_the_face_is():
    from fshd_studio.preprocess.boundaries import MotionTrace
    from fshd_studio.preprocess.suggest import fit_to_face

    t = np.arange(0, 60000, 100.0)
    found = (t >= 5000) & ~((t >= 30000) & (t < 34000))  # no face for 5 s at the start, 4 s in the middle
    trace = MotionTrace(t, np.zeros(t.size), found, end_ms=60000.0)
    assert fit_to_face(-3000.0, 9000.0, trace, 50.0) == (4950.0, 9000.0)  # not before 0 s, not before the face
    assert fit_to_face(55000.0, 64000.0, trace, 50.0) == (55000.0, 59950.0)  # not past the video (last sample)
    a, b = fit_to_face(27000.0, 40000.0, trace, 50.0)  # the longer stretch with a face is kept
    assert (a, b) == (33950.0, 40000.0)
    assert fit_to_face(0.0, 4000.0, trace, 50.0) is None  # nothing with a face: no suggestion


def test_no_suggested_segment_starts_before_the_video_or_without_a_face():
    rng = np.random.default_rng(5)
    proto, lm, t, truth = _synthetic_recording(rng)
    lm[t < 3500] = np.nan  # the patient sits down late: no face before 3.5 s (inside exercise 1)
    trace = expression_activity(lm, t, MotionParams())
    segs = segments_from_trace(trace, proto, offset_ms=250.0)
    for seg in segs:
        start, end = seg.span.start_ms + 250.0, seg.span.end_ms + 250.0  # camera time
        assert start >= 3500.0 - 50.0 and end <= t[-1] + 50.0
