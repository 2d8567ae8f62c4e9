"""`fshd-studio sync PROJECT [--apply]`: each camera's offset from facial motion, printed as JSON."""

from __future__ import annotations

import argparse

MIN_APPLY_CONFIDENCE = 0.2


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="estimate each camera's sync offset from facial motion (JSON)",
                       description="Cross-correlates the facial motion energy of the cameras. Prints JSON with "
                                   "offsets_ms per camera id (the reference camera keeps its offset) and a "
                                   "confidence (0-1). --apply saves the offsets in the project.")
    p.add_argument("project", metavar="PROJECT", help="the session's .fshd.json file")
    p.add_argument("--apply", action="store_true", help="save the estimated offsets in the project (atomic write)")
    p.add_argument("--reference", metavar="CAMERA", help="the camera whose offset is kept (default: the first)")
    p.add_argument("--max-lag", type=float, metavar="SECONDS", help="search offsets within ± this many seconds")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fshd_studio.commands.common import existing_file, print_json, print_progress
    from fshd_studio.core.errors import UserError
    from fshd_studio.io.project import load_project, save_project
    from fshd_studio.preprocess.sync import estimate_offsets

    project = existing_file(args.project, "project file")
    session = load_project(project).session
    if args.reference and args.reference not in [c.id for c in session.cameras]:
        raise UserError(f"--reference {args.reference}: {project} has cameras {', '.join(c.id for c in session.cameras)}")
    est = estimate_offsets(session, reference=args.reference, report=print_progress,
                           max_lag_ms=args.max_lag * 1000.0 if args.max_lag else None)
    out = est.to_dict()
    out["applied"] = False
    if args.apply and est.confidence < MIN_APPLY_CONFIDENCE:
        print_json(out)
        raise UserError(f"sync confidence {est.confidence:.2f} is below {MIN_APPLY_CONFIDENCE}; {project} is unchanged "
                        "— set the offsets by eye in the window")
    if args.apply:
        for cam_id, ms in est.offsets_ms.items():
            session.set_offset(cam_id, round(ms, 1))
        save_project(session, project)
        out["applied"] = True
    print_json(out)
    return 0
