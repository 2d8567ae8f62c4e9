"""`fshd-studio model` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse

from fshd_studio.commands.common import not_available


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="(not available yet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return not_available("model")
