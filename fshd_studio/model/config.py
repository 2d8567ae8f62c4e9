"""The model's one config dataclass and the shipped presets (study 000, table 2).

Classes of the 4-class head, in this order (study 000, table 1): moderate FSHD, severe FSHD,
other neuromuscular disease, control. The binary head says FSHD (moderate or severe) or not.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from fshd_studio.core.errors import UserError
from fshd_studio.core.results import CLASSES  # noqa: F401 - re-exported: the model's class order

FSHD_CLASSES = frozenset({0, 1})
CONFIG_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ModelConfig:
    """Everything that fixes the network's structure; saved as config.json in a model folder."""

    # encoder: a transformers VideoMAEModel over each snippet (frames × image × image)
    image_size: int = 224
    patch_size: int = 16
    num_frames: int = 16
    tubelet_size: int = 2
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    snippets: int = 8
    # switches (table 2's rows)
    adapters: bool = True            # bottleneck adapters in every encoder block
    adapter_dim: int = 64
    freeze_encoder: bool = True      # train adapters (if any) and the rest; the encoder's own weights stay fixed
    upconv: bool = True              # transposed conv raising the descriptors' temporal resolution, then an MLP
    upconv_factor: int = 2
    multitask: bool = True           # loss = binary + severity_weight × 4-class
    severity_weight: float = 0.5
    # light transformer over the exercise's descriptor sequence
    head_dim: int = 256
    head_layers: int = 2
    head_heads: int = 4
    dropout: float = 0.1
    attn_implementation: str = "eager"   # "eager" returns attention maps; "sdpa" is faster but returns none
    schema_version: int = CONFIG_SCHEMA_VERSION

    def __post_init__(self) -> None:
        problems = []
        if self.image_size % self.patch_size:
            problems.append(f"image_size {self.image_size} is not a multiple of patch_size {self.patch_size}")
        if self.num_frames % self.tubelet_size:
            problems.append(f"num_frames {self.num_frames} is not a multiple of tubelet_size {self.tubelet_size}")
        if self.hidden_size % self.num_attention_heads:
            problems.append("hidden_size is not a multiple of num_attention_heads")
        if self.head_dim % self.head_heads:
            problems.append("head_dim is not a multiple of head_heads")
        if self.attn_implementation not in ("eager", "sdpa"):
            problems.append(f"attn_implementation {self.attn_implementation!r} is not eager or sdpa")
        if problems:
            raise UserError("model config: " + "; ".join(problems))

    @property
    def time_tokens(self) -> int:
        """Descriptors per snippet along time (one per tubelet)."""
        return self.num_frames // self.tubelet_size

    @property
    def space_tokens(self) -> int:
        return (self.image_size // self.patch_size) ** 2

    @property
    def sequence_length(self) -> int:
        """Length of the descriptor sequence the light transformer reads (before its class token)."""
        n = self.snippets * self.time_tokens
        return n * self.upconv_factor if self.upconv else n

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise UserError(f"model config has unknown keys {unknown}; it was written by a newer FSHD Studio")
        version = int(data.get("schema_version", CONFIG_SCHEMA_VERSION))
        if version > CONFIG_SCHEMA_VERSION:
            raise UserError(f"model config schema_version {version} is newer than this FSHD Studio reads")
        return cls(**data)

    def with_(self, **changes: Any) -> "ModelConfig":
        return replace(self, **changes)


_BASE = ModelConfig()  # ViT-B/16, tubelet 2, 16 frames, 224 px
_TINY = ModelConfig(image_size=32, patch_size=16, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, adapter_dim=8, head_dim=32, head_layers=2, head_heads=2, dropout=0.1)
# the synthetic benchmark: tiny at 64 px, so that a cheek that moves 2 pixels is seen
_TINY64 = _TINY.with_(image_size=64, hidden_size=64, num_attention_heads=4, intermediate_size=128, adapter_dim=16,
                      head_dim=64, head_heads=4)

# Table 2 of study 000: the VideoMAE rows differ in structure as below (the pre-training set, Kinetics or
# VoxCeleb, is the encoder's initial weights: `fshd-studio train --encoder DIR`, not a structure).
PRESETS: dict[str, ModelConfig] = {
    "base": _BASE,
    "tiny": _TINY,
    "tiny-64": _TINY64,
    "videomae": _BASE.with_(adapters=False, upconv=False, multitask=False),
    "videomae-upconv-multitask": _BASE.with_(adapters=False, upconv=True, multitask=True),
    "videomae-adapter-upconv-multitask": _BASE.with_(adapters=True, upconv=True, multitask=True),
    "tiny-videomae": _TINY.with_(adapters=False, upconv=False, multitask=False),
    "tiny-videomae-upconv-multitask": _TINY.with_(adapters=False, upconv=True, multitask=True),
}


def preset(name: str) -> ModelConfig:
    try:
        return PRESETS[name]
    except KeyError:
        raise UserError(f"unknown model config {name!r}; choose one of {', '.join(sorted(PRESETS))}") from None
