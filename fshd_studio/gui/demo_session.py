"""`gui --demo` / File → Open demo: the demo session is generated once into the user's data folder (a job of
the window's runner, with progress and Cancel), then reused."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import ReportFn


def demo_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "demo" if base else Path.home() / ".local" / "share" / "fshd-studio" / "demo"


def existing_demo(folder: Path) -> Path | None:
    found = sorted(folder.glob("*.fshd.json")) if folder.is_dir() else []
    return found[0] if found else None


def make_demo_project(folder: Path, report: ReportFn, cancel: threading.Event | None) -> Path:
    """The demo's project file, generating the demo first when there is none (runs on a worker)."""
    from fshd_studio import demo

    found = existing_demo(folder)
    if found is not None:
        return found
    try:
        demo.make_demo(folder, report=report, cancel=cancel)
    except OSError as exc:
        raise UserError(f"could not generate the demo session in {folder}: {exc}") from None
    found = existing_demo(folder)
    if found is None:
        raise UserError(f"the demo generator wrote no project file into {folder}")
    return found
