"""The model's one config dataclass and the shipped presets (study 000, table 2).

Classes of the 4-class head, in this order (study 000, table 1): moderate FSHD, severe FSHD,
other neuromuscular disease, control. The binary head says FSHD (moderate or severe) or not.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from fshd_studio.core.errors import UserError
from fshd_studio.core.results import CLASSES  # noqa: F401 - re-exported: the model's class order

FSHD_CLASSES = frozenset({0, 1})
CONFIG_SCHEMA_VERSION = 1

# Sane bounds of a config read from a file, checked before the network is built (ViT-H/14 has 32 layers of
# 1280, 16 heads, 5120; the study's inputs are 8 snippets of 16 frames at 224 px).
BOUNDS: dict[str, tuple[int, int] | tuple[float, float]] = {
    "image_size": (16, 1024), "patch_size": (2, 64), "num_frames": (2, 64), "tubelet_size": (1, 8),
    "hidden_size": (8, 4096), "num_hidden_layers": (1, 64), "num_attention_heads": (1, 64),
    "intermediate_size": (8, 16384), "snippets": (1, 64), "adapter_dim": (1, 1024), "upconv_factor": (1, 8),
    "severity_weight": (0.0, 100.0), "head_dim": (8, 4096), "head_layers": (1, 24), "head_heads": (1, 64),
    "dropout": (0.0, 0.95),
}
MAX_ENCODER_PARAMS = 2_000_000_000
MAX_TOKENS = 16_384


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
    # input normalisation, per RGB channel of pixels in 0..1: the encoder's pre-training statistics (ImageNet's
    # for VideoMAE; a checkpoint's preprocessor_config.json may say otherwise). Saved in config.json.
    pixel_mean: tuple[float, float, float] = (0.485, 0.456, 0.406)
    pixel_std: tuple[float, float, float] = (0.229, 0.224, 0.225)
    schema_version: int = CONFIG_SCHEMA_VERSION

    def __post_init__(self) -> None:
        problems = []
        for name in ("pixel_mean", "pixel_std"):   # JSON gives lists
            object.__setattr__(self, name, tuple(float(v) for v in getattr(self, name)))
        if len(self.pixel_mean) != 3 or len(self.pixel_std) != 3 or min(self.pixel_std) <= 0:
            problems.append("pixel_mean and pixel_std need 3 values each (RGB), the std values > 0")
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
    def from_dict(cls, data: Any, source: Path | str = "config.json") -> "ModelConfig":
        """Types and sane bounds checked before anything is built: an absurd size is refused, not allocated."""
        from fshd_studio.io.fields import Fields

        f = Fields(Path(source), "model config", "use a config.json written by `fshd-studio train` or a preset")
        data = f.obj(data, "the file")
        unknown = sorted(set(data) - {x.name for x in fields(cls)})
        if unknown:
            raise f.fail("", f"has unknown keys {unknown[:5]}", "it was written by a newer FSHD Studio, or is not "
                         "a model config")
        version = f.integer(data, "schema_version", default=CONFIG_SCHEMA_VERSION, lo=1, hi=10_000)
        if version > CONFIG_SCHEMA_VERSION:
            raise f.fail('"schema_version"', f"is {version}, newer than this FSHD Studio reads (up to "
                         f"{CONFIG_SCHEMA_VERSION})", "update FSHD Studio")
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name not in data or spec.name == "schema_version":
                continue
            if spec.name in BOUNDS:
                lo, hi = BOUNDS[spec.name]
                if isinstance(lo, int):
                    values[spec.name] = f.integer(data, spec.name, lo=lo, hi=hi)
                else:
                    values[spec.name] = f.number(data, spec.name, lo=lo, hi=hi)
            elif spec.name == "attn_implementation":
                values[spec.name] = f.choice(data, spec.name, ("eager", "sdpa"))
            elif spec.name in ("pixel_mean", "pixel_std"):
                values[spec.name] = tuple(f.number({"v": v}, "v", f"{spec.name}[{i}]", lo=0.0, hi=1.0)
                                          for i, v in enumerate(f.items(data, spec.name)))
            else:
                values[spec.name] = f.boolean(data, spec.name)
        cfg = cls(**values)
        cfg.check_size(f)
        return cfg

    def check_size(self, f: Any) -> None:
        """Refuse structures far beyond any model of the study (memory would run out, the machine with it)."""
        params = self.num_hidden_layers * (4 * self.hidden_size ** 2 + 2 * self.hidden_size * self.intermediate_size)
        tokens = self.time_tokens * self.space_tokens
        if params > MAX_ENCODER_PARAMS:
            raise f.fail("the encoder", f"would have about {params / 1e9:.1f} billion weights (at most "
                         f"{MAX_ENCODER_PARAMS / 1e9:.1f} billion: ViT-H is 0.6)")
        if tokens > MAX_TOKENS:
            raise f.fail("the encoder", f"would read {tokens} tokens per snippet (at most {MAX_TOKENS}; "
                         "the study's ViT-B reads 1568)")

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
