"""Render the animated face for a camera: one remap per frame (expression warp + head motion together)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from fshd_studio.core.protocol import Exercise
from fshd_studio.demo.face import UPPER_LIDS, Face, astronaut_face
from fshd_studio.demo.motions import dense_field, displacement


@dataclass(frozen=True)
class CameraSpec:
    id: str
    label: str
    fps: float
    size: tuple[int, int]  # width, height (even)
    crop_width: float  # photo pixels across the view
    rotation_deg: float = 0.0
    shift: tuple[float, float] = (0.0, 0.0)  # view centre offset from the face centre, in IOD
    brightness: float = 1.0
    offset_ms: float = 0.0  # camera_ms = session_ms + offset_ms


def view_affine(face: Face, cam: CameraSpec) -> np.ndarray:
    """2x3 affine: photo pixel -> view pixel."""
    cx, cy = face.centre
    cx += cam.shift[0] * face.iod
    cy += cam.shift[1] * face.iod
    s = cam.size[0] / cam.crop_width
    a = math.radians(cam.rotation_deg)
    r = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]]) * s
    t = np.array([cam.size[0] / 2, cam.size[1] / 2]) - r @ np.array([cx, cy])
    return np.hstack([r, t[:, None]])


@dataclass
class View:
    """A camera's still image of the face and the warp fields of every movement, in its pixels."""

    base: np.ndarray
    landmarks: np.ndarray
    iod: float
    fields: dict[str, np.ndarray] = field(default_factory=dict)
    grid: tuple[np.ndarray, np.ndarray] | None = None


def make_view(cam: CameraSpec, exercises: tuple[Exercise, ...], weakness: float, weak_side: str) -> View:
    import cv2

    face = astronaut_face()
    a = view_affine(face, cam)
    base = cv2.warpAffine(face.image, a, cam.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    if cam.brightness != 1.0:
        base = np.clip(base.astype(np.float32) * cam.brightness, 0, 255).astype(np.uint8)
    pts = face.landmarks @ a[:, :2].T + a[:, 2]
    iod = face.iod * float(np.linalg.norm(a[:, 0]))
    view = View(base, pts, iod)
    rot = a[:, :2] / np.linalg.norm(a[:, 0])
    for ex in exercises:
        d = displacement(face, ex.code, ex.measure, weakness, weak_side) * iod @ rot.T
        view.fields[ex.code] = dense_field(pts, d, cam.size, sigma=0.22 * iod)
    blink = np.zeros_like(face.landmarks)
    lower_y = {159: 145, 158: 144, 157: 153, 160: 144, 161: 145, 386: 374, 385: 373, 384: 380, 387: 373, 388: 374}
    for i in UPPER_LIDS:
        blink[i] = (pts[lower_y[i]] - pts[i]) * 0.9
    view.fields["_blink"] = dense_field(pts, blink, cam.size, sigma=0.12 * iod)
    gx, gy = np.meshgrid(np.arange(cam.size[0], dtype=np.float32), np.arange(cam.size[1], dtype=np.float32))
    view.grid = (gx, gy)
    return view


@dataclass(frozen=True)
class Pose:
    """The face's state at one instant: which movement, how far, blink, head motion."""

    movement: str | None
    amount: float  # 0..1 of the movement's full amplitude
    blink: float  # 0..1
    head_dx: float  # IOD
    head_dy: float
    head_rot_deg: float


def render(view: View, pose: Pose) -> np.ndarray:
    import cv2

    assert view.grid is not None
    gx, gy = view.grid
    h, w = gx.shape
    a = math.radians(pose.head_rot_deg)
    c, s = math.cos(a), math.sin(a)
    cx, cy = w / 2, h / 2
    # inverse head motion: where each output pixel comes from in the still view
    ux, uy = gx - cx - pose.head_dx * view.iod, gy - cy - pose.head_dy * view.iod
    map_x = (c * ux + s * uy + cx).astype(np.float32)
    map_y = (-s * ux + c * uy + cy).astype(np.float32)
    if pose.movement and pose.amount > 1e-4:
        f = view.fields[pose.movement]
        map_x -= pose.amount * f[..., 0]
        map_y -= pose.amount * f[..., 1]
    if pose.blink > 1e-4:
        f = view.fields["_blink"]
        map_x -= pose.blink * f[..., 0]
        map_y -= pose.blink * f[..., 1]
    return cv2.remap(view.base, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def envelope(t: float, duration: float, ramp: float) -> float:
    """Smooth ramp up, hold, ramp down over [0, duration)."""
    if t <= 0 or t >= duration:
        return 0.0
    ramp = min(ramp, duration / 2)
    x = min(t / ramp, (duration - t) / ramp, 1.0)
    return x * x * (3 - 2 * x)


@lru_cache(maxsize=8)
def clip_view(size: tuple[int, int], code: str, measure: str, weakness: float, weak_side: str) -> View:
    face = astronaut_face()
    cam = CameraSpec("clip", "clip", 30.0, size, crop_width=face.iod * 2.6)
    ex = Exercise(0, code, code, code, "", "", (), measure)
    return make_view(cam, (ex,), weakness, weak_side)
