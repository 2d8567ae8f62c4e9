"""One exercise in one camera → aligned snippets, landmarks, transforms, asymmetry (no file writing).

Frames are decoded once, in order: each needed frame is tracked (landmarks) and, if it is a snippet
frame, warped onto a face-centred canvas with its own (raw) alignment. Once the whole clip is tracked,
the alignment is smoothed over time and each canvas is warped once more with the correction
(smoothed ∘ raw⁻¹), so no frame is kept at full resolution and none is decoded twice.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Iterator, Protocol

import numpy as np

from fshd_studio.core.progress import check_cancel
from fshd_studio.core.timebase import Timebase
from fshd_studio.preprocess import alignment as al
from fshd_studio.preprocess.asymmetry import MESH_MEASURES, Asymmetry, measure_asymmetry
from fshd_studio.preprocess.faces import FaceCounter, check_faces
from fshd_studio.preprocess.params import PreprocessParams
from fshd_studio.preprocess.sampling import ClipFrames, clip_frames, full_grid_steps, snippet_frame_indices
from fshd_studio.preprocess.flowpoints import FlowPoints
from fshd_studio.preprocess.prefetch import prefetch
from fshd_studio.preprocess.tracking import FaceTracker

CANVAS_MARGIN = 0.25  # canvas covers the aligned square plus this share of its side on each side
CANVAS_SCALE = 1.5  # canvas pixels per aligned pixel


class FrameSource(Protocol):
    """What preprocessing needs of fshd_studio.io.video.VideoReader."""

    def iter_frames(self, start: int, stop: int, step: int = 1,
                    only: np.ndarray | None = None) -> Iterator[tuple[int, np.ndarray]]: ...


@dataclass
class ClipResult:
    clip: ClipFrames
    snippet_frames: np.ndarray  # (8, 16) source frame indices
    snippets: np.ndarray | None  # (8, 16, S, S, 3) uint8, None when no face at all
    landmark_frames: np.ndarray  # (T,)
    landmark_times_ms: np.ndarray  # (T,)
    landmarks: np.ndarray  # (T, 468, 2)
    found: np.ndarray  # (T,) bool
    transforms: np.ndarray  # (F, 2, 3) per source frame first…last
    detections: int
    usable: bool
    reason: str
    longest_gap_s: float
    asymmetry: Asymmetry | None
    face_flags: tuple[str, ...] = ()  # "no_face", "several_faces", "face_changed" (preprocess/faces.py)
    face_messages: tuple[str, ...] = ()


def iter_wanted(reader: FrameSource, wanted: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(index, RGB) for each wanted frame (sorted, unique), by one sequential decode; the others are not
    even converted."""
    if wanted.size == 0:
        return
    yield from reader.iter_frames(int(wanted[0]), int(wanted[-1]) + 1, only=wanted)


def _canvas_matrix(params: PreprocessParams) -> tuple[np.ndarray, int]:
    """Aligned px → canvas px, and the canvas side."""
    margin = CANVAS_MARGIN * params.size
    side = int(round((params.size + 2 * margin) * CANVAS_SCALE))
    k = np.array([[CANVAS_SCALE, 0.0, margin * CANVAS_SCALE], [0.0, CANVAS_SCALE, margin * CANVAS_SCALE]])
    return k, side


def _fit_frame_matrix(shape: tuple[int, ...], side: int) -> np.ndarray:
    """Fallback canvas transform before any face is seen: the whole frame scaled into the canvas."""
    h, w = shape[:2]
    s = side / max(h, w)
    return np.array([[s, 0.0, (side - s * w) / 2], [0.0, s, (side - s * h) / 2]])


def track_clip(reader: FrameSource, timebase: Timebase, first: int, last: int, params: PreprocessParams,
               cancel: threading.Event | None = None) -> dict[str, Any]:
    """Decode, track and put snippet frames on canvases (pass one)."""
    import cv2

    clip = clip_frames(timebase, first, last, params)
    full = full_grid_steps(clip, timebase, params)
    tracked = np.unique(full.grid[:: params.landmark_step])
    snip = snippet_frame_indices(clip, params)
    probes = set(int(p) for p in np.unique(snip[:, 0]))  # one frame per snippet: how many faces are in view
    wanted = np.union1d(tracked, np.unique(snip))
    tracked_set = set(int(t) for t in tracked)
    snip_set = set(int(s) for s in np.unique(snip))
    k_mat, side = _canvas_matrix(params)
    canvases: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    landmarks: dict[int, np.ndarray] = {}
    flow_points: dict[int, np.ndarray] = {}
    flow = FlowPoints()
    last_sim: np.ndarray | None = None
    counts: list[int] = []
    with FaceTracker(params.track_max_side) as tracker, FaceCounter(params.track_max_side) as counter:
        for n, (idx, rgb) in enumerate(prefetch(iter_wanted(reader, wanted))):
            if n % 8 == 0:
                check_cancel(cancel)
            if idx in probes:
                counts.append(counter.count(rgb))
            if idx in tracked_set:
                lm = tracker.feed(rgb)
                landmarks[idx] = lm
                sim = al.raw_alignment(lm[None], params)[0]
                flow_points[idx] = flow.feed(rgb, lm, sim)
                if np.all(np.isfinite(sim)):
                    last_sim = sim
            if idx in snip_set:
                c = (al.compose(k_mat, al.as_matrices(last_sim[None])[0]) if last_sim is not None
                     else _fit_frame_matrix(rgb.shape, side))
                canvases[idx] = (cv2.warpAffine(rgb, c, (side, side), flags=cv2.INTER_LINEAR), c)
        detections = tracker.result.detections
    return {"clip": clip, "snip": snip, "tracked": tracked, "landmarks": landmarks,
            "canvases": canvases, "detections": detections, "flow_points": flow_points, "face_counts": counts}


def longest_gap(found: np.ndarray, times_ms: np.ndarray, period_ms: float) -> tuple[float, int, int]:
    """Longest run without a face: (seconds, first index, last index) over tracked frames."""
    best = (0.0, -1, -1)
    i = 0
    while i < len(found):
        if found[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(found) and not found[j + 1]:
            j += 1
        seconds = (times_ms[j] - times_ms[i] + period_ms) / 1000.0
        best = max(best, (seconds, i, j))
        i = j + 1
    return best


def _usability(found: np.ndarray, times: np.ndarray, window_end_ms: float, params: PreprocessParams,
               period_ms: float) -> tuple[bool, str, float]:
    if not found.any():
        return False, "no face found in this exercise", 0.0
    inside = times <= window_end_ms
    gap, i, j = longest_gap(found[inside], times[inside], period_ms)
    ratio = float(found[inside].mean()) if inside.any() else 0.0
    if gap > params.max_gap_s:
        return False, (f"no face for {gap:.1f} s ({times[i] / 1000:.2f}–{times[j] / 1000:.2f} s of the video); "
                       "check the framing or move the segment"), gap
    if ratio < params.min_face_ratio:
        return False, f"face found on only {ratio:.0%} of the model's frames", gap
    return True, "", gap


def _nearest_canvases(canvases: dict[int, tuple[np.ndarray, np.ndarray]],
                      snip: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Every snippet frame's canvas; a frame the decoder skipped borrows the nearest decoded one."""
    have = np.array(sorted(canvases))
    if have.size == 0:
        return {}
    out = {}
    for idx in np.unique(snip):
        out[int(idx)] = canvases[int(have[np.argmin(np.abs(have - idx))])]
    return out


def finish_clip(tb: Timebase, pass_one: dict[str, Any], params: PreprocessParams, measure: str) -> ClipResult:
    """Smooth the alignment, warp the snippets, measure asymmetry (pass two)."""
    import cv2

    clip: ClipFrames = pass_one["clip"]
    tracked: np.ndarray = pass_one["tracked"]
    missing = np.full((468, 2), np.nan, np.float32)  # a frame the decoder did not deliver counts as face-less
    lms = np.stack([pass_one["landmarks"].get(int(t), missing) for t in tracked]).astype(np.float32)
    times = tb.pts_ms[tracked]
    found = np.all(np.isfinite(lms[:, :, 0]), axis=1)
    window_end = tb.time_of(int(clip.grid[min(clip.real_steps, clip.grid.size) - 1]))
    usable, reason, gap = _usability(found, times, window_end, params, tb.frame_period_ms)
    frames = np.arange(clip.first, clip.last + 1)
    snip = pass_one["snip"]
    transforms = np.zeros((frames.size, 2, 3), np.float32)
    snippets = None
    canvases = _nearest_canvases(pass_one["canvases"], snip)
    if found.any() and canvases:
        sims = al.smooth(al.carry_gaps(al.raw_alignment(lms, params)), times, params.smooth_sigma_s * 1000.0)
        transforms = al.as_matrices(al.resample(sims, times, tb.pts_ms[frames]))
        snippets = np.zeros((*snip.shape, params.size, params.size, 3), np.uint8)
        for (k, j), idx in np.ndenumerate(snip):
            canvas, c = canvases[int(idx)]
            m = al.compose(transforms[int(idx) - clip.first], al.invert_matrix(c))
            snippets[k, j] = cv2.warpAffine(canvas, m, (params.size, params.size), flags=cv2.INTER_LINEAR,
                                            borderMode=cv2.BORDER_CONSTANT)
    carried = np.stack([pass_one["flow_points"].get(int(t), missing) for t in tracked]).astype(np.float32)
    carried[~found] = np.nan
    source = lms if measure in MESH_MEASURES else carried
    asym = measure_asymmetry(source, times, measure, params.rest_s) if found.any() else None
    faces = check_faces(lms, found, times, pass_one.get("face_counts", []), gap)
    return ClipResult(clip=clip, snippet_frames=snip, snippets=snippets, landmark_frames=tracked.astype(np.int64),
                      landmark_times_ms=times, landmarks=lms, found=found, transforms=transforms,
                      detections=int(pass_one["detections"]), usable=usable, reason=reason,
                      longest_gap_s=gap, asymmetry=asym, face_flags=tuple(faces.flags),
                      face_messages=tuple(faces.messages))


def process_clip(reader: FrameSource, tb: Timebase, first: int, last: int, params: PreprocessParams,
                 measure: str = "none", cancel: threading.Event | None = None) -> ClipResult:
    """The whole of one exercise in one camera (frames first…last inclusive)."""
    return finish_clip(tb, track_clip(reader, tb, first, last, params, cancel), params, measure)
