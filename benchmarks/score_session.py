"""Scoring a whole demo session end to end: seconds per session, and the share of preprocessing vs model.

    .venv/bin/python benchmarks/score_session.py [--backend torch|openvino|auto] [--model DIR] [--small]

Writes the bundled demo session (full length; --small: the tests' short half-size demo) into a temp folder,
scores it once from nothing (preprocessing + model) and once more with the preprocessing cache warm, and prints
one JSON line per run: seconds, preprocess_s, model_s, preprocess_share, clips scored, back-end and device.
On a GPU machine (`device`) it runs torch on CUDA when --backend auto.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--model", default=str(REPO / "models" / "demo-synthetic"))
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()
    from fshd_studio.demo import make_demo
    from fshd_studio.inference.session import score_session
    from fshd_studio.io.project import load_project

    with tempfile.TemporaryDirectory(prefix="fshd-bench-") as tmp:
        kw = dict(exercise_s=2.5, rest_s=1.0, size_scale=0.5) if args.small else {}
        demo = make_demo(Path(tmp) / "demo", **kw)
        session = load_project(demo.project).session
        cache = Path(tmp) / "cache"
        for run in ("cold", "warm cache"):
            t = time.perf_counter()
            res = score_session(session, Path(args.model), cache_dir=cache, backend=args.backend)
            total = time.perf_counter() - t
            p = res.provenance
            print(json.dumps({"run": run, "seconds": round(total, 2), "preprocess_s": p.preprocess_s,
                              "model_s": p.model_s, "preprocess_share": round(p.preprocess_s / total, 3),
                              "model_share": round(p.model_s / total, 3),
                              "clips": sum(s.scored for s in res.scores), "backend": p.backend,
                              "precision": p.precision, "device": p.device, "model": p.model_id}), flush=True)


if __name__ == "__main__":
    main()
