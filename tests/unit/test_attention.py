"""Attention rollout: a hand-computed two-layer example, the hooks against the encoder's own attention
output, and a model whose attention is built to sit on one face region, whose heatmap must land on that
region of the ORIGINAL camera frame after the stored alignment is inverted."""

import cv2
import numpy as np
import pytest
import torch

from fshd_studio.core.errors import UserError
from fshd_studio.inference.attention import (exercise_heatmaps, heatmaps_from_rollout, rollout_received,
                                             snippet_rollout)
from fshd_studio.io.report.overlay import overlay
from fshd_studio.model.checkpoint import ModelCard, save_model
from fshd_studio.model.config import preset
from fshd_studio.model.network import FSHDModel
from fshd_studio.preprocess.alignment import apply_matrix, invert_matrix
from fshd_studio.preprocess.store import ClipOutput, write_clip, write_index

# 64 px model image, 8 px patches: an 8 × 8 token grid, 8 tubelets per snippet
CFG = preset("tiny").with_(image_size=64, patch_size=8, hidden_size=16, num_attention_heads=2,
                           intermediate_size=32, adapter_dim=4)
ALIGNED = 224
CELL = ALIGNED // 8                       # aligned pixels per token (28)
HOT_ROWS, HOT_COLS = (2, 4), (5, 7)       # token rows 2–3, cols 5–6 are bright


def _hand_layers():
    a1 = np.array([[1.0, 0, 0], [1, 0, 0], [1, 0, 0]])        # everyone attends to token 0
    a2 = np.full((3, 3), 1 / 3)                                # uniform
    # two heads per layer, averaged: layer 1's heads are both a1; layer 2's differ and average to a2
    h1 = np.stack([a1, a1])
    off = (np.ones((3, 3)) - np.eye(3)) / 2
    h2 = np.stack([off, 2 * a2 - off])
    return [torch.tensor(h1)[None], torch.tensor(h2)[None]]


def test_two_layer_rollout_matches_the_hand_computation():
    # A1' = [[1,0,0],[.5,.5,0],[.5,0,.5]], A2' = 2/3 on the diagonal, 1/6 elsewhere;
    # R = A2'·A1' = [[5/6,1/12,1/12],[7/12,1/3,1/12],[7/12,1/12,1/3]]; mean over rows = [2/3, 1/6, 1/6]
    got = rollout_received(_hand_layers()).numpy()[0]
    assert np.allclose(got, [2 / 3, 1 / 6, 1 / 6], atol=1e-12)
    # the layer order matters: A1'·A2' would give [1/2, 1/4, 1/4]
    flipped = rollout_received(_hand_layers()[::-1]).numpy()[0]
    assert np.allclose(flipped, [1 / 2, 1 / 4, 1 / 4], atol=1e-12)


def test_rollout_renormalises_rows_that_do_not_sum_to_one():
    layers = _hand_layers()
    scaled = [layers[0] * 3.0, layers[1]]        # A1 rows sum to 3: 0.5·A + 0.5·I renormalised
    a1 = 0.5 * 3 * np.array([[1.0, 0, 0]] * 3) + 0.5 * np.eye(3)
    a1 /= a1.sum(1, keepdims=True)
    a2 = 0.5 * np.full((3, 3), 1 / 3) + 0.5 * np.eye(3)
    expected = (a2 @ a1).mean(0)
    assert np.allclose(rollout_received(scaled).numpy()[0], expected, atol=1e-12)


def _random_model(seed=0):
    torch.manual_seed(seed)
    return FSHDModel(CFG).eval()


def test_hooks_give_the_rollout_of_the_encoders_own_attention_output():
    model = _random_model()
    clip = np.random.default_rng(1).integers(0, 256, (8, 16, 64, 64, 3), dtype=np.uint8)
    got = snippet_rollout(model, clip, chunk=3)
    with torch.no_grad():
        out = model(torch.from_numpy(clip)[None], want_attention=True)
    side = CFG.image_size // CFG.patch_size
    expected = rollout_received(list(out.attentions)).reshape(8, CFG.time_tokens, side, side).numpy()
    assert got.shape == (8, CFG.time_tokens, side, side)
    assert np.allclose(got.sum(axis=(1, 2, 3)), 1.0, atol=1e-5)
    assert np.allclose(got, expected, atol=1e-6)
    assert len(out.attentions) == CFG.num_hidden_layers == 2


def _focused_model():
    """Attention of every query, in both layers and both heads, on the bright tokens: patch embedding =
    1000 × mean brightness (channel 0) and its negative (channel 1), so that the fixed sinusoidal position
    embedding (|·| ≤ 1) hardly moves the layer-normed tokens; keys read channel 0 in each head, queries
    are a large constant, and attention/MLP outputs are zero so both layers see the same tokens."""
    model = _random_model()
    enc = model.encoder
    conv = enc.embeddings.patch_embeddings.projection
    with torch.no_grad():
        conv.weight.zero_()
        conv.bias.zero_()
        conv.weight[0] = 1000.0 / conv.weight[0].numel()
        conv.weight[1] = -1000.0 / conv.weight[1].numel()
        head = CFG.hidden_size // CFG.num_attention_heads
        for layer in enc.encoder.layer:
            att = layer.attention.attention
            att.query.weight.zero_()
            att.query.bias.zero_()
            att.key.weight.zero_()
            for h in range(CFG.num_attention_heads):
                att.query.bias[h * head] = 20.0
                att.key.weight[h * head, 0] = 1.0
            for lin in (layer.attention.output.dense, layer.output.dense):
                lin.weight.zero_()
                lin.bias.zero_()
    return model


def _aligned_clip():
    clip = np.zeros((8, 16, ALIGNED, ALIGNED, 3), np.uint8)
    clip[:, :, HOT_ROWS[0] * CELL:HOT_ROWS[1] * CELL, HOT_COLS[0] * CELL:HOT_COLS[1] * CELL] = 255
    return clip


def _alignment(frame):
    """Source px → aligned px for a camera frame: scale 1.3, rotated 20°; the hot region's centre (aligned
    (168, 84)) sits at camera (400, 300) on frame 100 and drifts right 0.4 px per frame."""
    ang = np.deg2rad(20.0)
    lin = 1.3 * np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    t = np.array([168.0, 84.0]) - lin @ np.array([400.0 + 0.4 * (frame - 100), 300.0])
    return np.hstack([lin, t[:, None]]).astype(np.float32)


def test_focused_model_attends_to_the_bright_tokens():
    got = snippet_rollout(_focused_model(), _aligned_clip())
    hot = np.zeros((8, 8), bool)
    hot[HOT_ROWS[0]:HOT_ROWS[1], HOT_COLS[0]:HOT_COLS[1]] = True
    assert got[..., hot].min() > 10 * got[..., ~hot].max()
    # by hand: each layer A' = 0.5·(uniform over the 32 bright tokens of 512) + 0.5·I, so a dark token keeps
    # only the identity path, 0.5·0.5/512, and a bright one gets that plus 0.75/32
    n, bright = 8 * 64, 8 * hot.sum()
    assert np.allclose(got[..., ~hot], 0.25 / n, rtol=1e-3)
    assert np.allclose(got[..., hot], 0.75 / bright + 0.25 / n, rtol=0.02)


@pytest.fixture(scope="module")
def focus(tmp_path_factory):
    """A preprocessed folder written with a known alignment per frame, and the focused model's folder."""
    tmp_path = tmp_path_factory.mktemp("focus")
    first = 100
    snippet_frames = first + 2 * np.arange(128).reshape(8, 16)
    transforms = np.stack([_alignment(f) for f in range(first, first + 256)])
    meta = {"exercise_id": 14, "camera_id": "A", "usable": True, "reason": "",
            "snippet_frames": snippet_frames.tolist(), "segment": {"first_frame": first, "last_frame": first + 255},
            "video": {"path": ""}}
    write_clip(tmp_path / "pre", ClipOutput(14, "A", meta, snippets=_aligned_clip(), transforms=transforms))
    write_index(tmp_path / "pre", [{"exercise_id": 14, "camera_id": "A", "folder": "14_A", "usable": True,
                                    "reason": "", "cache_key": ""}])
    model_dir = tmp_path / "model"
    save_model(_focused_model(), model_dir, ModelCard(trained_on="hand-set weights", model_id="focus", synthetic=True))
    return tmp_path / "pre", model_dir


@pytest.fixture(scope="module")
def heatmaps(focus):
    return exercise_heatmaps(*focus[:1], 14, "A", focus[1], device="cpu")


def _expected_camera_mask(frame, shape):
    corners = np.array([[HOT_COLS[0], HOT_ROWS[0]], [HOT_COLS[1], HOT_ROWS[0]], [HOT_COLS[1], HOT_ROWS[1]],
                        [HOT_COLS[0], HOT_ROWS[1]]], np.float64) * CELL - 0.5
    cam = apply_matrix(invert_matrix(_alignment(frame)), corners)
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(cam * 16).astype(np.int32)], 1, shift=4)
    return mask.astype(bool), cam.mean(0)


@pytest.mark.parametrize("frame", [100, 101, 230, 354])
def test_heatmap_lights_up_the_region_in_the_original_camera_frame(heatmaps, frame):
    hs = heatmaps
    assert hs.frames[0] == 100 and hs.frames[-1] == 354 and hs.model_id == "focus"
    shape = (600, 900)
    heat = hs.camera_heat(frame, shape)          # 101 is between sampled frames: its neighbour's map
    hot = heat > 0.5
    expected, centre = _expected_camera_mask(hs.frames[hs.nearest(frame)], shape)
    iou = (hot & expected).sum() / (hot | expected).sum()
    assert iou > 0.75, iou
    ys, xs = np.nonzero(hot)
    assert np.hypot(xs.mean() - centre[0], ys.mean() - centre[1]) < 3.0
    assert heat[~expected].max() < 0.75 and heat[expected].mean() > 0.7


def test_heatmap_follows_each_frames_own_alignment(heatmaps):
    hs = heatmaps
    a, b = (hs.camera_heat(f, (600, 900)) for f in (100, 354))
    # the face drifts 0.4 camera px per frame: ~100 px between the first and the last frame
    shift = invert_matrix(_alignment(354))[:, 2] - invert_matrix(_alignment(100))[:, 2]
    ca = np.array([np.nonzero(a > 0.5)[1].mean(), np.nonzero(a > 0.5)[0].mean()])
    cb = np.array([np.nonzero(b > 0.5)[1].mean(), np.nonzero(b > 0.5)[0].mean()])
    assert np.linalg.norm(shift) > 50
    assert np.allclose(cb - ca, shift, atol=2.0)
    assert hs.camera_heat(354 + 3, (600, 900)) is None and hs.camera_heat(95, (600, 900)) is None


def test_overlay_colours_the_hot_region_and_leaves_the_rest(heatmaps):
    hs = heatmaps
    frame = np.full((600, 900, 3), 128, np.uint8)
    heat = hs.camera_heat(200, frame.shape)
    shown = overlay(frame, heat, opacity=0.8, colormap="jet")
    changed = np.abs(shown.astype(int) - frame).sum(-1) > 30
    expected, _ = _expected_camera_mask(200, frame.shape[:2])
    assert (changed & expected).sum() > 0.9 * expected.sum()
    assert np.array_equal(shown[heat == 0], frame[heat == 0])
    assert np.array_equal(overlay(frame, heat, opacity=0.0), frame)


def test_heatmaps_refuse_snippet_frames_outside_the_stored_alignment():
    received = np.full((8, 8, 8, 8), 1 / 512, np.float32)
    frames = 100 + 2 * np.arange(128).reshape(8, 16)
    with pytest.raises(UserError, match="outside the stored alignment"):
        heatmaps_from_rollout(received, frames, np.zeros((50, 2, 3), np.float32), 100, 224,
                              exercise_id=1, camera_id="A", model_id="m")


def test_png_and_gif_export_from_the_camera_video(heatmaps, tmp_path):
    from dataclasses import replace

    from PIL import Image

    from fshd_studio.inference.attention import export_gif, export_png
    from fshd_studio.io.video_write import write_video

    video = tmp_path / "cam.mp4"
    write_video(video, (np.full((480, 640, 3), 90, np.uint8) for _ in range(108)), 30.0)
    hs = replace(heatmaps, frames=heatmaps.frames[:4], maps=heatmaps.maps[:4], to_camera=heatmaps.to_camera[:4],
                 video=video)
    png = export_png(hs, tmp_path / "still.png", frame=102, opacity=0.8)
    still = np.asarray(Image.open(png).convert("RGB")).astype(int)
    expected, _ = _expected_camera_mask(102, (480, 640))
    changed = np.abs(still - 90).sum(-1) > 30
    assert (changed & expected).sum() > 0.9 * expected.sum() and changed[~expected].mean() < 0.02
    gif = export_gif(hs, tmp_path / "clip.gif", max_side=320)
    with Image.open(gif) as im:
        assert im.n_frames == 4 and im.size == (320, 240)
    with pytest.raises(UserError, match="not there"):
        export_png(replace(hs, video=tmp_path / "gone.mp4"), tmp_path / "x.png")


def test_heatmaps_of_one_snippet_are_those_of_the_whole_set(focus, heatmaps):
    one = exercise_heatmaps(focus[0], 14, "A", focus[1], device="cpu", snippets=[4])
    expected = 100 + 2 * np.arange(4 * 16, 5 * 16)
    assert np.array_equal(one.frames, expected) and one.received.shape[0] == 1
    rows = np.searchsorted(heatmaps.frames, expected)
    assert np.allclose(one.maps, heatmaps.maps[rows], atol=1e-5)
    assert np.allclose(one.to_camera, heatmaps.to_camera[rows])
    assert 100 + 2 * (4 * 16 + 8) == one.still_frame()
