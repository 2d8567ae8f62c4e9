"""The heatmap overlay: it paints the heat on the camera pixels `HeatmapSet.camera_heat` names (the same
mapping as the exported PNG/GIF), follows the opacity and the on/off toggle, is computed through the
window's job runner for the selected exercise, and exports PNG and GIF files."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QImage, QPainter

from fshd_studio.gui.results import heatmap as heatmap_mod
from fshd_studio.gui.results.heatmap import CameraHeat, HeatmapOverlay
from fshd_studio.inference import attention

MAP = attention.MAP_SIZE
CAM_W, CAM_H = 320, 240


def hot_spot_set(video=None, frames=(10, 12, 14)) -> object:
    """Heat only in a block of the map; the map lands on camera pixels x 100–212, y 40–152 (scale 2)."""
    maps = np.zeros((len(frames), MAP, MAP), np.float32)
    maps[:, 5:15, 30:45] = 1.0
    to_camera = np.tile(np.array([[2.0, 0.0, 100.0], [0.0, 2.0, 40.0]], np.float32), (len(frames), 1, 1))
    return attention.HeatmapSet(3, "left", "test", np.asarray(frames, np.int64), maps, to_camera,
                                np.zeros((1, 1, 1, 1), np.float32), video)


def camera_heat_of(hs) -> CameraHeat:
    from fshd_studio.io.report.overlay import colorize

    rgba = np.concatenate([np.stack([colorize(m) for m in hs.maps]),
                           (hs.maps * 255).astype(np.uint8)[..., None]], axis=-1)
    return CameraHeat(hs, rgba, np.zeros((8, 8, 3), np.uint8))


def painted_alpha(overlay: HeatmapOverlay, frame_index: int) -> np.ndarray:
    """Paint the overlay over a black camera frame drawn 1:1; return where it added light."""
    img = QImage(CAM_W, CAM_H, QImage.Format.Format_RGB888)
    img.fill(QColor(0, 0, 0))
    view = SimpleNamespace(camera_id="left", shown_frame=SimpleNamespace(index=frame_index,
                                                                         source_size=QSize(CAM_W, CAM_H)),
                           image_rect=lambda: QRect(0, 0, CAM_W, CAM_H))
    p = QPainter(img)
    overlay.paint(p, view)
    p.end()
    buf = np.frombuffer(img.constBits(), np.uint8, count=img.bytesPerLine() * CAM_H).reshape(CAM_H, -1)
    return buf[:, : CAM_W * 3].reshape(CAM_H, CAM_W, 3).max(axis=2).astype(np.float32)


def test_overlay_lights_up_the_camera_pixels_of_the_heat(main_window) -> None:
    ov = main_window.results.heatmaps
    hs = hot_spot_set()
    ov.heat = {"left": camera_heat_of(hs)}
    ov.enabled, ov.opacity = True, 1.0
    lit = painted_alpha(ov, 12) > 40
    ref = hs.camera_heat(12, (CAM_H, CAM_W)) > 0.5  # cv2's warp of the same map: the exported images' mapping
    assert lit.sum() > 100 and ref.sum() > 100
    ys, xs = np.nonzero(lit)
    ry, rx = np.nonzero(ref)
    assert abs(xs.mean() - rx.mean()) < 2.0 and abs(ys.mean() - ry.mean()) < 2.0
    assert (lit & ref).sum() / (lit | ref).sum() > 0.8
    assert lit[:, :90].sum() == 0 and lit[170:, :].sum() == 0  # nothing outside
    # opacity dims it, the toggle removes it, a frame the model never saw gets none
    ov.opacity = 0.3
    assert 0 < painted_alpha(ov, 12).max() < 0.5 * 255
    ov.enabled = False
    assert painted_alpha(ov, 12).max() == 0
    ov.enabled = True
    assert painted_alpha(ov, 500).max() == 0


def test_toggle_computes_the_selected_exercise_on_the_job_runner(main_window, qtbot, monkeypatch) -> None:
    from tests.gui.test_results_panel import made_results

    w = main_window
    calls = []

    def fake_compute(pre, exercise_id, cameras, model_dir, report, cancel):
        calls.append((exercise_id, tuple(cameras)))
        return {cam: camera_heat_of(hot_spot_set()) for cam in cameras}

    monkeypatch.setattr(heatmap_mod, "compute_heat", fake_compute)
    st = w.results.state
    st.results = made_results(w.controller.session, model_exercises=(3,))
    st.changed.emit()
    controls = w.results.heatmap_controls
    w.controller.select(3)
    controls.toggle.setChecked(True)
    assert w.jobs.running(heatmap_mod.JOB_NAME)
    qtbot.waitUntil(lambda: bool(w.results.heatmaps.heat), timeout=10000)
    assert calls[-1] == (3, ("left", "right"))
    assert set(controls.stills) == {"left", "right"} and controls.png_button.isEnabled()
    assert all(v.frame_overlay == w.results.heatmaps.paint for v in w.media.views.values())
    w.controller.select(1)  # not scored by the model: no job, a message instead
    assert "no current score" in controls.text.text() and not w.results.heatmaps.heat
    # with the overlay off, a selection computes nothing until the heatmap tab is shown
    controls.toggle.setChecked(False)
    w.results.reveal()
    w.results.panel.tabs.setCurrentIndex(0)
    n = len(calls)
    w.controller.select(3)
    assert len(calls) == n and not w.jobs.running(heatmap_mod.JOB_NAME)
    w.results.panel.tabs.setCurrentWidget(controls)
    assert w.jobs.running(heatmap_mod.JOB_NAME)
    qtbot.waitUntil(lambda: len(calls) == n + 1 and bool(w.results.heatmaps.heat), timeout=10000)


def test_export_png_and_gif(main_window, qtbot, monkeypatch, tmp_path, window_project) -> None:
    from PIL import Image

    from fshd_studio.gui.results import heatmap_controls

    w = main_window
    ov = w.results.heatmaps
    video = window_project.parent / "left.mp4"
    ov.heat = {"left": camera_heat_of(hot_spot_set(video))}
    ov.exercise_id = 3
    out = tmp_path / "out" / "heat.png"
    out.parent.mkdir()
    monkeypatch.setattr(heatmap_controls, "ask_export_path", lambda *a: out)
    w.results.heatmap_controls.export("png")
    qtbot.waitUntil(lambda: out.is_file(), timeout=20000)
    assert Image.open(out).size == (CAM_W, CAM_H)
    gif = out.with_suffix(".gif")
    monkeypatch.setattr(heatmap_controls, "ask_export_path", lambda *a: gif)
    w.results.heatmap_controls.export("gif")
    qtbot.waitUntil(lambda: gif.is_file() and not w.jobs.running(), timeout=20000)
    assert Image.open(gif).n_frames == 3
