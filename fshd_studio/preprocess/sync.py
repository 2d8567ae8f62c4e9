"""Automatic camera sync: each camera's offset from the facial motion both views see at the same moments.

Every frame of each camera is reduced to a small grey crop around the face (the face box is found once, with
the face mesh on a few frames); the motion energy of a frame is the mean absolute change of that crop since the
previous frame, per second, placed at the time between the two frames. Exercises, blinks and head sway make
the same rhythm in every view, whatever its framing, exposure or frame rate. The energies are normalised
(log, zero mean, unit spread), put on a common 2 ms grid, and cross-correlated (FFT); the peak, refined to a
fraction of a grid step, is the lag between the cameras: `offset = reference offset + lag` (camera time =
session time + offset, as in core.session).

Confidence (0-1) is the correlation at the peak (Pearson r over the overlap) scaled down when another lag,
a second or more away, correlates nearly as well (a periodic or motionless recording has no clear answer).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report
from fshd_studio.core.session import Session

GRID_MS = 2.0
CROP_SIDE = 48  # the face crop is shrunk to this many pixels across before differencing
FACE_PROBES = 8  # frames the face mesh looks at to place the face box
MIN_OVERLAP_S = 5.0
SEPARATE_PEAK_MS = 1000.0


@dataclass(frozen=True)
class MotionEnergy:
    """Facial motion of one camera over its whole recording."""

    times_ms: np.ndarray  # camera time of each value (between two frames)
    energy: np.ndarray  # mean absolute grey change of the face crop per second
    face_found: bool  # False: no face was found and the whole frame was used
    frame_ms: float  # the camera's frame period


@dataclass(frozen=True)
class CameraSync:
    camera_id: str
    offset_ms: float  # the proposed offset
    lag_ms: float  # relative to the reference camera
    correlation: float  # Pearson r at the peak
    runner_up: float  # the best correlation a second or more away from the peak
    confidence: float
    face_found: bool


@dataclass(frozen=True)
class SyncEstimate:
    reference: str  # the camera whose offset is kept
    cameras: tuple[CameraSync, ...]

    @property
    def offsets_ms(self) -> dict[str, float]:
        return {c.camera_id: c.offset_ms for c in self.cameras}

    @property
    def confidence(self) -> float:
        """The weakest camera's confidence (the reference itself counts as certain)."""
        return min((c.confidence for c in self.cameras if c.camera_id != self.reference), default=1.0)

    def to_dict(self) -> dict[str, object]:
        return {"reference": self.reference, "offsets_ms": {k: round(v, 1) for k, v in self.offsets_ms.items()},
                "confidence": round(self.confidence, 3),
                "cameras": {c.camera_id: {"lag_ms": round(c.lag_ms, 1), "correlation": round(c.correlation, 3),
                                          "runner_up": round(c.runner_up, 3), "confidence": round(c.confidence, 3),
                                          "face_found": c.face_found} for c in self.cameras}}


def _face_box(reader, n: int, shape: tuple[int, int]) -> tuple[slice, slice] | None:
    """The box (with a margin) around every face the mesh finds on a few frames spread over the video."""
    from fshd_studio.preprocess.tracking import FaceTracker

    probes = np.unique(np.linspace(0, n - 1, FACE_PROBES).astype(np.int64))
    boxes = []
    with FaceTracker(480) as tracker:
        for _, rgb in reader.iter_frames(0, n, only=probes):
            tracker._lost = True  # far-apart frames: detect on each
            lm = tracker.feed(rgb)
            if np.all(np.isfinite(lm)):
                boxes.append((*lm.min(axis=0), *lm.max(axis=0)))
    if not boxes:
        return None
    x0, y0 = np.min([b[0] for b in boxes]), np.min([b[1] for b in boxes])
    x1, y1 = np.max([b[2] for b in boxes]), np.max([b[3] for b in boxes])
    mx, my = 0.15 * (x1 - x0), 0.15 * (y1 - y0)
    h, w = shape
    return (slice(int(max(0, y0 - my)), int(min(h, y1 + my))), slice(int(max(0, x0 - mx)), int(min(w, x1 + mx))))


def motion_energy(video: Path, *, report: ReportFn = no_report, cancel: threading.Event | None = None,
                  stage: str = "motion") -> MotionEnergy:
    import cv2

    from fshd_studio.io.video import open_video
    from fshd_studio.preprocess.prefetch import prefetch

    reader = open_video(Path(video))
    tb = reader.timebase
    n = tb.frame_count
    if n < 3:
        raise UserError(f"video {video} has {n} frames; too few to sync")
    first = reader.frame(0)
    box = _face_box(reader, n, first.shape[:2])
    rows, cols = box or (slice(None), slice(None))
    crop = first[rows, cols]
    scale = CROP_SIDE / max(crop.shape[:2])
    size = (max(8, round(crop.shape[1] * scale)), max(8, round(crop.shape[0] * scale)))
    prev, values = None, np.zeros(n, np.float64)
    for k, (i, rgb) in enumerate(prefetch(reader.iter_frames(0, n))):
        if k % 50 == 0:
            check_cancel(cancel)
            report(Progress(stage, k, n))
        grey = cv2.resize(cv2.cvtColor(np.ascontiguousarray(rgb[rows, cols]), cv2.COLOR_RGB2GRAY), size,
                          interpolation=cv2.INTER_AREA).astype(np.float32)
        if prev is not None:
            values[i] = float(np.mean(np.abs(grey - prev)))
        prev = grey
    report(Progress(stage, n, n))
    pts = tb.pts_ms
    dt = np.diff(pts)
    return MotionEnergy((pts[1:] + pts[:-1]) / 2.0, values[1:] * 1000.0 / dt, box is not None, tb.frame_period_ms)


def _normalised_grid(m: MotionEnergy) -> tuple[float, np.ndarray]:
    """(start ms, values on the GRID_MS grid): log energy, zero mean, unit spread."""
    e = np.log1p(np.maximum(m.energy, 0.0))
    e = (e - e.mean()) / (e.std() + 1e-9)
    t0 = float(m.times_ms[0])
    grid = t0 + np.arange(int((m.times_ms[-1] - t0) / GRID_MS) + 1) * GRID_MS
    return t0, np.interp(grid, m.times_ms, e)


def _pearson_at(ref: np.ndarray, other: np.ndarray, k: int) -> float:
    """Correlation of ref[i] with other[i + k] over their overlap."""
    lo, hi = max(0, -k), min(ref.size, other.size - k)
    if hi - lo < 3:
        return 0.0
    a, b = ref[lo:hi], other[lo + k:hi + k]
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / (np.sqrt((a * a).sum() * (b * b).sum()) + 1e-12))


def align(ref: MotionEnergy, other: MotionEnergy, max_lag_ms: float | None = None) -> tuple[float, float, float]:
    """(lag ms, r at the peak, best r a second or more away): other's camera time = ref's camera time + lag."""
    r0, a = _normalised_grid(ref)
    o0, b = _normalised_grid(other)
    min_overlap = int(MIN_OVERLAP_S * 1000.0 / GRID_MS)
    size = 1 << int(np.ceil(np.log2(a.size + b.size)))
    corr = np.fft.irfft(np.conj(np.fft.rfft(a, size)) * np.fft.rfft(b, size), size)
    lags = np.arange(-(a.size - 1), b.size)  # k: other[i + k] against ref[i]
    c = np.concatenate([corr[size - (a.size - 1):], corr[:b.size]])
    overlap = np.minimum(a.size, b.size - lags) - np.maximum(0, -lags)
    shorter = min(a.size, b.size)
    valid = overlap >= min(max(min_overlap, shorter // 4), max(3, shorter // 2))
    lag_ms = lags * GRID_MS + (o0 - r0)
    if max_lag_ms is not None:
        valid &= np.abs(lag_ms) <= max_lag_ms
    if not valid.any():
        raise UserError("the two recordings overlap too little in time to be synced")
    # divided by the shorter length, not the overlap: a lag where little overlaps cannot win by chance
    score = np.where(valid, c / shorter, -np.inf)
    best = int(np.argmax(score))
    frac = 0.0
    if 0 < best < score.size - 1 and np.isfinite(score[best - 1]) and np.isfinite(score[best + 1]):
        y0, y1, y2 = score[best - 1], score[best], score[best + 1]
        den = y0 - 2 * y1 + y2
        frac = float(0.5 * (y0 - y2) / den) if den < 0 else 0.0
    # the runner-up is another peak (a local maximum) a second or more away, not the main peak's own flank
    peak = np.zeros(score.size, bool)
    peak[1:-1] = (score[1:-1] >= score[:-2]) & (score[1:-1] >= score[2:]) & np.isfinite(score[1:-1])
    far = peak & (np.abs(lags - lags[best]) * GRID_MS >= SEPARATE_PEAK_MS)
    second = int(np.argmax(np.where(far, score, -np.inf))) if far.any() else None
    r = _pearson_at(a, b, int(lags[best]))
    r2 = _pearson_at(a, b, int(lags[second])) if second is not None else 0.0
    return float(lag_ms[best] + frac * GRID_MS), r, r2


def confidence_of(r: float, runner_up: float) -> float:
    """r at the peak, scaled down as the best other lag comes near it (equal: 0)."""
    r = max(0.0, min(1.0, r))
    if r <= 0:
        return 0.0
    return r * max(0.0, min(1.0, (r - max(runner_up, 0.0)) / (0.5 * r)))


def estimate_offsets(session: Session, *, reference: str | None = None, max_lag_ms: float | None = None,
                     report: ReportFn = no_report, cancel: threading.Event | None = None) -> SyncEstimate:
    """Each camera's offset from facial motion; the reference camera (default: the first) keeps its own."""
    if len(session.cameras) < 2:
        raise UserError("the session has one camera; there is nothing to sync")
    for cam in session.cameras:
        if not Path(cam.video).is_file():
            raise UserError(f"video {cam.video} of camera {cam.id} is missing; relocate it in the project first")
    ref = session.camera(reference) if reference else session.cameras[0]
    energies = {cam.id: motion_energy(cam.video, report=report, cancel=cancel, stage=f"motion {cam.id}")
                for cam in session.cameras}
    out = [CameraSync(ref.id, ref.offset_ms, 0.0, 1.0, 0.0, 1.0, energies[ref.id].face_found)]
    for cam in session.cameras:
        if cam.id == ref.id:
            continue
        check_cancel(cancel)
        lag, r, r2 = align(energies[ref.id], energies[cam.id], max_lag_ms)
        out.append(CameraSync(cam.id, ref.offset_ms + lag, lag, r, r2, confidence_of(r, r2),
                              energies[cam.id].face_found))
    return SyncEstimate(ref.id, tuple(out))
