"""`fshd-studio pseudonymise PROJECT --out DIR`: a copy of a session without patient names (project, videos, EAF)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pseudonymise", help="copy a session for sharing: patient id and names replaced by a "
                       "pseudonym, also in file names (project, videos, ELAN file)",
                       description="Writes DIR/<pseudonym>.fshd.json, the videos and <pseudonym>.eaf. The pseudonym "
                       "is stable for a patient id on this installation (or give --pseudonym). Names inside the "
                       "videos' pictures are not touched.")
    p.add_argument("project", type=Path, help="the session's .fshd.json file")
    p.add_argument("--out", type=Path, required=True, help="folder for the copy (new or empty)")
    p.add_argument("--pseudonym", help="the pseudonym to use (default: P- and 8 characters from the patient id)")
    p.add_argument("--name", action="append", default=[], metavar="NAME",
                   help="another name to remove wherever it appears (repeatable), e.g. the patient's full name")
    p.add_argument("--no-videos", action="store_true", help="do not copy the videos (the copy names them only)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fshd_studio.commands.common import existing_file, print_json
    from fshd_studio.core.errors import UserError
    from fshd_studio.io.privacy_export import default_pseudonymiser, export_pseudonymised_project
    from fshd_studio.io.project import load_project

    session = load_project(existing_file(str(args.project), "project file")).session
    if args.out.is_dir() and any(not e.name.startswith(".") for e in args.out.iterdir()):
        raise UserError(f"folder {args.out} is not empty; give a new or empty folder for the pseudonymised copy")
    p = default_pseudonymiser(session, args.pseudonym, tuple(args.name))
    copy = export_pseudonymised_project(session, args.out, p, copy_videos=not args.no_videos)
    print_json({"pseudonym": p.pseudonym, "project": str(copy.project), "eaf": str(copy.eaf),
                "videos": [str(v) for v in copy.videos]})
    return 0
