"""Alignment maths and asymmetry measures on synthetic landmarks."""

import numpy as np
import pytest

from fshd_studio.preprocess import alignment as al
from fshd_studio.preprocess.asymmetry import CHEEK, MOUTH_CORNER, measure_asymmetry
from fshd_studio.preprocess.params import STABLE_POINTS, PreprocessParams, template_points


def test_similarity_fit_recovers_a_known_transform():
    rng = np.random.default_rng(1)
    src = rng.uniform(0, 500, (8, 2))
    a, b = 0.8 * np.cos(0.3), 0.8 * np.sin(0.3)
    dst = src @ np.array([[a, -b], [b, a]]).T + [12.0, -7.0]
    sim = al.fit_similarity(src, dst)
    assert sim == pytest.approx([a, b, 12.0, -7.0], abs=1e-9)
    m = al.as_matrices(sim[None])[0]
    back = al.apply_matrix(al.invert_matrix(m), al.apply_matrix(m, src))
    assert back == pytest.approx(src, abs=1e-3)


def test_gaps_carry_the_last_alignment_and_smoothing_keeps_constants():
    v = np.array([[np.nan] * 4, [1, 0, 5, 5], [np.nan] * 4, [2, 0, 6, 6]], float)
    filled = al.carry_gaps(v)
    assert filled[0].tolist() == [1, 0, 5, 5] and filled[2].tolist() == [1, 0, 5, 5]
    const = np.tile([1.0, 0.1, 3.0, 4.0], (20, 1))
    t = np.cumsum(np.full(20, 33.3))
    assert al.smooth(const, t, 120.0) == pytest.approx(const)
    noisy = const + np.random.default_rng(2).normal(0, 1, const.shape)
    assert al.smooth(noisy, t, 120.0).std(axis=0).max() < noisy.std(axis=0).max()


def _face(n_frames: int) -> np.ndarray:
    """A fake 468-point face: stable points where the template has them, the rest random but fixed."""
    rng = np.random.default_rng(3)
    base = rng.uniform(-1.0, 1.0, (468, 2)) * [0.9, 1.4] + [0, 0.6]
    for i, (x, y) in STABLE_POINTS.items():
        base[i] = (x, y)
    base[list(CHEEK[0])] = (-0.85, 0.7)  # cheeks lie outside the eyes
    base[list(CHEEK[1])] = (0.85, 0.7)
    return np.repeat(base[None], n_frames, axis=0)


def _place(face: np.ndarray, scale: float, angle: float, shift) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return face @ (scale * np.array([[c, -s], [s, c]])).T + shift


@pytest.mark.parametrize("left_gain", [1.0, 0.3])
def test_mouth_corner_asymmetry_follows_one_sided_weakness(left_gain):
    f = _face(40)
    move = np.clip((np.arange(40) - 10) / 10, 0, 1)[:, None]
    f[:, MOUTH_CORNER[0]] += move * [-0.25, -0.1]  # patient's right corner out and up
    f[:, MOUTH_CORNER[1]] += move * [0.25, -0.1] * left_gain
    px = _place(f, 180.0, 0.2, [400, 300])  # head turned and far from the origin: must not matter
    t = np.arange(40) * 66.7
    res = measure_asymmetry(px.astype(np.float32), t, "mouth_corner_excursion")
    assert res is not None
    if left_gain == 1.0:
        assert res.asymmetry_index < 0.05
    else:
        assert res.asymmetry_index > 0.4 and res.weaker_side == "left"
    assert res.peak_right == pytest.approx(np.hypot(0.25, 0.1), rel=0.05)


def test_cheek_bulge_and_missing_frames():
    f = _face(30)
    f[15:, list(CHEEK[1])] += [0.1, 0.0]  # only the left cheek bulges
    px = _place(f, 100.0, -0.1, [200, 200]).astype(np.float32)
    px[5] = np.nan
    res = measure_asymmetry(px, np.arange(30) * 66.7, "cheek_bulge")
    assert res.weaker_side == "right" and res.asymmetry_index > 0.8
    assert np.isnan(res.excursion[5]).all()
    assert measure_asymmetry(px, np.arange(30) * 66.7, "none") is None


def test_template_is_inside_the_image():
    p = PreprocessParams()
    pts = template_points(p)
    assert pts.min() > 0 and pts.max() < p.size
