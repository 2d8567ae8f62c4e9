"""One decoding thread per camera; the newest request wins (SLEAP's frame loader, without its queue).

`FrameLoader.request(i)` only stores `i` in a one-slot mailbox guarded by a mutex and wakes the thread.
While a decode runs, newer requests overwrite the slot, so scrubbing decodes at most the frame being
decoded plus the newest one — never a queue of stale frames. Each decoded frame is emitted as a
`DecodedFrame` whose `QImage` wraps the reader's RGB buffer without a copy (the frame keeps the array alive).
Stopping is cooperative: `requestInterruption()`, wake, bounded `wait()`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QDeadlineTimer, QMutex, QMutexLocker, QThread, QWaitCondition, Signal
from PySide6.QtGui import QImage

STOP_WAIT_MS = 2000
IDLE_WAIT_MS = 200


class FrameReader(Protocol):
    """What the loader needs from `fshd_studio.io.video.VideoReader`."""

    def frame(self, index: int) -> np.ndarray: ...


ReaderOpener = Callable[[Path], Any]


def default_opener(path: Path) -> Any:
    from fshd_studio.io.video import open_video  # noqa: PLC0415 - decoder libraries load on the worker thread

    return open_video(path)


@dataclass(frozen=True)
class DecodedFrame:
    """A decoded frame: `image` shares memory with `pixels`, which this object keeps alive."""

    camera_id: str
    index: int
    image: QImage
    pixels: np.ndarray = field(repr=False)
    decode_ms: float = 0.0


def rgb_to_qimage(rgb: np.ndarray) -> tuple[QImage, np.ndarray]:
    """Wrap an HxWx3 uint8 RGB array in a QImage without copying; returns the image and the buffer it uses."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an HxWx3 uint8 RGB frame, got {rgb.shape} {rgb.dtype}")
    buf = np.ascontiguousarray(rgb)
    h, w, _ = buf.shape
    image = QImage(buf.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return image, buf


class FrameLoader(QThread):
    """Decodes frames of one camera's video on its own thread; emits `frame_ready` for the newest request."""

    frame_ready = Signal(object)  # DecodedFrame
    failed = Signal(str, str)  # camera_id, message

    def __init__(self, camera_id: str, video: Path, opener: ReaderOpener | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.camera_id = camera_id
        self.video = Path(video)
        self._opener = opener or default_opener
        self._mutex = QMutex()
        self._wake = QWaitCondition()
        self._pending: int | None = None
        self._last: DecodedFrame | None = None
        self.requests = 0  # for tests and benchmarks: how many requests arrived
        self.decodes = 0  # and how many frames were actually decoded
        self.setObjectName(f"FrameLoader-{camera_id}")

    # -- GUI thread -----------------------------------------------------------------------------------
    def request(self, index: int) -> None:
        """Ask for frame `index`; replaces any request not yet started. Starts the thread on first use."""
        with QMutexLocker(self._mutex):
            self._pending = int(index)
            self.requests += 1
            self._wake.wakeOne()
        if not self.isRunning() and not self.isFinished():
            self.start()

    def stop(self, timeout_ms: int = STOP_WAIT_MS) -> bool:
        """Cooperative stop: interrupt, wake, wait at most `timeout_ms`. True when the thread has ended."""
        if not self.isRunning():
            return True
        self.requestInterruption()
        with QMutexLocker(self._mutex):
            self._wake.wakeAll()
        return self.wait(QDeadlineTimer(timeout_ms))

    # -- worker thread --------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            reader = self._opener(self.video)
        except Exception as exc:  # noqa: BLE001 - any decoder failure becomes a message in the view
            self.failed.emit(self.camera_id, f"cannot open {self.video.name}: {exc}")
            return
        try:
            while not self.isInterruptionRequested():
                index = self._take()
                if index is None:
                    continue
                self._decode(reader, index)
        finally:
            close = getattr(reader, "close", None)
            if callable(close):
                close()

    def _take(self) -> int | None:
        with QMutexLocker(self._mutex):
            if self._pending is None and not self.isInterruptionRequested():
                self._wake.wait(self._mutex, QDeadlineTimer(IDLE_WAIT_MS))
            index, self._pending = self._pending, None
        return index

    def _decode(self, reader: Any, index: int) -> None:
        last = self._last
        if last is not None and last.index == index:
            self.frame_ready.emit(last)
            return
        t0 = time.perf_counter()
        try:
            rgb = reader.frame(index)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(self.camera_id, f"cannot decode frame {index} of {self.video.name}: {exc}")
            return
        image, buf = rgb_to_qimage(rgb)
        self.decodes += 1
        frame = DecodedFrame(self.camera_id, index, image, buf, (time.perf_counter() - t0) * 1000.0)
        self._last = frame
        self.frame_ready.emit(frame)
