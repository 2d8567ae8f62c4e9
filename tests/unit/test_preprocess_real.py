"""Preprocessing on the shared real face videos: shapes, alignment stability, no-face, cache, rule."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fshd_studio.core.session import Camera, Segment, Session, Span
from fshd_studio.io.protocol_file import load_protocol
from fshd_studio.preprocess import load_preprocessed, preprocess_session
from fshd_studio.preprocess.alignment import apply_matrix
from fshd_studio.preprocess.params import LEFT_EYE_CORNERS, RIGHT_EYE_CORNERS, PreprocessParams, template_eye_centres


pytestmark = pytest.mark.slow


def _session(external: Path, segments: dict[int, tuple[float, float]]) -> Session:
    video = external / "video"
    return Session(
        patient_id="T1", visit_date="2026-11-24", protocol=load_protocol(),
        cameras=[Camera("front", video / "pyfeat_single_face.mp4"), Camera("side", video / "pyfeat_no_face.mp4")],
        segments={i: Segment(i, Span(a, b)) for i, (a, b) in segments.items()},
    )


@pytest.fixture(scope="module")
def first_run(external, tmp_path_factory):
    out = tmp_path_factory.mktemp("pre")
    session = _session(external, {7: (0.0, 2400.0), 14: (500.0, 2000.0)})
    progress = []
    result = preprocess_session(session, out, report=progress.append)
    return session, out, result, progress


def test_outputs_have_the_study_shapes(first_run):
    _, out, result, progress = first_run
    assert progress[-1].done == progress[-1].total == 4
    clips = {(c.exercise_id, c.camera_id): c for c in load_preprocessed(out)}
    assert set(clips) == {(7, "front"), (14, "front"), (7, "side"), (14, "side")}
    smile = clips[(7, "front")]
    snippets = smile.snippets()
    assert snippets.shape == (8, 16, 224, 224, 3) and snippets.dtype == np.uint8
    assert snippets[0, 0].mean() > 20  # an image, not an empty canvas
    meta = smile.meta
    first, last = meta["segment"]["first_frame"], meta["segment"]["last_frame"]
    assert (first, last) == (0, 71)
    assert smile.array("transforms").shape == (last - first + 1, 2, 3)
    lm = smile.array("landmarks")
    assert lm.shape == (meta["tracked_frames"], 468, 2) and lm.dtype == np.float32
    assert meta["usable"] and meta["face_ratio"] > 0.95 and meta["short"]
    assert meta["detections"] <= 2  # detected once, then followed by the landmarks
    assert meta["asymmetry"]["measure"] == "mouth_corner_excursion"
    assert 0.0 <= meta["asymmetry"]["asymmetry_index"] <= 1.0
    assert smile.array("asymmetry").shape == (meta["tracked_frames"], 2)


def test_snippet_frames_follow_the_rule_exactly(first_run):
    _, out, _, _ = first_run
    meta = json.loads((out / "07_front" / "meta.json").read_text())
    idx = np.array(meta["snippet_frames"])
    want = np.minimum(np.arange(8)[:, None] * 32 + np.arange(16)[None, :] * 2, 71)  # 30 fps, 72 frames
    assert idx.tolist() == want.tolist()
    puff = json.loads((out / "14_front" / "meta.json").read_text())
    assert puff["segment"]["first_frame"] == 15  # 500 ms at 30 fps
    assert puff["snippet_frames"][0][:3] == [15, 17, 19]


def test_aligned_eye_centres_stay_on_the_template(first_run):
    _, out, _, _ = first_run
    clip = next(c for c in load_preprocessed(out) if (c.exercise_id, c.camera_id) == (7, "front"))
    lm, frames, tr = clip.array("landmarks"), clip.array("landmark_frames"), clip.array("transforms")
    first = clip.meta["segment"]["first_frame"]
    target = template_eye_centres(PreprocessParams())
    devs = []
    for f, pts in zip(frames, lm):
        eyes = np.array([pts[list(RIGHT_EYE_CORNERS)].mean(0), pts[list(LEFT_EYE_CORNERS)].mean(0)])
        devs.append(np.linalg.norm(apply_matrix(tr[f - first], eyes) - target, axis=1))
    devs = np.array(devs)
    assert np.median(devs) < 2.0 and devs.max() < 5.0


def test_the_no_face_video_is_reported_not_crashed_on(first_run):
    _, out, result, _ = first_run
    side = result.clip(7, "side")
    assert not side.usable and "no face" in side.reason
    assert not (out / "07_side" / "snippets.npy").exists()
    assert json.loads((out / "07_side" / "meta.json").read_text())["usable"] is False


def test_second_run_is_cached_and_a_moved_segment_recomputes_only_it(first_run):
    session, out, _, _ = first_run
    stamp = (out / "07_front" / "snippets.npy").stat().st_mtime_ns
    again = preprocess_session(session, out)
    assert again.computed == 0 and all(c.cached for c in again.clips)
    session.segments[14] = Segment(14, Span(800.0, 2000.0))
    moved = preprocess_session(session, out)
    assert sorted((c.exercise_id, c.camera_id) for c in moved.clips if not c.cached) == [(14, "front"), (14, "side")]
    assert (out / "07_front" / "snippets.npy").stat().st_mtime_ns == stamp
    assert json.loads((out / "14_front" / "meta.json").read_text())["segment"]["first_frame"] == 24


def test_other_frame_rate_is_resampled_by_time(external, tmp_path):
    video = external / "video" / "pyfeat_WolfgangLanger_Pexels.mp4"  # 23.976 fps
    session = Session("T2", "2026-11-24", load_protocol(), [Camera("front", video)],
                      {14: Segment(14, Span(1000.0, 10000.0))})
    result = preprocess_session(session, tmp_path, exercises=[14])
    meta = json.loads((tmp_path / "14_front" / "meta.json").read_text())
    assert result.clip(14, "front").usable, meta["reason"]
    idx = np.array(meta["snippet_frames"])
    fps = 24000 / 1001
    want_ms = 1000.0 * idx[0, 0] / fps + (np.arange(8)[:, None] * 32 + np.arange(16) * 2) * 1000.0 / 30.0
    assert np.all(np.abs(idx / fps * 1000.0 - want_ms) <= 500.0 / fps + 1.0)
    assert not meta["short"]


def test_long_face_gap_marks_only_that_exercise_unusable(external, tmp_path):
    video = external / "video" / "pyfeat_noface_face.mov"  # HEVC, variable frame rate; face from ~4 s
    session = Session("T3", "2026-11-24", load_protocol(), [Camera("front", video)],
                      {2: Segment(2, Span(0.0, 6000.0)), 14: Segment(14, Span(4300.0, 6200.0))})
    result = preprocess_session(session, tmp_path)
    whole, late = result.clip(2, "front"), result.clip(14, "front")
    assert not whole.usable and "no face for" in whole.reason
    assert late.usable, late.reason
    meta = json.loads((tmp_path / "14_front" / "meta.json").read_text())
    assert meta["short"] and meta["video"]["variable_frame_rate"] is True
    assert np.load(tmp_path / "14_front" / "snippets.npy", mmap_mode="r").shape == (8, 16, 224, 224, 3)


def test_cancel_stops_without_half_written_folders(external, tmp_path):
    import threading

    from fshd_studio.core.progress import Cancelled

    session = _session(external, {7: (0.0, 2400.0), 14: (500.0, 2000.0)})
    cancel = threading.Event()

    def report(p):
        if p.done == 1:
            cancel.set()

    with pytest.raises(Cancelled):
        preprocess_session(session, tmp_path, report=report, cancel=cancel)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["07_front"]  # the finished clip only: no temp folder, no index of a partial run
