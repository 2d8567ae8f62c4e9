"""Helpers shared by the command modules."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress


def print_progress(p: Progress) -> None:
    """Long commands print progress as JSON lines on stderr."""
    print(json.dumps({"stage": p.stage, "done": p.done, "total": p.total}), file=sys.stderr, flush=True)


def not_available(command: str) -> int:
    raise UserError(f"`{command}` is not available yet in this version of FSHD Studio")


def existing_file(path: str, what: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{what} {p} does not exist; check the path")
    return p


def print_json(obj: object) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False))
