"""Persistent user settings (QSettings, INI format): recent files, window layout, last folder.

Tests and the CLI can redirect the settings folder with the FSHD_STUDIO_SETTINGS_DIR environment variable
(or `use_settings_dir`), so they never touch the user's real settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "FSHD Studio"
APPLICATION = "fshd-studio"
MAX_RECENT = 8
ENV_DIR = "FSHD_STUDIO_SETTINGS_DIR"


def use_settings_dir(folder: Path) -> None:
    """Store settings under `folder` for the rest of this process."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


class AppSettings:
    def __init__(self) -> None:
        folder = os.environ.get(ENV_DIR)
        if folder:
            use_settings_dir(Path(folder))
        self.q = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)

    # recent files
    def recent_files(self) -> list[Path]:
        raw = self.q.value("recent/files", [])
        if isinstance(raw, str):
            raw = [raw]
        return [Path(p) for p in (raw or []) if p]

    def add_recent(self, path: Path) -> list[Path]:
        path = Path(path).absolute()
        files = [path] + [p for p in self.recent_files() if p != path]
        self.q.setValue("recent/files", [str(p) for p in files[:MAX_RECENT]])
        return files[:MAX_RECENT]

    def clear_recent(self) -> None:
        self.q.setValue("recent/files", [])

    # folders
    def last_dir(self) -> str:
        return str(self.q.value("paths/last_dir", str(Path.home())))

    def set_last_dir(self, folder: Path) -> None:
        self.q.setValue("paths/last_dir", str(folder))

    # window layout
    def geometry(self) -> QByteArray | None:
        v = self.q.value("window/geometry")
        return v if isinstance(v, QByteArray) else None

    def state(self) -> QByteArray | None:
        v = self.q.value("window/state")
        return v if isinstance(v, QByteArray) else None

    def splitter(self, name: str) -> QByteArray | None:
        v = self.q.value(f"window/splitter_{name}")
        return v if isinstance(v, QByteArray) else None

    def save_layout(self, geometry: QByteArray, state: QByteArray, splitters: dict[str, QByteArray]) -> None:
        self.q.setValue("window/geometry", geometry)
        self.q.setValue("window/state", state)
        for name, value in splitters.items():
            self.q.setValue(f"window/splitter_{name}", value)

    def autosave_seconds(self) -> float:
        try:
            return float(self.q.value("autosave/seconds", 5.0))
        except (TypeError, ValueError):
            return 5.0

    def sync(self) -> None:
        self.q.sync()
