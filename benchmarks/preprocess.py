"""Preprocessing speed against raw decoding of the same file, and the share of frames with full detection.

    .venv/bin/python benchmarks/preprocess.py [VIDEO ...]

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


def main(argv: list[str]) -> int:
    videos = [Path(a) for a in argv] or [p for p in DEFAULT if p.is_file()]
    preprocess_fps(videos[0])  # warm up: model loading is not per-frame cost
    for path in videos:
        raw = decode_fps(path)
        pre, detections, tracked, frames = preprocess_fps(path)
        print(f"{path.name}: {frames} frames; raw decode {raw:.0f} frames/s; preprocessing {pre:.0f} frames/s; "
              f"ratio {pre / raw:.2f} (goal >= 0.5); full detection on {detections}/{tracked} tracked frames "
              f"({detections / max(tracked, 1):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
