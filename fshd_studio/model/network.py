"""The study's network: VideoMAE encoder (+ adapters) → Upconv → light transformer → two heads.

Input: one exercise × camera = `snippets` snippets of `num_frames` frames, uint8 (B, S, T, H, W, 3) as
written by preprocess, or float already normalised (B, S, T, 3, H, W).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from transformers import VideoMAEConfig, VideoMAEModel

from fshd_studio.model.config import CLASSES, ModelConfig


@dataclass
class ModelOutput:
    binary_logits: torch.Tensor            # (B, 2): not FSHD, FSHD
    severity_logits: torch.Tensor          # (B, 4): CLASSES order
    attentions: tuple[torch.Tensor, ...] | None = None   # per encoder layer: (B*S, heads, N, N)


def encoder_config(cfg: ModelConfig) -> VideoMAEConfig:
    return VideoMAEConfig(
        image_size=cfg.image_size, patch_size=cfg.patch_size, num_channels=3, num_frames=cfg.num_frames,
        tubelet_size=cfg.tubelet_size, hidden_size=cfg.hidden_size, num_hidden_layers=cfg.num_hidden_layers,
        num_attention_heads=cfg.num_attention_heads, intermediate_size=cfg.intermediate_size,
        use_mean_pooling=False, qv_bias=True, attn_implementation=cfg.attn_implementation,
    )


class Adapter(nn.Module):
    """Bottleneck adapter (down, GELU, up), zero-initialised so that it starts as the identity."""

    def __init__(self, dim: int, bottleneck: int) -> None:
        super().__init__()
        self.down = nn.Linear(dim, bottleneck)
        self.act = nn.GELU()
        self.up = nn.Linear(bottleneck, dim)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.up(self.act(self.down(x)))


class Upconv(nn.Module):
    """Transposed 1-D convolution over time (× factor), then an MLP that refines each descriptor."""

    def __init__(self, dim: int, factor: int, dropout: float) -> None:
        super().__init__()
        self.deconv = nn.ConvTranspose1d(dim, dim, kernel_size=factor, stride=factor)
        self.norm = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Dropout(dropout), nn.Linear(2 * dim, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:    # (B, L, D) -> (B, L*factor, D)
        x = self.deconv(x.transpose(1, 2)).transpose(1, 2)
        return x + self.mlp(self.norm(x))


class LightTransformer(nn.Module):
    """A class token and learned positions, then `layers` pre-norm attention blocks."""

    def __init__(self, cfg: ModelConfig, length: int) -> None:
        super().__init__()
        d = cfg.head_dim
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(torch.randn(1, length + 1, d) * 0.02)
        block = nn.TransformerEncoderLayer(d, cfg.head_heads, dim_feedforward=2 * d, dropout=cfg.dropout,
                                           activation="gelu", batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(block, cfg.head_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:    # (B, L, D) -> (B, D)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        return self.norm(self.blocks(x)[:, 0])


class FSHDModel(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = VideoMAEModel(encoder_config(cfg))
        self.adapters = nn.ModuleList(
            [Adapter(cfg.hidden_size, cfg.adapter_dim) for _ in range(cfg.num_hidden_layers)]
            if cfg.adapters else [])
        for layer, adapter in zip(self.encoder.encoder.layer, self.adapters):
            # after each block's MLP (Houlsby); the encoder's own parameter names stay those of VideoMAE
            layer.output.register_forward_hook(_adapter_hook(adapter))
        self.project = nn.Sequential(nn.LayerNorm(cfg.hidden_size), nn.Linear(cfg.hidden_size, cfg.head_dim))
        self.upconv = Upconv(cfg.head_dim, cfg.upconv_factor, cfg.dropout) if cfg.upconv else None
        self.temporal = LightTransformer(cfg, cfg.sequence_length)
        self.binary_head = nn.Linear(cfg.head_dim, 2)
        self.severity_head = nn.Linear(cfg.head_dim, len(CLASSES))
        self.register_buffer("mean", torch.tensor(cfg.pixel_mean).view(1, 1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(cfg.pixel_std).view(1, 1, 3, 1, 1), persistent=False)
        self.set_encoder_trainable(not cfg.freeze_encoder)

    def set_encoder_trainable(self, trainable: bool) -> None:
        """Frozen: only adapters, Upconv, the light transformer and the heads learn."""
        for p in self.encoder.parameters():
            p.requires_grad_(trainable)

    def set_attention(self, implementation: str) -> None:
        """"eager" (attention maps available) or "sdpa" (faster, no maps); weights are unchanged."""
        if self.encoder.config._attn_implementation != implementation:
            self.encoder.set_attn_implementation(implementation)

    def normalise(self, clips: torch.Tensor) -> torch.Tensor:
        """uint8 (B, S, T, H, W, 3) → float (B*S, T, 3, size, size), resized to the config's image size."""
        b, s, t, h, w, c = clips.shape
        x = clips.reshape(b * s * t, h, w, c).permute(0, 3, 1, 2).float() / 255.0  # not div_: OpenVINO converts the trace
        size = self.cfg.image_size
        if (h, w) != (size, size):
            x = resize_frames(x, size)
        x = x.reshape(b * s, t, c, size, size)
        return (x - self.mean) / self.std

    def descriptors(self, pixels: torch.Tensor, batch: int, want_attention: bool = False):
        """Encoder over every snippet; tokens averaged over space → (B, S*T', D) descriptors in time order."""
        out = self.encoder(pixel_values=pixels, output_attentions=want_attention)
        tokens = out.last_hidden_state                      # (B*S, T'*P, D), time-major token order
        cfg = self.cfg
        tokens = tokens.reshape(tokens.shape[0], cfg.time_tokens, cfg.space_tokens, cfg.hidden_size).mean(2)
        seq = tokens.reshape(batch, cfg.snippets * cfg.time_tokens, cfg.hidden_size)
        return seq, (out.attentions if want_attention else None)

    def head(self, seq: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Everything after the encoder: descriptors (B, L, hidden) → (binary, severity) logits."""
        x = self.project(seq)
        if self.upconv is not None:
            x = self.upconv(x)
        z = self.temporal(x)
        return self.binary_head(z), self.severity_head(z)

    def forward(self, clips: torch.Tensor, want_attention: bool = False) -> ModelOutput:
        if want_attention and self.encoder.config._attn_implementation != "eager":
            raise ValueError("attention maps need the eager attention: call set_attention('eager') first")
        if clips.dtype == torch.uint8:
            pixels = self.normalise(clips)
            batch = clips.shape[0]
        else:                                               # already (B, S, T, 3, H, W) float
            batch = clips.shape[0]
            pixels = clips.reshape(-1, *clips.shape[2:])
        if clips.shape[1] != self.cfg.snippets:
            raise ValueError(f"expected {self.cfg.snippets} snippets per clip, got {clips.shape[1]}")
        seq, attentions = self.descriptors(pixels, batch, want_attention)
        binary, severity = self.head(seq)
        return ModelOutput(binary, severity, attentions)

    def trainable_parameter_names(self) -> list[str]:
        return [n for n, p in self.named_parameters() if p.requires_grad]


def resize_frames(x: torch.Tensor, size: int) -> torch.Tensor:
    """(N, 3, H, W) float → (N, 3, size, size): how the model brings any input to its image size."""
    return nn.functional.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)


def _adapter_hook(adapter: Adapter):
    def hook(_module: nn.Module, _inputs: tuple, output: torch.Tensor) -> torch.Tensor:
        return adapter(output)
    return hook


def multitask_loss(out: ModelOutput, classes: torch.Tensor, cfg: ModelConfig) -> torch.Tensor:
    """Binary cross-entropy on FSHD / not FSHD, plus severity_weight × 4-class cross-entropy (multitask)."""
    fshd = (classes <= 1).long()
    loss = nn.functional.cross_entropy(out.binary_logits.float(), fshd)
    if cfg.multitask and cfg.severity_weight > 0:
        loss = loss + cfg.severity_weight * nn.functional.cross_entropy(out.severity_logits.float(), classes)
    return loss
