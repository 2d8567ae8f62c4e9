"""Shows one image with its face crop; in crop-fix mode a drag draws the new crop."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


def to_qimage(rgb: np.ndarray) -> QImage:
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class FaceImageView(QWidget):
    """Keyboard-first: it takes the focus (the workspace's vote keys reach it) and never edits text."""

    crop_drawn = Signal(tuple)  # (x0, y0, x1, y1) in image pixels
    face_clicked = Signal(int)  # the index of a face box clicked in the full-image view

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(320, 320)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.faces: list[tuple[int, int, int, int]] = []
        self.empty_text = "No image — import a folder of face images"
        self._image: QImage | None = None
        self._crop: tuple[int, int, int, int] | None = None
        self.crop_mode = False
        self.show_full = False
        self._drag: tuple[QPoint, QPoint] | None = None
        self.caption = ""

    def set_image(self, rgb: np.ndarray | None, crop: tuple[int, int, int, int] | None, caption: str = "",
                  faces: list[tuple[int, int, int, int]] | None = None) -> None:
        self._image = to_qimage(rgb) if rgb is not None else None
        self._crop, self.caption, self._drag, self.faces = crop, caption, None, list(faces or [])
        self.update()

    def _shown_rect(self) -> tuple[QRect, QRect]:
        """(source rect in image pixels, target rect in widget pixels)."""
        assert self._image is not None
        if self._crop and not (self.crop_mode or self.show_full):
            x0, y0, x1, y1 = self._crop
            src = QRect(x0, y0, max(1, x1 - x0), max(1, y1 - y0))
        else:
            src = self._image.rect()
        scale = min(self.width() / src.width(), (self.height() - 28) / src.height())
        w, h = int(src.width() * scale), int(src.height() * scale)
        return src, QRect((self.width() - w) // 2, 28 + (self.height() - 28 - h) // 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#f4f6f8"))
        p.setPen(QColor("#223"))
        p.drawText(QRect(8, 4, self.width() - 16, 22), Qt.AlignmentFlag.AlignLeft, self.caption)
        if self._image is None:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)
            return
        src, dst = self._shown_rect()
        p.drawImage(dst, self._image, src)
        if (self.crop_mode or self.show_full) and len(self.faces) > 1:
            for k, face in enumerate(self.faces):
                r = self._map_to_widget(face, src, dst)
                p.setPen(QPen(QColor("#2f6fb0"), 2, Qt.PenStyle.DashLine))
                p.drawRect(r)
                p.fillRect(QRect(r.x(), r.y(), 22, 20), QColor("#2f6fb0"))
                p.setPen(QColor("white"))
                p.drawText(QRect(r.x(), r.y(), 22, 20), Qt.AlignmentFlag.AlignCenter, str(k + 1))
        if (self.crop_mode or self.show_full) and self._crop:
            p.setPen(QPen(QColor("#1a7f4b"), 2))
            p.drawRect(self._map_to_widget(self._crop, src, dst))
        if self._drag:
            p.setPen(QPen(QColor("#c0392b"), 2, Qt.PenStyle.DashLine))
            p.drawRect(QRect(self._drag[0], self._drag[1]).normalized())

    @staticmethod
    def _map_to_widget(crop: tuple[int, int, int, int], src: QRect, dst: QRect) -> QRect:
        s = dst.width() / src.width()
        x0, y0, x1, y1 = crop
        return QRect(int(dst.x() + (x0 - src.x()) * s), int(dst.y() + (y0 - src.y()) * s),
                     int((x1 - x0) * s), int((y1 - y0) * s))

    def mousePressEvent(self, e: QMouseEvent) -> None:
        self.setFocus()
        if self.crop_mode and self._image is not None:
            self._drag = (e.position().toPoint(), e.position().toPoint())
        elif self.show_full and self.faces and self._image is not None:
            src, dst = self._shown_rect()
            hit = [k for k, f in enumerate(self.faces) if self._map_to_widget(f, src, dst).contains(
                e.position().toPoint())]
            if hit:
                self.face_clicked.emit(hit[0])

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        if self._drag:
            self._drag = (self._drag[0], e.position().toPoint())
            self.update()

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        if not self._drag or self._image is None:
            return
        src, dst = self._shown_rect()
        r = QRect(self._drag[0], e.position().toPoint()).normalized()
        self._drag = None
        s = src.width() / dst.width()
        x0 = int(np.clip((r.left() - dst.x()) * s + src.x(), 0, self._image.width()))
        y0 = int(np.clip((r.top() - dst.y()) * s + src.y(), 0, self._image.height()))
        x1 = int(np.clip((r.right() - dst.x()) * s + src.x(), 0, self._image.width()))
        y1 = int(np.clip((r.bottom() - dst.y()) * s + src.y(), 0, self._image.height()))
        if x1 - x0 > 4 and y1 - y0 > 4:
            self.crop_drawn.emit((x0, y0, x1, y1))
        self.update()
