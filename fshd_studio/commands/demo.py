"""`fshd-studio demo DIR`: write a synthetic two-camera demo session (no patient data)."""

from __future__ import annotations

import argparse
from pathlib import Path

from fshd_studio.core.errors import UserError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="write a demo session into DIR: two camera videos, an .eaf, a .fshd.json",
                       description="Animates a public-domain face photo through the 15 exercises and films it with "
                                   "two simulated cameras. Deterministic for a seed.")
    p.add_argument("dir", metavar="DIR", type=Path)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--weakness", type=float, default=0.0, help="0..1: weaken one side's movement by this share")
    p.add_argument("--weak-side", choices=("left", "right"), default="left",
                   help="the subject's side (image right on the front camera is the subject's left)")
    p.add_argument("--exercise-seconds", type=float, default=11.0,
                   help="length of each exercise (default 11 s: at least 256 frames on both cameras)")
    p.add_argument("--rest-seconds", type=float, default=2.0)
    p.add_argument("--size-scale", type=float, default=1.0, help="scale of both cameras' frame size")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fshd_studio.commands.common import print_progress
    from fshd_studio.demo import DEMO_FILES, make_demo

    out: Path = args.dir
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} is a file; give a folder for the demo session")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in DEMO_FILES and not p.name.startswith("."))
        if foreign:
            raise UserError(f"folder {out} already holds other files ({', '.join(foreign[:3])}...); "
                            "give an empty or new folder so nothing of yours is overwritten")
    if not 0.0 <= args.weakness <= 1.0:
        raise UserError(f"--weakness must be between 0 and 1, not {args.weakness}")
    if not (0.5 < args.exercise_seconds <= 600 and 0 <= args.rest_seconds <= 600 and 0.1 <= args.size_scale <= 4):
        raise UserError("--exercise-seconds must be within 0.5–600, --rest-seconds within 0–600 and --size-scale "
                        "within 0.1–4")
    result = make_demo(out, seed=args.seed, weakness=args.weakness, weak_side=args.weak_side,
                       exercise_s=args.exercise_seconds, rest_s=args.rest_seconds, size_scale=args.size_scale,
                       report=print_progress)
    print(result.project)
    return 0
