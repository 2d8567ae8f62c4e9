"""`model import-encoder`: an original-layout (timm / MARLIN) state dict becomes a loadable VideoMAE folder."""

import pytest
import torch

from fshd_studio.core.errors import UserError
from fshd_studio.model.checkpoint import load_encoder_weights
from fshd_studio.model.config import preset
from fshd_studio.model.convert import import_encoder
from fshd_studio.model.network import FSHDModel, encoder_config

TINY = preset("tiny")


def _to_timm(hf: dict, prefix: str) -> dict:
    """The inverse mapping, written independently: how the original VideoMAE / MARLIN code names tensors."""
    out = {}
    names = {"layernorm_before": "norm1", "layernorm_after": "norm2", "attention.output.dense": "attn.proj",
             "intermediate.dense": "mlp.fc1", "output.dense": "mlp.fc2"}
    layers = {int(k.split(".")[2]) for k in hf if k.startswith("encoder.layer.")}
    for i in layers:
        b = f"encoder.layer.{i}."
        out[f"{prefix}blocks.{i}.attn.qkv.weight"] = torch.cat(
            [hf[b + f"attention.attention.{n}.weight"] for n in ("query", "key", "value")])
        out[f"{prefix}blocks.{i}.attn.q_bias"] = hf[b + "attention.attention.query.bias"]
        out[f"{prefix}blocks.{i}.attn.v_bias"] = hf[b + "attention.attention.value.bias"]
        for hf_name, timm_name in names.items():
            for leaf in ("weight", "bias"):
                out[f"{prefix}blocks.{i}.{timm_name}.{leaf}"] = hf[b + f"{hf_name}.{leaf}"]
    for leaf in ("weight", "bias"):
        out[f"{prefix}patch_embed.proj.{leaf}"] = hf[f"embeddings.patch_embeddings.projection.{leaf}"]
        out[f"{prefix}norm.{leaf}"] = hf[f"layernorm.{leaf}"]
    out["decoder.head.weight"] = torch.zeros(3, 3)  # pre-training decoder: ignored
    return {k: v.contiguous() for k, v in out.items()}


@pytest.mark.parametrize("prefix", ["", "encoder."])
def test_original_layout_state_dict_converts_to_the_same_encoder(tmp_path, prefix):
    from safetensors.torch import save_file
    from transformers import VideoMAEModel

    torch.manual_seed(0)
    src = VideoMAEModel(encoder_config(TINY)).eval()
    save_file(_to_timm(src.state_dict(), prefix), str(tmp_path / "enc.safetensors"))
    info = import_encoder(tmp_path / "enc.safetensors", tmp_path / "out", image_size=TINY.image_size,
                          num_heads=TINY.num_attention_heads)
    assert info["hidden_size"] == TINY.hidden_size and info["layers"] == TINY.num_hidden_layers
    model = FSHDModel(TINY.with_(adapters=False)).eval()
    load_encoder_weights(model, tmp_path / "out")
    x = torch.randn(2, TINY.num_frames, 3, TINY.image_size, TINY.image_size)
    with torch.no_grad():
        assert torch.allclose(model.encoder(pixel_values=x).last_hidden_state,
                              src(pixel_values=x).last_hidden_state, atol=1e-5)


def test_pickles_and_foreign_files_are_refused(tmp_path):
    (tmp_path / "m.pth").write_bytes(b"\x80\x04not loaded")
    with pytest.raises(UserError, match="pickles"):
        import_encoder(tmp_path / "m.pth", tmp_path / "out")
    from safetensors.torch import save_file

    save_file({"fc.weight": torch.zeros(2, 2)}, str(tmp_path / "x.safetensors"))
    with pytest.raises(UserError, match="not a VideoMAE-layout"):
        import_encoder(tmp_path / "x.safetensors", tmp_path / "out")
