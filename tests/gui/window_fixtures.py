"""A small two-camera project for the main-window tests: two short synthetic videos (25 and 30 fps),
a second-camera offset, and a few segments in different states (done, too short, overlapping)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fshd_studio.core.session import Camera, Segment, SegmentStatus, Session, Span
from fshd_studio.io.project import save_project
from fshd_studio.io.protocol_file import load_protocol

SECONDS = 24.0
OFFSET_MS = 400.0


def write_video(path: Path, fps: int, seconds: float, hue: int) -> None:
    import av

    n = int(fps * seconds)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.options = {"preset": "ultrafast", "g": str(fps)}
        yy, xx = np.mgrid[0:240, 0:320]
        for i in range(n):
            img = np.empty((240, 320, 3), np.uint8)
            img[..., 0] = (xx + i * 3) % 256
            img[..., 1] = hue
            img[..., 2] = (yy + 2 * i) % 256
            x = int(20 + (i % fps) * (280 / fps))
            img[100:140, x:x + 20] = 255  # a white block that moves within each second
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def make_project(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    left, right = folder / "left.mp4", folder / "right.mp4"
    if not left.is_file():
        write_video(left, 25, SECONDS, 90)
    if not right.is_file():
        write_video(right, 30, SECONDS, 170)
    session = Session(
        patient_id="FSHD-0042", visit_date="2026-11-24", protocol=load_protocol("fshd-15", folder),
        cameras=[Camera("left", left, 0.0, "Left"), Camera("right", right, OFFSET_MS, "Right")],
        segments={
            1: Segment(1, Span(1000.0, 12000.0), SegmentStatus.CONFIRMED),
            2: Segment(2, Span(12520.0, 15000.0)),  # 2.5 s: too short for 256 frames
            3: Segment(3, Span(15520.0, 20000.0)),
            4: Segment(4, Span(19000.0, 23000.0)),  # overlaps 3
        },
    )
    path = folder / "visit.fshd.json"
    save_project(session, path)
    return path


@pytest.fixture(scope="session")
def window_project_src(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("window_src"))


@pytest.fixture
def window_project(window_project_src: Path, tmp_path: Path) -> Path:
    """A fresh copy per test (the videos are linked, the project file copied)."""
    import shutil

    for name in ("left.mp4", "right.mp4"):
        (tmp_path / name).symlink_to(window_project_src.parent / name)
    dst = tmp_path / "visit.fshd.json"
    shutil.copy(window_project_src, dst)
    return dst


class ScriptedPrompts:
    """Stands in for dialogs.Prompts: answers from attributes, every question logged."""

    def __init__(self) -> None:
        from fshd_studio.gui.dialogs import SaveChoice

        self.asked: list[tuple[str, tuple]] = []
        self.save_choice = SaveChoice.CANCEL
        self.recover_answer = True
        self.relocate_to: Path | None = None
        self.tier: str | None = None
        self.confirm_answer = True
        self.camera: str | None = None
        self.open_path: Path | None = None
        self.save_path: Path | None = None
        self.new_session_answer = None  # a NewSession; None: OK on the pre-filled draft (patient FSHD-0001)
        self.properties_answer = None  # a SessionProperties; None: Cancel
        self.preferences_answer = None  # a Preferences; None: Cancel

    def _log(self, name: str, *args) -> None:
        self.asked.append((name, args))

    def names(self) -> list[str]:
        return [n for n, _ in self.asked]

    def open_project(self, *a):
        self._log("open_project", *a)
        return self.open_path

    def save_project_as(self, *a):
        self._log("save_project_as", *a)
        return self.save_path

    def open_eaf(self, *a):
        self._log("open_eaf", *a)
        return self.open_path

    def save_eaf(self, *a):
        self._log("save_eaf", *a)
        return self.save_path

    def save_changes(self, *a):
        self._log("save_changes", *a)
        return self.save_choice

    def recover(self, *a):
        self._log("recover", *a)
        return self.recover_answer

    def relocate(self, *a):
        self._log("relocate", *a)
        return self.relocate_to

    def pick_camera(self, *a):
        self._log("pick_camera", *a)
        return self.camera

    def pick_tier(self, candidates, eaf, reason=""):
        self._log("pick_tier", candidates, eaf)
        return self.tier

    def confirm_import(self, eaf, tier, changes):
        self._log("confirm_import", eaf, tier, changes)
        return self.confirm_answer

    def confirm_sync(self, session, estimate):
        self._log("confirm_sync", session, estimate)
        return self.confirm_answer

    def error(self, *a):
        self._log("error", *a)

    def info(self, *a):
        self._log("info", *a)

    def new_session(self, draft, start_dir):
        self._log("new_session", draft, start_dir)
        from dataclasses import replace

        return self.new_session_answer or replace(draft, patient_id=draft.patient_id or "FSHD-0001")

    def session_properties(self, props, videos):
        self._log("session_properties", props, videos)
        return self.properties_answer

    def preferences(self, prefs):
        self._log("preferences", prefs)
        return self.preferences_answer


@pytest.fixture
def app_settings(tmp_path, monkeypatch):
    """QSettings and QStandardPaths pointed at tmp folders (never the user's own)."""
    from PySide6.QtCore import QStandardPaths

    from fshd_studio.gui.settings import ENV_DIR

    folder = tmp_path / "settings"
    monkeypatch.setenv(ENV_DIR, str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    QStandardPaths.setTestModeEnabled(True)
    return folder


def wait_frames(qtbot, window, timeout: int = 10000) -> None:
    """Until both camera views show the frame the playhead asks for."""
    def painted() -> bool:
        views = window.media.views
        return bool(views) and all(v.shown_index is not None and v.shown_index == v.wanted_index
                                   for v in views.values())
    qtbot.waitUntil(painted, timeout=timeout)


def open_window(qtbot, project: Path | None, autosave_s: float = 0.2):
    from PySide6.QtWidgets import QApplication

    from fshd_studio.gui.main_window import MainWindow
    from tests.gui.media_doubles import reader_for

    w = MainWindow(autosave_s=autosave_s, restore_layout=False, video_opener=reader_for)
    w.motion.enabled = False  # the motion lane's face tracking runs only in the tests about it
    w.prompts = ScriptedPrompts()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.ensure_workspace()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=3000)  # keys go to the active window
    if project is not None:
        open_and_wait(qtbot, w, project)
        if all(c.video.is_file() for c in w.controller.session.cameras):
            wait_frames(qtbot, w)
    return w


@pytest.fixture
def main_window(qtbot, window_project, app_settings):
    w = open_window(qtbot, window_project)
    yield w
    from fshd_studio.gui.dialogs import SaveChoice

    w.prompts.save_choice = SaveChoice.DISCARD  # tear-down closes the window without a question
    w.close()


def open_and_wait(qtbot, w, project) -> None:
    """File → Open as the user does it: the project is read at once, its videos are indexed by a job."""
    with qtbot.waitSignal(w.project_opened, timeout=30000):
        assert w.open_project(project)
