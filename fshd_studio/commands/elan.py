"""`fshd-studio elan info FILE.eaf`, `elan convert IN.eaf OUT.eaf` and `elan import PROJECT FILE.eaf [--tier NAME]`."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("elan", help="inspect and convert ELAN .eaf files")
    esub = p.add_subparsers(dest="elan_command", metavar="ACTION", required=True)
    info = esub.add_parser("info", help="print a JSON summary: version, media (url, offset), tiers, warnings")
    info.add_argument("file", type=Path, metavar="FILE.eaf")
    info.set_defaults(func=run_info)
    conv = esub.add_parser("convert", help="read and write back as EAF 3.0, every tier kept")
    conv.add_argument("src", type=Path, metavar="IN.eaf")
    conv.add_argument("dst", type=Path, metavar="OUT.eaf")
    conv.set_defaults(func=run_convert)
    imp = esub.add_parser("import", help="take the exercise segments (and camera offsets) of an .eaf into a project",
                          description="Updates the project (atomic write) and prints a JSON summary. When the file "
                                      "does not make clear which tier holds the exercises, nothing is changed and "
                                      "the candidate tiers are named: choose one with --tier.")
    imp.add_argument("project", metavar="PROJECT", help="the session's .fshd.json file")
    imp.add_argument("file", type=Path, metavar="FILE.eaf")
    imp.add_argument("--tier", metavar="NAME", help="the tier that holds the exercises")
    imp.set_defaults(func=run_import)


def run_info(args: argparse.Namespace) -> int:
    from fshd_studio.commands.common import print_json
    from fshd_studio.io.elan import eaf_info

    print_json(eaf_info(args.file))
    return 0


def run_convert(args: argparse.Namespace) -> int:
    import sys

    from fshd_studio.core.errors import ElanError
    from fshd_studio.io.elan import read_eaf, write_eaf

    if args.src.resolve() == args.dst.resolve():
        raise ElanError(f"{args.dst} is the input file; write the converted file under another name")
    doc = read_eaf(args.src)
    for note in write_eaf(doc, args.dst):
        print(f"note: {note}", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    import sys

    from fshd_studio.commands.common import existing_file, print_json
    from fshd_studio.core.errors import ElanError
    from fshd_studio.io.elan_import import apply_import, parse_for_import, plan_import
    from fshd_studio.io.elan_session import TierUncertain
    from fshd_studio.io.project import load_project, save_project

    project = existing_file(args.project, "project file")
    session = load_project(project).session
    parsed = parse_for_import(existing_file(str(args.file), "ELAN file"), session.protocol)
    try:
        plan = plan_import(parsed, session, args.tier)
    except TierUncertain as exc:
        names = ", ".join(repr(c.name) for c in exc.choice.candidates)
        if not names:
            raise ElanError(f"{args.file}: {exc.choice.reason}; nothing was imported") from None
        raise ElanError(f"{args.file}: {exc.choice.reason}; candidate tiers: {names}; rerun with --tier NAME "
                        f"({'; '.join(c.describe() for c in exc.choice.candidates)}); {project} is unchanged") from None
    apply_import(session, plan)
    save_project(session, project)
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    ch = plan.changes
    print_json({"project": str(project), "eaf": str(plan.eaf), "tier": plan.tier, "segments": len(plan.segments),
                "added": list(ch.added), "moved": list(ch.moved), "removed": list(ch.removed),
                "unchanged": list(ch.kept), "offsets_ms": plan.offsets, "warnings": list(plan.warnings)})
    return 0
