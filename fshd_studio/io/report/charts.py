"""The report's asymmetry plot as a PNG (numpy + cv2 drawing, no plotting library, no Qt).

One line per exercise, one bar per camera: the asymmetry index of the exercise's movement
(|right − left| / (right + left), 0 symmetric … 1 one side only), coloured by the weaker side (the patient's).
"""

from __future__ import annotations

import math

import numpy as np

from fshd_studio.io.report.content import ExerciseRow

SCALE = 2                      # drawn at twice the size shown, for a sharp print
WIDTH = 640
ROW = 22
LABEL_W = 190
COLOURS = {"right": (52, 101, 164), "left": (230, 126, 34), "": (150, 150, 150)}   # RGB
INK = (40, 40, 40)


def asymmetry_chart(rows: list[ExerciseRow], cameras: list[str]) -> np.ndarray:
    """uint8 RGB image of the asymmetry index per exercise × camera (rows without a measure are left empty)."""
    import cv2

    exercises = sorted({(r.exercise_id, r.exercise_name) for r in rows})
    top, bottom = 34, 46
    h = top + ROW * len(exercises) + bottom
    img = np.full((h * SCALE, WIDTH * SCALE, 3), 255, np.uint8)
    plot_w = WIDTH - LABEL_W - 60
    bar_h = (ROW - 6) / max(1, len(cameras))

    def text(s: str, x: float, y: float, size: float = 0.42, colour=INK) -> None:
        cv2.putText(img, s, (int(x * SCALE), int(y * SCALE)), cv2.FONT_HERSHEY_SIMPLEX, size * SCALE, colour,
                    max(1, SCALE // 2 + 0), cv2.LINE_AA)

    def rect(x0: float, y0: float, x1: float, y1: float, colour, fill: bool = True) -> None:
        cv2.rectangle(img, (int(x0 * SCALE), int(y0 * SCALE)), (int(x1 * SCALE), int(y1 * SCALE)), colour,
                      -1 if fill else 1, cv2.LINE_AA)

    text("Asymmetry index per exercise (0 = symmetric, 1 = one side only)", 8, 20, 0.48)
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = LABEL_W + tick * plot_w
        rect(x, top - 4, x, top + ROW * len(exercises), (220, 220, 220), fill=False)
        text(f"{tick:g}", x - 8, top + ROW * len(exercises) + 16, 0.38)
    by_key = {(r.exercise_id, r.camera_id): r for r in rows}
    for i, (ex, name) in enumerate(exercises):
        y = top + i * ROW
        text(f"{ex:02d} {name}"[:30], 8, y + ROW - 8)
        for j, cam in enumerate(cameras):
            r = by_key.get((ex, cam))
            a = r.asymmetry if r is not None else None
            if a is None or not math.isfinite(a.asymmetry_index):
                continue
            y0 = y + 3 + j * bar_h
            x1 = LABEL_W + min(1.0, max(0.0, a.asymmetry_index)) * plot_w
            rect(LABEL_W, y0, max(x1, LABEL_W + 1), y0 + bar_h - 1, COLOURS.get(a.weaker_side, COLOURS[""]))
            text(cam, x1 + 4, y0 + bar_h - 2, 0.32)
    ly = h - 12
    for k, (side, label) in enumerate((("right", "weaker: patient's right"), ("left", "weaker: patient's left"),
                                       ("", "no clear movement"))):
        x = 8 + k * 180
        rect(x, ly - 9, x + 12, ly + 1, COLOURS[side])
        text(label, x + 17, ly, 0.38)
    return img


def chart_width_px() -> int:
    """Width to show the chart at in the HTML (it is drawn at SCALE times that)."""
    return WIDTH
