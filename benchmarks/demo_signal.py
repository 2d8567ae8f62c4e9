"""How much of the demo's simulated weakness reaches the model's input, per exercise.

The two demos `gui --demo` offers (seed 0: no weakness, and weakness 0.8 on the left) are preprocessed as a
session is (front camera: face tracking, alignment, the first 8 snippets of 16 frames at 224 px), then
measured on the snippets, at 224 px and at the demo model's 64 px:
- motion: mean absolute frame-to-frame change (grey levels). Exercise 1 (rest) is the floor: head sway,
  encoding noise and alignment jitter; an exercise barely above it barely moves the face at the model's input.
- L/R: that change on the image's left half over its right half. The weakness (subject's left = image right)
  should raise it from the plain demo to the weak one.

Prints one line per exercise and the gap over rest. Used to judge what a 15-exercise demo model can learn
(scripts/train_demo_model.py): a model sees pixels, and where the weak demo's L/R is within a few per cent of
the plain one, the weakness is nearly invisible to it.

    .venv/bin/python benchmarks/demo_signal.py [--size-scale 0.5]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np


def _measure(arr: np.ndarray) -> tuple[float, float]:
    """(motion, left/right motion ratio) of (snippets, frames, H, W) grey frames."""
    change = np.abs(np.diff(arr, axis=1)).mean(axis=(0, 1))
    half = change.shape[1] // 2
    return float(change.mean()), float(change[:, :half].sum() / max(change[:, half:].sum(), 1e-6))


def demo_measures(folder: Path, weakness: float, size_scale: float) -> dict[tuple[int, int], tuple[float, float]]:
    import cv2

    from fshd_studio.demo import make_demo
    from fshd_studio.io.project import load_project
    from fshd_studio.preprocess import preprocess_session
    from fshd_studio.preprocess.store import load_preprocessed

    demo = make_demo(folder, seed=0, weakness=weakness, weak_side="left", size_scale=size_scale)
    session = load_project(demo.project).session
    session.cameras = session.cameras[:1]
    preprocess_session(session, folder / "pre")
    out = {}
    for clip in load_preprocessed(folder / "pre"):
        if not clip.usable:
            continue
        grey = np.asarray(clip.snippets()).astype(np.float32).mean(-1)
        small = np.stack([[cv2.resize(f, (64, 64), interpolation=cv2.INTER_AREA) for f in s] for s in grey])
        out[(clip.exercise_id, 224)] = _measure(grey)
        out[(clip.exercise_id, 64)] = _measure(small)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-scale", type=float, default=0.5, help="demo video size (1.0 = the demo's own)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="fshd-demo-signal-") as tmp:
        plain = demo_measures(Path(tmp) / "plain", 0.0, args.size_scale)
        weak = demo_measures(Path(tmp) / "weak", 0.8, args.size_scale)
    print("exercise | 224 px: motion plain/weak, over rest | L/R plain -> weak | 64 px: L/R plain -> weak")
    rest = plain.get((1, 224), (np.nan, np.nan))[0]
    for ex in range(1, 16):
        if (ex, 224) not in plain or (ex, 224) not in weak:
            print(f"{ex:2d} | not usable in one of the demos")
            continue
        (mp, lp), (mw, lw) = plain[(ex, 224)], weak[(ex, 224)]
        lp64, lw64 = plain[(ex, 64)][1], weak[(ex, 64)][1]
        print(f"{ex:2d} | {mp:.2f}/{mw:.2f}  {mp - rest:+.2f} | {lp:.2f} -> {lw:.2f} ({100 * (lw / lp - 1):+.0f} %)"
              f" | {lp64:.2f} -> {lw64:.2f} ({100 * (lw64 / lp64 - 1):+.0f} %)")


if __name__ == "__main__":
    main()
