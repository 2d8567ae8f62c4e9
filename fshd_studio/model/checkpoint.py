"""Model folders: config.json + model.safetensors + model_card.json. No pickle is ever loaded.

The encoder can start from a local transformers VideoMAE checkpoint folder (config.json + model.safetensors,
VideoMAEModel / VideoMAEForPreTraining / VideoMAEForVideoClassification); see `fshd-studio model import-encoder`
for checkpoints in the original VideoMAE / MARLIN layout.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from fshd_studio.core.errors import UserError
from fshd_studio.io.atomic import atomic_path, atomic_write_json, atomic_write_text
from fshd_studio.model.config import CLASSES, ModelConfig
from fshd_studio.model.network import FSHDModel

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
CARD_FILE = "model_card.json"
CARD_SCHEMA_VERSION = 1
INTENDED_USE = "Research use only. Not a medical device; not for diagnosis or treatment decisions."
MAX_META_BYTES = 16 << 20


@dataclass
class ModelCard:
    trained_on: str                              # the card's first line: what the data were
    model_id: str
    synthetic: bool
    intended_use: str = INTENDED_USE
    date: str = ""
    classes: list[str] = field(default_factory=lambda: list(CLASSES))
    exercises: list[int] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)   # evaluation JSON (point estimates + 95 % CIs)
    training: dict[str, Any] = field(default_factory=dict)  # command, seed, epochs, timing, encoder init
    openvino_int8: dict[str, Any] = field(default_factory=dict)  # int8 copy's calibration and parity (quantize.py)
    schema_version: int = CARD_SCHEMA_VERSION

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelCard":
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def save_model(model: FSHDModel, folder: Path, card: ModelCard) -> None:
    """Write the three files, each atomically (temp file + rename)."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    with atomic_path(folder / WEIGHTS_FILE) as tmp:
        save_file(state, str(tmp), metadata={"format": "pt", "fshd_studio": "model"})
    atomic_write_text(folder / CONFIG_FILE, model.cfg.to_json())
    atomic_write_json(folder / CARD_FILE, asdict(card))


def read_config(folder: Path) -> ModelConfig:
    from fshd_studio.io.textfile import read_json_file

    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"model folder {folder} does not exist or is not a folder; give the folder that holds "
                        f"{CONFIG_FILE}, {WEIGHTS_FILE} and {CARD_FILE}")
    path = folder / CONFIG_FILE
    if not path.is_file():
        raise UserError(f"{folder} is not a model folder: {CONFIG_FILE} is missing "
                        f"(a model folder holds {CONFIG_FILE}, {WEIGHTS_FILE} and {CARD_FILE})")
    data = read_json_file(path, "model config", "use the model folder as `fshd-studio train` wrote it",
                          MAX_META_BYTES)
    return ModelConfig.from_dict(data, path)


def read_card(folder: Path) -> ModelCard:
    from fshd_studio.io.fields import Fields
    from fshd_studio.io.textfile import read_json_file

    path = Path(folder) / CARD_FILE
    if not path.is_file():
        raise UserError(f"{folder}: {CARD_FILE} is missing; every model folder carries its model card")
    remedy = "use the model folder as `fshd-studio train` wrote it"
    data = read_json_file(path, "model card", remedy, MAX_META_BYTES)
    f = Fields(path, "model card", remedy)
    data = f.obj(data, "the file")
    return ModelCard(
        trained_on=f.text(data, "trained_on", nonempty=True, max_len=2000),
        model_id=f.text(data, "model_id", nonempty=True, max_len=200),
        synthetic=f.boolean(data, "synthetic"),
        intended_use=f.text(data, "intended_use", default=INTENDED_USE, max_len=2000),
        date=f.text(data, "date", default="", max_len=64),
        classes=[str(c) for c in f.items(data, "classes", default=list(CLASSES))],
        exercises=[f.integer({"e": e}, "e", f"exercises[{i}]", lo=0, hi=10_000)
                   for i, e in enumerate(f.items(data, "exercises", default=[]))],
        metrics=f.sub(data, "metrics", default={}),
        training=f.sub(data, "training", default={}),
        openvino_int8=f.sub(data, "openvino_int8", default={}),
        schema_version=f.integer(data, "schema_version", default=CARD_SCHEMA_VERSION, lo=1, hi=10_000),
    )


def load_model(folder: Path, device: str | torch.device = "cpu") -> tuple[FSHDModel, ModelCard]:
    """Build the network from config.json and fill it from model.safetensors (strict), in eval mode."""
    folder = Path(folder)
    cfg = read_config(folder)
    card = read_card(folder)
    model = FSHDModel(cfg)
    state = _read_safetensors(folder / WEIGHTS_FILE)
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError as exc:   # shape mismatches
        raise UserError(f"{folder / WEIGHTS_FILE} does not match {CONFIG_FILE}: "
                        f"{str(exc).splitlines()[1].strip() if len(str(exc).splitlines()) > 1 else exc}") from None
    if missing or unexpected:
        raise UserError(f"{folder / WEIGHTS_FILE} does not match {CONFIG_FILE}: missing {len(missing)} tensors "
                        f"(e.g. {missing[:2]}), unexpected {len(unexpected)} (e.g. {unexpected[:2]})")
    return model.to(device).eval(), card


def _read_safetensors(path: Path) -> dict[str, torch.Tensor]:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if not path.is_file():
        raise UserError(f"{path} is missing; weights are read only from .safetensors files (never pickles)")
    _check_safetensors_header(path)
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise UserError(f"{path} is not a readable safetensors file ({exc}); use the weights `fshd-studio train` "
                        "wrote") from None


def _check_safetensors_header(path: Path) -> None:
    """A safetensors file starts with an 8-byte header length and a JSON header; refuse anything else (a pickle,
    a zip .pt, random bytes) by name before the library reads it."""
    from fshd_studio.io.textfile import file_kind

    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(16)
    n = int.from_bytes(head[:8], "little") if len(head) >= 8 else -1
    if len(head) < 10 or not 2 <= n <= min(size - 8, 100 << 20) or head[8:9] != b"{":
        kind = file_kind(head)
        raise UserError(f"{path} is {kind or 'not a safetensors file'}"
                        f"{' (not a safetensors file)' if kind else ''}; FSHD Studio reads weights only from "
                        "safetensors files written by `fshd-studio train` (pickled .pt/.pth files are never loaded)")


def load_encoder_weights(model: FSHDModel, folder: Path) -> int:
    """Copy a local transformers VideoMAE checkpoint's encoder into `model`; returns the tensors copied.

    The folder's config.json must describe the same encoder shape as the model's config.
    """
    folder = Path(folder)
    from transformers import VideoMAEConfig

    if not (folder / "config.json").is_file():
        raise UserError(f"{folder} is not a VideoMAE checkpoint folder: config.json is missing")
    try:
        src = VideoMAEConfig.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise UserError(f"{folder}/config.json is not a VideoMAE config ({exc})") from None
    cfg = model.cfg
    want = dict(image_size=cfg.image_size, patch_size=cfg.patch_size, num_frames=cfg.num_frames,
                tubelet_size=cfg.tubelet_size, hidden_size=cfg.hidden_size,
                num_hidden_layers=cfg.num_hidden_layers, num_attention_heads=cfg.num_attention_heads,
                intermediate_size=cfg.intermediate_size)
    diff = {k: (getattr(src, k, None), v) for k, v in want.items() if getattr(src, k, None) != v}
    if diff:
        raise UserError(f"{folder}: encoder shape differs from the model config (checkpoint, model): {diff}; "
                        "pick the matching --config or use `fshd-studio model import-encoder` to make one")
    if not (folder / "model.safetensors").is_file():
        raise UserError(f"{folder}/model.safetensors is missing; encoders are read only from safetensors files "
                        "(convert other formats with `fshd-studio model import-encoder`)")
    from transformers import VideoMAEModel

    try:  # transformers maps the hub's key names (q_bias, v_bias, videomae. prefix) onto its modules
        src_model, info = VideoMAEModel.from_pretrained(str(folder), local_files_only=True, use_safetensors=True,
                                                        output_loading_info=True)
    except (OSError, ValueError, RuntimeError) as exc:
        raise UserError(f"{folder} could not be read as a VideoMAE checkpoint ({exc})") from None
    missing = [k for k in info.get("missing_keys", []) if not k.startswith("layernorm.")]
    if missing:
        raise UserError(f"{folder}/model.safetensors lacks {len(missing)} encoder tensors (e.g. {sorted(missing)[:3]}); "
                        "is it a VideoMAE checkpoint?")
    state = src_model.state_dict()
    if "layernorm.weight" in info.get("missing_keys", []):
        state = {k: v for k, v in state.items() if not k.startswith("layernorm.")}
    model.encoder.load_state_dict(state, strict=False)
    return len(state)


def update_card_metrics(folder: Path, metrics: dict[str, Any]) -> None:
    """Store an evaluation (point estimates + 95 % intervals) in the folder's model card."""
    card = read_card(folder)
    card.metrics = metrics
    atomic_write_json(Path(folder) / CARD_FILE, asdict(card))


def model_size_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).iterdir() if p.is_file())
