"""Where bundled resources (protocols, icons, stylesheet, report templates) and models live."""

from __future__ import annotations

import sys
from pathlib import Path


def repo_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller bundle
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parents[2]


def resource_path(*parts: str) -> Path:
    return repo_root().joinpath("resources", *parts)


def models_dir() -> Path:
    return repo_root() / "models"
