"""Light and dark themes: one stylesheet (resources/style/app.qss) whose colours the dark theme swaps
(resources/style/dark.json), plus a matching Fusion palette for what the stylesheet does not style."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_BLOCK = re.compile(r"\{([^}]*)\}")
_DECLARATION = re.compile(r"([\w-]+)\s*:\s*([^;{}]*)")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
TEXT_PROPERTIES = {"color", "selection-color"}


@lru_cache(maxsize=None)
def _resource(name: str) -> str:
    from fshd_studio.io.resources import resource_path

    path = resource_path("style", name)
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _dark() -> dict:
    text = _resource("dark.json")
    return json.loads(text) if text else {"surface": {}, "text": {}, "palette": {}}


def stylesheet(theme: str = "light") -> str:
    qss = _resource("app.qss")
    if theme != "dark":
        return qss
    dark = _dark()

    def swap(m: re.Match[str]) -> str:
        table = dark["text"] if m.group(1).lower() in TEXT_PROPERTIES else dark["surface"]
        value = _HEX.sub(lambda c: table.get(c.group(0).lower(), c.group(0)), m.group(2))
        return f"{m.group(1)}: {value}"

    return _BLOCK.sub(lambda b: "{" + _DECLARATION.sub(swap, b.group(1)) + "}", _strip_comments(qss))


def _strip_comments(qss: str) -> str:
    return re.sub(r"/\*.*?\*/", "", qss, flags=re.S)


def palette(theme: str) -> QPalette:
    app = QApplication.instance()
    if theme != "dark":
        return app.style().standardPalette()
    pal = QPalette()
    for role, color in _dark()["palette"].items():
        pal.setColor(getattr(QPalette.ColorRole, role), QColor(color))
    return pal


def apply_theme(theme: str) -> None:
    """Restyle the running application (every open window follows)."""
    app = QApplication.instance()
    app.setPalette(palette(theme))
    app.setStyleSheet(stylesheet(theme))
    app.setProperty("fshd_theme", theme)


def current_theme() -> str:
    app = QApplication.instance()
    value = app.property("fshd_theme") if app is not None else None
    return str(value) if value else "light"
