"""Random-access frame fetch vs sequential decode, per frame, on each shared video (one run, same machine).

Prints: file, sequential ms/frame, random ms/frame, ratio random/sequential.
Usage: .venv/bin/python benchmarks/seek.py [VIDEO ...]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from fshd_studio.io.video import open_video, probe

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "external" / "video"


def measure(path: Path, probes: int = 30) -> tuple[float, float]:
    n = probe(path).frame_count
    with open_video(path) as r:
        t = time.perf_counter()
        count = sum(1 for _ in r.iter_frames())
        seq = (time.perf_counter() - t) / count
    rnd = random.Random(0)
    idxs = [rnd.randrange(n) for _ in range(min(probes, n))]
    with open_video(path) as r:
        t = time.perf_counter()
        for i in idxs:
            r.frame(i)
        ran = (time.perf_counter() - t) / len(idxs)
    return seq, ran


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or sorted(DEFAULT.glob("*.m*"))
    print(f"{'file':40s} {'seq ms/frame':>12s} {'random ms/frame':>15s} {'ratio':>7s}")
    for p in paths:
        seq, ran = measure(p)
        print(f"{p.name:40s} {seq * 1e3:12.2f} {ran * 1e3:15.2f} {ran / seq:7.1f}")


if __name__ == "__main__":
    main()
