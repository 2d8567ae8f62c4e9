"""Left-versus-right excursion of the landmarks an exercise moves, in inter-ocular distances (IOD).

Sides are the PATIENT's: "right" is the patient's right, on the image's left in a front camera that is not
mirrored (MediaPipe's ids 33/133 are the patient's right eye corners). `weaker_side` is "right", "left" or "".

Reference frame. Each frame is first mapped onto the exercise's rest frame (median over the first `rest_s`)
by the similarity transform (shift, turn, scale) that best superimposes the measure's reference points:
parts of the face that this exercise does not move (REFERENCE below: the lower face for the brows and
eyelids, the brows and inner eye corners for the mouth, the eyes and brows for the nose, the brows,
glabella and chin for the cheeks).
That removes head movement and distance to the camera without trusting points the exercise moves: a
cheek puff or a brow raise can drag the eye corners too (the demo's warps do), and a per-frame frame
built on the eye corners would then cancel the very movement it measures. Coordinates are then those of
the rest frame's face: origin between the eye centres, x towards the patient's left eye, y down,
unit = rest IOD (distance between the eye centres).

For each side the measure's value is compared with its rest value; the excursion's 95th percentile over
the exercise is that side's peak, and

    asymmetry_index = |peak_right − peak_left| / (peak_right + peak_left)      (0 = symmetric, 1 = one side)

The weaker side is the one with the smaller peak. Same idea as Emotrics / auto-eFACE: numbers a
clinician can check against the video.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from fshd_studio.preprocess import alignment as al
from fshd_studio.preprocess.params import LEFT_EYE_CORNERS, RIGHT_EYE_CORNERS

MIN_MOVEMENT_IOD = 0.01  # both peaks below this: no clear movement, index reported as 0
MIN_REFERENCE_POINTS = 3  # a frame with fewer reference points found is not measured
SIDE_CONVENTION = "patient's right/left (image left/right on a front camera that is not mirrored)"

# (right side ids, left side ids) of the MediaPipe face mesh: the patient's right, then left
BROW = ((70, 63, 105, 66, 107), (300, 293, 334, 296, 336))
LIDS = ((159, 145), (386, 374))  # upper, lower
NOSE_WING = ((48, 64, 98), (278, 294, 327))
MOUTH_CORNER = (61, 291)
CHEEK = ((50, 101, 118, 117, 123, 187, 205, 36, 142, 207), (280, 330, 347, 346, 352, 411, 425, 266, 371, 427))

# Reference points per measure: parts of the face its exercises leave still (see the module docstring).
EYES = (*RIGHT_EYE_CORNERS, *LEFT_EYE_CORNERS)
BROWS = (*BROW[0], *BROW[1])
LOWER_FACE = (1, 4, 2, 0, *MOUTH_CORNER)  # nose tip, subnasale, upper lip, mouth corners
UPPER_FACE = (*BROWS, 9, 133, 362, 168)  # brows, glabella, inner eye corners, nose bridge (a smile moves
#                                          the outer eye corners: crow's feet)
MOVED: dict[str, tuple[int, ...]] = {  # the points each measure reads
    "brow_height": BROWS, "eyelid_aperture": (*LIDS[0], *LIDS[1]), "nose_wrinkle": (*NOSE_WING[0], *NOSE_WING[1]),
    "mouth_corner_excursion": MOUTH_CORNER, "lip_protrusion": MOUTH_CORNER, "cheek_bulge": (*CHEEK[0], *CHEEK[1]),
}
REFERENCE: dict[str, tuple[int, ...]] = {
    "brow_height": LOWER_FACE, "eyelid_aperture": LOWER_FACE, "nose_wrinkle": (*EYES, *BROWS),
    "mouth_corner_excursion": UPPER_FACE, "lip_protrusion": UPPER_FACE, "cheek_bulge": (*BROWS, 9, 152),  # + chin
}
# Eyelids change appearance as they close, so optical flow loses them; the mesh's eyelid points are reliable.
MESH_MEASURES = frozenset({"eyelid_aperture"})
MEASURED_IDS = sorted({*EYES, *(i for ids in (*MOVED.values(), *REFERENCE.values()) for i in ids)})


@dataclass(frozen=True)
class Asymmetry:
    measure: str
    excursion: np.ndarray  # (T, 2) float32 [patient's right, patient's left] per tracked frame, IOD, NaN: not measured
    peak_right: float  # the patient's right side
    peak_left: float
    asymmetry_index: float
    weaker_side: str  # the patient's side: "right", "left" or "" when there is no clear movement
    note: str = ""

    def summary(self) -> dict[str, object]:
        return {"measure": self.measure, "units": "inter-ocular distance",
                "peak_right": round(self.peak_right, 4), "peak_left": round(self.peak_left, 4),
                "asymmetry_index": round(self.asymmetry_index, 4), "weaker_side": self.weaker_side,
                "sides": SIDE_CONVENTION, "note": self.note}


def _axes(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: origin between the eye centres, unit x (towards the patient's left eye), unit y, IOD."""
    rc = landmarks[:, list(RIGHT_EYE_CORNERS)].mean(axis=1)
    lc = landmarks[:, list(LEFT_EYE_CORNERS)].mean(axis=1)
    axis = lc - rc
    iod = np.linalg.norm(axis, axis=1, keepdims=True)
    ux = axis / np.where(iod > 0, iod, np.nan)
    return (rc + lc) / 2.0, ux, np.stack([-ux[:, 1], ux[:, 0]], axis=1), iod


def face_frame(landmarks: np.ndarray, frame_of: np.ndarray | None = None) -> np.ndarray:
    """(T, 468, 2) source px → face coordinates (NaN stays NaN): each frame's own face frame, or the one of
    `frame_of` ((468, 2), e.g. the rest position) for every frame."""
    mid, ux, uy, iod = _axes(landmarks if frame_of is None else frame_of[None])
    rel = landmarks - mid[:, None, :]
    x = (rel * ux[:, None, :]).sum(-1)
    y = (rel * uy[:, None, :]).sum(-1)
    return np.stack([x, y], axis=-1) / iod[:, None, :]


def onto_rest(landmarks: np.ndarray, rest: np.ndarray, reference: tuple[int, ...]) -> np.ndarray:
    """Each frame mapped onto `rest` by the least-squares similarity of its `reference` points (NaN rows where
    fewer than MIN_REFERENCE_POINTS of them are found in the frame and at rest)."""
    out = np.full(landmarks.shape, np.nan)
    ref = list(reference)
    for t, frame in enumerate(landmarks):
        ok = np.all(np.isfinite(frame[ref]), axis=1) & np.all(np.isfinite(rest[ref]), axis=1)
        if np.count_nonzero(ok) >= MIN_REFERENCE_POINTS:
            sim = al.fit_similarity(frame[ref][ok], rest[ref][ok])
            out[t] = al.apply_matrix(al.as_matrices(sim[None])[0], frame)
    return out


def _brow(f: np.ndarray, side: int) -> np.ndarray:
    return -f[:, list(BROW[side]), 1].mean(1)  # height: up is positive


def _lids(f: np.ndarray, side: int) -> np.ndarray:
    up, low = LIDS[side]
    return f[:, low, 1] - f[:, up, 1]


def _nose(f: np.ndarray, side: int) -> np.ndarray:
    return f[:, list(NOSE_WING[side])].mean(1)  # a 2-D position: excursion is its displacement


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


def _rest_frames(found: np.ndarray, times_ms: np.ndarray, rest_s: float) -> np.ndarray:
    rest = found & (times_ms - times_ms[0] <= rest_s * 1000.0)
    if np.count_nonzero(rest) < 3:
        rest = found & (np.cumsum(found) <= 3)
    return rest


def side_excursions(landmarks: np.ndarray, times_ms: np.ndarray, measure: str, rest_s: float) -> np.ndarray:
    """(T, 2) [patient's right, patient's left] excursion from the rest position at the start of the exercise
    (rest IOD), in the rest frame after the head's movement is removed on the measure's reference points."""
    lm = np.asarray(landmarks, np.float64)
    found = np.all(np.isfinite(lm[:, list(MOVED[measure]), 0]), axis=1)
    rest = _rest_frames(found & np.all(np.isfinite(lm[:, list(EYES), 0]), axis=1), times_ms, rest_s)
    out = np.full((len(lm), 2), np.nan)
    if not rest.any():
        return out.astype(np.float32)
    rest_pos = np.nanmedian(lm[rest], axis=0)
    f = face_frame(onto_rest(lm, rest_pos, REFERENCE[measure]), frame_of=rest_pos)
    fn = MEASURE_FNS[measure]
    for side in (0, 1):
        value = fn(f, side)
        delta = value - np.nanmedian(value[rest], axis=0)
        out[:, side] = np.linalg.norm(delta, axis=1) if delta.ndim == 2 else delta
    out[~found] = np.nan  # frames without enough reference points are NaN already
    return out.astype(np.float32)


def measure_asymmetry(landmarks: np.ndarray, times_ms: np.ndarray, measure: str,
                      rest_s: float = 0.2) -> Asymmetry | None:
    """The exercise's asymmetry, or None when its measure is "none" or no face was found."""
    if measure not in MEASURE_FNS or landmarks.size == 0:
        return None
    exc = side_excursions(landmarks, np.asarray(times_ms, np.float64), measure, rest_s)
    if not np.isfinite(exc).any():
        return None
    peaks = [float(np.nanpercentile(np.abs(exc[:, s]), 95)) for s in (0, 1)]
    total = peaks[0] + peaks[1]
    if total < MIN_MOVEMENT_IOD:
        return Asymmetry(measure, exc, peaks[0], peaks[1], 0.0, "", "no clear movement")
    index = abs(peaks[0] - peaks[1]) / total
    weaker = "right" if peaks[0] < peaks[1] else "left"
    return Asymmetry(measure, exc, peaks[0], peaks[1], float(index), weaker)
