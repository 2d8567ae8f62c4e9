"""At start: remove what a killed FSHD Studio left in the system temp folder (face crops are patient data).

- `fshd-infer-*`: model input of `infer` before it cached beside the project; this version never makes them,
  so any one is a leftover.
- `fshd-score-*`: scoring of an unsaved session. A name carrying `<pid>@<host>` is removed as soon as that
  process is gone; one without is removed when nothing in it changed for an hour (it may belong to a run of
  another window that is still going).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from fshd_studio.io.atomic import owner_gone

ALWAYS = ("fshd-infer-",)
WHEN_IDLE = ("fshd-score-",)
IDLE_S = 3600.0


def _newest_mtime(folder: Path) -> float:
    newest = folder.lstat().st_mtime
    for sub in folder.rglob("*"):
        try:
            newest = max(newest, sub.lstat().st_mtime)
        except OSError:
            continue
    return newest


def clean_leftovers(temp: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove stale temp folders of killed runs from `temp` (default: the system temp folder)."""
    temp = Path(temp or tempfile.gettempdir())
    now = time.time() if now is None else now
    removed = []
    try:
        entries = [e for e in temp.iterdir() if e.name.startswith(ALWAYS + WHEN_IDLE)]
    except OSError:
        return removed
    for entry in entries:
        try:
            if not entry.is_dir() or entry.is_symlink():
                continue
            if not entry.name.startswith(ALWAYS):
                rest = entry.name.split("-", 2)[-1]
                gone = owner_gone(rest)
                if gone is False or (gone is None and now - _newest_mtime(entry) < IDLE_S):
                    continue
            shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue
        if not entry.exists():
            removed.append(entry)
    return removed
