"""The command line (a contract, see DESIGN.md). Command modules import nothing heavy at top level."""

from __future__ import annotations

import argparse
import importlib
import sys

from fshd_studio import __version__
from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled

# Each module in fshd_studio.commands defines add_parser(subparsers) and run(args) -> int.
COMMAND_MODULES = ("gui", "demo", "elan", "preprocess", "infer", "train", "evaluate", "votes", "model", "sync", "compare", "pseudonymise",
                   "report")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse's default prints usage too)
        print(f"error: {message} (see `{self.prog} --help`)", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fshd-studio", description="FSHD Studio: facial-exercise sessions and emotion labelling. "
                     "Research use only, not for diagnosis.")
    parser.add_argument("--version", action="version", version=f"fshd-studio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"fshd_studio.commands.{name}").add_parser(sub)
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui", *argv])
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        _log_refusal(exc)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder that cannot be made, a full disk, no permission: the user can act on it
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: cannot use{where}: {exc.strerror or exc}; check the path, the permissions and the free "
              "space", file=sys.stderr)
        return 2
    except Cancelled:
        print("error: cancelled; nothing was written", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("error: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: one line for the user, the traceback in the log file
        return _internal_error(args.command, exc)


def _log_refusal(exc: Exception) -> None:
    import logging

    logging.getLogger("fshd_studio").info("refused: %s", exc)  # the log's filter masks file names


def _internal_error(command: str, exc: Exception) -> int:
    import logging

    from fshd_studio.core.logsetup import log_dir, scrub

    logging.getLogger("fshd_studio").error("internal error in `%s`", command, exc_info=exc)
    print(f"error: internal error in `fshd-studio {command}` ({type(exc).__name__}: {scrub(str(exc))[:200]}); "
          f"this is a bug in FSHD Studio, not in your files — please report it with the log folder {log_dir()}",
          file=sys.stderr)
    return 1
