"""The demo face: scikit-image's astronaut photo (public domain) and its cached face-mesh landmarks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from fshd_studio.io.resources import resource_path

# mediapipe face-mesh indices (468-point topology). Image left = the subject's right on a frontal camera.
BROWS = [70, 63, 105, 66, 107, 55, 65, 52, 53, 46, 336, 296, 334, 293, 300, 285, 295, 282, 283, 276]
FOREHEAD = [10, 338, 109, 67, 297, 151, 108, 337, 69, 299]
UPPER_LIDS = [159, 158, 157, 160, 161, 386, 385, 384, 387, 388]
LOWER_LIDS = [145, 144, 153, 374, 373, 380]
CHEEKS = [50, 101, 118, 117, 123, 187, 205, 36, 142, 207, 216, 206,
          280, 330, 347, 346, 352, 411, 425, 266, 371, 427, 436, 426]
MOUTH_CORNERS = [61, 291]
UPPER_LIP = [0, 37, 267, 39, 269, 40, 270, 13, 82, 312]
LOWER_LIP = [17, 84, 314, 181, 405, 91, 321, 14, 87, 317]
NOSE_WINGS = [129, 358, 98, 327, 64, 294]
CHIN = [152, 175, 199, 148, 377, 176, 400]
MIDLINE = 168  # nose bridge
EYE_OUTER = (33, 263)


@dataclass(frozen=True)
class Face:
    image: np.ndarray  # RGB uint8 of the whole photo
    landmarks: np.ndarray  # (468, 2) pixel x, y in `image`

    @property
    def midline_x(self) -> float:
        return float(self.landmarks[MIDLINE, 0])

    @property
    def iod(self) -> float:
        """Inter-ocular distance (outer eye corners), the unit of every displacement."""
        a, b = self.landmarks[list(EYE_OUTER)]
        return float(np.linalg.norm(a - b))

    @property
    def centre(self) -> tuple[float, float]:
        lo, hi = self.landmarks.min(0), self.landmarks.max(0)
        return float((lo[0] + hi[0]) / 2), float((lo[1] + hi[1]) / 2)


@lru_cache(maxsize=1)
def astronaut_face() -> Face:
    from skimage import data

    cached = json.loads(resource_path("demo", "astronaut_landmarks.json").read_text(encoding="utf-8"))
    return Face(np.ascontiguousarray(data.astronaut()[..., :3]), np.asarray(cached["landmarks"], np.float64))
