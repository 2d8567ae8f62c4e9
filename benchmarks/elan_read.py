"""Our EAF read time vs pympi's Eaf() on the largest shared EAF (goal: ratio <= 1.0).

Runs alternate between the two readers (fair under a shared, busy CPU); prints best and median of each.
Usage: .venv/bin/python benchmarks/elan_read.py [FILE.eaf] [RUNS]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from fshd_studio.io.elan import read_eaf

EXTERNAL = Path(os.environ.get("FSHD_EXTERNAL_DATA", Path(__file__).resolve().parents[2] / "shared" / "data" /
                                "external"))


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else max((EXTERNAL / "elan").glob("*.eaf"),
                                                          key=lambda p: p.stat().st_size)
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    import pympi

    def ours() -> None:  # parse, check references, every tier's annotations materialised (as pympi does)
        read_eaf(path).tiers()

    def theirs() -> None:
        pympi.Elan.Eaf(str(path))

    ours(), theirs()  # warm caches and imports
    a, b = [], []
    for _ in range(runs):
        a.append(timed(ours))
        b.append(timed(theirs))
    print(f"file: {path.name} ({path.stat().st_size / 1e6:.1f} MB), {runs} alternating runs each")
    print(f"ours (read_eaf + tiers): best {min(a) * 1e3:.1f} ms, median {statistics.median(a) * 1e3:.1f} ms")
    print(f"pympi Eaf():             best {min(b) * 1e3:.1f} ms, median {statistics.median(b) * 1e3:.1f} ms")
    print(f"ratio ours/pympi: {min(a) / min(b):.2f} (best), {statistics.median(a) / statistics.median(b):.2f} "
          "(median)  (goal <= 1.0)")


if __name__ == "__main__":
    main()
