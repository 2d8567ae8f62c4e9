"""The asymmetry measure: a one-sided weakness shows per exercise, on the patient's side that is weak.

The demo's warps move the eye corners along with a cheek puff or a brow raise; a face frame built on the eye
corners then cancels the movement (exercise 14 read 0.01 "weaker right" on a left-weak demo). These tests
would have caught it: per exercise, not on a mean over the session.
"""

from __future__ import annotations

import numpy as np
import pytest

from fshd_studio.demo.generate import load_truth
from fshd_studio.io.project import load_project
from fshd_studio.preprocess import preprocess_session
from fshd_studio.preprocess.asymmetry import BROW, CHEEK, EYES, REFERENCE, measure_asymmetry
from fshd_studio.preprocess.params import STABLE_POINTS

# exercises whose movement the demo's weakness visibly reduces on one side (its eye closure and smile are
# too faint in the rendered video to tell the sides apart): brow raise, frown, nose, lower lip, open mouth,
# puff and suck cheeks
WEAKENED = (2, 3, 6, 12, 13, 14, 15)


def _face(n: int) -> np.ndarray:
    """(n, 468, 2) face units: eye corners where the alignment template has them, cheeks outside the eyes,
    brows above, everything else still and scattered."""
    rng = np.random.default_rng(5)
    base = rng.uniform(-1.0, 1.0, (468, 2)) * [0.9, 1.4] + [0, 0.6]
    for i, xy in STABLE_POINTS.items():
        base[i] = xy
    base[list(CHEEK[0])] = rng.normal([-0.8, 0.7], 0.05, (len(CHEEK[0]), 2))
    base[list(CHEEK[1])] = rng.normal([0.8, 0.7], 0.05, (len(CHEEK[1]), 2))
    base[list(BROW[0])] = rng.normal([-0.5, -0.35], 0.08, (len(BROW[0]), 2))
    base[list(BROW[1])] = rng.normal([0.5, -0.35], 0.08, (len(BROW[1]), 2))
    return np.repeat(base[None], n, axis=0)


def _filmed(face: np.ndarray) -> np.ndarray:
    """Face units → camera pixels, the head swaying, turning and coming closer over the clip."""
    n = len(face)
    k = np.arange(n)
    angle, scale = 0.05 * np.sin(k / 6), 150 * (1 + 0.04 * k / n)
    rot = np.stack([np.stack([np.cos(angle), -np.sin(angle)], -1), np.stack([np.sin(angle), np.cos(angle)], -1)], -2)
    return np.einsum("tij,tnj->tni", rot * scale[:, None, None], face) + np.stack([300 + 4 * np.sin(k / 4),
                                                                                  250 + 3 * k / n], -1)[:, None]


@pytest.mark.parametrize("weak_left", [0.0, 0.8])
def test_cheek_puff_that_drags_the_eye_corners_still_shows_the_weak_side(weak_left):
    """Both cheeks and the eye corners above them move outwards (as the demo renders a puff); the patient's
    left moves 1 − weak_left as far. The eye corners must not be taken for head movement."""
    n = 40
    f = _face(n)
    amount = np.clip((np.arange(n) - 8) / 8, 0, 1)[:, None]
    gain = (1.0, 1.0 - weak_left)
    for side, sign in ((0, -1.0), (1, 1.0)):
        moved = [*CHEEK[side], EYES[2 * side], EYES[2 * side + 1]]
        f[:, moved, 0] += sign * 0.15 * gain[side] * amount
    res = measure_asymmetry(_filmed(f).astype(np.float32), np.arange(n) * 133.0, "cheek_bulge")
    assert res is not None
    assert res.peak_right == pytest.approx(0.15, rel=0.1)
    if weak_left:
        assert res.weaker_side == "left" and res.asymmetry_index > 0.5, res.summary()
    else:
        assert res.asymmetry_index < 0.05, res.summary()


def test_brow_raise_on_the_patients_right_only():
    n = 30
    f = _face(n)
    f[:, list(BROW[0]), 1] -= 0.12 * np.clip((np.arange(n) - 6) / 6, 0, 1)[:, None]  # y is down: a raise
    res = measure_asymmetry(_filmed(f).astype(np.float32), np.arange(n) * 133.0, "brow_height")
    assert res.weaker_side == "left" and res.asymmetry_index > 0.8 and res.peak_right == pytest.approx(0.12, rel=0.1)
    assert "patient" in res.summary()["sides"]


def test_too_few_reference_points_leaves_frames_unmeasured():
    f = _filmed(_face(20)).astype(np.float32)
    f[10:, list(REFERENCE["cheek_bulge"])] = np.nan
    res = measure_asymmetry(f, np.arange(20) * 133.0, "cheek_bulge")
    assert np.isfinite(res.excursion[:10]).all() and np.isnan(res.excursion[10:]).all()


def _front_asymmetry(demo, out) -> dict[int, dict]:
    session = load_project(demo.project).session
    session.cameras = [c for c in session.cameras if c.id == "front"]  # one camera is enough, and halves the time
    result = preprocess_session(session, out, exercises=list(WEAKENED))
    return {c.exercise_id: c.asymmetry for c in result.clips}


@pytest.mark.slow
def test_demo_weakness_raises_the_index_of_each_weakened_exercise_on_the_simulated_side(
        demo_project, demo_project_weak, tmp_path):
    truth = load_truth(demo_project_weak.truth)
    assert truth["weak_side"] == "left" and load_truth(demo_project.truth)["weakness"] == 0
    plain = _front_asymmetry(demo_project, tmp_path / "plain")
    weak = _front_asymmetry(demo_project_weak, tmp_path / "weak")
    table = {ex: (round(plain[ex]["asymmetry_index"], 2), round(weak[ex]["asymmetry_index"], 2),
                  weak[ex]["weaker_side"]) for ex in WEAKENED}
    for ex in WEAKENED:
        assert weak[ex]["asymmetry_index"] > plain[ex]["asymmetry_index"] + 0.15, (ex, table)
        assert weak[ex]["weaker_side"] == truth["weak_side"], (ex, table)  # both are the patient's side
        assert "patient" in weak[ex]["sides"]
