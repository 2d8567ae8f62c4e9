"""Preprocessing parameters and the canonical face template (one place; their version keys the cache).

Frame-rate rule (decided here, documented in README "Preprocessing"):
  the study's 8 snippets × 16 frames × every 2nd frame (256 source frames) are read on a
  REFERENCE_FPS = 30 time grid that starts at the first frame of the segment. Grid step n (0…255) sits at
  time t0 + n / 30 s and takes the source frame whose timestamp is nearest. For a 30 fps video this is
  exactly frames start+32k … start+32k+31, every 2nd, k = 0…7; for 25, 50 or 60 fps or a variable frame
  rate video the snippets still cover the same 8.53 s of the exercise, so the model sees movements at the
  speed it was trained on.
Short exercises (grid time past the segment end): the last frame of the segment is repeated; meta.json
  says `short: true` and how many grid steps had a real frame.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

PARAM_VERSION = 7  # bump whenever a change here or in the algorithms changes the output
SCHEMA_VERSION = 1  # the on-disk format (see fshd_studio/preprocess/store.py)

# Subject-side landmark ids of the MediaPipe face mesh (468 points). "right" = the patient's right,
# which is on the image's left in a non-mirrored camera.
RIGHT_EYE_CORNERS = (33, 133)
LEFT_EYE_CORNERS = (362, 263)

# Stable points for alignment: eye corners and the nose bridge, in face units (origin between the eye
# centres, x towards the patient's left eye, 1 = inter-ocular distance), measured on frontal photographs.
STABLE_POINTS: dict[int, tuple[float, float]] = {
    33: (-0.72, 0.0), 133: (-0.28, 0.0), 362: (0.28, 0.0), 263: (0.72, 0.0),
    168: (0.0, -0.09), 6: (0.0, 0.02), 197: (0.0, 0.14), 195: (0.0, 0.25),
}


@dataclass(frozen=True)
class PreprocessParams:
    size: int = 224  # output side (pixels)
    iod_px: float = 56.0  # inter-ocular distance in the aligned image
    eye_y: float = 84.0  # height of the eye line in the aligned image; chin ends near y = 190
    reference_fps: float = 30.0  # the time grid of the snippets (see module docstring)
    snippets: int = 8
    snippet_frames: int = 16
    frame_stride: int = 2
    landmark_step: int = 4  # landmarks on every 4th grid step (7.5 per second); alignment is interpolated
    track_max_side: int = 640  # frames are downscaled to this longest side before the face mesh
    smooth_sigma_s: float = 0.12  # temporal Gaussian smoothing of the alignment (seconds)
    max_gap_s: float = 1.0  # a run of face-less frames longer than this makes the exercise unusable
    min_face_ratio: float = 0.5  # below this share of frames with a face the exercise is unusable
    rest_s: float = 0.2  # the rest position is the median over the first 0.2 s of the exercise
    version: int = PARAM_VERSION

    @property
    def grid_steps(self) -> int:
        return self.snippets * self.snippet_frames * self.frame_stride

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def template_points(params: PreprocessParams, ids: tuple[int, ...] | None = None) -> np.ndarray:
    """Pixel positions in the aligned image of the stable landmarks (default: all of STABLE_POINTS)."""
    ids = ids or tuple(STABLE_POINTS)
    face = np.array([STABLE_POINTS[i] for i in ids], dtype=np.float64)
    centre = np.array([params.size / 2.0, params.eye_y])
    return face * params.iod_px + centre


def template_eye_centres(params: PreprocessParams) -> np.ndarray:
    """(2, 2): the patient's right then left eye centre in the aligned image."""
    return np.array([[params.size / 2.0 - 0.5 * params.iod_px, params.eye_y],
                     [params.size / 2.0 + 0.5 * params.iod_px, params.eye_y]])
