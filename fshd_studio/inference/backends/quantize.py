"""int8 by NNCF post-training quantisation, gated by a parity check against torch fp32.

    record = quantize_model(model_dir, calibration_clips, check_clips, sources=[...])

The whole model is converted (openvino_backend.convert), quantised by NNCF on the calibration clips (clips
produced for this model folder, e.g. preprocessed sessions of its kind), and saved in the model folder as
`openvino-int8.xml` + `.bin`. The int8 model is then run beside torch fp32 on the check clips; the record
(calibration, parity figures, versions, the weights it was made from) goes into the model card under
`openvino_int8`, and int8 is enabled only when the parity holds: per clip P(FSHD) within PARITY_DP of torch
fp32, the same predicted class and the same vote (P(FSHD) ≥ 0.5).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.io.hashing import file_sha256

INT8_XML = "openvino-int8.xml"
INT8_BIN = "openvino-int8.bin"
PARITY_DP = 0.01


@dataclass(frozen=True)
class Parity:
    clips: int
    max_abs_dp: float            # largest |P(FSHD) - P_torch(FSHD)| over the clips
    same_class: bool             # every clip's most likely class unchanged
    same_votes: bool             # every clip's vote (P(FSHD) ≥ 0.5) unchanged

    @property
    def holds(self) -> bool:
        return self.clips > 0 and self.max_abs_dp <= PARITY_DP and self.same_class and self.same_votes


def parity(reference: tuple[np.ndarray, np.ndarray], other: tuple[np.ndarray, np.ndarray]) -> Parity:
    (p_ref, c_ref), (p, c) = reference, other
    return Parity(len(p_ref), round(float(np.max(np.abs(p - p_ref), initial=0.0)), 6),
                  bool(np.array_equal(c.argmax(1), c_ref.argmax(1))), bool(np.array_equal(p >= 0.5, p_ref >= 0.5)))


@dataclass(frozen=True)
class Int8Record:
    """The model card's `openvino_int8` entry."""

    enabled: bool
    weights_sha256: str          # the weights the int8 model was made from
    ir_sha256: str               # of openvino-int8.bin
    clip_side: int
    method: str
    calibration_clips: int
    calibration_sources: list[str]
    parity: dict[str, Any]       # Parity as saved, plus "holds" and the threshold
    openvino: str
    nncf: str
    date: str

    @classmethod
    def from_dict(cls, data: Any) -> "Int8Record | None":
        try:
            return cls(**{k: data[k] for k in cls.__dataclass_fields__})
        except (KeyError, TypeError):
            return None


@dataclass(frozen=True)
class Int8Status:
    enabled: bool
    reason: str


def int8_status(model_dir: Path, card: Any, weights_sha256: str) -> Int8Status:
    """Whether int8 may be used for this model folder, and if not, why (in the user's words)."""
    record = Int8Record.from_dict(getattr(card, "openvino_int8", None) or {})
    if record is None:
        return Int8Status(False, "its model card records no int8 quantisation; run `fshd-studio model quantize`")
    if record.weights_sha256 != weights_sha256:
        return Int8Status(False, "the int8 model was made from other weights; run `fshd-studio model quantize` again")
    if not record.enabled:
        return Int8Status(False, f"its parity check with torch fp32 did not hold ({record.parity})")
    if not (Path(model_dir) / INT8_BIN).is_file() or file_sha256(Path(model_dir) / INT8_BIN) != record.ir_sha256:
        return Int8Status(False, f"{INT8_XML}/{INT8_BIN} are missing or differ from the card's record")
    return Int8Status(True, "")


def read_int8_model(core: Any, model_dir: Path, side: int) -> Any:
    record = Int8Record.from_dict(getattr(_card(model_dir), "openvino_int8", None) or {})
    if record is None or record.clip_side != side:
        raise UserError(f"{model_dir / INT8_XML} was made for clips of another size than {side} px")
    return core.read_model(str(Path(model_dir) / INT8_XML))


def quantize_model(model_dir: Path, calibration: Sequence[np.ndarray], check: Sequence[np.ndarray], *,
                   sources: Sequence[str] = ()) -> Int8Record:
    """Quantise, save the int8 IR in the model folder, check parity and record it in the card."""
    from fshd_studio.inference.backends.openvino_backend import import_openvino
    from fshd_studio.inference.session import weights_sha256
    from fshd_studio.model.checkpoint import load_model
    from fshd_studio.model.predict import probabilities

    ov = import_openvino()
    import nncf  # after import_openvino: see quantize_openvino

    if not calibration or not check:
        raise UserError("quantisation needs calibration clips and check clips (preprocessed sessions); none given")
    model_dir = Path(model_dir)
    model, card = load_model(model_dir, "cpu")
    side = int(calibration[0].shape[2])
    quantised = quantize_openvino(model, calibration)
    ov.save_model(quantised, str(model_dir / INT8_XML), compress_to_fp16=False)
    compiled = ov.Core().compile_model(str(model_dir / INT8_XML), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    import torch

    ref = [probabilities(model, torch.from_numpy(np.array(c[None]))) for c in check]
    got = [compiled([np.ascontiguousarray(c[None])]) for c in check]
    result = parity((np.concatenate([r[0] for r in ref]), np.concatenate([r[1] for r in ref])),
                    (np.concatenate([g[0] for g in got]), np.concatenate([g[1] for g in got])))
    record = Int8Record(result.holds, weights_sha256(model_dir), file_sha256(model_dir / INT8_BIN), side,
                        "NNCF post-training quantisation (ModelType.TRANSFORMER), int8 weights and activations",
                        len(calibration), list(sources), {**asdict(result), "holds": result.holds,
                                                          "max_allowed_dp": PARITY_DP},
                        str(ov.get_version()), str(nncf.__version__),
                        datetime.now(timezone.utc).isoformat(timespec="seconds"))
    _record_in_card(model_dir, record)
    return record


def quantize_openvino(model: Any, calibration: Sequence[np.ndarray]) -> Any:
    """NNCF post-training quantisation of the converted model (an openvino.Model), calibrated on `calibration`
    (uint8 clips, one at a time)."""
    from fshd_studio.inference.backends.openvino_backend import convert, import_openvino

    import_openvino()
    import nncf  # after import_openvino has kept the telemetry package out: NNCF then uses its no-op stub

    dataset = nncf.Dataset(list(calibration), lambda clip: clip[None])
    nncf.set_log_level(logging.WARNING)
    with contextlib.redirect_stdout(sys.stderr):     # NNCF's progress bars: stdout is the CLI's JSON
        return nncf.quantize(convert(model, int(calibration[0].shape[2])), dataset,
                             model_type=nncf.ModelType.TRANSFORMER, subset_size=len(calibration))


def preprocessed_clips(folders: Sequence[Path]) -> list[np.ndarray]:
    """Every usable clip of these preprocess output folders."""
    from fshd_studio.preprocess.store import load_preprocessed

    clips = []
    for folder in folders:
        if not Path(folder).is_dir():
            raise UserError(f"{folder} is not a folder; give preprocess output folders (`fshd-studio preprocess "
                            "PROJECT --out DIR`)")
        clips += [np.asarray(c.snippets()) for c in load_preprocessed(Path(folder)) if c.usable]
    if not clips:
        raise UserError(f"no usable clip in {', '.join(map(str, folders))}; preprocess sessions first")
    return clips


def _record_in_card(model_dir: Path, record: Int8Record) -> None:
    from fshd_studio.io.atomic import atomic_write_json
    from fshd_studio.model.checkpoint import CARD_FILE

    card = _card(model_dir)
    card.openvino_int8 = asdict(record)
    atomic_write_json(model_dir / CARD_FILE, asdict(card))


def _card(model_dir: Path) -> Any:
    from fshd_studio.model.checkpoint import read_card

    return read_card(Path(model_dir))

