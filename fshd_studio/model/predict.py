"""Batched forward passes: device choice, no-grad, progress and cancel."""

from __future__ import annotations

import threading
from typing import Callable, Sequence, TypeVar

import numpy as np
import torch

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report
from fshd_studio.model.network import FSHDModel

T = TypeVar("T")


def pick_device(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda was asked for but no CUDA GPU is available; use --device cpu or auto")
    if name not in ("cpu", "cuda"):
        raise UserError(f"unknown device {name!r}; use auto, cpu or cuda")
    return torch.device(name)


def probabilities(model: FSHDModel, clips: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """The one forward pass from model input to what the clinician reads: P(FSHD) (B,) and the four class
    probabilities (B, 4). Mixed precision on CUDA; evaluation and inference both call this."""
    model.eval()
    dev = clips.device
    with torch.no_grad(), torch.autocast(dev.type, dtype=torch.float16, enabled=dev.type == "cuda"):
        out = model(clips)
    p_fshd = torch.softmax(out.binary_logits.float(), -1)[:, 1].cpu().numpy()
    return p_fshd, torch.softmax(out.severity_logits.float(), -1).cpu().numpy()


def predict(model: FSHDModel, load: Callable[[list[T]], torch.Tensor], items: Sequence[T], batch_size: int,
            device: torch.device, *, report: ReportFn = no_report,
            cancel: threading.Event | None = None) -> tuple[np.ndarray, np.ndarray]:
    """P(FSHD) (N,) and the 4 class probabilities (N, 4) for `items`, loaded `batch_size` at a time."""
    p_fshd, p_class = [], []
    for i in range(0, len(items), batch_size):
        check_cancel(cancel)
        p, c = probabilities(model, load(list(items[i:i + batch_size])).to(device))
        p_fshd.append(p)
        p_class.append(c)
        report(Progress("predict", min(i + batch_size, len(items)), len(items)))
    if not p_fshd:
        return np.zeros(0), np.zeros((0, 4))
    return np.concatenate(p_fshd), np.concatenate(p_class)
