"""Import a folder of face images: robust loading (8/16-bit, grey, alpha), face detection, crop with margin."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report
from fshd_studio.labelling.store import VoteStore

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}
MARGIN = 0.25  # share of the face box added on each side
MAX_DETECT_SIDE = 1024  # large photos are searched at this size, crops taken at full size


def load_rgb(path: Path) -> np.ndarray:
    """Any 8/16-bit grey, RGB or RGBA image as RGB uint8 (alpha composited on white)."""
    import cv2

    data = np.fromfile(str(path), dtype=np.uint8)
    # PNG/WebP may carry alpha: read them unchanged. Others (JPEG) are read so that OpenCV applies the EXIF
    # orientation (IMREAD_UNCHANGED ignores it: phone photos would come out sideways, faces undetected).
    may_have_alpha = data[:8].tobytes() == b"\x89PNG\r\n\x1a\n" or data[8:12].tobytes() == b"WEBP"
    flags = cv2.IMREAD_UNCHANGED if may_have_alpha else cv2.IMREAD_ANYDEPTH | cv2.IMREAD_ANYCOLOR
    img = cv2.imdecode(data, flags) if data.size else None
    if img is None:
        raise UserError(f"image {path} cannot be read; it is not a JPEG/PNG image or it is damaged")
    if img.dtype != np.uint8:
        img = (img.astype(np.float32) * (255.0 / np.iinfo(img.dtype).max)).astype(np.uint8)
    if img.ndim == 2:
        return np.ascontiguousarray(np.repeat(img[..., None], 3, axis=2))
    if img.shape[2] == 4:
        alpha = img[..., 3:4].astype(np.float32) / 255.0
        img = (img[..., :3].astype(np.float32) * alpha + 255.0 * (1 - alpha)).astype(np.uint8)
    return np.ascontiguousarray(img[..., :3][..., ::-1])  # BGR -> RGB


@dataclass(frozen=True)
class FaceBox:
    x0: int
    y0: int
    x1: int
    y1: int
    score: float


class FaceFinder:
    """mediapipe face detection, full-range model, on a downscaled copy and on its mirror image; boxes in
    full-size pixels, largest first.

    BlazeFace is not symmetric: a face turned about 45° one way can be missed and found in the mirror image
    (pyfeat_BWPictureHuman.jpg of the shared test images: found only mirrored, score 0.72). Lowering the
    confidence threshold found nothing more on the shared images; both passes are merged (the better score of
    two overlapping boxes wins)."""

    MIN_CONFIDENCE = 0.4
    SAME_FACE_IOU = 0.3

    def __init__(self) -> None:
        import mediapipe as mp

        self._det = mp.solutions.face_detection.FaceDetection(model_selection=1,
                                                              min_detection_confidence=self.MIN_CONFIDENCE)

    def close(self) -> None:
        self._det.close()

    def find(self, rgb: np.ndarray) -> list[FaceBox]:
        import cv2

        h, w = rgb.shape[:2]
        scale = min(1.0, MAX_DETECT_SIDE / max(h, w))
        small = cv2.resize(rgb, (max(1, int(w * scale)), max(1, int(h * scale)))) if scale < 1 else rgb
        if min(small.shape[:2]) < 16:
            return []
        boxes = self._detect(small, w, h, mirrored=False) + self._detect(small, w, h, mirrored=True)
        kept: list[FaceBox] = []
        for box in sorted(boxes, key=lambda f: f.score, reverse=True):
            if all(_iou(box, k) < self.SAME_FACE_IOU for k in kept):
                kept.append(box)
        return sorted(kept, key=lambda f: (f.x1 - f.x0) * (f.y1 - f.y0), reverse=True)

    def _detect(self, small: np.ndarray, w: int, h: int, mirrored: bool) -> list[FaceBox]:
        img = np.ascontiguousarray(small[:, ::-1]) if mirrored else small
        out = []
        for d in self._det.process(img).detections or []:
            b = d.location_data.relative_bounding_box
            x0 = 1.0 - b.xmin - b.width if mirrored else b.xmin
            box = FaceBox(int(max(0.0, x0) * w), int(max(0.0, b.ymin) * h), int(min(1.0, x0 + b.width) * w),
                          int(min(1.0, b.ymin + b.height) * h), float(d.score[0]))
            if box.x1 - box.x0 > 2 and box.y1 - box.y0 > 2:
                out.append(box)
        return out


def _iou(a: FaceBox, b: FaceBox) -> float:
    ix = max(0, min(a.x1, b.x1) - max(a.x0, b.x0))
    iy = max(0, min(a.y1, b.y1) - max(a.y0, b.y0))
    inter = ix * iy
    union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter
    return inter / union if union > 0 else 0.0


def crop_with_margin(box: FaceBox, width: int, height: int, margin: float = MARGIN) -> tuple[int, int, int, int]:
    """A square crop around the face, `margin` of its size added on each side, clipped to the image."""
    cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    side = max(box.x1 - box.x0, box.y1 - box.y0) * (1 + 2 * margin)
    x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
    return x0, y0, int(min(width, cx + side / 2)), int(min(height, cy + side / 2))


def import_folder(folder: Path, store: VoteStore, *, report: ReportFn = no_report,
                  cancel: threading.Event | None = None) -> list[str]:
    """Add every image of the folder (recursively) to the store with every face found (largest first).

    One face: its crop is the image's crop. Several: the largest is proposed, but the labeller must pick one
    before the image can be exported. Returns one warning per image that could not be read, shows no face
    (those stay, uncropped) or shows several faces."""
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not files:
        raise UserError(f"folder {folder} holds no .jpg or .png images; choose the folder of face images")
    known = {r.path for r in store.images()}
    warnings: list[str] = []
    finder = FaceFinder()
    try:
        for i, path in enumerate(files):
            check_cancel(cancel)
            report(Progress("import images", i, len(files)))
            rel = path.relative_to(folder).as_posix()
            if rel in known:
                continue
            try:
                rgb = load_rgb(path)
            except UserError as exc:
                warnings.append(str(exc))
                continue
            h, w = rgb.shape[:2]
            faces = finder.find(rgb)
            crops = [crop_with_margin(f, w, h) for f in faces]
            if not faces:
                warnings.append(f"no face found in {rel}; draw its crop by hand or mark it unusable")
            elif len(faces) > 1:
                warnings.append(f"{len(faces)} faces in {rel}; pick the one to label (P) before exporting")
            store.add_image(rel, w, h, crops[0] if crops else None, len(faces),
                            [(*c, f.score) for c, f in zip(crops, faces)])
    finally:
        finder.close()
    report(Progress("import images", len(files), len(files)))
    return warnings


def cropped(folder: Path, rel: str, crop: tuple[int, int, int, int] | None) -> np.ndarray:
    rgb = load_rgb(Path(folder) / rel)
    if crop is None:
        return rgb
    x0, y0, x1, y1 = crop
    return rgb[y0:y1, x0:x1] if x1 > x0 and y1 > y0 else rgb


def thumbnail(folder: Path, rel: str, crop: tuple[int, int, int, int] | None, side: int = 96) -> np.ndarray:
    """The face crop scaled to fit a side × side square (RGB uint8), for grids of many images."""
    import cv2

    rgb = cropped(folder, rel, crop)
    h, w = rgb.shape[:2]
    scale = side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
