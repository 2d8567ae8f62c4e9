"""The app's log file: rotating, in the user data folder, for a user to attach to a bug report.

It records what the app did (command, version, warnings, internal errors with their traceback), never patient
data: messages pass through `scrub`, which replaces file paths by their folder-free form with names masked, so
that a patient's name in a file or folder name does not end up in the log.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
from pathlib import Path

ORGANIZATION = "FSHD Studio"  # the same folder Qt's AppDataLocation gives the window (gui/settings.py)
APPLICATION = "fshd-studio"
ENV_DATA_DIR = "FSHD_STUDIO_DATA_DIR"
LOG_NAME = "fshd-studio.log"
MAX_BYTES = 1 << 20
BACKUPS = 3

_PATH = re.compile(r"(?:[A-Za-z]:|~|\.{1,2})?(?:[\\/](?:[^\\/\s'\"]|[ \t](?=[^\\/\n]*[\\/]))+)+[\\/]?"  # /a/b
                   r"|[^\s'\"\\/()\[\]{},;:]+\.[A-Za-z][A-Za-z0-9]{1,4}\b")  # a bare file name: Dupont.eaf


def user_data_dir() -> Path:
    """The per-user data folder (Qt's AppDataLocation), or $FSHD_STUDIO_DATA_DIR when set (tests)."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env)
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / ORGANIZATION / APPLICATION


def log_dir() -> Path:
    return user_data_dir() / "logs"


def _mask_path(match: re.Match[str]) -> str:
    text = match.group(0)
    name = re.split(r"[\\/]", text.rstrip("\\/"))[-1]
    stem, dot, ext = name.partition(".")
    return f"<path>/{'*' * min(len(stem), 8)}{dot}{ext}" if stem else "<path>"


def scrub(text: str) -> str:
    """Paths (which often hold patient names) reduced to a masked file name with its extension."""
    return _PATH.sub(_mask_path, text)


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class _OneLine(logging.Formatter):
    """`warning: <message>` on one line: no traceback on the console (the log file has it)."""

    def format(self, record: logging.LogRecord) -> str:
        return "warning: " + " ".join(record.getMessage().split())


def setup_logging(level: int = logging.INFO, console: bool = True) -> Path | None:
    """Attach the rotating log file to the root logger (once); returns its path, None when it cannot be made.

    With `console`, warnings also go to stderr as `warning: ...` lines (as they did before a handler existed).
    """
    root = logging.getLogger()
    for h in root.handlers:
        if getattr(h, "fshd_log", False):
            return Path(h.baseFilename)  # type: ignore[attr-defined]
    if console and not any(getattr(h, "fshd_console", False) for h in root.handlers):
        err = logging.StreamHandler(sys.stderr)
        err.fshd_console = True  # type: ignore[attr-defined]
        err.setLevel(logging.WARNING)
        err.addFilter(lambda r: r.levelno < logging.ERROR)  # errors: the CLI prints its one `error:` line itself
        err.setFormatter(_OneLine())
        root.addHandler(err)
    folder = log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(folder / LOG_NAME, maxBytes=MAX_BYTES,
                                                       backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError:
        return None  # a read-only home: the app works without its log
    handler.fshd_log = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ScrubFilter())
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return folder / LOG_NAME
