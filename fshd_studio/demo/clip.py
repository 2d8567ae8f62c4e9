"""One exercise clip of one synthetic "patient": cheap training data for the model's benchmark."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from fshd_studio.demo.render import CameraSpec, Pose, View, clip_view, envelope, make_view, render
from fshd_studio.io.protocol_file import load_protocol


def _poses(code: str, n_frames: int, fps: float, rng: np.random.Generator) -> Iterator[Pose]:
    """Seeded onset, hold, speed, amplitude, head sway and one blink."""
    onset = rng.uniform(0.1, 0.6)
    hold = rng.uniform(0.6, 1.0) * n_frames / fps
    ramp = rng.uniform(0.3, 0.7)
    amp = rng.uniform(0.8, 1.2)
    p1, p2, p3 = rng.uniform(0, 2 * np.pi, 3)
    t1, t2 = rng.uniform(3.0, 7.0, 2)
    blink_at = rng.uniform(0, n_frames / fps)
    for k in range(n_frames):
        t = k / fps
        yield Pose(code, amp * envelope(t - onset, hold, ramp), max(0.0, 1 - abs(t - blink_at) / 0.11),
                   0.03 * np.sin(2 * np.pi * t / t1 + p1), 0.02 * np.sin(2 * np.pi * t / t2 + p2),
                   1.2 * np.sin(2 * np.pi * t / (t1 + t2) + p3))


def _frames(view: View, code: str, n_frames: int, fps: float, seed: int, size: tuple[int, int]) -> np.ndarray:
    out = np.empty((n_frames, size[1], size[0], 3), np.uint8)
    for k, pose in enumerate(_poses(code, n_frames, fps, np.random.default_rng(seed))):
        out[k] = render(view, pose)
    return out


def render_exercise_clip(exercise_id: int, n_frames: int, fps: float = 30.0, size: tuple[int, int] = (224, 224),
                         seed: int = 0, weakness: float = 0.0, weak_side: str = "left") -> np.ndarray:
    """(T, H, W, 3) uint8: the face doing one exercise, framed on the face (no camera)."""
    ex = load_protocol().by_id(exercise_id)
    view = clip_view(tuple(size), ex.code, ex.measure, round(float(weakness), 3), weak_side)
    return _frames(view, ex.code, n_frames, fps, seed, tuple(size))


def render_camera_clip(exercise_id: int, n_frames: int, cam: CameraSpec, seed: int = 0, weakness: float = 0.0,
                       weak_side: str = "left") -> np.ndarray:
    """(T, H, W, 3) uint8: the face doing one exercise as a demo camera films it (its framing, rate, exposure)."""
    ex = load_protocol().by_id(exercise_id)
    view = make_view(cam, (ex,), round(float(weakness), 3), weak_side)
    return _frames(view, ex.code, n_frames, cam.fps, seed, cam.size)
