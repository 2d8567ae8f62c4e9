"""The panel's heatmap section: overlay on/off and opacity, the selected exercise's still per camera, and
Export PNG / GIF (written on the job runner through inference.attention's exporters)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget,
)

from fshd_studio.gui.results.heatmap import HeatmapOverlay

SHOWN_SIDE = 150


def ask_export_path(parent: QWidget, title: str, suggestion: Path, pattern: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, str(suggestion), pattern)
    return Path(path) if path else None


def rgb_pixmap(rgb: np.ndarray) -> QPixmap:
    a = np.ascontiguousarray(rgb)
    return QPixmap.fromImage(QImage(a.data, a.shape[1], a.shape[0], a.shape[1] * 3, QImage.Format.Format_RGB888).copy())


class HeatmapControls(QWidget):
    def __init__(self, overlay: HeatmapOverlay, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("heatmapControls")
        self.overlay = overlay
        self.toggle = QCheckBox("Heatmap on the video", self)
        self.toggle.setToolTip("Paint where the model looked (attention rollout) over the playing cameras")
        self.toggle.toggled.connect(overlay.set_enabled)
        self.opacity = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(round(overlay.opacity * 100))
        self.opacity.setMinimumWidth(90)
        self.opacity.setMaximumWidth(140)
        self.opacity.setToolTip("Opacity of the heatmap")
        self.opacity.valueChanged.connect(lambda v: overlay.set_opacity(v / 100.0))
        self.png_button = QPushButton("Export PNG…", self)
        self.png_button.clicked.connect(lambda: self.export("png"))
        self.gif_button = QPushButton("Export GIF…", self)
        self.gif_button.clicked.connect(lambda: self.export("gif"))
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.stills: dict[str, QLabel] = {}
        self.stills_row = QHBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.toggle)
        row.addWidget(QLabel("Opacity", self))
        row.addWidget(self.opacity)
        row.addStretch(1)
        exports = QVBoxLayout()
        exports.addWidget(self.png_button)
        exports.addWidget(self.gif_button)
        exports.addStretch(1)
        self.stills_row.addStretch(1)
        self.stills_row.addLayout(exports)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(row)
        lay.addWidget(self.text)
        lay.addLayout(self.stills_row)
        self.captions = QLabel(self)
        self.captions.setObjectName("heatmapCaptions")
        lay.addWidget(self.captions)
        overlay.changed.connect(self.refresh)
        overlay.message.connect(self.text.setText)
        self.refresh()

    def refresh(self) -> None:
        heat = self.overlay.heat
        for cam in list(self.stills):
            if cam not in heat:
                self.stills.pop(cam).deleteLater()
        for cam, ch in heat.items():
            if cam not in self.stills:
                lab = QLabel(self)
                lab.setFixedSize(SHOWN_SIDE, SHOWN_SIDE)
                lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.stills_row.insertWidget(len(self.stills), lab)
                self.stills[cam] = lab
            self.stills[cam].setPixmap(rgb_pixmap(ch.still).scaled(SHOWN_SIDE, SHOWN_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                                                                  Qt.TransformationMode.SmoothTransformation))
            self.stills[cam].setToolTip(f"Camera {cam}, frame {ch.heatmaps.still_frame()}")
        self.captions.setText("   ".join(f"{self._camera_label(cam)}: frame {ch.heatmaps.still_frame()}"
                                       for cam, ch in heat.items()))
        self.png_button.setEnabled(bool(heat))
        self.gif_button.setEnabled(bool(heat))
        self.text.setText(self.overlay.text)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().showEvent(event)
        self.overlay.set_shown(True)

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().hideEvent(event)
        self.overlay.set_shown(False)

    def _camera_label(self, camera_id: str) -> str:
        session = self.overlay.win.controller.session
        cam = next((c for c in session.cameras if c.id == camera_id), None) if session else None
        return (cam.label or cam.id) if cam else camera_id

    def export(self, kind: str) -> None:
        """Every camera's heatmaps of the selected exercise: a still (PNG) or all frames (GIF), one file each."""
        ov = self.overlay
        heat, c = dict(ov.heat), ov.win.controller
        if not heat or c.project_path is None:
            return
        ex = ov.exercise_id
        first = ask_export_path(self, f"Export heatmap {kind.upper()}",
                                c.project_path.with_name(f"heatmap-ex{ex:02d}-{next(iter(heat))}.{kind}"),
                                f"{kind.upper()} image (*.{kind})")
        if first is None:
            return
        cams = list(heat)
        base = first.stem.removesuffix(f"-{cams[0]}")
        targets = {cam: first if i == 0 else first.with_name(f"{base}-{cam}{first.suffix}") for i, cam in enumerate(cams)}

        def work(report, cancel):  # noqa: ANN001, ANN202
            from fshd_studio.core.progress import Progress, check_cancel
            from fshd_studio.inference.attention import export_gif, export_png

            for i, (cam, path) in enumerate(targets.items()):
                check_cancel(cancel)
                report(Progress(f"writing {path.name}", i, len(targets)))
                (export_png if kind == "png" else export_gif)(heat[cam].heatmaps, path, opacity=ov.opacity)
            return list(targets.values())

        ov.win.jobs.start(f"Exporting heatmap {kind.upper()}", work,
                          on_done=lambda paths: self.text.setText("Written: " + ", ".join(p.name for p in paths)),
                          on_error=lambda m: self.text.setText(f"Export failed: {m}"))
