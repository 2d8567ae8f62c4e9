"""Face checks of a clip (preprocess/faces.py): several faces in view and a change of person are flagged in the
clip's result (and so in its meta), the same face through an exercise is not."""

import numpy as np
import pytest

from fshd_studio.io.video import open_video
from fshd_studio.io.video_write import write_video
from fshd_studio.preprocess.clip import process_clip
from fshd_studio.preprocess.params import PreprocessParams


@pytest.fixture(scope="module")
def demo_frames(demo_project):
    reader = open_video(demo_project.videos["front"])
    return [f for _, f in reader.iter_frames(0, 330)]  # 11 s at 30 fps, exercises included


def _clip(frames, path):
    write_video(path, iter(frames), 30.0)
    reader = open_video(path)
    tb = reader.timebase
    return process_clip(reader, tb, 0, tb.frame_count - 1, PreprocessParams())


def _another_face(frame):
    """The same photo stretched sideways: other proportions (nose length and forehead per eye distance)."""
    import cv2

    h, w = frame.shape[:2]
    big = cv2.resize(frame, (int(w * 1.25), h))
    x0 = (big.shape[1] - w) // 2
    return np.ascontiguousarray(big[:, x0:x0 + w])


def test_one_face_throughout_is_not_flagged(demo_frames, tmp_path):
    res = _clip(demo_frames, tmp_path / "same.mp4")
    assert res.usable and res.face_flags == ()


def test_a_change_of_person_is_flagged(demo_frames, tmp_path):
    grey = np.full_like(demo_frames[0], 128)  # the first person leaves, another sits down
    frames = demo_frames[:150] + [grey] * 20 + [_another_face(f) for f in demo_frames[170:]]
    res = _clip(frames, tmp_path / "changed.mp4")
    assert "face_changed" in res.face_flags and "several_faces" not in res.face_flags


def test_two_faces_in_view_are_flagged(demo_frames, tmp_path):
    frames = [np.ascontiguousarray(np.concatenate([f, f[:, ::-1]], axis=1)) for f in demo_frames]
    res = _clip(frames, tmp_path / "two.mp4")
    assert "several_faces" in res.face_flags
