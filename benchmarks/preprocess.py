"""Preprocessing speed against raw decoding of the same file, and the share of frames with full detection.

    .venv/bin/python benchmarks/preprocess.py [--hd] [VIDEO ...]

--hd also measures a 1920×1080 H.264 copy of the first video (written to a temp folder, deleted after):
the clinic's cameras record HD, where decoding costs more per frame than on the small test videos.

For each video (default: the shared real face videos) it prints raw decode frames/s (every frame,
sequential, RGB), preprocessing frames/s (the whole video as one exercise: tracking, alignment,
8 snippets, asymmetry), their ratio (goal ≥ 0.5), and detections / tracked frames.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT = [REPO.parent / "shared" / "data" / "external" / "video" / n
           for n in ("pyfeat_WolfgangLanger_Pexels.mp4", "pyfeat_single_face.mp4")]


def decode_fps(path: Path) -> float:
    from fshd_studio.io.video import open_video

    reader = open_video(path)
    n = reader.timebase.frame_count
    t = time.perf_counter()
    count = sum(1 for _ in reader.iter_frames(0, n, 1))
    return count / (time.perf_counter() - t)


def preprocess_fps(path: Path) -> tuple[float, int, int, int]:
    from fshd_studio.io.video import open_video
    from fshd_studio.preprocess.clip import process_clip
    from fshd_studio.preprocess.params import PreprocessParams

    reader = open_video(path)
    tb = reader.timebase
    t = time.perf_counter()
    res = process_clip(reader, tb, 0, tb.frame_count - 1, PreprocessParams(), "mouth_corner_excursion")
    dt = time.perf_counter() - t
    return tb.frame_count / dt, res.detections, int(res.found.size), tb.frame_count


def hd_copy(src: Path, dst: Path, frames: int = 300) -> Path:
    import av
    import cv2

    from fshd_studio.io.video import open_video

    reader = open_video(src)
    with av.open(str(dst), "w") as out:
        stream = out.add_stream("libx264", rate=round(reader.timebase.fps))
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        for _, rgb in reader.iter_frames(0, min(frames, reader.timebase.frame_count), 1):
            big = cv2.resize(rgb, (1920, 1080), interpolation=cv2.INTER_LINEAR)
            for packet in stream.encode(av.VideoFrame.from_ndarray(big, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return dst


def main(argv: list[str]) -> int:
    import tempfile

    hd = "--hd" in argv
    videos = [Path(a) for a in argv if a != "--hd"] or [p for p in DEFAULT if p.is_file()]
    preprocess_fps(videos[0])  # warm up: model loading is not per-frame cost
    tmp = tempfile.TemporaryDirectory()
    if hd:
        videos.append(hd_copy(videos[0], Path(tmp.name) / f"{videos[0].stem}_1080p.mp4"))
    for path in videos:
        raw = decode_fps(path)
        pre, detections, tracked, frames = preprocess_fps(path)
        print(f"{path.name}: {frames} frames; raw decode {raw:.0f} frames/s; preprocessing {pre:.0f} frames/s; "
              f"ratio {pre / raw:.2f} (goal >= 0.5); full detection on {detections}/{tracked} tracked frames "
              f"({detections / max(tracked, 1):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
