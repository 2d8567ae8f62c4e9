"""Our EAF read time vs pympi's Eaf() on the largest shared EAF (goal: ratio <= 1.0). Best of N runs each."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from fshd_studio.io.elan import read_eaf

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "external" / "elan"


def best(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else max(DEFAULT.glob("*.eaf"), key=lambda p: p.stat().st_size)
    import pympi

    ours = best(lambda: read_eaf(path).tiers())  # parse + every tier's annotations materialised, like pympi
    theirs = best(lambda: pympi.Elan.Eaf(str(path)))
    print(f"file: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"ours (read_eaf + tiers): {ours * 1e3:.1f} ms   pympi Eaf(): {theirs * 1e3:.1f} ms")
    print(f"ratio ours/pympi: {ours / theirs:.2f}  (goal <= 1.0)")


if __name__ == "__main__":
    main()
