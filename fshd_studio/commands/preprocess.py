"""`fshd-studio preprocess PROJECT --out DIR [--exercise N ...]` and `--suggest-boundaries`.

Writes model input for every segmented exercise × camera (format: fshd_studio/preprocess/store.py),
prints JSON-lines progress on stderr and a JSON summary on stdout. With `--suggest-boundaries` it
instead proposes the exercise segments from facial motion and writes them as JSON (to --json or stdout).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from fshd_studio.commands.common import existing_file, print_json, print_progress
from fshd_studio.core.errors import UserError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("preprocess", help="write model input (aligned 224×224 snippets) for every exercise",
                       description="Face tracking, alignment, the study's 8 snippets × 16 frames, asymmetry "
                                   "measures; or suggest exercise boundaries from facial motion.")
    p.add_argument("project", help="the session's .fshd.json file")
    p.add_argument("--out", help="output folder (index.json + one folder per exercise × camera)")
    p.add_argument("--exercise", type=int, action="append", metavar="N",
                   help="only this exercise id (repeat for more); default: every segmented exercise")
    p.add_argument("--suggest-boundaries", action="store_true",
                   help="propose the exercise segments from facial motion instead of preprocessing")
    p.add_argument("--camera", help="camera id for --suggest-boundaries (default: the first camera)")
    p.add_argument("--json", dest="json_out", help="with --suggest-boundaries: write the segments here")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fshd_studio.io.project import load_project

    loaded = load_project(existing_file(args.project, "project file"))
    if args.suggest_boundaries:
        return _suggest(loaded.session, args)
    if not args.out:
        raise UserError("preprocess needs --out DIR (where the model input is written)")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a folder")
    from fshd_studio.preprocess import preprocess_session

    result = preprocess_session(loaded.session, out, report=print_progress, exercises=args.exercise)
    print_json({
        "out": str(out), "clips": len(result.clips), "computed": result.computed,
        "cached": len(result.clips) - result.computed,
        "unusable": [{"exercise_id": c.exercise_id, "camera_id": c.camera_id, "reason": c.reason}
                     for c in result.clips if not c.usable],
    })
    if result.clips and not any(c.usable for c in result.clips):
        raise UserError(f"no exercise of {args.project} could be preprocessed: {result.clips[0].reason} "
                        f"(every exercise and camera is listed in {out / 'index.json'})")
    return 0


def _suggest(session: Any, args: argparse.Namespace) -> int:
    from fshd_studio.io.atomic import atomic_write_json
    from fshd_studio.preprocess import suggest_boundaries

    if args.camera and args.camera not in [c.id for c in session.cameras]:
        raise UserError(f"camera {args.camera!r} is not in the project (cameras: "
                        f"{', '.join(c.id for c in session.cameras)})")
    segments = suggest_boundaries(session, camera_id=args.camera, report=print_progress)
    doc = {"schema_version": 1, "camera_id": args.camera or session.cameras[0].id, "segments": [
        {"exercise_id": s.exercise_id, "start_ms": round(s.span.start_ms, 1), "end_ms": round(s.span.end_ms, 1),
         "status": s.status.value} for s in segments]}
    if args.json_out:
        atomic_write_json(Path(args.json_out), doc)
    else:
        print(json.dumps(doc, indent=2))
    return 0
