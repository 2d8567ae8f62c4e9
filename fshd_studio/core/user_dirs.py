"""The app's own folder in the user's cache: compiled models, classifier training copies, ultralytics' settings.

$FSHD_STUDIO_CACHE moves it (tests give each run its own). Never a user's data folder; nothing in it is needed
to open a project (it can be deleted at any time).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_CACHE = "FSHD_STUDIO_CACHE"


def user_cache_dir() -> Path:
    """Not created here."""
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "fshd-studio" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "fshd-studio"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fshd-studio"
