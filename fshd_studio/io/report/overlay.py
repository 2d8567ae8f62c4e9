"""Heatmap over a video frame, and its export as PNG and animated GIF (numpy + cv2 + Pillow, no Qt).

    rgb = overlay(frame_rgb, heat, opacity=0.5)      # heat float (H, W) in [0, 1] over the same frame
    write_png(path, rgb);  write_gif(path, [rgb, ...], fps=8)

The colour is blended in proportion to the heat (alpha = opacity × heat): where the model paid no
attention the frame shows through unchanged, so a heatmap never hides the face it is about.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from fshd_studio.io.atomic import atomic_path

COLORMAPS = ("inferno", "jet", "turbo", "viridis")


def colorize(heat: np.ndarray, colormap: str = "inferno") -> np.ndarray:
    """float (H, W) in [0, 1] → uint8 RGB (H, W, 3) through a cv2 colormap."""
    import cv2

    if colormap not in COLORMAPS:
        raise ValueError(f"unknown colormap {colormap!r}; choose one of {', '.join(COLORMAPS)}")
    code = getattr(cv2, f"COLORMAP_{colormap.upper()}")
    grey = (np.clip(np.nan_to_num(heat), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return cv2.cvtColor(cv2.applyColorMap(grey, code), cv2.COLOR_BGR2RGB)


def overlay(frame: np.ndarray, heat: np.ndarray, *, opacity: float = 0.5, colormap: str = "inferno") -> np.ndarray:
    """uint8 RGB frame (H, W, 3) with the heat blended over it; `heat` float (H, W) in [0, 1]."""
    if frame.ndim != 3 or frame.shape[2] != 3 or heat.shape != frame.shape[:2]:
        raise ValueError(f"heat {heat.shape} must cover the frame {frame.shape[:2]}")
    alpha = (float(np.clip(opacity, 0.0, 1.0)) * np.clip(np.nan_to_num(heat), 0.0, 1.0))[..., None]
    blended = frame.astype(np.float32) * (1.0 - alpha) + colorize(heat, colormap).astype(np.float32) * alpha
    return (blended + 0.5).astype(np.uint8)


def fit_within(rgb: np.ndarray, max_side: int) -> np.ndarray:
    """Scaled down (area interpolation) so that its longer side is at most `max_side`."""
    import cv2

    h, w = rgb.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1.0:
        return rgb
    return cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def write_png(path: Path, rgb: np.ndarray) -> Path:
    from PIL import Image

    with atomic_path(Path(path), suffix=".png") as tmp:
        Image.fromarray(np.ascontiguousarray(rgb, np.uint8), "RGB").save(tmp, format="PNG")
    return Path(path)


def write_gif(path: Path, frames: Sequence[np.ndarray], *, fps: float = 8.0) -> Path:
    """Animated GIF, looping, one palette per frame."""
    from PIL import Image

    if not frames:
        raise ValueError("an animated GIF needs at least one frame")
    images = [Image.fromarray(np.ascontiguousarray(f, np.uint8), "RGB") for f in frames]
    with atomic_path(Path(path), suffix=".gif") as tmp:
        images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:],
                       duration=max(20, round(1000.0 / fps)), loop=0)
    return Path(path)
