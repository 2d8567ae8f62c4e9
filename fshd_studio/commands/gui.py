"""`fshd-studio gui [PROJECT] [--demo] [--screenshot OUT.png]`: open the app (Qt is imported only here)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the app (segmentation of sessions, labelling)",
                       description="Open FSHD Studio. Research use only, not for diagnosis.")
    p.add_argument("project", nargs="?", type=Path, help="a project file (*.fshd.json) to open")
    p.add_argument("--demo", action="store_true", help="open the demo session (generated once per user)")
    p.add_argument("--screenshot", type=Path, metavar="OUT.png",
                   help="load, render the main window to a PNG at 1600×1000 and exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fshd_studio.gui.app_main import run_gui

    return run_gui(args.project, demo=bool(args.demo), screenshot=args.screenshot)
