"""Attention heatmaps: attention rollout over every encoder layer, mapped back onto the camera frames.

Rollout (Abnar & Zuidema 2020, "Quantifying attention flow in transformers"): per layer l the attention
matrix A_l (query rows × key columns, rows sum to 1) is averaged over heads, the residual connection is
added as the identity, A_l' = 0.5·A_l + 0.5·I, rows are renormalised, and the layers are multiplied,
R = A_L' · … · A_1'; R[i, j] is how much output token i draws on input token j.

The encoder has no class token: the network averages each tubelet's output tokens into a descriptor and the
head reads all descriptors of all snippets (model/network.py `descriptors`). So the attention a token
*receives* is the mean over all query rows of R, received[j] = (1/N) Σ_i R[i, j] — the share of the snippet's
mean-pooled output that derives from input token j (the rollout analogue of a class token's row). Per snippet
it sums to 1. Tokens are time-major: (time tokens, rows, cols), one time token per tubelet of
`tubelet_size` frames and one row/col per `patch_size` square of the model's image.

    hs = exercise_heatmaps(preprocessed_dir, 14, "A", model_dir)
    heat = hs.camera_heat(frame_index, (height, width))   # float32 in [0, 1] over the camera frame
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report

if TYPE_CHECKING:
    import torch

    from fshd_studio.model.network import FSHDModel

MAP_SIZE = 56   # side of the stored per-frame maps (aligned face / 4 at 224 px)


def rollout_received(attentions: Sequence["torch.Tensor"]) -> "torch.Tensor":
    """(B, N) attention each input token receives, from per-layer attention (B, heads, N, N), first layer
    first. Computed as the row vector (1/N)·1ᵀ pushed through A_L' … A_1' (never forming R: O(L·N²))."""
    import torch

    if not attentions:
        raise ValueError("rollout needs the attention of at least one layer")
    first = attentions[0]
    n = first.shape[-1]
    v = torch.full((first.shape[0], n), 1.0 / n, dtype=torch.float64, device=first.device)
    for layer in reversed(attentions):
        a = layer.to(torch.float64).mean(1)                       # heads averaged: (B, N, N)
        rows = 0.5 * a.sum(-1) + 0.5                               # row sums of 0.5·A + 0.5·I
        w = v / rows                                               # renormalised rows, folded into v
        v = 0.5 * torch.bmm(w.unsqueeze(1), a).squeeze(1) + 0.5 * w
    return v


def snippet_rollout(model: "FSHDModel", clip: np.ndarray, *, chunk: int = 2,
                    cancel: threading.Event | None = None) -> np.ndarray:
    """Received attention of one exercise × camera clip, uint8 (S, F, H, W, 3) →
    float32 (S, time tokens, rows, cols), each snippet summing to 1. Runs the encoder (with its adapters)
    in eager attention, `chunk` snippets at a time; each layer's heads are averaged as it runs."""
    import torch

    cfg = model.cfg
    if clip.dtype != np.uint8 or clip.ndim != 5 or clip.shape[-1] != 3:
        raise UserError(f"heatmaps need a uint8 (snippets, frames, H, W, 3) clip, got {clip.dtype} {clip.shape}")
    model.set_attention("eager")
    side = cfg.image_size // cfg.patch_size
    dev = next(model.parameters()).device
    out = []
    with torch.no_grad(), _HeadMeanAttention(model) as captured:
        for start in range(0, clip.shape[0], chunk):
            check_cancel(cancel)
            part = torch.from_numpy(np.array(clip[start:start + chunk]))[None].to(dev)   # a copy: clip may be mmap
            captured.clear()
            model.encoder(pixel_values=model.normalise(part))
            received = rollout_received(captured)
            out.append(received.reshape(-1, cfg.time_tokens, side, side).float().cpu().numpy())
    return np.concatenate(out)


class _HeadMeanAttention:
    """Context manager: forward hooks on every encoder self-attention that keep each layer's attention
    averaged over heads, (B, 1, N, N), in layer order (the full per-head maps are never all kept)."""

    def __init__(self, model: "FSHDModel") -> None:
        self.layers = [layer.attention.attention for layer in model.encoder.encoder.layer]
        self.captured: list = []
        self.handles: list = []

    def __enter__(self) -> list:
        def hook(_module, _inputs, output) -> None:
            probs = output[1] if isinstance(output, tuple) and len(output) > 1 else None
            if probs is None:
                raise RuntimeError("attention rollout needs eager attention (model.set_attention('eager'))")
            self.captured.append(probs.float().mean(1, keepdim=True))

        self.handles = [m.register_forward_hook(hook) for m in self.layers]
        return self.captured

    def __exit__(self, *exc: object) -> None:
        for h in self.handles:
            h.remove()


@dataclass(frozen=True)
class HeatmapSet:
    """Heatmaps of one exercise × camera, per source frame the model saw.

    `maps[k]` is the heat of source frame `frames[k]` on the aligned face at MAP_SIZE², in [0, 1]
    (each tubelet's received attention scaled min → 0, max → 1; a frame met in several tubelets gets
    their mean). `to_camera[k]` maps map pixels to that frame's camera pixels (cv2.warpAffine form):
    the inverse of preprocessing's alignment transform after the map → aligned-face scaling.
    `received` keeps the raw rollout, (snippets, time tokens, rows, cols), each snippet summing to 1."""

    exercise_id: int
    camera_id: str
    model_id: str
    frames: np.ndarray                 # (F,) int64 source frame indices, ascending
    maps: np.ndarray = field(repr=False)        # (F, MAP_SIZE, MAP_SIZE) float32 in [0, 1]
    to_camera: np.ndarray = field(repr=False)   # (F, 2, 3) float32
    received: np.ndarray = field(repr=False)    # (snippets computed, T', rows, cols) float32
    video: Path | None = None

    def nearest(self, frame: int) -> int | None:
        """Row of the heatmap to show on source frame `frame`: the nearest frame the model saw, or None
        when `frame` lies further than the sampling step outside them."""
        if self.frames.size == 0:
            return None
        step = int(np.max(np.diff(self.frames))) if self.frames.size > 1 else 1
        k = int(np.argmin(np.abs(self.frames - frame)))
        return k if abs(int(self.frames[k]) - frame) <= step else None

    def camera_heat(self, frame: int, shape: tuple[int, int]) -> np.ndarray | None:
        """float32 (height, width) heat over camera frame `frame` (0 outside the face crop), or None."""
        import cv2

        k = self.nearest(frame)
        if k is None:
            return None
        h, w = shape[:2]
        return cv2.warpAffine(self.maps[k], self.to_camera[k].astype(np.float64), (w, h), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)

    def still_frame(self) -> int:
        """The source frame shown as the exercise's still: the middle of the frames the model saw."""
        return int(self.frames[self.frames.size // 2])


def heatmaps_from_rollout(received: np.ndarray, snippet_frames: np.ndarray, transforms: np.ndarray,
                          first_frame: int, aligned_size: int, *, exercise_id: int, camera_id: str,
                          model_id: str, video: Path | None = None, map_size: int = MAP_SIZE) -> HeatmapSet:
    """Spread the per-tubelet maps over their source frames and attach each frame's map → camera affine.

    received (S, T', rows, cols); snippet_frames (S, F) source frame indices; transforms (n, 2, 3)
    source px → aligned px for frames first_frame … first_frame + n − 1."""
    import cv2

    from fshd_studio.preprocess.alignment import compose, invert_matrix

    s, t_tokens = received.shape[:2]
    snippet_frames = np.asarray(snippet_frames, np.int64)
    if snippet_frames.shape[0] != s or snippet_frames.shape[1] % t_tokens:
        raise UserError(f"snippet frames {snippet_frames.shape} do not fit the model's {s} snippets × "
                        f"{t_tokens} tubelets; run preprocess again for this model")
    tubelet = snippet_frames.shape[1] // t_tokens
    scaled = _min_max(received.astype(np.float64))
    frames = np.unique(snippet_frames)
    sums = np.zeros((frames.size, *received.shape[2:]))
    counts = np.zeros(frames.size)
    rows = np.searchsorted(frames, snippet_frames)
    for (i, j), k in np.ndenumerate(rows):
        sums[k] += scaled[i, j // tubelet]
        counts[k] += 1
    grids = sums / counts[:, None, None]
    maps = np.stack([cv2.resize(g.astype(np.float32), (map_size, map_size), interpolation=cv2.INTER_LINEAR)
                     for g in grids])
    sc = aligned_size / map_size
    map_to_aligned = np.array([[sc, 0.0, (sc - 1) / 2], [0.0, sc, (sc - 1) / 2]])
    pos = frames - int(first_frame)
    if pos.min() < 0 or pos.max() >= len(transforms):
        raise UserError(f"snippet frames {frames.min()}–{frames.max()} lie outside the stored alignment "
                        f"(frames {first_frame}–{first_frame + len(transforms) - 1}); run preprocess again")
    to_camera = np.stack([compose(invert_matrix(transforms[p]), map_to_aligned) for p in pos]).astype(np.float32)
    return HeatmapSet(exercise_id, camera_id, model_id, frames, np.clip(maps, 0.0, 1.0), to_camera,
                      received.astype(np.float32), video)


def _min_max(received: np.ndarray) -> np.ndarray:
    lo = received.min(axis=(-1, -2), keepdims=True)
    span = received.max(axis=(-1, -2), keepdims=True) - lo
    return np.where(span > 0, (received - lo) / np.where(span > 0, span, 1.0), 0.0)


def exercise_heatmaps(preprocessed: Path, exercise_id: int, camera_id: str, model_dir: Path, *,
                      device: str = "auto", model: "FSHDModel | None" = None, snippets: Sequence[int] | None = None,
                      report: ReportFn = no_report, cancel: threading.Event | None = None) -> HeatmapSet:
    """Heatmaps of one exercise × camera of a preprocess output folder under the model in `model_dir`
    (pass `model`, already loaded from that folder, to reuse it across exercises). `snippets`: only these
    (indices into the clip's snippets; the encoder's cost is per snippet), default all."""
    from fshd_studio.model.checkpoint import load_model, read_card
    from fshd_studio.model.predict import pick_device
    from fshd_studio.preprocess.store import load_preprocessed

    clip = next((c for c in load_preprocessed(Path(preprocessed))
                 if c.exercise_id == exercise_id and c.camera_id == camera_id), None)
    if clip is None:
        raise UserError(f"{preprocessed} holds no exercise {exercise_id} for camera {camera_id}; preprocess it first")
    if not clip.usable:
        raise UserError(f"exercise {exercise_id} camera {camera_id} has no model input "
                        f"({clip.meta.get('reason') or 'unusable'}), so no heatmap")
    report(Progress("heatmaps", 0, 1))
    if model is None:
        model, _card = load_model(Path(model_dir), pick_device(device))
    arr = clip.snippets()
    chosen = list(range(arr.shape[0])) if snippets is None else sorted(set(int(i) for i in snippets))
    received = snippet_rollout(model, np.asarray(arr[chosen]), cancel=cancel)
    video = clip.meta.get("video", {}).get("path")
    hs = heatmaps_from_rollout(received, np.asarray(clip.meta["snippet_frames"])[chosen],
                               np.asarray(clip.array("transforms")), int(clip.meta["segment"]["first_frame"]),
                               int(arr.shape[2]), exercise_id=exercise_id, camera_id=camera_id,
                               model_id=read_card(model_dir).model_id, video=Path(video) if video else None)
    report(Progress("heatmaps", 1, 1))
    return hs


def overlaid_frames(hs: HeatmapSet, frames: Sequence[int] | None = None, *, opacity: float = 0.5,
                    colormap: str = "inferno", max_side: int | None = None,
                    video: Path | None = None) -> list[tuple[int, np.ndarray]]:
    """(source frame index, uint8 RGB camera frame with its heatmap) for `frames` (default: every frame
    the model saw), read from the camera video (`video`, default the one preprocessing read)."""
    from fshd_studio.io.report.overlay import fit_within, overlay
    from fshd_studio.io.video import open_video

    path = video or hs.video
    if path is None or not Path(path).is_file():
        raise UserError(f"the camera video of exercise {hs.exercise_id} camera {hs.camera_id} ({path}) is not "
                        "there; relocate it in the project")
    wanted = np.unique(np.asarray(hs.frames if frames is None else frames, np.int64))
    out = []
    with open_video(Path(path)) as reader:
        for idx, rgb in reader.iter_frames(int(wanted[0]), int(wanted[-1]) + 1, only=wanted):
            heat = hs.camera_heat(idx, rgb.shape)
            shown = rgb if heat is None else overlay(rgb, heat, opacity=opacity, colormap=colormap)
            out.append((idx, shown if max_side is None else fit_within(shown, max_side)))
    return out


def export_png(hs: HeatmapSet, path: Path, *, frame: int | None = None, opacity: float = 0.5,
               colormap: str = "inferno", video: Path | None = None) -> Path:
    """One camera frame (default: the still frame) with its heatmap, as PNG."""
    from fshd_studio.io.report.overlay import write_png

    idx = hs.still_frame() if frame is None else frame
    [(_, rgb)] = overlaid_frames(hs, [idx], opacity=opacity, colormap=colormap, video=video)
    return write_png(path, rgb)


def export_gif(hs: HeatmapSet, path: Path, *, opacity: float = 0.5, colormap: str = "inferno",
               max_side: int = 480, fps: float = 8.0, video: Path | None = None) -> Path:
    """Every frame the model saw, with its heatmap, as a looping animated GIF."""
    from fshd_studio.io.report.overlay import write_gif

    shown = overlaid_frames(hs, opacity=opacity, colormap=colormap, max_side=max_side, video=video)
    return write_gif(path, [rgb for _, rgb in shown], fps=fps)


def heatmap_still(hs: HeatmapSet, *, frame: int | None = None, opacity: float = 0.5, colormap: str = "inferno",
                  margin: float = 0.15, video: Path | None = None):
    """The exercise's still for a report or a panel: one camera frame with its heatmap, cropped to the face
    (the aligned square's place in that frame, plus `margin` of its size on each side)."""
    from fshd_studio.io.report.content import HeatmapStill
    from fshd_studio.preprocess.alignment import apply_matrix

    idx = hs.still_frame() if frame is None else frame
    [(_, rgb)] = overlaid_frames(hs, [idx], opacity=opacity, colormap=colormap, video=video)
    k = hs.nearest(idx)
    if k is not None:
        m = hs.maps.shape[-1]
        corners = apply_matrix(hs.to_camera[k], np.array([[0, 0], [m, 0], [m, m], [0, m]], np.float64) - 0.5)
        lo, hi = corners.min(0), corners.max(0)
        pad = margin * (hi - lo).max()
        x0, y0 = np.maximum(0, np.floor(lo - pad)).astype(int)
        x1, y1 = np.minimum(rgb.shape[1::-1], np.ceil(hi + pad)).astype(int)
        if x1 > x0 + 8 and y1 > y0 + 8:
            rgb = rgb[y0:y1, x0:x1]
    return HeatmapStill(hs.exercise_id, hs.camera_id, idx, np.ascontiguousarray(rgb))


def session_heatmap_stills(results, model_dir: Path, preprocessed: Path, *, stale: set[int] = frozenset(),
                           device: str = "auto", opacity: float = 0.5, report: ReportFn = no_report,
                           cancel: threading.Event | None = None) -> tuple[list, list[str]]:
    """A still per scored exercise × camera of `results` (a SessionResults) whose clip is in `preprocessed`,
    under the model that scored it. Returns (stills, notes): a note says why a clip has no still."""
    from fshd_studio.model.checkpoint import load_model, read_card
    from fshd_studio.model.predict import pick_device
    from fshd_studio.preprocess.store import load_preprocessed

    card = read_card(model_dir)
    if card.model_id != results.provenance.model_id:
        return [], [f"no heatmaps: the results come from model {results.provenance.model_id}, the model folder "
                    f"{model_dir} is {card.model_id}; give the model that scored the session"]
    usable = {(c.exercise_id, c.camera_id) for c in load_preprocessed(Path(preprocessed)) if c.usable}
    todo = [s for s in results.scores if s.scored and s.exercise_id not in stale]
    notes = [f"exercise {s.exercise_id} camera {s.camera_id}: no heatmap, its model input is not in {preprocessed}"
             for s in todo if (s.exercise_id, s.camera_id) not in usable]
    todo = [s for s in todo if (s.exercise_id, s.camera_id) in usable]
    model, _ = load_model(Path(model_dir), pick_device(device))
    stills = []
    for i, s in enumerate(todo):
        report(Progress("heatmaps", i, len(todo)))
        check_cancel(cancel)
        hs = exercise_heatmaps(preprocessed, s.exercise_id, s.camera_id, model_dir, model=model, cancel=cancel,
                               snippets=[model.cfg.snippets // 2])   # the still's snippet only: 1/8 of the work
        try:
            stills.append(heatmap_still(hs, opacity=opacity))
        except UserError as exc:      # the camera video moved or went away: the report goes on without it
            notes.append(str(exc))
    report(Progress("heatmaps", len(todo), len(todo)))
    return stills, notes
