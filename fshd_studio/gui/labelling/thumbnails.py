"""Grid thumbnails: decoded on the thread pool (a large photo takes ~40 ms), turned into icons on the GUI thread."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from PySide6.QtGui import QIcon, QPixmap

from fshd_studio.gui.labelling.image_view import to_qimage
from fshd_studio.labelling.images import thumbnail
from fshd_studio.labelling.store import ImageRecord


def thumbnails(folder: Path, records: list[ImageRecord], cancel: threading.Event) -> dict:
    """(image id, crop) -> small RGB face crop, for the records given; stops early when cancelled."""
    out = {}
    for r in records:
        if cancel.is_set():
            break
        try:
            out[(r.id, r.crop)] = thumbnail(folder, r.path, r.crop)
        except Exception:  # noqa: BLE001 - an unreadable image keeps its name only
            pass
    return out


def icon_of(rgb: np.ndarray) -> QIcon:
    return QIcon(QPixmap.fromImage(to_qimage(rgb)))
