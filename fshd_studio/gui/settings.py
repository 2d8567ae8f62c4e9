"""Persistent user settings (QSettings, INI format): recent files, window layout, last folder, and the
preferences of Edit → Preferences (autosave interval, theme, keymap, default folders), which carry a
schema_version.

Tests and the CLI can redirect the settings folder with the FSHD_STUDIO_SETTINGS_DIR environment variable
(or `use_settings_dir`), so they never touch the user's real settings.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from fshd_studio.gui.keymap import DEFAULT_PRESET, PRESETS, Keymap

log = logging.getLogger(__name__)

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
        return self.preferences().autosave_seconds

    def preferences(self) -> Preferences:
        return load_preferences(self.q)

    def save_preferences(self, prefs: Preferences) -> None:
        save_preferences(self.q, prefs)

    def sync(self) -> None:
        self.q.sync()


# ---- preferences (Edit → Preferences) ---------------------------------------------------------------
PREFERENCES_SCHEMA = 1
THEMES = ("light", "dark")


@dataclass(frozen=True)
class Preferences:
    autosave_seconds: float = 5.0
    theme: str = "light"
    keymap: Keymap = field(default_factory=Keymap)
    video_dir: str = ""  # where New session looks for videos first ("" = the last folder used)
    project_dir: str = ""  # where Open and Save as look first ("" = the last folder used)
    annotator: str = ""  # proposed for new sessions
    show_motion_lane: bool = True  # the facial motion curve under the exercise lane (computed on opening)

    def __post_init__(self) -> None:
        if self.theme not in THEMES:
            object.__setattr__(self, "theme", "light")
        seconds = float(self.autosave_seconds)
        object.__setattr__(self, "autosave_seconds", min(max(seconds, 1.0), 3600.0) if seconds == seconds else 5.0)


def load_preferences(q: QSettings) -> Preferences:
    """Read the preferences; settings written before they had a schema_version (only autosave/seconds)
    are migrated, unknown or damaged values fall back to the defaults."""
    version = _int(q.value("preferences/schema_version", 0))
    if version > PREFERENCES_SCHEMA:
        log.warning("preferences written by a newer FSHD Studio (schema %s); using defaults where unknown", version)
    overrides: dict[str, tuple[str, ...]] = {}
    q.beginGroup("keymap")
    for action_id in q.childKeys():
        if action_id != "preset":
            overrides[action_id] = tuple(k for k in str(q.value(action_id, "")).split(";") if k)
    preset = str(q.value("preset", DEFAULT_PRESET))
    q.endGroup()
    return Preferences(
        autosave_seconds=_float(q.value("autosave/seconds", 5.0), 5.0),
        theme=str(q.value("appearance/theme", "light")),
        keymap=Keymap(preset if preset in PRESETS else DEFAULT_PRESET, overrides),
        video_dir=str(q.value("paths/video_dir", "")),
        project_dir=str(q.value("paths/project_dir", "")),
        annotator=str(q.value("session/annotator", "")),
        show_motion_lane=str(q.value("view/motion_lane", "true")).lower() not in ("false", "0"),
    )


def save_preferences(q: QSettings, prefs: Preferences) -> None:
    q.setValue("preferences/schema_version", PREFERENCES_SCHEMA)
    q.setValue("autosave/seconds", float(prefs.autosave_seconds))
    q.setValue("appearance/theme", prefs.theme)
    q.setValue("paths/video_dir", prefs.video_dir)
    q.setValue("paths/project_dir", prefs.project_dir)
    q.setValue("session/annotator", prefs.annotator)
    q.setValue("view/motion_lane", bool(prefs.show_motion_lane))
    q.remove("keymap")
    q.setValue("keymap/preset", prefs.keymap.preset)
    for action_id, keys in prefs.keymap.overrides.items():
        q.setValue(f"keymap/{action_id}", ";".join(keys))
    q.sync()


def _float(value: object, default: float) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
