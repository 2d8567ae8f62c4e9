"""Left-versus-right excursion of the landmarks an exercise moves, in inter-ocular distances (IOD).

Each frame's landmarks are put in a face frame (origin between the eye centres, x towards the patient's
left eye, unit = that frame's IOD), so head movement and distance to the camera cancel out. For each side
the measure's value is compared with its rest value (median over the first `rest_s` of the exercise);
the excursion's 95th percentile over the exercise is that side's peak, and

    asymmetry_index = |peak_right − peak_left| / (peak_right + peak_left)      (0 = symmetric, 1 = one side)

The weaker side is the one with the smaller peak. Same idea as Emotrics / auto-eFACE: numbers a
clinician can check against the video. "right"/"left" are the patient's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from fshd_studio.preprocess.params import LEFT_EYE_CORNERS, RIGHT_EYE_CORNERS

MIN_MOVEMENT_IOD = 0.01  # both peaks below this: no clear movement, index reported as 0

# (right side ids, left side ids) of the MediaPipe face mesh
BROW = ((70, 63, 105, 66, 107), (300, 293, 334, 296, 336))
LIDS = ((159, 145), (386, 374))  # upper, lower
NOSE_WING = ((48, 64, 98), (278, 294, 327))
INNER_CORNER = (133, 362)
MOUTH_CORNER = (61, 291)
CHEEK = ((50, 101, 118, 117, 123, 187, 205, 36, 142, 207), (280, 330, 347, 346, 352, 411, 425, 266, 371, 427))
# Eyelids change appearance as they close, so optical flow loses them; the mesh's eyelid points are reliable.
MESH_MEASURES = frozenset({"eyelid_aperture"})
MEASURED_IDS = sorted({*RIGHT_EYE_CORNERS, *LEFT_EYE_CORNERS, *BROW[0], *BROW[1], *LIDS[0], *LIDS[1],
                       *NOSE_WING[0], *NOSE_WING[1], *INNER_CORNER, *MOUTH_CORNER, *CHEEK[0], *CHEEK[1]})


@dataclass(frozen=True)
class Asymmetry:
    measure: str
    excursion: np.ndarray  # (T, 2) float32 [right, left] per tracked frame, IOD, NaN where no face
    peak_right: float
    peak_left: float
    asymmetry_index: float
    weaker_side: str  # "right", "left" or "" when there is no clear movement
    note: str = ""

    def summary(self) -> dict[str, object]:
        return {"measure": self.measure, "units": "inter-ocular distance",
                "peak_right": round(self.peak_right, 4), "peak_left": round(self.peak_left, 4),
                "asymmetry_index": round(self.asymmetry_index, 4), "weaker_side": self.weaker_side,
                "note": self.note}


def face_frame(landmarks: np.ndarray) -> np.ndarray:
    """(T, 468, 2) source px → face coordinates (NaN stays NaN)."""
    rc = landmarks[:, list(RIGHT_EYE_CORNERS)].mean(axis=1)
    lc = landmarks[:, list(LEFT_EYE_CORNERS)].mean(axis=1)
    mid = (rc + lc) / 2.0
    axis = lc - rc
    iod = np.linalg.norm(axis, axis=1, keepdims=True)
    ux = axis / np.where(iod > 0, iod, np.nan)
    uy = np.stack([-ux[:, 1], ux[:, 0]], axis=1)
    rel = landmarks - mid[:, None, :]
    x = (rel * ux[:, None, :]).sum(-1)
    y = (rel * uy[:, None, :]).sum(-1)
    return np.stack([x, y], axis=-1) / iod[:, None, :]


def _brow(f: np.ndarray, side: int) -> np.ndarray:
    eye = (RIGHT_EYE_CORNERS, LEFT_EYE_CORNERS)[side]
    return f[:, list(eye), 1].mean(1) - f[:, list(BROW[side]), 1].mean(1)


def _lids(f: np.ndarray, side: int) -> np.ndarray:
    up, low = LIDS[side]
    return f[:, low, 1] - f[:, up, 1]


def _nose(f: np.ndarray, side: int) -> np.ndarray:
    wing = f[:, list(NOSE_WING[side])].mean(1)
    return np.linalg.norm(wing - f[:, INNER_CORNER[side]], axis=1)


def _mouth_corner(f: np.ndarray, side: int) -> np.ndarray:
    return f[:, MOUTH_CORNER[side]]  # a 2-D position: excursion is its displacement


def _lip_protrusion(f: np.ndarray, side: int) -> np.ndarray:
    return np.abs(f[:, MOUTH_CORNER[side], 0])  # corners move towards the midline


def _cheek(f: np.ndarray, side: int) -> np.ndarray:
    return np.abs(f[:, list(CHEEK[side]), 0]).mean(1)  # the cheek surface moves outwards


MEASURE_FNS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "brow_height": _brow, "eyelid_aperture": _lids, "nose_wrinkle": _nose,
    "mouth_corner_excursion": _mouth_corner, "lip_protrusion": _lip_protrusion, "cheek_bulge": _cheek,
}


def side_excursions(landmarks: np.ndarray, times_ms: np.ndarray, measure: str, rest_s: float) -> np.ndarray:
    """(T, 2) [right, left] excursion from the rest position at the start of the exercise (IOD)."""
    f = face_frame(np.asarray(landmarks, np.float64))
    fn = MEASURE_FNS[measure]
    found = np.all(np.isfinite(f[:, MEASURED_IDS, 0]), axis=1)
    rest = found & (times_ms - times_ms[0] <= rest_s * 1000.0)
    if np.count_nonzero(rest) < 3:
        rest = found & (np.cumsum(found) <= 3)
    out = np.full((len(f), 2), np.nan)
    for side in (0, 1):
        value = fn(f, side)
        delta = value - np.nanmedian(value[rest], axis=0)
        out[:, side] = np.linalg.norm(delta, axis=1) if delta.ndim == 2 else delta
    out[~found] = np.nan
    return out.astype(np.float32)


def measure_asymmetry(landmarks: np.ndarray, times_ms: np.ndarray, measure: str,
                      rest_s: float = 0.2) -> Asymmetry | None:
    """The exercise's asymmetry, or None when its measure is "none" or no face was found."""
    if measure not in MEASURE_FNS or landmarks.size == 0:
        return None
    if not np.any(np.all(np.isfinite(landmarks[:, MEASURED_IDS, 0]), axis=1)):
        return None
    exc = side_excursions(landmarks, np.asarray(times_ms, np.float64), measure, rest_s)
    peaks = [float(np.nanpercentile(np.abs(exc[:, s]), 95)) for s in (0, 1)]
    total = peaks[0] + peaks[1]
    if total < MIN_MOVEMENT_IOD:
        return Asymmetry(measure, exc, peaks[0], peaks[1], 0.0, "", "no clear movement")
    index = abs(peaks[0] - peaks[1]) / total
    weaker = "right" if peaks[0] < peaks[1] else "left"
    return Asymmetry(measure, exc, peaks[0], peaks[1], float(index), weaker)
