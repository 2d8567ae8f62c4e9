"""Clips per second of each inference back-end for one model size, measured in one interleaved run.

A clip is one exercise × camera: 8 snippets of 16 frames of 224² (uint8, as preprocess writes it); a session
is 2 cameras × 15 exercises = 30 clips. The model has random weights (speed does not depend on them); int8 is
quantised by NNCF on `--calib` clips of noise, and its agreement with torch fp32 is printed beside its speed
(random weights: a speed figure, not the parity check that enables int8 for a real model).

Prints one JSON line per back-end (backend, precision, clips_per_s, ratio_vs_torch_fp32, minutes_per_session,
max_abs_dp_vs_torch_fp32). A session end to end (preprocessing included) with the same model:

    nice -n 10 .venv/bin/python benchmarks/model_throughput.py --config base
    .venv/bin/python benchmarks/model_throughput.py --config base --save-model /tmp/base
    fshd-studio demo /tmp/demo && time fshd-studio infer /tmp/demo/*.fshd.json --model /tmp/base \
        --backend openvino --precision bf16 --json /tmp/results.json

(Our network against a plain transformers VideoMAE of the same size: benchmarks/model_vs_plain.py.)
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

CLIPS_PER_SESSION = 30
UNAVAILABLE: list[dict[str, object]] = []   # precisions this CPU cannot run (printed, not timed)


def make_model(folder: Path, config: str) -> Path:
    import torch

    from fshd_studio.model.checkpoint import ModelCard, save_model
    from fshd_studio.model.config import preset
    from fshd_studio.model.network import FSHDModel

    torch.manual_seed(0)
    save_model(FSHDModel(preset(config).with_(dropout=0.0)), folder,
               ModelCard(model_id=f"bench-{config}", trained_on="random weights (benchmark)", synthetic=True,
                         exercises=list(range(1, 16))))
    return folder


def int8_engine(model_dir: Path, clips: np.ndarray, calib: int) -> Callable[[np.ndarray], tuple]:
    """The NNCF-quantised model compiled directly (the parity gate of open_backend is for real models)."""
    from fshd_studio.inference.backends.openvino_backend import import_openvino
    from fshd_studio.inference.backends.quantize import quantize_openvino
    from fshd_studio.model.checkpoint import load_model

    ov = import_openvino()
    model, _card = load_model(model_dir, "cpu")
    rng = np.random.default_rng(1)
    q = quantize_openvino(model, [rng.integers(0, 256, clips.shape[1:], dtype=np.uint8) for _ in range(calib)])
    compiled = ov.Core().compile_model(q, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})

    def forward(x: np.ndarray) -> tuple:
        out = compiled([x])
        return np.array(out[0]), np.array(out[1])
    return forward


def backends(model_dir: Path, clips: np.ndarray, calib: int) -> dict[tuple[str, str], Callable]:
    from fshd_studio.inference.backends import open_backend

    out: dict[tuple[str, str], Callable] = {("torch", "fp32"): open_backend(model_dir, "torch", "fp32", "cpu").forward}
    for precision in ("fp32", "bf16"):
        t0 = time.perf_counter()
        engine = open_backend(model_dir, "openvino", precision)
        engine.prepare()                                        # converts (first run) or loads the cache
        converted = time.perf_counter() - t0
        from fshd_studio.inference import session

        session._sha_cache.clear()                              # a new process hashes the weights again
        t0 = time.perf_counter()
        engine = open_backend(model_dir, "openvino", precision)
        engine.prepare()                                        # as every later run: from the user cache
        print(json.dumps({"prepared": f"openvino {engine.precision}", "convert_s": round(converted, 1),
                          "load_from_cache_s": round(time.perf_counter() - t0, 2),
                          "from_cache": getattr(engine, "loaded_from_cache", None), "note": engine.note}), flush=True)
        if engine.precision != precision:     # e.g. no bf16 on this CPU: a line that says so, not a silent copy
            UNAVAILABLE.append({"backend": "openvino", "precision": precision, "clips_per_s": None,
                                "ratio_vs_torch_fp32": None, "runs_as": engine.precision, "note": engine.note})
            continue
        out[("openvino", engine.precision)] = engine.forward
    if calib:
        t0 = time.perf_counter()
        out[("openvino", "int8")] = int8_engine(model_dir, clips, calib)
        print(json.dumps({"prepared": "openvino int8", "seconds": round(time.perf_counter() - t0, 1),
                          "calibration_clips": calib}), flush=True)
    return out


def throughput(config: str, batch: int, reps: int, calib: int) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="fshd-bench-") as tmp:
        model_dir = make_model(Path(tmp) / config, config)
        clips = np.random.default_rng(0).integers(0, 256, (batch, 8, 16, 224, 224, 3), dtype=np.uint8)
        engines = backends(model_dir, clips, calib)
        ref = engines[("torch", "fp32")](clips)
        dp = {k: float(np.max(np.abs(fn(clips)[0] - ref[0]))) for k, fn in engines.items()}   # also warms up
        times: dict[tuple[str, str], list[float]] = {k: [] for k in engines}
        for _ in range(reps):                  # interleaved: a noisy neighbour slows every back-end alike
            for key, fn in engines.items():
                t0 = time.perf_counter()
                fn(clips)
                times[key].append(time.perf_counter() - t0)
    rows = []
    base = batch / float(np.median(times[("torch", "fp32")]))
    for (name, precision), ts in times.items():
        rate = batch / float(np.median(ts))
        rows.append({"config": config, "backend": name, "precision": precision, "batch": batch, "reps": reps,
                     "clips_per_s": round(rate, 4), "ratio_vs_torch_fp32": round(rate / base, 2),
                     "minutes_per_session": round(CLIPS_PER_SESSION / rate / 60, 2),
                     "max_abs_dp_vs_torch_fp32": round(dp[(name, precision)], 6)})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="base", help="model preset (default base: ViT-B/16)")
    ap.add_argument("--batch", type=int, default=1, help="clips per forward (default 1)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--calib", type=int, default=4, help="int8 calibration clips (0: no int8)")
    ap.add_argument("--save-model", metavar="DIR", help="only write the random-weights model folder to DIR "
                    "(to score a demo session end to end with it: `fshd-studio infer --model DIR ...`)")
    args = ap.parse_args(argv)
    if args.save_model:
        print(json.dumps({"model": str(make_model(Path(args.save_model), args.config))}))
        return 0
    os.environ.setdefault("FSHD_STUDIO_CACHE", tempfile.mkdtemp(prefix="fshd-bench-cache-"))
    for row in throughput(args.config, args.batch, args.reps, args.calib) + UNAVAILABLE:
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
