"""Training with one process vs two under torchrun (DistributedDataParallel, gloo on CPU), measured in one run.

Both runs train the same model (dropout off: its random masks are the one thing that differs per process) on the
same data with the same global batch, one thread per process, and give the same loss curve; the ratio is what
the second process buys on this machine's cores.

    nice -n 10 .venv/bin/python benchmarks/train_ddp.py                       # a small random set, tiny config
    nice -n 10 .venv/bin/python benchmarks/train_ddp.py --data DATA --config tiny-64 --exercise all --epochs 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def random_set(folder: Path, patients: int = 32) -> Path:
    from fshd_studio.model.dataset import Recording, write_labels

    rng = np.random.default_rng(0)
    recs = []
    for p in range(patients):
        clip = rng.integers(60, 200, (8, 16, 32, 32, 3), dtype=np.uint8)
        if p % 4 <= 1:
            clip[..., :16, :] //= 3
        f = folder / f"s{p}" / "A" / "14.npy"
        f.parent.mkdir(parents=True, exist_ok=True)
        np.save(f, clip)
        recs.append(Recording(f"s{p}", f"p{p}", "A", p % 4))
    write_labels(folder / "labels.csv", recs)
    return folder


def run(n: int, data: Path, out: Path, args: argparse.Namespace) -> tuple[float, dict]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(n),
           "-m", "fshd_studio", "train", "--data", str(data), "--out", str(out), "--config", args.config,
           "--exercise", args.exercise, "--epochs", str(args.epochs), "--batch-size", str(args.batch_size),
           "--device", "cpu", "--random-encoder", "--train-encoder", "--synthetic", "--trained-on", "benchmark"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(proc.stderr[-2000:])
    return wall, json.loads(proc.stdout[proc.stdout.index("{"):])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="a dataset folder (default: a small random set)")
    ap.add_argument("--config", default="tiny")
    ap.add_argument("--exercise", default="14")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=8)
    args = ap.parse_args()
    from fshd_studio.commands.model_data import model_config

    with tempfile.TemporaryDirectory(prefix="fshd-ddp-") as tmp:
        data = Path(args.data) if args.data else random_set(Path(tmp) / "data")
        config = Path(tmp) / "config.json"
        config.write_text(model_config(args.config).with_(dropout=0.0).to_json())
        args.config = str(config)
        res = {n: run(n, data, Path(tmp) / f"m{n}", args) for n in (1, 2)}
    for n, (wall, r) in res.items():
        print(f"{n} process(es): training {r['seconds']:.1f} s (wall with start-up {wall:.1f} s), "
              f"loss {[h['loss'] for h in r['history']]}")
    print(f"two processes / one: training time {res[2][1]['seconds'] / res[1][1]['seconds']:.2f}, "
          f"wall {res[2][0] / res[1][0]:.2f} (on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
