"""`fshd-studio elan info FILE.eaf` and `fshd-studio elan convert IN.eaf OUT.eaf`."""

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
