"""Grid thumbnails: decoded on the job runner (a large photo takes ~40 ms), drawn as icons with their state."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from fshd_studio.gui.labelling.image_view import to_qimage
from fshd_studio.labelling.images import thumbnail
from fshd_studio.labelling.store import ImageRecord

SIDE = 104


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


def badge_icon(rgb: np.ndarray | None, word: str, colour: str) -> QIcon:
    """The thumbnail in a frame of its state's colour, the state written on a band at the bottom."""
    pix = QPixmap(SIDE, SIDE)
    pix.fill(QColor("#eef1f4"))
    p = QPainter(pix)
    if rgb is not None:
        img = to_qimage(rgb)
        scaled = img.scaled(SIDE - 8, SIDE - 8, Qt.AspectRatioMode.KeepAspectRatio,
                            Qt.TransformationMode.SmoothTransformation)
        p.drawImage((SIDE - scaled.width()) // 2, (SIDE - scaled.height()) // 2, scaled)
    p.setPen(QPen(QColor(colour), 4))
    p.drawRect(2, 2, SIDE - 4, SIDE - 4)
    p.fillRect(QRect(0, SIDE - 22, SIDE, 22), QColor(colour))
    p.setPen(QColor("white"))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(12)
    p.setFont(font)
    p.drawText(QRect(0, SIDE - 22, SIDE, 22), Qt.AlignmentFlag.AlignCenter, word)
    p.end()
    return QIcon(pix)
