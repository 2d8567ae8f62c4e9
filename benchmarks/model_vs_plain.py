"""Throughput of the FSHD model against a plain transformers VideoMAEModel forward (same size, same batch).

A clip is one exercise × camera: 8 snippets of 16 frames. The plain forward runs the same encoder shape
over the same B × 8 snippets; our model adds adapters, Upconv, the light transformer and the heads.
Prints, per config: clips/s of both, the ratio (goal ≥ 0.9) and the share of our time spent outside the
encoder (timed on the head alone, from the descriptors).

    .venv/bin/python benchmarks/model_vs_plain.py --configs tiny base --device cpu
    .venv/bin/python benchmarks/model_vs_plain.py --configs tiny base --device cuda --batch 8
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Callable

import torch
from transformers import VideoMAEModel

from fshd_studio.model.config import preset
from fshd_studio.model.network import FSHDModel, encoder_config


def _time(fn: Callable[[], object], device: torch.device, warmup: int, reps: int) -> float:
    """Median seconds per call."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


@torch.no_grad()
def measure(name: str, device: torch.device, batch: int, warmup: int, reps: int, attn: str,
            half: bool) -> dict[str, object]:
    cfg = preset(name).with_(attn_implementation=attn, dropout=0.0)
    torch.manual_seed(0)
    dtype = torch.float16 if half and device.type == "cuda" else torch.float32
    ours = FSHDModel(cfg).to(device, dtype).eval()
    plain = VideoMAEModel(encoder_config(cfg)).to(device, dtype).eval()
    x = torch.randn(batch, cfg.snippets, cfg.num_frames, 3, cfg.image_size, cfg.image_size, device=device,
                    dtype=dtype)
    flat = x.reshape(-1, *x.shape[2:])
    seq = torch.randn(batch, cfg.snippets * cfg.time_tokens, cfg.hidden_size, device=device, dtype=dtype)
    t_plain = _time(lambda: plain(pixel_values=flat), device, warmup, reps)
    t_ours = _time(lambda: ours(x), device, warmup, reps)
    t_head = _time(lambda: ours.head(seq), device, warmup, reps)
    return {"config": name, "device": str(device), "dtype": str(dtype).removeprefix("torch."), "batch": batch,
            "attn": attn, "plain_clips_per_s": round(batch / t_plain, 3), "ours_clips_per_s": round(batch / t_ours, 3),
            "ratio": round(t_plain / t_ours, 3), "share_outside_encoder": round(t_head / t_ours, 4)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--configs", nargs="+", default=["tiny", "base"])
    ap.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    ap.add_argument("--batch", type=int, default=None, help="clips per batch (default: 8 tiny, 1 base on CPU, 4 on CUDA)")
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--attn", default="sdpa", choices=("eager", "sdpa"),
                    help="attention implementation of both (eager is what attention maps need)")
    ap.add_argument("--fp16", action="store_true", help="half precision on CUDA")
    args = ap.parse_args(argv)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if args.device == "auto" else args.device))
    if device.type == "cpu":
        torch.set_num_threads(max(1, torch.get_num_threads()))
    for name in args.configs:
        batch = args.batch or (8 if name.startswith("tiny") else (4 if device.type == "cuda" else 1))
        row = measure(name, device, batch, args.warmup, args.reps, args.attn, args.fp16)
        print(json.dumps(row), flush=True)
        print(f"{name:>6} {row['device']:>5} batch {batch}: ours {row['ours_clips_per_s']} clips/s, plain VideoMAE "
              f"{row['plain_clips_per_s']} clips/s, ratio {row['ratio']} (goal >= 0.9), "
              f"{100 * row['share_outside_encoder']:.2f} % of our time outside the encoder", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
