"""`make_demo`: a two-camera demo session of the 15 exercises, with its .eaf, project file and ground truth."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report
from fshd_studio.core.protocol import Protocol
from fshd_studio.core.session import Camera, Segment, SegmentStatus, Session, Span
from fshd_studio.demo.render import CameraSpec, Pose, View, envelope, make_view, render
from fshd_studio.io.atomic import atomic_write_json
from fshd_studio.io.project import save_project
from fshd_studio.io.protocol_file import load_protocol
from fshd_studio.io.video_write import write_video

LEAD_IN_S = 2.0
TAIL_S = 1.0
DEMO_FILES = ("front.mp4", "side.mp4", "demo.eaf", "demo.fshd.json", "demo_truth.json")


def default_cameras(size_scale: float = 1.0) -> tuple[CameraSpec, CameraSpec]:
    def even(x: float) -> int:
        return max(32, int(round(x * size_scale / 2)) * 2)
    front = CameraSpec("front", "Front camera", 30.0, (even(480), even(360)), crop_width=240.0)
    # another framing, frame rate, exposure and start: it was switched on 1.24 s before the front camera
    side = CameraSpec("side", "Side camera", 25.0, (even(400), even(300)), crop_width=200.0,
                      rotation_deg=6.0, shift=(0.35, 0.15), brightness=0.85, offset_ms=1240.0)
    return front, side


@dataclass(frozen=True)
class DemoResult:
    project: Path
    eaf: Path
    videos: dict[str, Path]
    segments: dict[int, Segment]
    offsets: dict[str, float]
    truth: Path


@dataclass(frozen=True)
class Script:
    """What the face does over session time: one span per exercise, amplitudes, blinks, head sway."""

    protocol: Protocol
    spans: dict[int, Span]
    amplitude: dict[int, float]
    blinks_ms: tuple[float, ...]
    sway: tuple[float, ...]  # phases and periods of the head motion
    ramp_s: float
    total_ms: float

    def pose(self, session_ms: float) -> Pose:
        movement, amount = None, 0.0
        for ex in self.protocol.exercises:
            span = self.spans[ex.id]
            if span.start_ms <= session_ms < span.end_ms:
                t = (session_ms - span.start_ms) / 1000.0
                movement = ex.code
                amount = self.amplitude[ex.id] * envelope(t, span.duration_ms / 1000.0, self.ramp_s)
        blink = max((max(0.0, 1 - abs(session_ms - b) / 110.0) for b in self.blinks_ms), default=0.0)
        p1, p2, p3, t1, t2 = self.sway
        s = session_ms / 1000.0
        return Pose(movement, amount, blink, 0.03 * np.sin(2 * np.pi * s / t1 + p1),
                    0.02 * np.sin(2 * np.pi * s / t2 + p2), 1.2 * np.sin(2 * np.pi * s / (t1 + t2) + p3))


def make_script(protocol: Protocol, seed: int, exercise_s: float, rest_s: float) -> Script:
    rng = np.random.default_rng(seed)
    spans, amp = {}, {}
    t = LEAD_IN_S
    for ex in protocol.exercises:
        spans[ex.id] = Span(round(t * 1000.0), round((t + exercise_s) * 1000.0))
        amp[ex.id] = float(rng.uniform(0.85, 1.15))
        t += exercise_s + rest_s
    total = (t - rest_s + TAIL_S) * 1000.0
    blinks = tuple(float(b) for b in np.cumsum(rng.uniform(2500, 5500, size=int(total / 2500) + 1)) if b < total)
    sway = tuple(float(x) for x in (*rng.uniform(0, 2 * np.pi, 3), *rng.uniform(3.0, 7.0, 2)))
    return Script(protocol, spans, amp, blinks, sway, min(0.6, exercise_s * 0.15), total)


def camera_frames(script: Script, cam: CameraSpec, view: View, report: ReportFn,
                  cancel: threading.Event | None) -> Iterator[np.ndarray]:
    """Frames of one camera: it runs from session time -offset to the end of the session plus a tail."""
    n = int((script.total_ms + cam.offset_ms) * cam.fps / 1000.0)
    for k in range(n):
        if k % 25 == 0:
            check_cancel(cancel)
            report(Progress(f"render {cam.id}", k, n))
        yield render(view, script.pose(k * 1000.0 / cam.fps - cam.offset_ms))
    report(Progress(f"render {cam.id}", n, n))


def make_demo(out_dir: Path, *, seed: int = 0, weakness: float = 0.0, weak_side: str = "left",
              exercise_s: float = 11.0, rest_s: float = 2.0, size_scale: float = 1.0,
              report: ReportFn = no_report, cancel: threading.Event | None = None) -> DemoResult:
    """Write a demo session into out_dir (videos, .eaf, project, truth). Deterministic for a seed.

    The default 11 s per exercise gives every segment at least 256 frames on both cameras (25 fps side camera:
    275), the model's input of 8 snippets × 16 frames × every 2nd frame.
    """
    out_dir = Path(out_dir).absolute()
    out_dir.mkdir(parents=True, exist_ok=True)
    protocol = load_protocol()
    script = make_script(protocol, seed, exercise_s, rest_s)
    videos: dict[str, Path] = {}
    cameras = []
    for cam in default_cameras(size_scale):
        view = make_view(cam, protocol.exercises, weakness, weak_side)
        videos[cam.id] = out_dir / f"{cam.id}.mp4"
        write_video(videos[cam.id], camera_frames(script, cam, view, report, cancel), cam.fps, crf=26)
        cameras.append(Camera(cam.id, videos[cam.id], cam.offset_ms, cam.label))
    segments = {i: Segment(i, s, SegmentStatus.CONFIRMED, "demo generator", "true span of the animation")
                for i, s in script.spans.items()}
    session = Session("DEMO-0001", "2026-01-15", protocol, cameras, segments,
                      notes=f"Synthetic demo (seed {seed}, weakness {weakness} {weak_side}). Not a patient.")
    eaf = _write_eaf(session, out_dir / "demo.eaf")
    if eaf is not None:
        session.linked_eaf = eaf
    project = out_dir / "demo.fshd.json"
    save_project(session, project)
    truth = out_dir / "demo_truth.json"
    atomic_write_json(truth, {
        "seed": seed, "weakness": weakness, "weak_side": weak_side, "exercise_s": exercise_s, "rest_s": rest_s,
        "ramp_s": script.ramp_s, "offsets_ms": {c.id: c.offset_ms for c in cameras},
        "segments": {str(i): [s.start_ms, s.end_ms] for i, s in script.spans.items()},
        "amplitude": {str(i): a for i, a in script.amplitude.items()}, "blinks_ms": list(script.blinks_ms),
        "side_convention": "the subject's left is image right on the front camera",
    })
    report(Progress("done", 1, 1))
    return DemoResult(project, eaf, videos, segments, {c.id: c.offset_ms for c in cameras}, truth)


def _write_eaf(session: Session, path: Path) -> Path:
    from fshd_studio.io.elan import write_session_eaf

    write_session_eaf(session, path)
    return path


def load_truth(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
