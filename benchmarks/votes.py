"""Time to aggregate the FER+ crowd table (35,887 images × 10 votes) under the absolute-majority rule."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from fshd_studio.labelling.agreement import fleiss_kappa, full_rater_rows
from fshd_studio.labelling.ferplus import absolute_majority, read_crowd_table

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "external" / "votes" / "ferplus_fer2013new.csv"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    t0 = time.perf_counter()
    table = read_crowd_table(path)
    t1 = time.perf_counter()
    res = absolute_majority(table)
    kappa = fleiss_kappa(full_rater_rows(table.counts))
    t2 = time.perf_counter()
    print(f"images: {len(table.names)}  votes per image: {table.counts.sum(1).max()}")
    print(f"read CSV: {(t1 - t0) * 1e3:.0f} ms   rule + Fleiss kappa: {(t2 - t1) * 1e3:.1f} ms   "
          f"total: {(t2 - t0):.3f} s (goal < 1 s)")
    print(f"kept with an absolute majority (any emotion): {res.kept_any}")
    print(f"kept in the study's four classes: {sum(res.kept_study.values())} {res.kept_study}")
    print(f"no majority: {res.no_majority}   majority unknown/not a face: {res.majority_not_a_label}")
    print(f"Fleiss kappa (rows with 10 votes): {kappa:.4f}")


if __name__ == "__main__":
    main()
