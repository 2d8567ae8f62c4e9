"""The network through every switch, adapter-only training, save → load, encoder initialisation."""

import itertools

import pytest
import torch

from fshd_studio.core.errors import UserError
from fshd_studio.model.checkpoint import ModelCard, load_encoder_weights, load_model, save_model
from fshd_studio.model.config import PRESETS, ModelConfig, preset
from fshd_studio.model.network import FSHDModel, multitask_loss

TINY = preset("tiny")


def _clips(batch=2, size=40, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (batch, TINY.snippets, TINY.num_frames, size, size, 3), generator=g,
                         dtype=torch.uint8)


@pytest.mark.parametrize("adapters,upconv,multitask,frozen", list(itertools.product([False, True], repeat=4)))
def test_shapes_through_every_switch(adapters, upconv, multitask, frozen):
    cfg = TINY.with_(adapters=adapters, upconv=upconv, multitask=multitask, freeze_encoder=frozen)
    model = FSHDModel(cfg)
    out = model(_clips(), want_attention=True)
    assert out.binary_logits.shape == (2, 2) and out.severity_logits.shape == (2, 4)
    n_tokens = cfg.time_tokens * cfg.space_tokens
    assert len(out.attentions) == cfg.num_hidden_layers
    assert out.attentions[0].shape == (2 * cfg.snippets, cfg.num_attention_heads, n_tokens, n_tokens)
    assert cfg.sequence_length == cfg.snippets * cfg.time_tokens * (cfg.upconv_factor if upconv else 1)
    assert (len(model.adapters) > 0) == adapters
    encoder_trainable = any(p.requires_grad for p in model.encoder.parameters())
    assert encoder_trainable == (not frozen)
    multitask_loss(out, torch.tensor([1, 3]), cfg).backward()


def test_all_presets_are_valid_and_table2_rows_differ():
    rows = [PRESETS[n] for n in ("videomae", "videomae-upconv-multitask", "videomae-adapter-upconv-multitask")]
    assert [(r.adapters, r.upconv, r.multitask) for r in rows] == [(False, False, False), (False, True, True),
                                                                    (True, True, True)]
    base = PRESETS["base"]
    assert (base.hidden_size, base.patch_size, base.tubelet_size, base.image_size) == (768, 16, 2, 224)
    with pytest.raises(UserError):
        ModelConfig(image_size=30, patch_size=16)


def test_adapter_training_changes_only_adapters_and_heads():
    torch.manual_seed(0)
    model = FSHDModel(TINY.with_(adapters=True, freeze_encoder=True, dropout=0.0))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    for step in range(3):
        loss = multitask_loss(model(_clips(seed=step)), torch.tensor([0, 3]), model.cfg)
        opt.zero_grad()
        loss.backward()
        opt.step()
    changed = {k for k, v in model.state_dict().items() if not torch.equal(v, before[k])}
    assert changed, "nothing was trained"
    assert not any(k.startswith("encoder.") for k in changed)
    assert any(k.startswith("adapters.") for k in changed)
    assert any(k.startswith("binary_head.") for k in changed)


def test_adapters_start_as_identity():
    torch.manual_seed(0)
    plain = FSHDModel(TINY.with_(adapters=False)).eval()
    with_adapters = FSHDModel(TINY.with_(adapters=True)).eval()
    with_adapters.load_state_dict(plain.state_dict(), strict=False)
    x = _clips()
    seq_a, _ = plain.descriptors(plain.normalise(x), 2)
    seq_b, _ = with_adapters.descriptors(with_adapters.normalise(x), 2)
    assert torch.allclose(seq_a, seq_b, atol=1e-6)


def test_save_load_gives_identical_outputs(tmp_path):
    torch.manual_seed(1)
    model = FSHDModel(TINY).eval()
    card = ModelCard(model_id="t", trained_on="nothing (test)", synthetic=True)
    save_model(model, tmp_path / "m", card)
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json", "model.safetensors",
                                                                    "model_card.json"]
    loaded, card2 = load_model(tmp_path / "m")
    x = _clips()
    with torch.no_grad():
        a, b = model(x), loaded(x)
    assert torch.equal(a.binary_logits, b.binary_logits) and torch.equal(a.severity_logits, b.severity_logits)
    assert card2.synthetic and "not for diagnosis" in card2.intended_use.lower()


def test_wrong_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(UserError, match="config.json is missing"):
        load_model(tmp_path)
    model = FSHDModel(TINY)
    save_model(model, tmp_path / "m", ModelCard(model_id="t", trained_on="x", synthetic=True))
    (tmp_path / "m" / "config.json").write_text(TINY.with_(upconv=not TINY.upconv).to_json())
    with pytest.raises(UserError, match="does not match"):
        load_model(tmp_path / "m")
    (tmp_path / "m" / "model.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(UserError, match="safetensors"):
        load_model(tmp_path / "m")


def test_encoder_initialises_from_a_local_videomae_folder(tmp_path):
    from transformers import VideoMAEForPreTraining

    from fshd_studio.model.network import encoder_config

    torch.manual_seed(2)
    src = VideoMAEForPreTraining(encoder_config(TINY))
    src.save_pretrained(tmp_path / "enc")
    model = FSHDModel(TINY)
    assert load_encoder_weights(model, tmp_path / "enc") > 10
    w = "encoder.layer.0.attention.attention.query.weight"
    assert torch.equal(model.encoder.state_dict()[w], src.videomae.state_dict()[w])
    with pytest.raises(UserError, match="config.json is missing"):
        load_encoder_weights(model, tmp_path)
    other = FSHDModel(TINY.with_(hidden_size=48, num_attention_heads=2))
    with pytest.raises(UserError, match="encoder shape differs"):
        load_encoder_weights(other, tmp_path / "enc")
