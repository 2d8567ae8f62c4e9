"""Random-access frame fetch vs sequential decode, per frame, on each shared video (one run, same machine).

Per file, all in ms per frame (best of 3 rounds, so other work on the machine disturbs it less):
  seq      `iter_frames()` over the whole file (threaded decode + RGB)
  random   `frame(i)` for random i on one reader (seek to the keyframe before i, decode forward)
  ratio    random / seq: the number the issue asks for
  step+1   `frame(i+1)` after `frame(i)` (GUI stepping forward), step-1 likewise backwards
  cv seq, cv random   OpenCV's sequential read + BGR->RGB, and CAP_PROP_POS_FRAMES seek + read
  cv exact how many of OpenCV's random fetches equal this reader's frame (the reason PyAV is the backend)

Usage: .venv/bin/python benchmarks/seek.py [VIDEO ...]
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from fshd_studio.io.video import open_video

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "external" / "video"
ROUNDS = 3
PROBES = 30


def best_ms(run: Callable[[], int]) -> float:
    """Best per-item time of ROUNDS runs; `run` returns how many items it did."""
    best = float("inf")
    for _ in range(ROUNDS):
        t = time.perf_counter()
        count = run()
        best = min(best, (time.perf_counter() - t) / max(count, 1) * 1e3)
    return best


def reader_times(path: Path, idxs: list[int]) -> dict[str, float]:
    def seq() -> int:
        with open_video(path) as r:
            return sum(1 for _ in r.iter_frames())

    def rand() -> int:
        with open_video(path) as r:
            for i in idxs:
                r.frame(i)
        return len(idxs)

    def step(direction: int) -> Callable[[], int]:
        def run() -> int:
            with open_video(path) as r:
                n = r.info.frame_count
                first = n // 2 - direction * min(n // 2, 20)
                last = n // 2 + direction * min(n // 2 - 1, 20)
                r.frame(first)  # the seek is not part of stepping
                span = range(first + direction, last + direction, direction)
                for i in span:
                    r.frame(i)
            return len(span)
        return run

    return {"seq": best_ms(seq), "random": best_ms(rand), "step+1": best_ms(step(1)),
            "step-1": best_ms(step(-1))}


def opencv_times(path: Path, idxs: list[int]) -> dict[str, float]:
    import cv2

    def seq() -> int:
        cap, n = cv2.VideoCapture(str(path)), 0
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            n += 1
        cap.release()
        return n

    def rand() -> int:
        cap = cv2.VideoCapture(str(path))
        for i in idxs:
            cap.set(cv2.CAP_PROP_POS_FRAMES, i)
            cap.read()
        cap.release()
        return len(idxs)

    return {"cv seq": best_ms(seq), "cv random": best_ms(rand), "cv exact": opencv_exact(path, idxs)}


def opencv_exact(path: Path, idxs: list[int]) -> str:
    import cv2

    cap, same = cv2.VideoCapture(str(path)), 0
    with open_video(path) as r:
        for i in idxs:
            cap.set(cv2.CAP_PROP_POS_FRAMES, i)
            ok, bgr = cap.read()
            same += bool(ok) and np.array_equal(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), r.frame(i))
    cap.release()
    return f"{same}/{len(idxs)}"


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or sorted(DEFAULT.glob("*.m*"))
    cols = ["seq", "random", "ratio", "step+1", "step-1", "cv seq", "cv random", "cv exact"]
    print(f"{'file':34s}" + "".join(f"{c:>10s}" for c in cols) + "   (ms/frame)")
    for p in paths:
        with open_video(p) as r:
            n = r.info.frame_count
        rnd = random.Random(0)
        idxs = [rnd.randrange(n) for _ in range(min(PROBES, n))]
        row: dict[str, float | str] = {**reader_times(p, idxs), **opencv_times(p, idxs)}
        row["ratio"] = float(row["random"]) / float(row["seq"])
        print(f"{p.name:34s}" + "".join(f"{v:>10.2f}" if isinstance(v, float) else f"{v:>10s}"
                                        for v in (row[c] for c in cols)))


if __name__ == "__main__":
    main()
