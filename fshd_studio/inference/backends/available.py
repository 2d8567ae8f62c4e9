"""Which back-ends this machine offers (for `fshd-studio model info` and the window's choice)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BackendInfo:
    backend: str                 # torch or openvino
    device: str
    precisions: tuple[str, ...]  # what it computes in here
    version: str
    note: str = ""


def available_backends(model_dir: Path | None = None) -> list[BackendInfo]:
    """Each usable back-end with its precisions on this machine; int8 only where the model folder enables it."""
    import torch

    out = [BackendInfo("torch", "cpu", ("fp32",), torch.__version__)]
    if torch.cuda.is_available():
        out.append(BackendInfo("torch", f"cuda ({torch.cuda.get_device_name(0)})", ("fp16-autocast",),
                               torch.__version__))
    out.append(_openvino(model_dir))
    return out


def auto_choice() -> str:
    """What `--backend auto` picks here."""
    import torch

    from fshd_studio.inference.backends.openvino_backend import openvino_version

    if torch.cuda.is_available():
        return "torch (cuda)"
    return "openvino (cpu)" if openvino_version() else "torch (cpu)"


def _openvino(model_dir: Path | None) -> BackendInfo:
    from fshd_studio.inference.backends.openvino_backend import cpu_has_bf16, openvino_version

    version = openvino_version()
    if version is None:
        return BackendInfo("openvino", "cpu", (), "", "OpenVINO is not installed or cannot start; torch is used")
    precisions = ["fp32"]
    notes = []
    if cpu_has_bf16():
        precisions.append("bf16")
    else:
        notes.append("this CPU has no bf16 instructions (bf16 runs as fp32)")
    if model_dir is not None:
        from fshd_studio.inference.backends.quantize import int8_status
        from fshd_studio.inference.session import weights_sha256
        from fshd_studio.model.checkpoint import read_card

        status = int8_status(model_dir, read_card(model_dir), weights_sha256(model_dir))
        if status.enabled:
            precisions.append("int8")
        else:
            notes.append(f"int8 off: {status.reason}")
    return BackendInfo("openvino", "cpu", tuple(precisions), version, "; ".join(notes))
