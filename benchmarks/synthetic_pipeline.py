"""The `pipeline` generator of the synthetic weakness benchmark: clips made exactly as a session's are.

A demo camera (the demo's front or side camera, with its framing, frame rate and exposure jittered a little)
films the face puffing its cheeks; the clip is encoded like the demo's videos (H.264, crf 26) and run through
`fshd_studio.preprocess.clip.process_clip` — face tracking, alignment, the study's 8 × 16 snippets at 224 px —
then resized to the model's input size with the very interpolation the model applies to 224 px input.
So a model trained on it sees at training what `fshd-studio infer` gives it on a demo session.
"""

from __future__ import annotations

import dataclasses
import tempfile
from multiprocessing import get_context
from pathlib import Path

import numpy as np

EXERCISE = 14
SECONDS = 10.0  # ≥ 8.53 s: the 256 steps of the 30 fps grid fit inside the clip


@dataclasses.dataclass(frozen=True)
class Job:
    seed: int
    weakness: float
    side: str
    camera: int  # 0 front, 1 side (demo.default_cameras)
    crop: float  # × crop width
    rotation: float  # + degrees
    shift: tuple[float, float]  # + IOD
    brightness: float  # × exposure


def draw_job(rng: np.random.Generator, weakness: float, side: str, camera: int) -> Job:
    return Job(int(rng.integers(1 << 30)), weakness, side, camera, float(rng.uniform(0.9, 1.1)),
               float(rng.uniform(-4.0, 4.0)), (float(rng.normal(0, 0.05)), float(rng.normal(0, 0.05))),
               float(rng.uniform(0.9, 1.1)))


def camera_of(job: Job):
    from fshd_studio.demo.generate import default_cameras

    base = default_cameras()[job.camera]
    return dataclasses.replace(base, crop_width=base.crop_width * job.crop,
                               rotation_deg=base.rotation_deg + job.rotation,
                               shift=(base.shift[0] + job.shift[0], base.shift[1] + job.shift[1]),
                               brightness=base.brightness * job.brightness, offset_ms=0.0)


def snippets_224(job: Job) -> np.ndarray | None:
    """(8, 16, 224, 224, 3) uint8 from the real preprocessing, or None when it found the clip unusable."""
    from fshd_studio.demo.clip import render_camera_clip
    from fshd_studio.io.video import open_video
    from fshd_studio.io.video_write import write_video
    from fshd_studio.preprocess.clip import process_clip
    from fshd_studio.preprocess.params import PreprocessParams

    cam = camera_of(job)
    frames = render_camera_clip(EXERCISE, int(np.ceil(SECONDS * cam.fps)), cam, job.seed, job.weakness, job.side)
    with tempfile.TemporaryDirectory(prefix="fshd-synth-") as tmp:
        path = Path(tmp) / "clip.mp4"
        write_video(path, frames, cam.fps, crf=26)
        with open_video(path) as reader:
            tb = reader.timebase
            res = process_clip(reader, tb, 0, tb.frame_count - 1, PreprocessParams(), "none")
    return res.snippets if res.usable else None


def resize_like_the_model(snippets: np.ndarray, size: int) -> np.ndarray:
    """What FSHDModel.normalise does to 224 px input (bilinear, antialiased), back to uint8."""
    import torch

    from fshd_studio.model.network import resize_frames

    s, t, h, w, c = snippets.shape
    x = torch.from_numpy(snippets.reshape(s * t, h, w, c)).permute(0, 3, 1, 2).float().div_(255.0)
    x = resize_frames(x, size)
    out = (x.clamp_(0, 1) * 255.0).round_().to(torch.uint8).permute(0, 2, 3, 1).numpy()
    return np.ascontiguousarray(out.reshape(s, t, size, size, c))


def _worker(job: Job) -> np.ndarray | None:
    import torch

    torch.set_num_threads(1)
    return snippets_224(job)


def run_jobs(jobs: list[Job], size: int, processes: int = 2):
    """Yields (job index, (8, 16, size, size, 3) uint8 or None), in order."""
    with get_context("spawn").Pool(processes) as pool:
        for i, arr in enumerate(pool.imap(_worker, jobs)):
            yield i, (None if arr is None else resize_like_the_model(arr, size))
