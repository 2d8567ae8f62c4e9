"""Landmarks carried by optical flow from the exercise's rest frame (for the asymmetry measures).

The face mesh re-estimates the face shape on every frame and its shape prior flattens small one-sided
movements; the pixels do not. So for the measures, the mesh landmarks of the first frame with a face (the
rest position at the start of the exercise) are carried to each later tracked frame by pyramidal
Lucas-Kanade optical flow (from the rest frame, so no drift), computed on a fixed face-aligned crop (the
rest frame's alignment, ~56 px between the eyes). Only the landmarks the measures use are carried.
Head movement is removed later by the per-frame face frame (asymmetry.face_frame). Eyelids are the
exception (asymmetry.MESH_MEASURES): a closing lid changes appearance, so they keep the mesh points.
"""

from __future__ import annotations

import numpy as np

from fshd_studio.preprocess import alignment as al
from fshd_studio.preprocess.asymmetry import MEASURED_IDS

CROP = 224
WINDOW = 21  # Lucas-Kanade window (crop pixels, ~0.4 inter-ocular distances)


class FlowPoints:
    """Follow the rest frame's landmarks through one clip (fresh instance per clip)."""

    def __init__(self) -> None:
        self._mat: np.ndarray | None = None
        self._ref: np.ndarray | None = None
        self._pts: np.ndarray | None = None

    def _gray(self, rgb: np.ndarray) -> np.ndarray:
        import cv2

        crop = cv2.warpAffine(rgb, self._mat, (CROP, CROP), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
        return cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)

    def feed(self, rgb: np.ndarray, landmarks: np.ndarray, sim: np.ndarray) -> np.ndarray:
        """(468, 2) points in crop pixels (only MEASURED_IDS filled after the rest frame); NaN before a face."""
        import cv2

        if self._ref is None:
            if not np.all(np.isfinite(sim)):
                return np.full((len(landmarks), 2), np.nan, np.float32)
            self._mat = al.as_matrices(sim[None])[0]
            self._ref = self._gray(rgb)
            self._pts = al.apply_matrix(self._mat, landmarks.astype(np.float64)).astype(np.float32)
            return self._pts.copy()
        full = np.full((len(landmarks), 2), np.nan, np.float32)
        cur = self._gray(rgb)
        pts, status, _ = cv2.calcOpticalFlowPyrLK(
            self._ref, cur, self._pts[MEASURED_IDS].reshape(-1, 1, 2), None, winSize=(WINDOW, WINDOW), maxLevel=3,
            criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.01))
        out = pts.reshape(-1, 2).astype(np.float32)
        out[status.reshape(-1) == 0] = np.nan
        full[MEASURED_IDS] = out
        return full
