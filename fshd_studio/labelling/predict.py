"""Emotions on new images and on video (file or webcam): face detect → crop → classify, drawn on the frame."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report
from fshd_studio.labelling.classifier import EmotionClassifier
from fshd_studio.labelling.images import FaceFinder, crop_with_margin, load_rgb


@dataclass(frozen=True)
class FacePrediction:
    box: tuple[int, int, int, int]
    label: str
    probability: float


def predict_faces(clf: EmotionClassifier, finder: FaceFinder, rgb: np.ndarray) -> list[FacePrediction]:
    h, w = rgb.shape[:2]
    boxes = [crop_with_margin(b, w, h) for b in finder.find(rgb)]
    crops = [rgb[y0:y1, x0:x1] for x0, y0, x1, y1 in boxes]
    return [FacePrediction(b, lab, p) for b, (lab, p) in zip(boxes, clf.predict(crops))]


def predict_images(weights: Path, paths: list[Path], *, report: ReportFn = no_report,
                   cancel: threading.Event | None = None) -> list[tuple[Path, list[FacePrediction]]]:
    """The faces and emotions of each image (the GUI's long-work shape: progress and cancel)."""
    clf, finder = EmotionClassifier(weights), FaceFinder()
    out = []
    try:
        for i, path in enumerate(paths):
            check_cancel(cancel)
            report(Progress("predict images", i, len(paths)))
            out.append((Path(path), predict_faces(clf, finder, load_rgb(Path(path)))))
    finally:
        finder.close()
    report(Progress("predict images", len(paths), len(paths)))
    return out


def draw(rgb: np.ndarray, preds: list[FacePrediction]) -> np.ndarray:
    import cv2

    out = rgb.copy()
    for p in preds:
        x0, y0, x1, y1 = p.box
        cv2.rectangle(out, (x0, y0), (x1, y1), (40, 170, 90), 2)
        cv2.putText(out, f"{p.label} {p.probability:.0%}", (x0, max(12, y0 - 6)), cv2.FONT_HERSHEY_SIMPLEX,
                    0.5, (40, 170, 90), 1, cv2.LINE_AA)
    return out


def stream_predictions(weights: Path, source: Path | int, cancel: threading.Event | None = None,
                       every: int = 1) -> Iterator[tuple[int, np.ndarray, list[FacePrediction]]]:
    """Frames of a video file (or webcam index) with their predictions, drawn; stops on cancel or at the end."""
    import cv2

    cap = cv2.VideoCapture(source if isinstance(source, int) else str(source))
    if not cap.isOpened():
        what = f"webcam {source}" if isinstance(source, int) else f"video {source}"
        raise UserError(f"{what} cannot be opened; check that it exists and is not used by another program")
    clf, finder = EmotionClassifier(weights), FaceFinder()
    try:
        k = 0
        while True:
            check_cancel(cancel)
            ok, bgr = cap.read()
            if not ok:
                break
            if k % every == 0:
                rgb = np.ascontiguousarray(bgr[..., ::-1])
                preds = predict_faces(clf, finder, rgb)
                yield k, draw(rgb, preds), preds
            k += 1
    finally:
        cap.release()
        finder.close()
