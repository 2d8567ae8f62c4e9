"""Time to read and aggregate the FER+ crowd table (35,887 images × 10 votes), both rules and both layouts.

Reads fer2013new.csv (header layout), writes the same rows as FER+'s headerless label.csv into a temporary
folder, and times read + rule + Fleiss' kappa for each; the goal is under 1 s for the shared table.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

from fshd_studio.labelling.agreement import fleiss_kappa, full_rater_rows
from fshd_studio.labelling.ferplus import absolute_majority, read_crowd_table

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "external" / "votes" / "ferplus_fer2013new.csv"


def _timed(path: Path, mode: str) -> float:
    c0 = time.process_time()  # CPU time too: on a shared machine the wall clock waits for other processes
    t0 = time.perf_counter()
    table = read_crowd_table(path)
    t1 = time.perf_counter()
    res = absolute_majority(table, mode)
    kappa = fleiss_kappa(full_rater_rows(table.counts))
    t2 = time.perf_counter()
    cpu = time.process_time() - c0
    print(f"{table.layout:9s} {mode:8s}  read {(t1 - t0) * 1e3:4.0f} ms  rule + kappa {(t2 - t1) * 1e3:5.1f} ms  "
          f"total {(t2 - t0):.3f} s (CPU {cpu:.3f} s; goal < 1 s)   kept {res.kept_any}, in the four classes "
          f"{sum(res.kept_study.values())} {res.kept_study}, no majority {res.no_majority}, "
          f"unknown/NF won {res.majority_not_a_label}, kappa {kappa:.4f}")
    return t2 - t0


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    print(f"{path.name}: {len(rows)} images")
    worst = max(_timed(path, "absolute"), _timed(path, "majority"))
    with tempfile.TemporaryDirectory() as tmp:
        label = Path(tmp) / "label.csv"
        with open(label, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([r[1], "(0, 0, 48, 48)", *r[2:]] for r in rows)
        worst = max(worst, _timed(label, "absolute"))
    print(f"slowest: {worst:.3f} s  (ratio to the 1 s goal: {worst:.2f})")


if __name__ == "__main__":
    main()
