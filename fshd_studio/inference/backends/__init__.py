"""Inference back-ends: one interface, chosen per run and recorded in the results' provenance.

    backend = open_backend(model_dir, backend="auto", precision="fp32", device="auto")
    p_fshd, class_probs = backend.forward(clips)      # uint8 (B, snippets, frames, H, W, 3)

`auto` is torch on CUDA when there is a GPU, otherwise the best CPU back-end available. A back-end that
cannot serve (conversion failed, precision unsupported) falls back to torch and says so in `note`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

BACKENDS = ("auto", "torch", "openvino")
PRECISIONS = ("fp32", "bf16", "int8")


class Backend(Protocol):
    name: str          # "torch" or "openvino"
    precision: str
    device: str        # "cpu", "cuda", "cuda:0 (NVIDIA …)"
    note: str          # why this is not what was asked for, or ""
    batch_size: int

    def forward(self, clips: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


def open_backend(model_dir: Path, backend: str = "auto", precision: str = "fp32", device: str = "auto") -> Backend:
    from fshd_studio.core.errors import UserError
    from fshd_studio.inference.backends.torch_backend import TorchBackend, cuda_available  # noqa: F401

    if backend not in BACKENDS:
        raise UserError(f"unknown back-end {backend!r}; use one of {', '.join(BACKENDS)}")
    if precision not in PRECISIONS:
        raise UserError(f"unknown precision {precision!r}; use one of {', '.join(PRECISIONS)}")
    if backend == "auto":
        gpu = device != "cpu" and cuda_available()
        backend = "torch" if gpu or device == "cuda" else "openvino"
    if backend == "openvino":
        from fshd_studio.inference.backends.openvino_backend import open_openvino

        if device == "cuda":
            raise UserError("the OpenVINO back-end runs on the CPU; use --backend torch (or auto) for the GPU")
        return open_openvino(Path(model_dir), precision)
    return TorchBackend(Path(model_dir), precision=precision, device=device)


def check_clips(clips: np.ndarray, snippets: int) -> np.ndarray:
    if clips.dtype != np.uint8 or clips.ndim != 6 or clips.shape[1] != snippets or clips.shape[-1] != 3:
        from fshd_studio.core.errors import UserError

        raise UserError(f"model input must be uint8 (clips, {snippets}, frames, H, W, 3), got {clips.dtype} "
                        f"{clips.shape}; run preprocess again")
    return np.ascontiguousarray(clips)
