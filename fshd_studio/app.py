"""Entry point: parse argv, then run a CLI command or open the GUI (imported lazily)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    import logging
    import multiprocessing

    multiprocessing.freeze_support()  # the packaged app's scoring child starts through this entry point

    from fshd_studio import __version__
    from fshd_studio.cli import run
    from fshd_studio.core.logsetup import setup_logging
    from fshd_studio.io.leftovers import clean_leftovers

    args = sys.argv[1:] if argv is None else argv
    setup_logging()
    command = args[0] if args and not args[0].startswith("-") and "." not in args[0] else "gui"
    logging.getLogger("fshd_studio").info("fshd-studio %s: %s", __version__, command)
    clean_leftovers()
    return run(args)
