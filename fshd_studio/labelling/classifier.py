"""The emotion classifier: YOLO classification trained from a model .yaml, fully offline.

No downloadable weights here (random init from the architecture file), no network: YOLO_OFFLINE,
YOLO_AUTOINSTALL=0, a project-owned settings folder, plots=False and amp=False (AMP's check downloads a model).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled, Progress, ReportFn, no_report
from fshd_studio.labelling.classes import CLASSES

MODEL_SIZES = ("n", "s", "m", "l", "x")


def offline_ultralytics(config_dir: Path) -> None:
    os.environ["YOLO_OFFLINE"] = "1"
    os.environ["YOLO_AUTOINSTALL"] = "0"
    os.environ.setdefault("YOLO_CONFIG_DIR", str(config_dir))
    os.environ["HF_HUB_OFFLINE"] = "1"


@dataclass(frozen=True)
class TrainResult:
    weights: Path
    top1: float
    confusion: np.ndarray  # rows = predicted, columns = true (ultralytics' layout), order = names
    names: list[str]


def train_classifier(dataset: Path, out: Path, *, epochs: int = 30, imgsz: int = 128, size: str = "n",
                     device: str = "auto", report: ReportFn = no_report,
                     cancel: threading.Event | None = None) -> TrainResult:
    dataset, out = Path(dataset), Path(out).absolute()
    if not (dataset / "train").is_dir() or not (dataset / "val").is_dir():
        raise UserError(f"dataset {dataset} has no train/ and val/ folders; export one from the votes first")
    if size not in MODEL_SIZES:
        raise UserError(f"model size must be one of {', '.join(MODEL_SIZES)}")
    offline_ultralytics(out / ".ultralytics")
    from ultralytics import YOLO

    model = YOLO(f"yolov8{size}-cls.yaml")

    def on_batch(trainer: Any) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()

    def on_epoch(trainer: Any) -> None:
        report(Progress("train classifier", trainer.epoch + 1, epochs))
    model.add_callback("on_train_batch_end", on_batch)
    model.add_callback("on_train_epoch_end", on_epoch)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".train-", dir=out))  # out/train appears only when training ends
    try:
        metrics = model.train(data=str(dataset), epochs=epochs, imgsz=imgsz, plots=False, amp=False,
                              device=_device(device), project=str(work), name="train", exist_ok=True, workers=0,
                              verbose=False, batch=min(16, _count(dataset / "train")))
        _replace_folder(work / "train", out / "train")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    weights = out / "train" / "weights" / "best.pt"
    names = [model.names[i] for i in sorted(model.names)] if model.names else sorted(CLASSES)
    cm = np.asarray(getattr(getattr(metrics, "confusion_matrix", None), "matrix", np.zeros((0, 0))))
    return TrainResult(weights, float(getattr(metrics, "top1", 0.0)), cm, names)


def _replace_folder(new: Path, target: Path) -> None:
    """Put `new` in place of `target` (a previous training's folder is removed only once the new one is there)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _device(device: str) -> str:
    """"auto": the first GPU when torch sees one, else the CPU; "cuda" is GPU 0 (ultralytics' names)."""
    if device == "auto":
        import torch

        return "0" if torch.cuda.is_available() else "cpu"
    return "0" if device == "cuda" else device


def _count(folder: Path) -> int:
    return max(1, sum(1 for p in folder.rglob("*") if p.is_file()))


class EmotionClassifier:
    """Face → emotion with a trained YOLO classification model (.pt written by train_classifier)."""

    def __init__(self, weights: Path, imgsz: int | None = None):
        weights = Path(weights)
        if not weights.is_file():
            raise UserError(f"classifier weights {weights} not found; train a classifier first")
        offline_ultralytics(weights.parent / ".ultralytics")
        from ultralytics import YOLO

        self._model = YOLO(str(weights))
        self.imgsz = imgsz or int(self._model.overrides.get("imgsz", 128) or 128)
        self.names = [self._model.names[i] for i in sorted(self._model.names)]

    def predict(self, faces: list[np.ndarray]) -> list[tuple[str, float]]:
        """RGB crops → (class, probability); ultralytics expects BGR arrays."""
        if not faces:
            return []
        res = self._model.predict([f[..., ::-1] for f in faces], imgsz=self.imgsz, verbose=False)
        return [(self.names[int(r.probs.top1)], float(r.probs.top1conf)) for r in res]
