"""One exercise clip of one synthetic "patient": cheap training data for the model's benchmark."""

from __future__ import annotations

import numpy as np

from fshd_studio.demo.render import Pose, clip_view, envelope, render
from fshd_studio.io.protocol_file import load_protocol


def render_exercise_clip(exercise_id: int, n_frames: int, fps: float = 30.0, size: tuple[int, int] = (224, 224),
                         seed: int = 0, weakness: float = 0.0, weak_side: str = "left") -> np.ndarray:
    """(T, H, W, 3) uint8: the face doing one exercise, with seeded onset, amplitude, speed and head sway."""
    ex = load_protocol().by_id(exercise_id)
    rng = np.random.default_rng(seed)
    view = clip_view(tuple(size), ex.code, ex.measure, round(float(weakness), 3), weak_side)
    onset = rng.uniform(0.1, 0.6)
    hold = rng.uniform(0.6, 1.0) * n_frames / fps
    ramp = rng.uniform(0.3, 0.7)
    amp = rng.uniform(0.8, 1.2)
    p1, p2, p3 = rng.uniform(0, 2 * np.pi, 3)
    t1, t2 = rng.uniform(3.0, 7.0, 2)
    blink_at = rng.uniform(0, n_frames / fps)
    out = np.empty((n_frames, size[1], size[0], 3), np.uint8)
    for k in range(n_frames):
        t = k / fps
        pose = Pose(ex.code, amp * envelope(t - onset, hold, ramp), max(0.0, 1 - abs(t - blink_at) / 0.11),
                    0.03 * np.sin(2 * np.pi * t / t1 + p1), 0.02 * np.sin(2 * np.pi * t / t2 + p2),
                    1.2 * np.sin(2 * np.pi * t / (t1 + t2) + p3))
        out[k] = render(view, pose)
    return out
