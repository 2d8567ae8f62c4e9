"""Preprocess a whole session: every segmented exercise × camera → model input on disk (see store.py).

`preprocess_session` is the long-work function the CLI and the GUI call: it reports Progress, honours a
cancel token, and never aborts the session for one bad exercise (that clip is written as unusable with
its reason). A clip whose video fingerprint, frames and parameters are unchanged is not recomputed.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled, Progress, ReportFn, check_cancel, no_report
from fshd_studio.core.session import Camera, Segment, Session
from fshd_studio.core.validation import ClipTiming, clip_timing
from fshd_studio.preprocess.clip import ClipResult, process_clip
from fshd_studio.preprocess.params import PARAM_VERSION, SCHEMA_VERSION, PreprocessParams
from fshd_studio.preprocess.sampling import segment_frames
from fshd_studio.preprocess.store import ClipOutput, clip_folder, read_meta, write_clip, write_index

DECODE_ERRORS = (UserError, OSError, ValueError, RuntimeError, EOFError)


@dataclass(frozen=True)
class ClipSummary:
    exercise_id: int
    camera_id: str
    folder: Path
    usable: bool
    reason: str
    cached: bool
    asymmetry: dict[str, Any] | None
    detections: int = 0
    tracked_frames: int = 0


@dataclass
class PreprocessResult:
    out: Path
    clips: list[ClipSummary] = field(default_factory=list)

    def clip(self, exercise_id: int, camera_id: str) -> ClipSummary:
        for c in self.clips:
            if c.exercise_id == exercise_id and c.camera_id == camera_id:
                return c
        raise KeyError((exercise_id, camera_id))

    def asymmetry(self, exercise_id: int, camera_id: str) -> dict[str, Any] | None:
        return self.clip(exercise_id, camera_id).asymmetry

    @property
    def computed(self) -> int:
        return sum(not c.cached for c in self.clips)


@dataclass
class _CameraVideo:
    camera: Camera
    reader: Any = None
    fingerprint: str = ""
    error: str = ""


def model_window_ms(params: PreprocessParams) -> float:
    """The time the model's snippets span from a segment's start (8.5 s with the study's parameters)."""
    return (params.grid_steps - 1) * 1000.0 / params.reference_fps


def cache_key(fingerprint: str, first: int, last: int, measure: str, params: PreprocessParams) -> str:
    blob = json.dumps({"video": fingerprint, "first": first, "last": last, "measure": measure,
                       "params": params.to_dict()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def _open_camera(camera: Camera) -> _CameraVideo:
    if not Path(camera.video).is_file():
        return _CameraVideo(camera, error=f"video {camera.video} is missing; relocate it in the project")
    from fshd_studio.io.video import open_video, video_fingerprint

    try:
        return _CameraVideo(camera, open_video(camera.video), video_fingerprint(camera.video))
    except UserError as exc:  # already names the file and what to do
        return _CameraVideo(camera, error=str(exc))
    except DECODE_ERRORS as exc:
        return _CameraVideo(camera, error=f"video {camera.video} cannot be read ({exc})")


def _base_meta(session: Session, cam: _CameraVideo, seg: Segment, params: PreprocessParams) -> dict[str, Any]:
    ex = session.protocol.by_id(seg.exercise_id)
    return {
        "schema_version": SCHEMA_VERSION, "param_version": PARAM_VERSION, "params": params.to_dict(),
        "exercise_id": ex.id, "exercise_code": ex.code, "measure": ex.measure, "camera_id": cam.camera.id,
        "video": {"path": str(cam.camera.video), "fingerprint": cam.fingerprint},
        "segment": {"session_start_ms": seg.span.start_ms, "session_end_ms": seg.span.end_ms,
                    "camera_start_ms": cam.camera.camera_ms(seg.span.start_ms),
                    "camera_end_ms": cam.camera.camera_ms(seg.span.end_ms)},
        "usable": False, "reason": "", "cache_key": "",
    }


def _result_meta(meta: dict[str, Any], res: ClipResult, fps: float, vfr: bool,
                 timing: ClipTiming) -> dict[str, Any]:
    meta["video"].update({"fps": round(fps, 4), "variable_frame_rate": vfr})
    meta["segment"].update({"first_frame": res.clip.first, "last_frame": res.clip.last})
    found = res.found
    flags = tuple(dict.fromkeys(timing.flags + res.face_flags))  # core/results.py FLAG_TEXT names
    meta.update({
        "flags": list(flags), "flag_messages": list(timing.messages) + list(res.face_messages),
        "snippet_frames": res.snippet_frames.tolist(), "short": "short" in flags, "real_steps": res.clip.real_steps,
        "grid_steps": int(res.clip.grid.size), "tracked_frames": int(found.size),
        "face_ratio": round(float(found.mean()) if found.size else 0.0, 4), "detections": res.detections,
        "longest_gap_s": round(res.longest_gap_s, 3), "usable": res.usable, "reason": res.reason,
        "asymmetry": res.asymmetry.summary() if res.asymmetry else None,
    })
    return meta


def _clip(session: Session, cam: _CameraVideo, seg: Segment, out: Path, params: PreprocessParams,
          cancel: threading.Event | None) -> ClipSummary:
    meta = _base_meta(session, cam, seg, params)
    folder = out / clip_folder(seg.exercise_id, cam.camera.id)
    output = ClipOutput(seg.exercise_id, cam.camera.id, meta)
    if cam.error:
        meta["reason"] = cam.error
    else:
        tb = cam.reader.timebase
        start, end = meta["segment"]["camera_start_ms"], meta["segment"]["camera_end_ms"]
        timing = clip_timing(start, end, tb.duration_ms, tb.frame_period_ms, model_window_ms(params))
        span = segment_frames(tb, max(start, 0.0), end)
        if timing.outside or span is None:  # the checklist's rule (core/validation.py): the same verdict
            meta["reason"] = f"the segment {timing.outside or 'has no frame in this video'}"
        else:
            key = cache_key(cam.fingerprint, span[0], span[1], meta["measure"], params)
            old = read_meta(folder)
            if old is not None and old.get("cache_key") == key:
                return _summary(folder, old, cached=True)
            meta["cache_key"] = key
            try:
                res = process_clip(cam.reader, tb, span[0], span[1], params, meta["measure"], cancel)
            except DECODE_ERRORS as exc:
                meta["reason"] = f"frames {span[0]}–{span[1]} cannot be decoded ({exc})"
            else:
                _result_meta(meta, res, tb.fps, tb.is_variable, timing)
                output = ClipOutput(seg.exercise_id, cam.camera.id, meta,
                                    snippets=res.snippets if res.usable else None, landmarks=res.landmarks,
                                    landmark_frames=res.landmark_frames, transforms=res.transforms,
                                    asymmetry=res.asymmetry)
    write_clip(out, output)
    return _summary(folder, meta, cached=False)


def _summary(folder: Path, meta: dict[str, Any], cached: bool) -> ClipSummary:
    return ClipSummary(int(meta["exercise_id"]), str(meta["camera_id"]), folder, bool(meta["usable"]),
                       str(meta.get("reason", "")), cached, meta.get("asymmetry"),
                       int(meta.get("detections", 0)), int(meta.get("tracked_frames", 0)))


def preprocess_session(session: Session, out: Path, *, report: ReportFn = no_report,
                       cancel: threading.Event | None = None, exercises: list[int] | None = None,
                       params: PreprocessParams | None = None) -> PreprocessResult:
    """Write model input for every segmented exercise (or only `exercises`) of every camera into `out`."""
    params = params or PreprocessParams()
    out = Path(out)
    known = set(session.protocol.ids())
    wanted = [s for s in session.ordered_segments() if s.exercise_id in known
              and (exercises is None or s.exercise_id in exercises)]
    if exercises is not None and not wanted:
        raise UserError(f"none of exercises {exercises} has a segment in this session; mark them first")
    total = len(wanted) * len(session.cameras)
    result = PreprocessResult(out)
    report(Progress("preprocess", 0, total))
    for cam in session.cameras:
        check_cancel(cancel)
        video = _open_camera(cam)
        for seg in wanted:
            check_cancel(cancel)
            result.clips.append(_clip(session, video, seg, out, params, cancel))
            report(Progress("preprocess", len(result.clips), total))
    _write_index(out, result, exercises is not None)
    return result


def _write_index(out: Path, result: PreprocessResult, partial: bool) -> None:
    """index.json lists this run's clips; a partial run (--exercise) keeps the other listed clips."""
    entries = {(c.exercise_id, c.camera_id): c for c in result.clips}
    rows = [{"exercise_id": c.exercise_id, "camera_id": c.camera_id, "folder": c.folder.name,
             "usable": c.usable, "reason": c.reason} for c in entries.values()]
    if partial and (out / "index.json").is_file():
        try:
            old = json.loads((out / "index.json").read_text(encoding="utf-8")).get("entries", [])
        except (OSError, json.JSONDecodeError):
            old = []
        rows += [r for r in old if (r.get("exercise_id"), r.get("camera_id")) not in entries]
    rows.sort(key=lambda r: (r["exercise_id"], r["camera_id"]))
    write_index(out, rows)


__all__ = ["Cancelled", "ClipSummary", "PreprocessResult", "preprocess_session", "cache_key"]
