"""Emotions of new faces: images, a video file or the webcam (face detect → crop → classify, drawn live)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from fshd_studio.gui.jobs import Job, JobRunner
from fshd_studio.gui.labelling.image_view import FaceImageView

IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.bmp *.webp)"
VIDEO_FILTER = "Videos (*.mp4 *.mov *.avi *.mkv *.webm)"


class PredictPanel(QWidget):
    status = Signal(str)
    stream_ended = Signal()
    frame_shown = Signal(object, object)  # the drawn frame, its predictions

    def __init__(self, jobs: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.jobs = jobs
        self.weights: Path | None = None
        self.results: list[tuple[Path, list]] = []
        self._stream: Job | None = None
        self._shown = threading.Event()  # the last frame sent was drawn: the stream may send the next (newest wins)
        self._job: Job | None = None
        self.model_label = QLabel("No classifier yet: train one, or choose a trained classifier")
        self.model_label.setWordWrap(True)
        self.model_button = QPushButton("Classifier…")
        self.images_button = QPushButton("Images…")
        self.video_button = QPushButton("Video file…")
        self.webcam_button = QPushButton("Webcam")
        self.webcam_index = QSpinBox()
        self.webcam_index.setRange(0, 9)
        self.webcam_index.setPrefix("camera ")
        self.webcam_index.setToolTip("Which webcam: 0 is the system's first camera, 1 the next, …")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.model_button.clicked.connect(self._ask_weights)
        self.images_button.clicked.connect(self._ask_images)
        self.video_button.clicked.connect(self._ask_video)
        self.webcam_button.clicked.connect(lambda: self.play(self.webcam_index.value()))
        self.stop_button.clicked.connect(self.stop)
        row = QHBoxLayout()
        for b in (self.model_button, self.images_button, self.video_button, self.webcam_button,
                  self.webcam_index, self.stop_button):
            row.addWidget(b)
        self.view = FaceImageView()
        self.list = QListWidget()
        self.list.setMaximumHeight(140)
        self.list.currentRowChanged.connect(self._show_result)
        lay = QVBoxLayout(self)
        lay.addWidget(self.model_label)
        lay.addLayout(row)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.list)
        self._enable()

    def set_weights(self, weights: Path | None) -> None:
        self.weights = Path(weights) if weights else None
        self.model_label.setText(f"Classifier: {self.weights}" if self.weights else "No classifier yet")
        self._enable()

    def _enable(self) -> None:
        busy = self._stream is not None or self._job is not None
        for b in (self.images_button, self.video_button, self.webcam_button, self.webcam_index):
            b.setEnabled(self.weights is not None and not busy)
        self.stop_button.setEnabled(busy)

    def _ask_weights(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Trained classifier", "",
                                              "Classifier trained by FSHD Studio (classifier.safetensors);;"
                                              "YOLO checkpoint, opened safely (*.pt)")
        if path:
            from fshd_studio.core.errors import UserError
            from fshd_studio.labelling.classifier import resolve_weights

            try:
                self.set_weights(resolve_weights(Path(path)))
            except UserError as exc:
                self.status.emit(str(exc))

    def _ask_images(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Face images", "", IMAGE_FILTER)
        if paths:
            self.predict_images([Path(p) for p in paths])

    def _ask_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Video file", "", VIDEO_FILTER)
        if path:
            self.play(Path(path))

    # --- images ---------------------------------------------------------------------------------------------
    def predict_images(self, paths: list[Path]) -> None:
        from fshd_studio.labelling.predict import predict_images

        weights = self.weights
        assert weights is not None
        self._job = self.jobs.start("Predicting emotions", lambda report, cancel: predict_images(
            weights, paths, report=report, cancel=cancel), on_done=self._images_done, on_error=self._job_ended,
            on_cancelled=lambda: self._job_ended("Cancelled"))
        self._enable()

    def _job_ended(self, message: str) -> None:
        self._job = None
        self._enable()
        self.status.emit(message)

    def _images_done(self, results: list) -> None:
        self._job = None
        self.results = results
        self.list.clear()
        for path, preds in results:
            faces = ", ".join(f"{p.label} {p.probability:.0%}" for p in preds) or "no face found"
            self.list.addItem(QListWidgetItem(f"{path.name}: {faces}"))
        self._enable()
        if results:
            self.list.setCurrentRow(0)
        self.status.emit(f"Emotions predicted on {len(results)} image(s)")

    def _show_result(self, row: int) -> None:
        if not 0 <= row < len(self.results):
            return
        from fshd_studio.labelling.images import load_rgb
        from fshd_studio.labelling.predict import draw

        path, preds = self.results[row]
        self.view.set_image(draw(load_rgb(path), preds), None, path.name)

    # --- video and webcam -----------------------------------------------------------------------------------
    def play(self, source: Path | int) -> None:
        if self.weights is None or self._stream is not None:
            return
        from fshd_studio.labelling.predict import stream_predictions

        weights, shown, ready, box = self.weights, self._shown, threading.Event(), []
        shown.set()

        def run(report, cancel) -> None:  # noqa: ANN001 - the runner's shape
            ready.wait(5)
            for k, drawn, preds in stream_predictions(weights, source, cancel=cancel):
                if shown.is_set():
                    shown.clear()
                    box[0].partial((drawn, preds, k))
        self._stream = self.jobs.start("Live prediction", run, on_partial=lambda f: self._show_frame(*f),
                                       on_done=lambda _r: self._stream_done(""), on_error=self._stream_done,
                                       on_cancelled=lambda: self._stream_done(""))
        box.append(self._stream)
        ready.set()
        self.list.clear()
        self.results = []
        self._enable()

    def _show_frame(self, frame: np.ndarray, preds: list, index: int) -> None:
        faces = ", ".join(f"{p.label} {p.probability:.0%}" for p in preds) or "no face"
        self.view.set_image(frame, None, f"frame {index}: {faces}")
        self._shown.set()
        self.frame_shown.emit(frame, preds)

    def _stream_done(self, error: str) -> None:
        self._stream = None
        self._enable()
        if error:
            self.status.emit(error)
        self.stream_ended.emit()

    def stop(self) -> None:
        for job in (self._stream, self._job):
            if job is not None:
                job.cancel()

    def closeEvent(self, event) -> None:  # noqa: ANN001 - Qt's signature
        self.stop()
        super().closeEvent(event)
