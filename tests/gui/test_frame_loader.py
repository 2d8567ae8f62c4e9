"""The frame loader decodes only the newest request, and the camera view paints exactly the frame it names."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from fshd_studio.gui.media.camera_view import CameraView
from fshd_studio.gui.media.frame_loader import FrameLoader, rgb_to_qimage
from tests.gui.media_doubles import make_controller, reader_for

VIDEOS = ["pyfeat_single_face.mp4", "pyfeat_noface_face.mov"]  # h264 CFR 30 fps; HEVC variable frame rate


def painted_rgb(view: CameraView) -> np.ndarray:
    img = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3)


def test_rgb_to_qimage_shares_the_buffer() -> None:
    rgb = np.zeros((4, 5, 3), np.uint8)
    rgb[1, 2] = (10, 20, 30)
    image, buf = rgb_to_qimage(rgb)
    assert (image.width(), image.height()) == (5, 4)
    assert image.pixelColor(2, 1).getRgb()[:3] == (10, 20, 30)
    buf[1, 2] = (1, 2, 3)  # no copy: the image sees the change
    assert image.pixelColor(2, 1).getRgb()[:3] == (1, 2, 3)


def test_newest_request_wins(qtbot, external) -> None:
    video = external / "video" / VIDEOS[0]
    loader = FrameLoader("cam", video, opener=reader_for)
    got: list[int] = []
    loader.frame_ready.connect(lambda f: got.append(f.index))
    try:
        for i in range(50):
            loader.request(i)
        qtbot.waitUntil(lambda: bool(got) and got[-1] == 49, timeout=10_000)
        qtbot.wait(150)  # nothing stale may arrive after the newest frame
        assert loader.requests == 50
        assert loader.decodes <= 5, f"{loader.decodes} decodes for 50 requests: stale requests were queued"
        assert loader.read_aheads <= 2 * 2  # read-ahead only after a quiet moment, at most 2 frames past each
        assert got[-1] == 49 and got.count(49) == 1
    finally:
        assert loader.stop()
    assert not loader.isRunning()


def test_scrubbing_view_paints_the_last_requested_frame(qtbot, external) -> None:
    ctl = make_controller({"A": external / "video" / VIDEOS[0]})
    view = CameraView(ctl, "A", opener=reader_for)
    qtbot.addWidget(view)
    try:
        tb = ctl.timebase("A")
        for i in range(50):
            ctl.set_playhead(tb.time_of(i + 10))
        qtbot.waitUntil(lambda: view.shown_index == 59, timeout=10_000)
        qtbot.wait(150)
        assert view.shown_index == 59
        assert view.loader.requests <= 51 and view.loader.decodes <= 6 and view.loader.read_aheads <= 8
    finally:
        view.shutdown()


@pytest.mark.parametrize("name", VIDEOS)
def test_frame_shown_is_frame_named(qtbot, external, name) -> None:
    video = external / "video" / name
    ctl = make_controller({"A": video})
    reference = reader_for(video)
    w, h = reference.info.width, reference.info.height
    view = CameraView(ctl, "A", opener=reader_for)
    qtbot.addWidget(view)
    view.resize(w, h)  # no scaling: painted pixels equal decoded pixels
    try:
        tb = ctl.timebase("A")
        for target in (37, 12):
            ctl.set_playhead(tb.time_of(target) + 0.3 * tb.frame_period_ms)
            qtbot.waitUntil(lambda t=target: view.shown_index == t, timeout=10_000)
            lower = painted_rgb(view)[h // 2:].astype(int)  # the overlay sits top left
            diffs = {i: float(np.abs(lower - reference.frame(i)[h // 2:].astype(int)).mean())
                     for i in (target - 1, target, target + 1)}
            assert diffs[target] < 0.2, diffs
            assert diffs[target] < min(diffs[target - 1], diffs[target + 1]) / 2, diffs
    finally:
        view.shutdown()


def test_missing_video_shows_relocate(qtbot, tmp_path) -> None:
    ctl = make_controller({"A": tmp_path / "gone.mp4"})
    view = CameraView(ctl, "A", opener=reader_for)
    qtbot.addWidget(view)
    asked = []
    view.relocate_requested.connect(asked.append)
    assert view.loader is None
    assert "video missing" in "\n".join(view._overlay_lines())
    view._relocate.click()
    assert asked == ["A"]


def test_frames_arrive_scaled_for_the_view(qtbot, external) -> None:
    video = external / "video" / VIDEOS[0]  # 640×360
    ctl = make_controller({"A": video})
    view = CameraView(ctl, "A", opener=reader_for)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    try:
        ctl.set_playhead(500.0)
        qtbot.waitUntil(lambda: view.shown_frame is not None and view.shown_frame.image.width() == 400, timeout=10_000)
        frame = view.shown_frame
        assert (frame.image.width(), frame.image.height()) == (400, 225)  # fitted, aspect kept
        assert (frame.source_size.width(), frame.source_size.height()) == (640, 360)
        assert view.image_rect().size() == frame.image.size()  # painted 1:1, no scaling on the GUI thread
        view.resize(320, 300)
        qtbot.waitUntil(lambda: view.shown_frame.image.width() == 320, timeout=10_000)
        assert view.shown_index == frame.index
    finally:
        view.shutdown()
