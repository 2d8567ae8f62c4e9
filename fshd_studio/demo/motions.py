"""What each exercise moves: landmark displacements (in inter-ocular distances) and the dense warp field.

Convention: the subject's left side is image right on a frontal camera (x > nose-bridge x). A weakness of w on
one side multiplies that side's displacements by (1 - w).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from fshd_studio.demo import face as F
from fshd_studio.demo.face import Face

Disp = np.ndarray  # (468, 2) displacement per landmark, in IOD units, image axes (y down)


def _outward(face: Face, idx: list[int]) -> np.ndarray:
    """Unit x direction away from the midline for each landmark of idx."""
    return np.sign(face.landmarks[idx, 0] - face.midline_x)


def _move(d: Disp, idx: list[int], dx: np.ndarray | float, dy: np.ndarray | float) -> None:
    d[idx, 0] += dx
    d[idx, 1] += dy


def _eyes_closed(face: Face, d: Disp, amount: float) -> None:
    lm = face.landmarks
    iod = face.iod
    for upper, lower in (([159, 158, 157, 160, 161], [145, 144, 153]), ([386, 385, 384, 387, 388], [374, 373, 380])):
        lower_y = lm[lower, 1].mean()
        d[upper, 1] += amount * (lower_y - lm[upper, 1]) / iod


def _brow_raise(face, d):
    _move(d, F.BROWS, 0.0, -0.13)
    _move(d, F.FOREHEAD, 0.0, -0.05)
    _move(d, F.UPPER_LIDS, 0.0, -0.02)


def _frown(face, d):
    _move(d, F.BROWS, -0.06 * _outward(face, F.BROWS), 0.06)


def _eyes_gentle(face, d):
    _eyes_closed(face, d, 0.9)


def _eyes_forced(face, d):
    _eyes_closed(face, d, 1.0)
    _move(d, F.BROWS, 0.0, 0.05)
    _move(d, F.CHEEKS, 0.0, -0.03)


def _nose(face, d):
    _move(d, F.NOSE_WINGS, 0.0, -0.06)
    _move(d, F.UPPER_LIP, 0.0, -0.03)


def _smile(face, d):
    _move(d, F.MOUTH_CORNERS, 0.13 * _outward(face, F.MOUTH_CORNERS), -0.09)
    _move(d, F.CHEEKS, 0.02 * _outward(face, F.CHEEKS), -0.04)


def _teeth(face, d):
    _smile(face, d)
    _move(d, F.UPPER_LIP, 0.0, -0.04)
    _move(d, F.LOWER_LIP, 0.0, 0.06)


def _pucker(face, d):
    _move(d, F.MOUTH_CORNERS, -0.12 * _outward(face, F.MOUTH_CORNERS), 0.0)
    _move(d, F.UPPER_LIP, 0.0, -0.02)
    _move(d, F.LOWER_LIP, 0.0, 0.02)


def _whistle(face, d):
    _pucker(face, d)
    _move(d, F.CHEEKS, -0.03 * _outward(face, F.CHEEKS), 0.0)


def _lips_press(face, d):
    _move(d, F.UPPER_LIP, 0.0, 0.025)
    _move(d, F.LOWER_LIP, 0.0, -0.025)
    _move(d, F.MOUTH_CORNERS, 0.04 * _outward(face, F.MOUTH_CORNERS), 0.0)


def _lower_lip(face, d):
    _move(d, F.LOWER_LIP, 0.0, 0.08)


def _open_mouth(face, d):
    _move(d, F.LOWER_LIP, 0.0, 0.22)
    _move(d, F.CHIN, 0.0, 0.25)
    _move(d, F.MOUTH_CORNERS, -0.03 * _outward(face, F.MOUTH_CORNERS), 0.08)


def _puff(face, d):
    _move(d, F.CHEEKS, 0.13 * _outward(face, F.CHEEKS), 0.0)
    _move(d, F.MOUTH_CORNERS, -0.03 * _outward(face, F.MOUTH_CORNERS), 0.0)


def _suck(face, d):
    _move(d, F.CHEEKS, -0.09 * _outward(face, F.CHEEKS), 0.0)
    _move(d, F.MOUTH_CORNERS, -0.04 * _outward(face, F.MOUTH_CORNERS), 0.0)


# By protocol exercise code (resources/protocols/fshd-15.json); unknown codes fall back on their measure.
BY_CODE: dict[str, Callable[[Face, Disp], None]] = {
    "REST": lambda face, d: None, "BROW": _brow_raise, "FROWN": _frown, "EYES_GENTLE": _eyes_gentle,
    "EYES_FORCED": _eyes_forced, "NOSE": _nose, "SMILE": _smile, "TEETH": _teeth, "PUCKER": _pucker,
    "WHISTLE": _whistle, "LIPS_PRESS": _lips_press, "LOWER_LIP": _lower_lip, "OPEN_MOUTH": _open_mouth,
    "PUFF": _puff, "SUCK": _suck,
}
BY_MEASURE: dict[str, Callable[[Face, Disp], None]] = {
    "none": lambda face, d: None, "brow_height": _brow_raise, "eyelid_aperture": _eyes_gentle,
    "nose_wrinkle": _nose, "mouth_corner_excursion": _smile, "lip_protrusion": _pucker, "cheek_bulge": _puff,
}


def displacement(face: Face, code: str, measure: str, weakness: float = 0.0, weak_side: str = "left") -> Disp:
    """Landmark displacements (IOD units) of one exercise at full amplitude, weakened on one side."""
    d = np.zeros_like(face.landmarks)
    BY_CODE.get(code, BY_MEASURE.get(measure, BY_MEASURE["none"]))(face, d)
    if weakness:
        if weak_side not in ("left", "right"):
            raise ValueError(f"weak_side must be 'left' or 'right', not {weak_side!r}")
        on_left = face.landmarks[:, 0] > face.midline_x  # the subject's left is image right
        side = on_left if weak_side == "left" else ~on_left
        d[side] *= 1.0 - float(np.clip(weakness, 0.0, 1.0))
    return d


def dense_field(points: np.ndarray, disp_px: np.ndarray, size: tuple[int, int], sigma: float,
                step: int = 8) -> np.ndarray:
    """(H, W, 2) float32 displacement field interpolating `disp_px` at `points` (view pixels)."""
    import cv2

    w, h = size
    moving = np.flatnonzero(np.abs(disp_px).sum(1) > 1e-9)
    if moving.size == 0:
        return np.zeros((h, w, 2), np.float32)
    gx, gy = np.meshgrid(np.arange(0, w + step, step, dtype=np.float64), np.arange(0, h + step, step, dtype=np.float64))
    grid = np.stack([gx.ravel(), gy.ravel()], 1)
    d2 = ((grid[:, None, :] - points[None, moving, :]) ** 2).sum(-1)
    wts = np.exp(-d2 / (2 * sigma * sigma))
    field = (wts @ disp_px[moving]) / np.maximum(1.0, wts.sum(1, keepdims=True))
    coarse = field.reshape(gy.shape[0], gx.shape[1], 2).astype(np.float32)
    full = cv2.resize(coarse, (gx.shape[1] * step, gy.shape[0] * step), interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(full[:h, :w])
