"""The OpenVINO back-end: the whole FSHD model compiled for the CPU, in fp32, bf16 or (when enabled) int8.

    backend = OpenVINOBackend(model_dir, precision="bf16")
    p_fshd, class_probs = backend.forward(clips)          # uint8 (B, snippets, frames, H, W, 3)

The torch module (uint8 normalisation and resize, encoder with adapters, Upconv, light transformer, both
heads and their softmax) is converted with `openvino.convert_model` once per weights × OpenVINO version ×
precision and the compiled model is kept in the user cache (ov_cache.py); later runs map it back in (ViT-B:
0.35 s of CPU, plus hashing the weights, which the results' provenance does anyway). bf16 is used where the CPU has it, else fp32 with a note; int8 is the model folder's quantised copy
(quantize.py), used only when its model card records that the parity check held.

OpenVINO's telemetry package is kept out of the process (`import_openvino`): conversion and quantisation
then use their built-in no-op stubs, and nothing here opens a network connection.
"""

from __future__ import annotations

import logging
import sys
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from fshd_studio.core.errors import UserError

CLIP_SIDE = 224          # side of the clips preprocess writes (PreprocessParams.size)
OV_PRECISION = {"fp32": "f32", "bf16": "bf16", "int8": "f32"}
log = logging.getLogger(__name__)   # notes are also logged: with no handler set up they reach stderr


def import_openvino() -> Any:
    """`openvino`, with the telemetry package blocked for this process (its users fall back to stubs)."""
    if "openvino_telemetry" not in sys.modules or sys.modules["openvino_telemetry"] is None:
        sys.modules["openvino_telemetry"] = None      # type: ignore[assignment] - makes its import fail
    import openvino

    return openvino


def openvino_version() -> str | None:
    """The installed OpenVINO's version, or None when it cannot be imported."""
    try:
        return str(import_openvino().get_version())
    except Exception:  # noqa: BLE001 - any import failure means "not available"
        return None


def cpu_has_bf16() -> bool:
    core = import_openvino().Core()
    return "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")


def open_openvino(model_dir: Path, precision: str = "fp32") -> Any:
    """The OpenVINO back-end, or torch on the CPU with a note saying why when OpenVINO cannot serve this model
    (not installed, conversion or compilation failed): a slower result, never a wrong one."""
    from fshd_studio.inference.backends.torch_backend import TorchBackend

    try:
        engine = OpenVINOBackend(model_dir, precision)
        engine.prepare()            # now, for preprocess's clip size: the caller's "load model" stage
        return engine
    except UserError:
        raise                                       # the model folder itself is wrong: torch would fail too
    except Exception as exc:  # noqa: BLE001 - any failure of OpenVINO means "use torch"
        reason = _first_line(exc)
    fallback = TorchBackend(Path(model_dir), precision="fp32", device="cpu")
    fallback.note = f"OpenVINO could not run this model ({reason}); scored with torch fp32 on the CPU instead"
    log.warning("%s", fallback.note)
    return fallback


def _export(compiled: Any, fh: Any) -> None:
    import io

    buf = io.BytesIO()           # OpenVINO writes only into a BytesIO
    compiled.export_model(buf)
    fh.write(buf.getbuffer())


def _first_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    text = lines[0] if lines else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


class OpenVINOBackend:
    name = "openvino"
    device = "cpu"

    def __init__(self, model_dir: Path, precision: str = "fp32") -> None:
        from fshd_studio.inference.session import weights_sha256
        from fshd_studio.model.checkpoint import read_card, read_config

        self.model_dir = Path(model_dir)
        self.cfg = read_config(self.model_dir)
        self.card = read_card(self.model_dir)
        self.weights_sha256 = weights_sha256(self.model_dir)
        self.ov = import_openvino()
        self.core = self.ov.Core()
        self.precision, self.note = self._effective_precision(precision)
        if self.note:
            log.warning("%s", self.note)
        self.batch_size = 4
        self.cpu_name = str(self.core.get_property("CPU", "FULL_DEVICE_NAME"))
        self.loaded_from_cache = False
        self._engines: dict[int, Any] = {}      # per clip side: compiled on first use (or the torch fallback)
        self._ov_forwards = 0
        self._mapped: list[np.ndarray] = []

    def _effective_precision(self, asked: str) -> tuple[str, str]:
        if asked == "int8":
            from fshd_studio.inference.backends.quantize import int8_status

            status = int8_status(self.model_dir, self.card, self.weights_sha256)
            if not status.enabled:
                return "fp32", f"int8 is off for {self.card.model_id} ({status.reason}); OpenVINO runs fp32"
            return "int8", ""
        if asked == "bf16" and not cpu_has_bf16():
            return "fp32", "this CPU has no bf16 instructions; OpenVINO runs fp32"
        return asked, ""

    # ---- converting, compiling and caching

    def _compiled_model(self, side: int) -> Any:
        from fshd_studio.inference.backends import ov_cache

        folder = ov_cache.compiled_dir(self.weights_sha256, self.ov.get_version(), self.precision)
        if side != CLIP_SIDE:
            folder = folder.with_name(f"{folder.name}-{side}px")
        config = {"INFERENCE_PRECISION_HINT": OV_PRECISION[self.precision]}
        meta = ov_cache.read_meta(folder)
        if meta is not None and meta.device == self.cpu_name and meta.weights_sha256 == self.weights_sha256:
            try:
                # mapped, not read: the blob holds the weights (~350 MB for ViT-B); copy-on-write, file untouched
                blob = np.memmap(folder / ov_cache.BLOB_FILE, dtype=np.uint8, mode="c")
                compiled = self.core.import_model(self.ov.Tensor(blob, shared_memory=True), "CPU", config)
                self._mapped.append(blob)       # the compiled model may use this memory: keep it mapped
                self.loaded_from_cache = True
                return compiled
            except Exception:  # noqa: BLE001 - a damaged or foreign blob: convert again
                ov_cache.discard(folder)
        compiled = self.core.compile_model(self._source_model(side), "CPU", config)
        ov_cache.publish(folder, lambda fh: _export(compiled, fh), ov_cache.CompiledMeta(
            self.card.model_id, self.weights_sha256, self.ov.get_version(), self.precision, self.cpu_name,
            datetime.now(timezone.utc).isoformat(timespec="seconds")))
        return compiled

    def _source_model(self, side: int) -> Any:
        if self.precision == "int8":
            from fshd_studio.inference.backends.quantize import read_int8_model

            return read_int8_model(self.core, self.model_dir, side)
        from fshd_studio.model.checkpoint import load_model

        model, _card = load_model(self.model_dir, "cpu")
        return convert(model, side)

    def prepare(self, side: int = CLIP_SIDE) -> None:
        """Convert (first time) or load from the cache (later) the model for clips of `side` pixels now,
        rather than at the first forward."""
        if side not in self._engines:
            try:
                self._engines[side] = self._compiled_model(side)
            except Exception as exc:  # noqa: BLE001 - these clips are scored by torch instead
                self._engines[side] = self._torch_fallback(exc, side)

    # ---- scoring

    def forward(self, clips: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from fshd_studio.inference.backends import check_clips

        clips = check_clips(clips, self.cfg.snippets)
        side = clips.shape[3]
        if clips.shape[2] != self.cfg.num_frames or clips.shape[4] != side:
            raise UserError(f"model input must be ({self.cfg.num_frames} frames, square side), got {clips.shape}; "
                            "run preprocess again")
        self.prepare(side)
        engine = self._engines[side]
        if not hasattr(engine, "export_model"):                     # the torch fallback
            return engine.forward(clips)
        self._ov_forwards += 1
        out = engine([clips])
        # copies: the request's output tensors are overwritten by its next call
        return np.array(out[0], dtype=np.float32), np.array(out[1], dtype=np.float32)

    def _torch_fallback(self, exc: Exception, side: int) -> Any:
        from fshd_studio.inference.backends.torch_backend import TorchBackend

        if self._ov_forwards == 0:      # nothing scored by OpenVINO: the whole run is torch's
            self.name, self.precision = "torch", "fp32"
        else:
            self.name = "openvino+torch"
        self.note = (f"OpenVINO could not convert the model ({_first_line(exc)}); clips of {side} px were "
                     "scored with torch fp32 on the CPU instead")
        log.warning("%s", self.note)
        return TorchBackend(self.model_dir, precision="fp32", device="cpu")


def scoring_module(model: Any) -> Any:
    """The torch module that is converted: uint8 clips in, (P(FSHD) (B,), class probabilities (B, 4)) out."""
    import torch

    class Scorer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, clips: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            out = self.model(clips)
            return (torch.softmax(out.binary_logits.float(), -1)[:, 1],
                    torch.softmax(out.severity_logits.float(), -1))

    return Scorer().eval()


def convert(model: Any, side: int = CLIP_SIDE) -> Any:
    """`openvino.convert_model` of the whole network (SDPA attention), any batch size, clips of `side` pixels."""
    import torch

    ov = import_openvino()
    cfg = model.cfg
    model.set_attention("sdpa")
    example = torch.zeros((1, cfg.snippets, cfg.num_frames, side, side, 3), dtype=torch.uint8)
    shape = ov.PartialShape([-1, cfg.snippets, cfg.num_frames, side, side, 3])
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)   # shape checks traced as constants: intended
        warnings.simplefilter("ignore", FutureWarning)             # torch.jit.trace: OpenVINO's own path uses it
        # traced here without torch's re-run check (3/4 of the time); the parity tests check the result
        traced = torch.jit.trace(scoring_module(model.eval()), (example,), check_trace=False)
        return ov.convert_model(traced, example_input=(example,), input=[(shape, ov.Type.u8)])
