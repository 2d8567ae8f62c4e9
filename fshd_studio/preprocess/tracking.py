"""Follow one face through a clip with the MediaPipe face mesh (0.10.21 legacy solution, CPU).

The mesh runs in tracking mode: its face detector runs on the first frame and again only on a frame that
follows one where the face was lost (that is the graph's rule: detection is skipped while the previous
frame gave landmarks for `max_num_faces` faces). `detections` counts those frames, so the benchmark can
show that detection does not dominate. Frames are downscaled to `track_max_side` before the mesh; the
landmarks come back in source-pixel coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

N_LANDMARKS = 468


@dataclass
class TrackResult:
    """Landmarks of the frames fed to one FaceTracker, in feeding order."""

    landmarks: list[np.ndarray] = field(default_factory=list)  # (468, 2) float32 source px, NaN if no face
    found: list[bool] = field(default_factory=list)
    detections: int = 0

    def stacked(self) -> np.ndarray:
        if not self.landmarks:
            return np.zeros((0, N_LANDMARKS, 2), np.float32)
        return np.stack(self.landmarks).astype(np.float32)


class FaceTracker:
    """One patient face followed frame after frame (use a fresh tracker per clip)."""

    def __init__(self, max_side: int = 640, min_detection: float = 0.5, min_tracking: float = 0.5) -> None:
        import mediapipe as mp

        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=False, max_num_faces=1, refine_landmarks=False,
            min_detection_confidence=min_detection, min_tracking_confidence=min_tracking)
        self._max_side = max_side
        self._lost = True
        self.result = TrackResult()

    def __enter__(self) -> FaceTracker:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._mesh.close()

    def feed(self, rgb: np.ndarray) -> np.ndarray:
        """Landmarks (468, 2) in source pixels for this frame, NaN when no face was found."""
        import cv2

        h, w = rgb.shape[:2]
        scale = min(1.0, self._max_side / max(h, w))
        small = rgb if scale >= 1.0 else cv2.resize(rgb, (round(w * scale), round(h * scale)),
                                                    interpolation=cv2.INTER_LINEAR)  # AREA costs 3 ms on HD
        if self._lost:
            self.result.detections += 1
        out = self._mesh.process(np.ascontiguousarray(small))
        if out.multi_face_landmarks:
            lm = out.multi_face_landmarks[0].landmark
            pts = np.array([(p.x * w, p.y * h) for p in lm], dtype=np.float32)
            self._lost = False
        else:
            pts = np.full((N_LANDMARKS, 2), np.nan, np.float32)
            self._lost = True
        self.result.landmarks.append(pts)
        self.result.found.append(not self._lost)
        return pts
