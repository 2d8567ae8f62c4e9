"""The emotion classifier: YOLO classification trained from a model .yaml, fully offline, never unpickled.

No downloadable weights here (random init from the architecture file), no network: YOLO_OFFLINE,
YOLO_AUTOINSTALL=0, a settings folder in the app's own cache, plots=False and amp=False (AMP's check downloads a
model).

Nothing a user opens can run code. A trained classifier is written as `classifier.safetensors` (tensors only) with
`classifier.json` (class names, architecture, image size, accuracy and the file's sha256 recorded when it was
trained); opening checks the hash and rebuilds the network from the architecture file. A `.pt` from elsewhere is
opened only through ultralytics' restricted loader (`torch.load(weights_only=True)` with an allow-list of its
model classes): a pickle that would run code is refused with a message, never executed.

Ultralytics writes and reads `<split>.cache` files (pickles) beside the dataset: training therefore runs on a
copy of the dataset in the app's cache folder, made fresh for every run, so a cache file planted in (or left in)
the user's folder is never read, and nothing is written there.
"""

from __future__ import annotations

import json
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
from fshd_studio.core.user_dirs import user_cache_dir
from fshd_studio.labelling.classes import CLASSES
from fshd_studio.io.hashing import file_sha256

MODEL_SIZES = ("n", "s", "m", "l", "x")
WEIGHTS_NAME = "classifier.safetensors"
CARD_NAME = "classifier.json"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


def offline_ultralytics() -> None:
    os.environ["YOLO_OFFLINE"] = "1"
    os.environ["YOLO_AUTOINSTALL"] = "0"
    os.environ.setdefault("YOLO_CONFIG_DIR", str(user_cache_dir() / "ultralytics"))
    os.environ["HF_HUB_OFFLINE"] = "1"


@dataclass(frozen=True)
class TrainResult:
    weights: Path
    top1: float
    confusion: np.ndarray  # rows = predicted, columns = true (ultralytics' layout), order = names
    names: list[str]


def train_classifier(dataset: Path, out: Path, *, epochs: int = 30, imgsz: int = 128, size: str = "n",
                     device: str = "auto", report: ReportFn = no_report, cancel: threading.Event | None = None,
                     work: Path | None = None) -> TrainResult:
    """Train on dataset/train, validate on dataset/val; write out/classifier.safetensors + classifier.json.

    `work`: the scratch folder (in the app's cache; removed at the end) — a parent process that may kill this
    one names it so that it can remove it."""
    from fshd_studio.labelling.export import dataset_counts, split_problems

    dataset, out = Path(dataset), Path(out).absolute()
    if not (dataset / "train").is_dir() or not (dataset / "val").is_dir():
        raise UserError(f"dataset {dataset} has no train/ and val/ folders; export one from the votes first")
    if size not in MODEL_SIZES:
        raise UserError(f"model size must be one of {', '.join(MODEL_SIZES)}")
    fatal = [p for p in split_problems(dataset_counts(dataset)) if "split is empty" in p]
    if fatal:
        raise UserError(f"dataset {dataset}: {fatal[0]}; export more kept images (every 5th of a class goes to "
                        "validation)")
    offline_ultralytics()
    work = Path(work) if work else Path(tempfile.mkdtemp(prefix="train-", dir=_cache_root()))
    try:
        data = _stage(dataset, work / "data")
        return _train(data, work, out, epochs=epochs, imgsz=imgsz, size=size, device=device, report=report,
                      cancel=cancel, dataset=dataset)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _cache_root() -> Path:
    root = user_cache_dir() / "training"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _stage(dataset: Path, data: Path) -> Path:
    """A fresh copy of the dataset's images only (no cache files) in the app's cache."""
    for split in ("train", "val"):
        for cls_dir in sorted(p for p in (dataset / split).iterdir() if p.is_dir()):
            target = data / split / cls_dir.name
            target.mkdir(parents=True, exist_ok=True)
            for f in cls_dir.iterdir():
                if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES and not f.is_symlink():
                    shutil.copyfile(f, target / f.name)
    return data


def _train(data: Path, work: Path, out: Path, *, epochs: int, imgsz: int, size: str, device: str,
           report: ReportFn, cancel: threading.Event | None, dataset: Path) -> TrainResult:
    from ultralytics import YOLO

    model = YOLO(f"yolov8{size}-cls.yaml")

    def on_batch(trainer: Any) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()

    def on_epoch(trainer: Any) -> None:
        report(Progress("train classifier: epoch", trainer.epoch + 1, epochs))
    model.add_callback("on_train_batch_end", on_batch)
    model.add_callback("on_train_epoch_end", on_epoch)
    report(Progress("train classifier: epoch", 0, epochs))
    metrics = model.train(data=str(data), epochs=epochs, imgsz=imgsz, plots=False, amp=False, device=_device(device),
                          project=str(work / "runs"), name="train", exist_ok=True, workers=0, verbose=False,
                          batch=min(16, _count(data / "train")))
    names = [model.names[i] for i in sorted(model.names)] if model.names else sorted(CLASSES)
    cm = np.asarray(getattr(getattr(metrics, "confusion_matrix", None), "matrix", np.zeros((0, 0))))
    top1 = float(getattr(metrics, "top1", 0.0))
    net = _load_pt(work / "runs" / "train" / "weights" / "best.pt")  # written by this run: its own file
    card = {"schema_version": 1, "architecture": f"yolov8{size}-cls.yaml", "names": names, "imgsz": imgsz,
            "epochs": epochs, "val_top1": top1, "confusion_pred_by_true": cm.tolist(), "dataset": str(dataset)}
    weights = save_classifier(net, out, card)
    return TrainResult(weights, top1, cm, names)


def save_classifier(net: Any, out: Path, card: dict) -> Path:
    """Write the network's tensors as safetensors and a card with their sha256 (both atomically)."""
    import torch
    from safetensors.torch import save_file

    from fshd_studio.io.atomic import atomic_path, atomic_write_json

    state = {k: v.detach().to(torch.float32 if v.is_floating_point() else v.dtype).contiguous().cpu()
             for k, v in net.state_dict().items()}
    out.mkdir(parents=True, exist_ok=True)
    weights = out / WEIGHTS_NAME
    with atomic_path(weights) as tmp:
        save_file(state, str(tmp))
        digest = file_sha256(tmp)
    atomic_write_json(out / CARD_NAME, {**card, "weights": WEIGHTS_NAME, "sha256": digest})
    return weights



def _device(device: str) -> str:
    """"auto": the first GPU when torch sees one, else the CPU; "cuda" is GPU 0 (ultralytics' names)."""
    if device == "auto":
        import torch

        return "0" if torch.cuda.is_available() else "cpu"
    return "0" if device == "cuda" else device


def _count(folder: Path) -> int:
    return max(1, sum(1 for p in folder.rglob("*") if p.is_file()))


def _load_pt(path: Path) -> Any:
    """A YOLO classification network from a .pt through ultralytics' restricted (weights-only) loader."""
    import pickle

    from ultralytics.nn.tasks import ClassificationModel, torch_safe_load

    try:
        ckpt, _ = torch_safe_load(str(path), safe_only=True)
    except (TypeError, pickle.UnpicklingError, RuntimeError, EOFError, ValueError, AttributeError) as exc:
        raise UserError(f"classifier weights {path} cannot be opened safely: the file holds code or data outside a "
                        "YOLO classification checkpoint, or is damaged; it was NOT run. Use a classifier trained by "
                        f"FSHD Studio ({WEIGHTS_NAME} with its {CARD_NAME})") from exc
    net = (ckpt.get("ema") or ckpt.get("model")) if isinstance(ckpt, dict) else None
    if not isinstance(net, ClassificationModel):
        raise UserError(f"classifier weights {path} are not a YOLO classification model; choose a classifier "
                        f"trained by FSHD Studio ({WEIGHTS_NAME})")
    return net.float().eval()


def _load_safetensors(weights: Path) -> tuple[Any, dict]:
    """The app's own format: the card's architecture and names, the tensors checked against the card's sha256."""
    from safetensors.torch import load_file
    from ultralytics.nn.tasks import ClassificationModel

    card_path = weights.with_name(CARD_NAME)
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
        names, arch, digest = list(card["names"]), str(card["architecture"]), str(card["sha256"])
        imgsz = int(card.get("imgsz", 128))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"classifier {weights} has no readable {CARD_NAME} beside it (names, architecture, sha256); "
                        "it was not opened — choose the folder written by a training") from exc
    if arch not in {f"yolov8{s}-cls.yaml" for s in MODEL_SIZES} or not names or not all(isinstance(n, str)
                                                                                         for n in names):
        raise UserError(f"classifier card {card_path} names an unknown architecture or no classes; retrain it")
    if file_sha256(weights) != digest:
        raise UserError(f"classifier {weights} does not match the sha256 recorded when it was trained; it was "
                        "changed or damaged — retrain it or restore the folder")
    net = ClassificationModel(arch, nc=len(names), verbose=False)
    try:
        net.load_state_dict(load_file(str(weights)), strict=True)
    except (RuntimeError, ValueError) as exc:
        raise UserError(f"classifier {weights} does not fit its architecture {arch} ({exc}); retrain it") from exc
    net.names = dict(enumerate(names))
    return net.float().eval(), {**card, "imgsz": imgsz}


def resolve_weights(path: Path) -> Path:
    """A training's folder, its classifier.safetensors, or a .pt; anything else is refused by name."""
    path = Path(path)
    if path.is_dir() and (path / WEIGHTS_NAME).is_file():
        return path / WEIGHTS_NAME
    if not path.is_file():
        raise UserError(f"classifier weights {path} not found; train a classifier first (`votes train`)")
    if path.suffix.lower() not in (".safetensors", ".pt"):
        raise UserError(f"{path} is not a classifier; choose {WEIGHTS_NAME} (or a training's folder)")
    return path


class EmotionClassifier:
    """Face → emotion with a trained YOLO classification network (see the module docstring: never unpickled)."""

    def __init__(self, weights: Path, imgsz: int | None = None):
        weights = resolve_weights(weights)
        offline_ultralytics()
        from ultralytics import YOLO

        if weights.suffix.lower() == ".safetensors":
            net, card = _load_safetensors(weights)
            default_size, arch = int(card["imgsz"]), card["architecture"]
        else:
            net = _load_pt(weights)
            default_size, arch = int((getattr(net, "args", None) or {}).get("imgsz", 128) or 128), "yolov8n-cls.yaml"
        self._model = YOLO(arch, task="classify")
        self._model.model = net
        self.imgsz = imgsz or default_size
        self.names = [net.names[i] for i in sorted(net.names)]

    def predict(self, faces: list[np.ndarray]) -> list[tuple[str, float]]:
        """RGB crops → (class, probability); ultralytics expects BGR arrays."""
        if not faces:
            return []
        res = self._model.predict([f[..., ::-1] for f in faces], imgsz=self.imgsz, verbose=False)
        return [(self.names[int(r.probs.top1)], float(r.probs.top1conf)) for r in res]
