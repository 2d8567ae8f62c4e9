"""Entry point: parse argv, then run a CLI command or open the GUI (imported lazily)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from fshd_studio.cli import run

    return run(sys.argv[1:] if argv is None else argv)
