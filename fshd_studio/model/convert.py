"""Convert a pre-trained VideoMAE-family encoder into a transformers VideoMAE folder (`model import-encoder`).

Accepted sources (all read without pickle):
  * a transformers VideoMAE folder (config.json + model.safetensors; VideoMAEModel, ...ForPreTraining or
    ...ForVideoClassification): the encoder is re-saved alone;
  * a .safetensors state dict in the original VideoMAE / timm layout (`patch_embed.proj`, `blocks.N.attn.qkv`,
    `q_bias`, `v_bias`, `mlp.fc1`, ...), also with MARLIN's names (`encoder.patch_embedding.projection`) and
    `module.` / `model.` / `backbone.` prefixes. Face-pretrained encoders (MARLIN, VoxCeleb VideoMAE) come
    in this layout; a .pth / .pt must first be turned into safetensors by its owner (we load no pickles):
        python -c "import torch, safetensors.torch as s; sd = torch.load('m.pth', weights_only=True);
                   s.save_file({k: v.contiguous() for k, v in sd.get('model', sd).items()}, 'm.safetensors')"
The result (DST/config.json + DST/model.safetensors) is what `fshd-studio train --encoder DST` reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import torch

from fshd_studio.core.errors import UserError
from fshd_studio.io.atomic import atomic_path, atomic_write_text

_PREFIXES = ("module.", "model.", "backbone.", "encoder.", "videomae.")
_BLOCK = {
    "norm1": "layernorm_before", "norm2": "layernorm_after", "attn.proj": "attention.output.dense",
    "mlp.fc1": "intermediate.dense", "mlp.fc2": "output.dense",
}


def _strip(key: str) -> str:
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if key.startswith(p) and not key.startswith("encoder.layer."):
                key, changed = key[len(p):], True
    return key


def timm_to_hf(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Original VideoMAE / MARLIN encoder keys → transformers VideoMAEModel keys (decoder keys dropped)."""
    out: dict[str, torch.Tensor] = {}
    for raw, v in state.items():
        k = _strip(raw)
        if k.startswith(("decoder", "encoder_to_decoder", "mask_token", "head", "fc_norm", "pos_embed")):
            continue
        if k.startswith(("patch_embed.proj.", "patch_embedding.projection.")):
            out["embeddings.patch_embeddings.projection." + k.rsplit(".", 1)[1]] = v
            continue
        if k in ("norm.weight", "norm.bias"):
            out["layernorm." + k.split(".")[1]] = v
            continue
        m = re.match(r"blocks\.(\d+)\.(.+)$", k)
        if not m:
            continue
        i, rest = m.group(1), m.group(2)
        base = f"encoder.layer.{i}."
        if rest == "attn.qkv.weight":
            q, kk, vv = v.chunk(3, dim=0)
            out[base + "attention.attention.query.weight"] = q
            out[base + "attention.attention.key.weight"] = kk
            out[base + "attention.attention.value.weight"] = vv
        elif rest in ("attn.q_bias", "attn.v_bias"):
            out[base + f"attention.attention.{'query' if rest.endswith('q_bias') else 'value'}.bias"] = v
        else:
            name, _, leaf = rest.rpartition(".")
            if name in _BLOCK:
                out[base + _BLOCK[name] + "." + leaf] = v
    return out


def import_encoder(src: Path, dst: Path, *, image_size: int = 224, num_frames: int = 16,
                   num_heads: int | None = None) -> dict[str, object]:
    """Write DST/config.json + DST/model.safetensors (a transformers VideoMAEModel) from SRC."""
    from transformers import VideoMAEConfig, VideoMAEModel

    src = Path(src)
    if src.is_dir():
        if not (src / "config.json").is_file():
            raise UserError(f"{src} has no config.json; give a transformers VideoMAE folder or a .safetensors file")
        try:
            model = VideoMAEModel.from_pretrained(str(src), local_files_only=True, use_safetensors=True)
        except (OSError, ValueError) as exc:
            raise UserError(f"{src} could not be read as a VideoMAE checkpoint ({exc})") from None
    else:
        if src.suffix != ".safetensors" or not src.is_file():
            raise UserError(f"{src}: give a .safetensors state dict or a transformers folder; .pth/.pt files are "
                            "pickles and are not loaded (see `fshd-studio model import-encoder --help`)")
        from safetensors.torch import load_file

        hf = timm_to_hf(load_file(str(src)))
        if "embeddings.patch_embeddings.projection.weight" not in hf or "encoder.layer.0.output.dense.weight" not in hf:
            raise UserError(f"{src} is not a VideoMAE-layout encoder (no patch_embed / blocks.N tensors found)")
        proj = hf["embeddings.patch_embeddings.projection.weight"]         # (D, 3, tubelet, p, p)
        hidden, _, tubelet, patch = proj.shape[0], proj.shape[1], proj.shape[2], proj.shape[3]
        layers = 1 + max(int(k.split(".")[2]) for k in hf if k.startswith("encoder.layer."))
        cfg = VideoMAEConfig(image_size=image_size, patch_size=patch, num_frames=num_frames, tubelet_size=tubelet,
                             hidden_size=hidden, num_hidden_layers=layers,
                             num_attention_heads=num_heads or max(1, hidden // 64),
                             intermediate_size=hf["encoder.layer.0.intermediate.dense.weight"].shape[0],
                             use_mean_pooling="layernorm.weight" not in hf, qv_bias=True)
        model = VideoMAEModel(cfg)
        missing, unexpected = model.load_state_dict(hf, strict=False)
        if missing or unexpected:
            raise UserError(f"{src}: {len(missing)} encoder tensors missing (e.g. {missing[:3]}), "
                            f"{len(unexpected)} unexpected (e.g. {unexpected[:3]})")
    return _save(model, Path(dst))


def _save(model: torch.nn.Module, dst: Path) -> dict[str, object]:
    from safetensors.torch import save_file

    dst.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    with atomic_path(dst / "model.safetensors") as tmp:
        save_file(state, str(tmp), metadata={"format": "pt"})
    cfg = model.config
    cfg.architectures = ["VideoMAEModel"]
    atomic_write_text(dst / "config.json", cfg.to_json_string())
    return {"folder": str(dst), "tensors": len(state), "hidden_size": cfg.hidden_size,
            "layers": cfg.num_hidden_layers, "patch_size": cfg.patch_size, "tubelet_size": cfg.tubelet_size,
            "image_size": cfg.image_size, "num_frames": cfg.num_frames}
