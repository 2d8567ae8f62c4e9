"""Media-view benchmarks; prints one JSON line per measurement.

frame_step: latency of one frame step with two synced cameras — from `step_frames(1)` to both cameras'
frames painted — divided by the raw decode of one frame of the same file (`VideoReader.frame(i)` for
consecutive i, on one thread, no Qt). Goal: ratio ≤ 1.2.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/frame_step.py [--video FILE] [--steps 60]

Both cameras read the same file (camera B 2 frames later), each on its own FrameLoader thread. Default
file: the shared HEVC variable-frame-rate 960×540 .mov. Three variants are printed:
  paced                a step every --pace-ms (a held arrow key): the latency a user sees  → "ratio"
  back_to_back         the next step as soon as both frames are painted: throughput when CPU-bound
  paced_no_read_ahead  paced, with the loader's read-ahead switched off: decode on the critical path
and, for playback at 1× and 2×, the share of due frames that both cameras painted (late ones are dropped).
A second JSON line (benchmarks/window_show.py) gives the time to show the main window compared with a bare
`python -c pass` (goal ≤ 10×); --skip-window leaves it out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VIDEO = REPO.parent / "shared" / "data" / "external" / "video" / "pyfeat_noface_face.mov"


def raw_decode_ms(video: Path, start: int, steps: int) -> list[float]:
    """Per-frame time of VideoReader.frame(i) for i = start+1 … start+steps (after a warm-up seek)."""
    from fshd_studio.io.video import open_video

    reader = open_video(video)
    reader.frame(start)
    times = []
    for i in range(start + 1, start + 1 + steps):
        t0 = time.perf_counter()
        reader.frame(i)
        times.append((time.perf_counter() - t0) * 1000.0)
    close = getattr(reader, "close", None)
    if callable(close):
        close()
    return times


def _controller(video: Path, offset_b_ms: float):
    """The app's SessionController on a two-camera session whose cameras both read `video`."""
    from fshd_studio.core.session import Camera, Session
    from fshd_studio.gui.controller import SessionController
    from fshd_studio.io.protocol_file import load_protocol

    cams = [Camera("A", video, 0.0, "A"), Camera("B", video, offset_b_ms, "B")]
    ctl = SessionController()
    ctl.set_session(Session("bench", "2026-01-01", load_protocol("fshd-15", REPO), cams), None)
    return ctl


def frame_step_ms(video: Path, start: int, steps: int, pace_ms: int) -> list[float]:
    """Per-step latency: step_frames(1) → both CameraViews have painted their new frame.

    pace_ms = 0 steps again as soon as both frames are painted (throughput under saturation); pace_ms > 0
    waits that long between steps, like a held arrow key (latency as the user sees it).
    """
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer

    from fshd_studio.gui.media import MediaPanel

    app = QCoreApplication.instance()
    ctl = _controller(video, 0.0)
    ctl.change_offset("B", 2 * ctl.timebase("A").frame_period_ms)
    panel = MediaPanel(ctl)
    panel.resize(1280, 520)
    panel.show()
    painted: dict[str, int] = {}
    loop = QEventLoop()

    def on_painted(cam: str, index: int) -> None:
        painted[cam] = index
        if len(painted) == 2:
            loop.quit()

    def wait(ms: int) -> None:
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    for view in panel.views.values():
        view.frame_painted.connect(on_painted)
    timeout = QTimer(singleShot=True, interval=10_000)
    timeout.timeout.connect(loop.quit)
    ctl.set_playhead(ctl.timebase("A").time_of(start))
    loop.exec()
    times = []
    for _ in range(steps):
        if pace_ms:
            wait(pace_ms)
        painted.clear()
        t0 = time.perf_counter()
        panel.step_frames(1)
        if len(painted) < 2:
            timeout.start()
            loop.exec()
            timeout.stop()
        times.append((time.perf_counter() - t0) * 1000.0)
        if len(painted) != 2:
            raise RuntimeError("a camera did not paint its frame within 10 s")
    panel.shutdown()
    panel.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return times


def playback_painted_share(video: Path, speed: float, seconds: float = 2.0) -> float:
    """Play both cameras at `speed` for `seconds`: painted frames / frames due (1.0 = none dropped)."""
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer

    from fshd_studio.gui.media import MediaPanel

    ctl = _controller(video, 0.0)
    panel = MediaPanel(ctl)
    panel.resize(1280, 520)
    panel.show()
    painted = {cam: 0 for cam in panel.views}
    for view in panel.views.values():
        view.frame_painted.connect(lambda cam, _i: painted.__setitem__(cam, painted[cam] + 1))
    loop = QEventLoop()
    tb = ctl.timebase("A")
    start = tb.time_of(10)
    ctl.set_playhead(start)
    QTimer.singleShot(300, loop.quit)
    loop.exec()
    painted.update({cam: 0 for cam in painted})
    panel.set_speed(speed)
    panel.toggle_play()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    panel.toggle_play()
    due = max(1, tb.frame_at(ctl.playhead_ms()) - tb.frame_at(start)) * len(painted)
    panel.shutdown()
    panel.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return sum(painted.values()) / due


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--video", type=Path, default=DEFAULT_VIDEO)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--start", type=int, default=30)
    ap.add_argument("--pace-ms", type=int, default=40, help="pause between paced steps (a held arrow key)")
    ap.add_argument("--skip-window", action="store_true", help="skip the window-show timing (window_show.py)")
    args = ap.parse_args(argv)
    if not args.video.is_file():
        print(f"error: video {args.video} not found; pass --video FILE", file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from fshd_studio.gui.media import frame_loader

    READ_AHEAD = frame_loader.READ_AHEAD  # noqa: N806 - the default, restored after the variants
    app = QApplication.instance() or QApplication([])  # noqa: F841 - alive for the whole run
    raw = statistics.median(raw_decode_ms(args.video, args.start, args.steps))
    result = {"benchmark": "frame_step", "video": args.video.name, "steps": args.steps, "cameras": 2,
              "raw_decode_ms_median": round(raw, 3)}
    variants = [("paced", args.pace_ms, frame_loader.READ_AHEAD), ("back_to_back", 0, frame_loader.READ_AHEAD),
                ("paced_no_read_ahead", args.pace_ms, 0)]
    for name, pace, ahead in variants:
        frame_loader.READ_AHEAD = ahead
        step = statistics.median(frame_step_ms(args.video, args.start, args.steps, pace))
        result[f"{name}_step_ms_median"] = round(step, 3)
        result[f"{name}_ratio"] = round(step / raw, 3)
    frame_loader.READ_AHEAD = READ_AHEAD
    for speed in (1.0, 2.0):  # frames painted / due while playing both cameras (dropped, never late)
        result[f"playback_{speed:g}x_painted_share"] = round(playback_painted_share(args.video, speed), 3)
    result |= {"ratio": result["paced_ratio"], "goal": 1.2, "pace_ms": args.pace_ms, "cpu_count": os.cpu_count()}
    print(json.dumps(result))
    if not args.skip_window:  # the second figure of the issue: time to show the window vs `python -c pass`
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from window_show import measure

        print(json.dumps(measure(runs=5)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
