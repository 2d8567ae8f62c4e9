"""Attention heatmaps in the window: an overlay on the playing camera views (on/off, opacity) and a still
per camera for the selected exercise, computed on demand through the window's job runner from
`inference.attention` (rollout over every encoder layer, mapped back onto the camera frames).

The overlay paints each frame's small map (MAP_SIZE², RGBA: colour from the heat, alpha = heat) through the
frame's map → camera affine, scaled to where the camera view draws its frame: no per-frame warp on the GUI
thread, and the heat lands on the same camera pixels as `HeatmapSet.camera_heat` and the exported PNG/GIF.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QImage, QPainter, QTransform

from fshd_studio.core.progress import Progress

if TYPE_CHECKING:
    from fshd_studio.gui.jobs import Job
    from fshd_studio.gui.main_window import MainWindow
    from fshd_studio.gui.media.camera_view import CameraView
    from fshd_studio.gui.results.state import ResultsState

JOB_NAME = "Attention heatmaps"
STILL_SIDE = 320   # the still's longer side (the report's picture; the panel shows it smaller)


@dataclass
class CameraHeat:
    """One camera's heatmaps of one exercise, ready to paint."""

    heatmaps: Any                              # inference.attention.HeatmapSet
    rgba: np.ndarray = field(repr=False)       # (F, MAP_SIZE, MAP_SIZE, 4) uint8, alpha = heat
    still: np.ndarray = field(repr=False)      # uint8 RGB camera frame with its heatmap, longer side STILL_SIDE
    images: dict[int, QImage] = field(default_factory=dict, repr=False)

    def image(self, k: int) -> QImage:
        if k not in self.images:
            a = np.ascontiguousarray(self.rgba[k])
            self.images[k] = QImage(a.data, a.shape[1], a.shape[0], a.shape[1] * 4,
                                    QImage.Format.Format_RGBA8888).copy()
        return self.images[k]


def qt_affine(m: np.ndarray) -> QTransform:
    """cv2's 2×3 map px → camera px affine (pixel centres at integers) as a QTransform for QPainter (pixel
    centres at +0.5)."""
    a, b, c = (float(x) for x in m[0])
    d, e, f = (float(x) for x in m[1])
    return QTransform.fromTranslate(-0.5, -0.5) * QTransform(a, d, b, e, c, f) * QTransform.fromTranslate(0.5, 0.5)


def compute_heat(preprocessed: Path, exercise_id: int, camera_ids: list[str], model_dir: Path,
                 report: Any, cancel: threading.Event) -> dict[str, CameraHeat]:
    """Worker side: the rollout heatmaps of one exercise for each camera, coloured, with a still."""
    from fshd_studio.core.progress import check_cancel
    from fshd_studio.inference.attention import exercise_heatmaps, overlaid_frames
    from fshd_studio.io.report.overlay import colorize

    out = {}
    for i, cam in enumerate(camera_ids):
        check_cancel(cancel)
        report(Progress(f"heatmaps of exercise {exercise_id}, camera {cam}", i, len(camera_ids)))
        hs = exercise_heatmaps(preprocessed, exercise_id, cam, model_dir, cancel=cancel)
        rgba = np.concatenate([np.stack([colorize(m) for m in hs.maps]),
                               (np.clip(hs.maps, 0, 1) * 255 + 0.5).astype(np.uint8)[..., None]], axis=-1)
        [(_, still)] = overlaid_frames(hs, [hs.still_frame()], max_side=STILL_SIDE)
        out[cam] = CameraHeat(hs, rgba, still)
    report(Progress("heatmaps", len(camera_ids), len(camera_ids)))
    return out


class HeatmapOverlay(QObject):
    """The selected exercise's heatmaps: painted over the camera views when on, stills for the panel."""

    changed = Signal()          # new heatmaps, cleared, or a message
    message = Signal(str)

    def __init__(self, win: MainWindow, state: ResultsState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.win, self.state = win, state
        self.enabled = False
        self.shown = False
        self.opacity = 0.5
        self.exercise_id: int | None = None
        self.heat: dict[str, CameraHeat] = {}
        self.job: Job | None = None
        self.text = ""
        win.controller.selection_changed.connect(self._on_selection)
        win.controller.session_loaded.connect(self.clear)
        win.controller.segment_changed.connect(lambda ex: self.clear() if ex == self.exercise_id else None)
        state.changed.connect(self._on_results)

    # ---- controls -----------------------------------------------------------------------------------
    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        self._attach()
        if self.enabled and not self.heat:
            self.compute(self.win.controller.selected())
        self._repaint()

    def set_opacity(self, value: float) -> None:
        self.opacity = float(min(max(value, 0.0), 1.0))
        self._repaint()

    def clear(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None
        self.heat, self.exercise_id = {}, None
        self._say("")
        self._repaint()

    def compute(self, exercise_id: int) -> Job | None:
        """Start computing `exercise_id`'s heatmaps (both cameras) on the job runner."""
        from fshd_studio.io.results_file import cache_dir

        st, c = self.state, self.win.controller
        if exercise_id < 0 or c.session is None:
            self._say("Select a scored exercise to see where the model looked.")
            return None
        scored = [s.camera_id for s in st.scores().values() if s.exercise_id == exercise_id and s.scored]
        if not scored or st.running or c.project_path is None:
            self.heat, self.exercise_id = {}, exercise_id
            self._say(f"Exercise {exercise_id} has no current score to explain; score the session first."
                      if not st.running else "Heatmaps come when the scoring has finished.")
            self._repaint()
            return None
        if self.job is not None:
            self.job.cancel()
        pre, model_dir = cache_dir(c.project_path), st.model_dir
        self.exercise_id, self.heat = exercise_id, {}
        job = self.win.jobs.start(JOB_NAME, lambda report, cancel: compute_heat(pre, exercise_id, scored, model_dir,
                                                                                report, cancel),
                                  on_done=lambda heat: self._done(job, heat),
                                  on_error=lambda m: self._failed(job, m))
        self.job = job
        self._say(f"Computing the heatmaps of exercise {exercise_id}…")
        return job

    # ---- painting (the camera views' overlay hook) --------------------------------------------------
    def paint(self, p: QPainter, view: CameraView) -> None:
        ch = self.heat.get(view.camera_id)
        frame = view.shown_frame
        if not self.enabled or ch is None or frame is None or frame.source_size is None:
            return
        k = ch.heatmaps.nearest(frame.index)
        if k is None:
            return
        rect, src = QRectF(view.image_rect()), frame.source_size
        to_view = QTransform.fromScale(rect.width() / src.width(), rect.height() / src.height()) \
            * QTransform.fromTranslate(rect.x(), rect.y())
        p.save()
        p.setClipRect(rect)
        p.setOpacity(self.opacity)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.setTransform(qt_affine(ch.heatmaps.to_camera[k]) * to_view)
        p.drawImage(0, 0, ch.image(k))
        p.restore()

    # ---- reactions ----------------------------------------------------------------------------------
    def _attach(self) -> None:
        media = self.win._media  # the camera views exist only after the first paint
        for view in (media.views.values() if media is not None else ()):
            view.frame_overlay = self.paint

    def _repaint(self) -> None:
        self._attach()
        media = self.win._media
        for view in (media.views.values() if media is not None else ()):
            view.update()
        self.changed.emit()

    def set_shown(self, shown: bool) -> None:
        """The panel's heatmap tab is on screen (or not): its stills are wanted for the selected exercise."""
        self.shown = shown
        if shown:
            self._on_selection(self.win.controller.selected())

    def _on_selection(self, exercise_id: int) -> None:
        """Only when someone looks (overlay on or the heatmap tab shown): the rollout loads the model."""
        if exercise_id != self.exercise_id and (self.enabled or self.shown):
            self.compute(exercise_id)

    def _on_results(self) -> None:
        if self.exercise_id is not None and not self.heat and self.job is None and not self.state.running \
                and self.enabled:
            self.compute(self.exercise_id)

    def _done(self, job: Job, heat: dict[str, CameraHeat]) -> None:
        if job is self.job:
            self.job, self.heat = None, heat
            self._say(f"Where the model looked in exercise {self.exercise_id} (attention rollout over all layers; "
                      "bright = more attention)")
            self._repaint()

    def _failed(self, job: Job, message: str) -> None:
        if job is self.job:
            self.job = None
            self._say(f"No heatmaps: {message}")
            self._repaint()

    def _say(self, text: str) -> None:
        self.text = text
        self.message.emit(text)
