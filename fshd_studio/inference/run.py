"""Run a model folder over a session's preprocessed input: per exercise × camera scores.

    for r in run_inference(inputs, model_dir, device="auto", report=..., cancel=...):
        r.exercise_id, r.camera_id, r.p_fshd, r.class_probs

(Attention heatmaps: inference/attention.py, a rollout over all encoder layers.)

`inputs` is any iterable of `ClipInput` (exercise, camera, uint8 (8, 16, H, W, 3) array); arrays of another
side are resized to the model's image size. Batched on the chosen device; progress and cancel as DESIGN.md.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report


@dataclass(frozen=True)
class ClipInput:
    exercise_id: int
    camera_id: str
    clip: np.ndarray            # uint8 (snippets, frames, H, W, 3)


@dataclass
class ExerciseResult:
    exercise_id: int
    camera_id: str
    p_fshd: float
    class_probs: dict[str, float]
    predicted_class: str

    def to_dict(self) -> dict[str, object]:
        return {"exercise": self.exercise_id, "camera": self.camera_id, "p_fshd": round(self.p_fshd, 6),
                "class_probs": {k: round(v, 6) for k, v in self.class_probs.items()},
                "predicted_class": self.predicted_class}


def run_inference(inputs: Iterable[ClipInput], model_dir: Path, *, device: str = "auto",
                  batch_size: int = 4, report: ReportFn = no_report,
                  cancel: threading.Event | None = None) -> Iterator[ExerciseResult]:
    """Yields one result per input, in input order, as each batch finishes."""
    import torch

    from fshd_studio.model.checkpoint import load_model
    from fshd_studio.model.config import CLASSES
    from fshd_studio.model.predict import pick_device

    items = list(inputs)
    dev = pick_device(device)
    model, _card = load_model(Path(model_dir), dev)
    model.set_attention("sdpa")   # faster than eager; scores are the same
    report(Progress("infer", 0, len(items)))
    for start in range(0, len(items), batch_size):
        check_cancel(cancel)
        batch = items[start:start + batch_size]
        clips = torch.from_numpy(np.stack([_checked(b, model.cfg.snippets) for b in batch])).to(dev)
        with torch.no_grad(), torch.autocast(dev.type, dtype=torch.float16, enabled=dev.type == "cuda"):
            out = model(clips)
        p_fshd = torch.softmax(out.binary_logits.float(), -1)[:, 1].cpu().numpy()
        probs = torch.softmax(out.severity_logits.float(), -1).cpu().numpy()
        for i, b in enumerate(batch):
            yield ExerciseResult(b.exercise_id, b.camera_id, float(p_fshd[i]),
                                 {c: float(p) for c, p in zip(CLASSES, probs[i])}, CLASSES[int(probs[i].argmax())])
        report(Progress("infer", start + len(batch), len(items)))


def _checked(item: ClipInput, snippets: int) -> np.ndarray:
    a = item.clip
    if a.dtype != np.uint8 or a.ndim != 5 or a.shape[0] != snippets or a.shape[-1] != 3:
        raise UserError(f"exercise {item.exercise_id} camera {item.camera_id}: model input must be uint8 "
                        f"({snippets}, frames, H, W, 3), got {a.dtype} {a.shape}; run preprocess again")
    return a

