"""A small two-camera project for the main-window tests: two short synthetic videos (25 and 30 fps),
a second-camera offset, and a few segments in different states (done, too short, overlapping)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fshd_studio.core.session import Camera, Segment, SegmentStatus, Session, Span
from fshd_studio.io.project import save_project
from fshd_studio.io.protocol_file import load_protocol

SECONDS = 24.0
OFFSET_MS = 400.0


def write_video(path: Path, fps: int, seconds: float, hue: int) -> None:
    import av

    n = int(fps * seconds)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.options = {"preset": "ultrafast", "g": str(fps)}
        yy, xx = np.mgrid[0:240, 0:320]
        for i in range(n):
            img = np.empty((240, 320, 3), np.uint8)
            img[..., 0] = (xx + i * 3) % 256
            img[..., 1] = hue
            img[..., 2] = (yy + 2 * i) % 256
            x = int(20 + (i % fps) * (280 / fps))
            img[100:140, x:x + 20] = 255  # a white block that moves within each second
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def make_project(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    left, right = folder / "left.mp4", folder / "right.mp4"
    if not left.is_file():
        write_video(left, 25, SECONDS, 90)
    if not right.is_file():
        write_video(right, 30, SECONDS, 170)
    session = Session(
        patient_id="FSHD-0042", visit_date="2026-11-24", protocol=load_protocol("fshd-15", folder),
        cameras=[Camera("left", left, 0.0, "Left"), Camera("right", right, OFFSET_MS, "Right")],
        segments={
            1: Segment(1, Span(1000.0, 12000.0), SegmentStatus.CONFIRMED),
            2: Segment(2, Span(12500.0, 15000.0)),  # 2.5 s: too short for 256 frames
            3: Segment(3, Span(15500.0, 20000.0)),
            4: Segment(4, Span(19000.0, 23000.0)),  # overlaps 3
        },
    )
    path = folder / "visit.fshd.json"
    save_project(session, path)
    return path


@pytest.fixture(scope="session")
def window_project_src(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("window_src"))


@pytest.fixture
def window_project(window_project_src: Path, tmp_path: Path) -> Path:
    """A fresh copy per test (the videos are linked, the project file copied)."""
    import shutil

    for name in ("left.mp4", "right.mp4"):
        (tmp_path / name).symlink_to(window_project_src.parent / name)
    dst = tmp_path / "visit.fshd.json"
    shutil.copy(window_project_src, dst)
    return dst
