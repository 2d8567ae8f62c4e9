"""Synthetic facial-weakness benchmark: a labelled dataset of animated "patients", then train + evaluate.

No patient data can be here, so this proves that training learns: synthetic patients puff their cheeks
(exercise 14) with weakness none / mild / strong on the left or right side, varied timing, two cameras.

Clips come from the demo generator (one photo animated, with its weakness option). `pipeline` (the default,
benchmarks/synthetic_pipeline.py) films each clip with one of the demo's two cameras (framing, frame rate and
exposure jittered), encodes it like the demo's videos and runs FSHD Studio's own preprocessing on it (face
tracking, alignment, snippets): the model is trained on exactly what `fshd-studio infer` gives it. The older
generators skip that path and their models do not transfer to it (the demo-aligned model scored 0.99 FSHD
on every demo clip, weak or not): `demo-aligned` renders at 128 px and applies the similarity preprocess would
fit from the known landmarks, `demo` uses the raw clip framing, `cartoon` is a drawn face. For those,
each clip has 256 frames at 30 fps (the preprocess time grid), then is cut like preprocess does: the first 8 snippets of 16 frames taken every 2nd frame → uint8 (8, 16, SIZE, SIZE, 3),
stored in preprocess's on-disk format (`<session>/index.json`, `<session>/14_<camera>/snippets.npy`,
meta.json with a `synthetic` entry) with `labels.csv` (session, patient, camera, class).
Classes: weakness none → control, mild → fshd_moderate, strong → fshd_severe (other_nmd is not simulated).

    .venv/bin/python benchmarks/synthetic_weakness.py make DATA --patients 150 --size 64
    .venv/bin/python -m fshd_studio train --data DATA --out OUT --config tiny-64 --random-encoder --train-encoder \
        --epochs 25 --batch-size 16 --lr 1e-3 --device cpu --synthetic --trained-on "..."
    .venv/bin/python -m fshd_studio evaluate --model OUT --data DATA --json OUT/evaluation.json --update-card
or all three with timings:  .venv/bin/python benchmarks/synthetic_weakness.py run DATA OUT
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from fshd_studio.core.validation import FRAME_STRIDE, SNIPPET_FRAMES, SNIPPETS
from fshd_studio.preprocess.params import PARAM_VERSION, SCHEMA_VERSION
from fshd_studio.preprocess.store import ClipOutput, write_clip, write_index
from fshd_studio.model.dataset import Recording, write_labels

EXERCISE = 14
WEAKNESS = {"none": 0.0, "mild": 0.5, "strong": 0.9}
CLASS_OF = {"none": 3, "mild": 0, "strong": 1}
CAMERAS = ("A", "B")
FPS = 30.0
GRID = SNIPPETS * SNIPPET_FRAMES * FRAME_STRIDE


def snippets(frames: np.ndarray) -> np.ndarray:
    """(T, H, W, 3) on the 30 fps grid → (8, 16, H, W, 3): first 8 snippets of 16 frames, every 2nd frame."""
    if frames.shape[0] < GRID:
        frames = np.concatenate([frames, np.repeat(frames[-1:], GRID - frames.shape[0], 0)])
    picked = frames[:GRID:FRAME_STRIDE]
    return np.ascontiguousarray(picked.reshape(SNIPPETS, SNIPPET_FRAMES, *frames.shape[1:]))


def cartoon_clip(n_frames: int, size: int, seed: int, weakness: float, weak_side: str) -> np.ndarray:
    """A drawn face puffing its cheeks; the weak side's cheek bulges `1 - weakness` as much."""
    import cv2

    rng = np.random.default_rng(seed)
    onset, rise, hold = rng.uniform(0.3, 2.0), rng.uniform(0.3, 1.0), rng.uniform(1.5, 4.0)
    skin = np.array([200.0, 170.0, 150.0]) * rng.uniform(0.95, 1.05)   # one face, lighting varies a little
    cx, cy = size / 2 + rng.normal(0, size * 0.01), size / 2 + rng.normal(0, size * 0.01)
    scale = rng.uniform(0.95, 1.05)
    gain = {"left": 1.0, "right": 1.0}
    gain[weak_side] = 1.0 - weakness
    out = np.empty((n_frames, size, size, 3), np.uint8)
    for i in range(n_frames):
        t = i / FPS
        a = float(np.clip((t - onset) / rise, 0, 1) * np.clip((onset + rise + hold + rise - t) / rise, 0, 1))
        img = np.full((size, size, 3), 40, np.uint8)
        s = size * 0.3 * scale
        cv2.ellipse(img, (int(cx), int(cy)), (int(s), int(s * 1.3)), 0, 0, 360, skin.tolist(), -1)
        for side, sign in (("right", -1), ("left", 1)):       # the patient's right is on the image's left
            bulge = a * gain[side]
            c = (int(cx + sign * s * (0.55 + 0.15 * bulge)), int(cy + s * 0.35))
            r = max(1, int(round(s * (0.12 + 0.33 * bulge))))
            cv2.circle(img, c, r, (skin * (1 - 0.5 * bulge)).tolist(), -1)
            cv2.circle(img, (int(cx + sign * s * 0.4), int(cy - s * 0.3)), max(1, int(s * 0.1)), (30, 30, 30), -1)
        mouth_w = int(s * (0.35 - 0.15 * a))
        cv2.ellipse(img, (int(cx), int(cy + s * 0.7)), (max(1, mouth_w), max(1, int(s * 0.06))), 0, 0, 360,
                    (60, 40, 120), -1)
        noise = rng.normal(0, 2, img.shape)
        out[i] = np.clip(img + noise, 0, 255).astype(np.uint8)
    return out


def aligned_demo_clip(size: int, seed: int, weakness: float, side: str, render_side: int = 128) -> np.ndarray:
    """The demo generator's clip, brought to preprocess's framing: the similarity that preprocess would fit
    (its template of stable landmarks: eye corners and nose bridge, IOD 56 px and eye line at 84 px in 224 px)
    is computed from the demo face's known landmarks, applied to every frame at `render_side` px, then
    area-resized to `size`. Head sway is left in (preprocess smooths it out; it is small here)."""
    import cv2

    from fshd_studio.demo import render_exercise_clip
    from fshd_studio.demo.render import clip_view
    from fshd_studio.io.protocol_file import load_protocol
    from fshd_studio.preprocess.alignment import as_matrices, raw_alignment
    from fshd_studio.preprocess.params import PreprocessParams

    side_px = (render_side, render_side)
    frames = render_exercise_clip(EXERCISE, GRID, FPS, side_px, seed, weakness, side)
    ex = load_protocol().by_id(EXERCISE)
    view = clip_view(side_px, ex.code, ex.measure, round(float(weakness), 3), side)
    k = render_side / 224.0
    params = PreprocessParams(size=render_side, iod_px=56.0 * k, eye_y=84.0 * k)
    m = as_matrices(raw_alignment(view.landmarks[None], params))[0]
    out = np.empty((len(frames), size, size, 3), np.uint8)
    for i, f in enumerate(frames):
        aligned = cv2.warpAffine(f, m, side_px, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        out[i] = cv2.resize(aligned, (size, size), interpolation=cv2.INTER_AREA)
    return out


def render(generator: str, size: int, seed: int, weakness: str, side: str) -> np.ndarray:
    if generator == "demo-aligned":
        return aligned_demo_clip(size, seed, WEAKNESS[weakness], side)
    if generator == "demo":
        from fshd_studio.demo import render_exercise_clip

        return render_exercise_clip(EXERCISE, GRID, FPS, (size, size), seed, WEAKNESS[weakness], side)
    return cartoon_clip(GRID, size, seed, WEAKNESS[weakness], side)


def write_store_clip(session_out: Path, camera: str, arr: np.ndarray, synthetic: dict[str, str]) -> dict:
    """One exercise × camera in preprocess's on-disk format (fshd_studio.preprocess.store, schema 1)."""
    meta = {"schema_version": SCHEMA_VERSION, "param_version": PARAM_VERSION, "exercise_id": EXERCISE,
            "camera_id": camera, "usable": True, "reason": None, "short": False, "synthetic": synthetic}
    folder = write_clip(session_out, ClipOutput(EXERCISE, camera, meta, snippets=arr))
    return {"exercise_id": EXERCISE, "camera_id": camera, "folder": folder.name, "usable": True, "reason": None,
            "cache_key": None}


def make_pipeline_dataset(out: Path, patients: int, size: int, seed: int) -> list[Recording]:
    """Every recording filmed by a jittered demo camera and run through the real preprocessing."""
    from synthetic_pipeline import draw_job, run_jobs

    rng = np.random.default_rng(seed)
    levels = list(WEAKNESS)
    plan = []  # (patient, camera name, weakness level, side, job)
    for p in range(patients):
        weakness, side = levels[p % len(levels)], str(rng.choice(["left", "right"]))
        for k, cam in enumerate(CAMERAS):
            plan.append((p, cam, weakness, side, draw_job(rng, WEAKNESS[weakness], side, k)))
    recs, entries, dropped = [], {}, 0
    for i, arr in run_jobs([job for *_, job in plan], size):
        p, cam, weakness, side, job = plan[i]
        if arr is None:
            dropped += 1  # preprocessing found it unusable: a real session would drop it too
        else:
            synthetic = {"weakness": weakness, "weak_side": side, "generator": "pipeline", "camera": job.camera}
            entries.setdefault(p, []).append(write_store_clip(out / f"s{p:03d}", cam, arr, synthetic))
            recs.append(Recording(f"s{p:03d}", f"p{p:03d}", cam, CLASS_OF[weakness]))
        if i % len(CAMERAS) == len(CAMERAS) - 1:
            if p in entries:
                write_index(out / f"s{p:03d}", entries[p])
            print(f'{{"stage": "render", "done": {p + 1}, "total": {patients}}}', file=sys.stderr, flush=True)
    write_labels(out / "labels.csv", recs)
    print(f"{len(recs)} recordings, {dropped} found unusable by preprocessing", file=sys.stderr)
    return recs


def make_dataset(out: Path, patients: int, size: int, seed: int, generator: str) -> list[Recording]:
    if generator == "pipeline":
        return make_pipeline_dataset(out, patients, size, seed)
    rng = np.random.default_rng(seed)
    levels = list(WEAKNESS)
    recs = []
    for p in range(patients):
        weakness = levels[p % len(levels)]
        side = str(rng.choice(["left", "right"]))
        entries = []
        for cam in CAMERAS:
            clip = render(generator, size, int(rng.integers(1 << 30)), weakness, side)
            entries.append(write_store_clip(out / f"s{p:03d}", cam, snippets(clip),
                                            {"weakness": weakness, "weak_side": side, "generator": generator}))
            recs.append(Recording(f"s{p:03d}", f"p{p:03d}", cam, CLASS_OF[weakness]))
        write_index(out / f"s{p:03d}", entries)
        print(f'{{"stage": "render", "done": {p + 1}, "total": {patients}}}', file=sys.stderr, flush=True)
    write_labels(out / "labels.csv", recs)
    return recs


def pick_generator(name: str) -> str:
    if name != "auto":
        return name
    try:
        from fshd_studio.demo import render_exercise_clip  # noqa: F401
        return "pipeline"
    except ImportError:
        return "cartoon"


def trained_on(generator: str) -> str:
    what = ("synthetic animations of one face photo (the demo generator)" if generator == "demo"
            else "synthetic animations of one drawn cartoon face")
    if generator == "demo-aligned":
        what = "synthetic animations of one face photo (the demo generator, aligned like preprocess)"
    if generator == "pipeline":
        what = ("synthetic animations of one face photo (the demo generator's two cameras, run through "
                "FSHD Studio's own preprocessing)")
    return (f"Trained on {what} with simulated one-sided cheek weakness; it means nothing clinically "
            "and must never be used on patients.")


def run_all(data: Path, out: Path, patients: int, size: int, seed: int, generator: str, epochs: int,
            config: str) -> int:
    from fshd_studio.cli import run as cli

    t0 = time.perf_counter()
    if not (data / "labels.csv").is_file():
        make_dataset(data, patients, size, seed, generator)
    t1 = time.perf_counter()
    rc = cli(["train", "--data", str(data), "--out", str(out), "--config", config, "--random-encoder",
              "--train-encoder",
              "--epochs", str(epochs), "--batch-size", "16", "--lr", "1e-3", "--device", "cpu", "--seed", str(seed),
              "--synthetic", "--model-id", out.name, "--trained-on", trained_on(generator)])
    t2 = time.perf_counter()
    if rc == 0:
        rc = cli(["evaluate", "--model", str(out), "--data", str(data), "--device", "cpu", "--update-card",
                  "--json", str(out / "evaluation.json"), "--table", str(out / "evaluation.txt")])
        shutil.rmtree(out / "train_state", ignore_errors=True)   # resume state: not shipped
    print(f"generate {t1 - t0:.1f} s, train {t2 - t1:.1f} s, evaluate {time.perf_counter() - t2:.1f} s")
    return rc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    mk = sub.add_parser("make", help="write a synthetic dataset folder (arrays + labels.csv)")
    mk.add_argument("out")
    mk.add_argument("--patients", type=int, default=150)
    mk.add_argument("--size", type=int, default=64)
    mk.add_argument("--seed", type=int, default=0)
    mk.add_argument("--generator", default="auto", choices=("auto", "pipeline", "demo-aligned", "demo", "cartoon"))
    rn = sub.add_parser("run", help="make (if DATA has no labels.csv), train the tiny config, evaluate")
    rn.add_argument("data")
    rn.add_argument("out")
    rn.add_argument("--patients", type=int, default=150)
    rn.add_argument("--size", type=int, default=64)
    rn.add_argument("--config", default="tiny-64", help="model preset (default tiny-64: the tiny model at 64 px)")
    rn.add_argument("--seed", type=int, default=0)
    rn.add_argument("--epochs", type=int, default=25)
    rn.add_argument("--generator", default="auto", choices=("auto", "pipeline", "demo-aligned", "demo", "cartoon"))
    args = ap.parse_args(argv)
    gen = pick_generator(args.generator)
    if args.cmd == "run":
        return run_all(Path(args.data), Path(args.out), args.patients, args.size, args.seed, gen, args.epochs,
                       args.config)
    t0 = time.perf_counter()
    recs = make_dataset(Path(args.out), args.patients, args.size, args.seed, gen)
    print(f"wrote {len(recs)} recordings of {args.patients} synthetic patients to {args.out} "
          f"with the {gen} generator in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
