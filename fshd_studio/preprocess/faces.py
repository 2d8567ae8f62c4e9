"""Is it one person's face throughout a clip? Two checks whose flags (core/results.py FLAG_TEXT) go into the
preprocessed clip's meta, and from there to the checklist and the scores:

- `several_faces`: a face detector (MediaPipe, full range) on one frame per snippet; flagged when at least two
  of them show two or more faces (a second face at least a tenth of the first's area: not a poster far away).
- `face_changed`: the face mesh follows one face, and re-detects when it loses it. Where the track breaks (a
  stretch without a face, or a jump of the face by more than an eye distance between two tracked frames) the
  face's proportions before and after are compared (face width, nose length and forehead height per eye
  distance; the inner/outer eye-corner ratio): expressions move these a few per cent, another person's face
  differs by more, steadily. Conservative on purpose: a false alarm on every clip would teach users to ignore it.
- `no_face`: part of the clip without a face (a second or more, or under 90 % of the tracked frames).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

SEVERAL_MIN_PROBES = 2
SECOND_FACE_AREA = 0.1
CHANGE_RELATIVE = 0.08  # median proportions differ by this share ...
CHANGE_SPREAD = 4.0  # ... and by this many times their frame-to-frame spread (MAD) on either side
MIN_SIDE = 6  # tracked frames needed on each side of a break
NO_FACE_GAP_S = 1.0
NO_FACE_RATIO = 0.9

# MediaPipe face-mesh ids: outer and inner eye corners, face sides at the temples, nose bridge and tip, forehead
OUTER, INNER, SIDES, NOSE, FOREHEAD = (33, 263), (133, 362), (234, 454), (168, 1), (10, 168)


@dataclass
class FaceFindings:
    flags: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def add(self, flag: str, message: str) -> None:
        self.flags.append(flag)
        self.messages.append(message)


class FaceCounter:
    """How many faces a frame shows (MediaPipe face detection, full-range model)."""

    def __init__(self, max_side: int = 640) -> None:
        import mediapipe as mp

        self._det = mp.solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5)
        self._max_side = max_side

    def __enter__(self) -> FaceCounter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._det.close()

    def count(self, rgb: np.ndarray) -> int:
        import cv2

        h, w = rgb.shape[:2]
        scale = min(1.0, self._max_side / max(h, w))
        small = rgb if scale >= 1.0 else cv2.resize(rgb, (round(w * scale), round(h * scale)))
        out = self._det.process(np.ascontiguousarray(small))
        areas = sorted((d.location_data.relative_bounding_box.width * d.location_data.relative_bounding_box.height
                        for d in out.detections or []), reverse=True)
        return sum(1 for a in areas if areas and a >= SECOND_FACE_AREA * areas[0])


def proportions(landmarks: np.ndarray) -> np.ndarray:
    """(T, 4) expression-robust proportions of each frame's face (NaN where no face)."""
    lm = np.asarray(landmarks, np.float64)

    def dist(a: int, b: int) -> np.ndarray:
        return np.linalg.norm(lm[:, a] - lm[:, b], axis=1)
    iod = dist(*OUTER) + 1e-9
    return np.stack([dist(*SIDES) / iod, dist(*NOSE) / iod, dist(*FOREHEAD) / iod, dist(*INNER) / iod], axis=1)


def _breaks(landmarks: np.ndarray, found: np.ndarray) -> list[int]:
    """Indexes i where the track restarts: after frames without a face, or after a jump of the face."""
    idx = np.flatnonzero(found)
    if idx.size < 2:
        return []
    centre = np.nanmean(landmarks[idx][:, list(OUTER)], axis=1)
    iod = np.linalg.norm(landmarks[idx, OUTER[0]] - landmarks[idx, OUTER[1]], axis=1)
    jump = np.linalg.norm(np.diff(centre, axis=0), axis=1) > np.minimum(iod[1:], iod[:-1])
    gap = np.diff(idx) > 1
    return [int(idx[k + 1]) for k in np.flatnonzero(jump | gap)]


def face_changed(landmarks: np.ndarray, found: np.ndarray, times_ms: np.ndarray) -> str:
    """'' or a sentence saying where the face's proportions change at a break of the track."""
    props = proportions(landmarks)
    for b in _breaks(landmarks, found):
        before, after = props[:b][found[:b]], props[b:][found[b:]]
        if len(before) < MIN_SIDE or len(after) < MIN_SIDE:
            continue
        m1, m2 = np.median(before, axis=0), np.median(after, axis=0)
        mad = np.median(np.abs(before - m1), axis=0) + np.median(np.abs(after - m2), axis=0) + 1e-6
        rel = np.abs(m1 - m2) / np.abs(m1 + m2) * 2
        if np.any((rel > CHANGE_RELATIVE) & (np.abs(m1 - m2) > CHANGE_SPREAD * mad)):
            return (f"the face's proportions change by {100 * float(rel.max()):.0f} % at "
                    f"{times_ms[b] / 1000:.2f} s of the video: another person?")
    return ""


def check_faces(landmarks: np.ndarray, found: np.ndarray, times_ms: np.ndarray, counts: list[int],
                longest_gap_s: float) -> FaceFindings:
    out = FaceFindings()
    several = sum(1 for n in counts if n >= 2)
    if several >= SEVERAL_MIN_PROBES:
        out.add("several_faces", f"{several} of {len(counts)} sampled frames show more than one face")
    if found.size and found.any():
        ratio = float(found.mean())
        if longest_gap_s >= NO_FACE_GAP_S or ratio < NO_FACE_RATIO:
            out.add("no_face", f"no face on {100 * (1 - ratio):.0f} % of the tracked frames "
                               f"(longest stretch {longest_gap_s:.1f} s)")
        changed = face_changed(landmarks, found, times_ms)
        if changed:
            out.add("face_changed", changed)
    elif found.size:
        out.add("no_face", "no face found in this clip")
    return out


def cached_face_flags(session: Any, cache: Any) -> dict[tuple[int, str], tuple[str, ...]]:
    """The face flags preprocessing wrote for the session's CURRENT segments ((exercise, camera) -> flags):
    a clip counts only when it was made from the same video and the same camera-time span (within 1 ms)."""
    from pathlib import Path

    from fshd_studio.preprocess.store import clip_folder, read_meta

    cache = Path(cache)
    out: dict[tuple[int, str], tuple[str, ...]] = {}
    if not cache.is_dir():
        return out
    for seg in session.segments.values():
        for cam in session.cameras:
            meta = read_meta(cache / clip_folder(seg.exercise_id, cam.id))
            if not meta:
                continue
            span, video = meta.get("segment") or {}, meta.get("video") or {}
            same = (str(video.get("path")) == str(cam.video)
                    and abs(float(span.get("camera_start_ms", -1e18)) - cam.camera_ms(seg.span.start_ms)) <= 1.0
                    and abs(float(span.get("camera_end_ms", -1e18)) - cam.camera_ms(seg.span.end_ms)) <= 1.0)
            flags = tuple(f for f in meta.get("flags") or () if f in ("no_face", "several_faces", "face_changed"))
            if same and flags:
                out[(seg.exercise_id, cam.id)] = flags
    return out
