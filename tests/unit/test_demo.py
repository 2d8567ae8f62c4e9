"""The demo generator: real files out, true segments in, offsets that matter, weakness on one side only."""

import json

import numpy as np
import pytest

from fshd_studio.demo import make_demo, render_exercise_clip
from fshd_studio.demo.face import astronaut_face
from fshd_studio.io.project import load_project
from fshd_studio.io.video import open_video, probe
from tests.fixtures_demo import SHORT


def test_videos_decode_with_expected_lengths(demo_project):
    truth = json.loads(demo_project.truth.read_text())
    total_ms = max(e for _, e in truth["segments"].values()) + 1000.0
    for cam_id, fps in (("front", 30.0), ("side", 25.0)):
        info = probe(demo_project.videos[cam_id])
        expected = int((total_ms + demo_project.offsets[cam_id]) * fps / 1000.0)
        assert info.frame_count == expected
        assert abs(info.fps - fps) < 0.01 and not info.variable_frame_rate
    assert probe(demo_project.videos["front"]).width != probe(demo_project.videos["side"]).width


def test_project_holds_the_true_segments_and_offsets(demo_project):
    loaded = load_project(demo_project.project)
    assert loaded.missing_videos == []
    s = loaded.session
    assert sorted(s.segments) == list(range(1, 16))
    assert s.segments == demo_project.segments
    assert {c.id: c.offset_ms for c in s.cameras} == {"front": 0.0, "side": 1240.0}
    assert s.patient_id.startswith("DEMO")


def test_eaf_matches_the_project(demo_project):
    from fshd_studio.io import elan
    assert demo_project.eaf is not None
    doc = elan.read_eaf(demo_project.eaf)
    imp = elan.import_exercises(doc, load_project(demo_project.project).session.protocol)
    assert {k: (v.span.start_ms, v.span.end_ms) for k, v in imp.segments.items()} == \
        {k: (v.span.start_ms, v.span.end_ms) for k, v in demo_project.segments.items()}
    assert imp.offsets == {"front.mp4": 0.0, "side.mp4": 1240.0}


def _motion(path, fps, offset_ms):
    """Frame-difference energy of a video on the session clock (one value per 40 ms)."""
    with open_video(path) as r:
        frames = [f.astype(np.float32).mean(2) for _, f in r.iter_frames()]
    energy = np.array([np.abs(b - a).mean() for a, b in zip(frames, frames[1:])])
    times = (np.arange(1, len(frames)) * 1000.0 / fps) - offset_ms
    grid = np.arange(0, times[-1], 40.0)
    return np.interp(grid, times, energy)


def test_sync_offset_aligns_the_two_cameras(demo_project):
    front = _motion(demo_project.videos["front"], 30.0, 0.0)
    side = _motion(demo_project.videos["side"], 25.0, demo_project.offsets["side"])
    n = min(len(front), len(side))
    a, b = front[:n] - front[:n].mean(), side[:n] - side[:n].mean()
    lags = range(-40, 41)  # ±1.6 s in 40 ms steps
    corr = [np.dot(a[max(0, k):n + min(0, k)], b[max(0, -k):n - max(0, k)]) for k in lags]
    best = list(lags)[int(np.argmax(corr))]
    assert abs(best) <= 1, f"cameras align at a lag of {best * 40} ms instead of 0"


def test_same_seed_same_frames_other_seed_other_frames(tmp_path):
    tiny = dict(exercise_s=0.8, rest_s=0.3, size_scale=0.5)  # determinism does not need the long demo
    first, again, other = (make_demo(tmp_path / name, seed=seed, **tiny)
                           for name, seed in (("first", 3), ("again", 3), ("other", 4)))
    i = int(first.segments[7].span.start_ms / 1000 * 30) + 10
    with open_video(first.videos["front"]) as a, open_video(again.videos["front"]) as b, \
            open_video(other.videos["front"]) as c:
        assert np.array_equal(a.frame(i), b.frame(i))
        assert not np.array_equal(a.frame(i), c.frame(i))


def _side_change(code, weakness):
    """Mean absolute pixel change of a full movement (no head sway), on image-left and image-right halves."""
    from fshd_studio.demo.generate import default_cameras
    from fshd_studio.demo.render import Pose, make_view, render
    from fshd_studio.io.protocol_file import load_protocol

    front = default_cameras(0.5)[0]
    view = make_view(front, load_protocol().exercises, weakness, "left")
    rest = render(view, Pose(None, 0, 0, 0, 0, 0)).astype(np.float32)
    moved = render(view, Pose(code, 1.0, 0, 0, 0, 0)).astype(np.float32)
    diff = np.abs(moved - rest).mean(2)
    mid = int(round(view.landmarks[168, 0]))
    return diff[:, :mid].sum(), diff[:, mid:].sum()


@pytest.mark.parametrize("code", ["SMILE", "PUFF", "BROW"])
def test_weakness_reduces_movement_on_one_side_only(code):
    strong_l, strong_r = _side_change(code, 0.0)
    weak_l, weak_r = _side_change(code, 0.9)
    # the subject's left is image right on the front camera
    assert weak_r < 0.5 * strong_r
    assert weak_l > 0.8 * strong_l


def test_clip_is_deterministic_and_varied_by_seed():
    a = render_exercise_clip(14, 20, size=(96, 96), seed=1)
    b = render_exercise_clip(14, 20, size=(96, 96), seed=1)
    c = render_exercise_clip(14, 20, size=(96, 96), seed=2)
    assert a.shape == (20, 96, 96, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_cached_landmarks_match_a_fresh_face_mesh_run():
    import mediapipe as mp
    face = astronaut_face()
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1) as fm:
        res = fm.process(face.image)
    h, w = face.image.shape[:2]
    fresh = np.array([[p.x * w, p.y * h] for p in res.multi_face_landmarks[0].landmark])
    assert np.abs(fresh - face.landmarks).max() < 3.0


def test_default_timing_gives_every_exercise_the_models_input_on_both_cameras():
    from fshd_studio.core.validation import MODEL_SOURCE_FRAMES
    from fshd_studio.demo.generate import default_cameras, make_script
    from fshd_studio.io.protocol_file import load_protocol
    import inspect

    defaults = inspect.signature(make_demo).parameters
    script = make_script(load_protocol(), 0, defaults["exercise_s"].default, defaults["rest_s"].default)
    for cam in default_cameras():
        for span in script.spans.values():
            assert span.duration_ms * cam.fps / 1000.0 >= MODEL_SOURCE_FRAMES
