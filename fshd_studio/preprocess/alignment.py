"""Align the face to the canonical 224×224 template with a smoothed similarity transform.

A transform is kept as its four similarity parameters (a, b, tx, ty):
    x' = a·x − b·y + tx,   y' = b·x + a·y + ty
(scale = hypot(a, b), rotation = atan2(b, a)); `as_matrices` gives the 2×3 matrices that map source
pixels to aligned pixels (cv2.warpAffine form). Invert one with `invert_matrix` to map a heatmap back.
"""

from __future__ import annotations

import numpy as np

from fshd_studio.preprocess.params import STABLE_POINTS, PreprocessParams, template_points

STABLE_IDS = tuple(STABLE_POINTS)


def fit_similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares similarity (a, b, tx, ty) taking points `src` (n, 2) onto `dst` (n, 2)."""
    src = np.asarray(src, np.float64)
    dst = np.asarray(dst, np.float64)
    n = src.shape[0]
    design = np.zeros((2 * n, 4))
    design[0::2] = np.column_stack([src[:, 0], -src[:, 1], np.ones(n), np.zeros(n)])
    design[1::2] = np.column_stack([src[:, 1], src[:, 0], np.zeros(n), np.ones(n)])
    sol, *_ = np.linalg.lstsq(design, dst.reshape(-1), rcond=None)
    return sol


def raw_alignment(landmarks: np.ndarray, params: PreprocessParams) -> np.ndarray:
    """(T, 4) similarity per frame from its stable landmarks; NaN rows where no face was found."""
    dst = template_points(params, STABLE_IDS)
    out = np.full((landmarks.shape[0], 4), np.nan)
    for i, lm in enumerate(landmarks):
        src = lm[list(STABLE_IDS)]
        if np.all(np.isfinite(src)):
            out[i] = fit_similarity(src, dst)
    return out


def carry_gaps(values: np.ndarray) -> np.ndarray:
    """Fill NaN rows with the last valid row (leading gaps take the first valid row)."""
    out = values.copy()
    valid = np.flatnonzero(np.all(np.isfinite(values), axis=1))
    if valid.size == 0:
        return out
    idx = np.maximum.accumulate(np.where(np.all(np.isfinite(values), axis=1), np.arange(len(values)), -1))
    idx[idx < 0] = valid[0]
    return out[idx]


def smooth(values: np.ndarray, times_ms: np.ndarray, sigma_ms: float) -> np.ndarray:
    """Gaussian smoothing over time (irregular sample times allowed); rows must be finite."""
    if sigma_ms <= 0 or len(values) < 2:
        return values.copy()
    d = times_ms[:, None] - times_ms[None, :]
    w = np.exp(-0.5 * (d / sigma_ms) ** 2)
    w /= w.sum(axis=1, keepdims=True)
    return w @ values


def resample(values: np.ndarray, times_ms: np.ndarray, at_ms: np.ndarray) -> np.ndarray:
    """Linear interpolation of each column at new times (held constant beyond the ends)."""
    return np.column_stack([np.interp(at_ms, times_ms, values[:, c]) for c in range(values.shape[1])])


def as_matrices(sim: np.ndarray) -> np.ndarray:
    """(T, 4) similarity parameters → (T, 2, 3) float32 matrices (source px → aligned px)."""
    a, b, tx, ty = (sim[:, i] for i in range(4))
    m = np.stack([np.stack([a, -b, tx], axis=1), np.stack([b, a, ty], axis=1)], axis=1)
    return m.astype(np.float32)


def invert_matrix(m: np.ndarray) -> np.ndarray:
    """Inverse of one 2×3 affine matrix (aligned px → source px)."""
    m = np.asarray(m, np.float64)
    a, b, c, d = m[0, 0], m[0, 1], m[1, 0], m[1, 1]
    det = a * d - b * c
    lin = np.array([[d, -b], [-c, a]]) / det  # closed form: np.linalg.inv is slow under BLAS threading
    return np.hstack([lin, -(lin @ m[:, 2])[:, None]]).astype(np.float32)


def apply_matrix(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Map points (n, 2) with a 2×3 matrix."""
    m = np.asarray(m, np.float64)
    return pts @ m[:, :2].T + m[:, 2]


def compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """The 2×3 matrix of `outer ∘ inner` (apply inner first)."""
    o = np.vstack([np.asarray(outer, np.float64), [0, 0, 1]])
    i = np.vstack([np.asarray(inner, np.float64), [0, 0, 1]])
    return (o @ i)[:2]
