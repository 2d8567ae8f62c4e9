"""Video probe and frame-exact decode, by frame index and by time.

Backend: PyAV for every file. OpenCV's CAP_PROP_POS_FRAMES seek was measured to return the wrong frame on the
corpus's HEVC variable-frame-rate .mov (4 of 5 probes); PyAV decodes it with its real timestamps, and matching
decoded frames to an index by their pts (not by counting) keeps every codec exact. One backend means one
behaviour to test.

Frame index i is the i-th frame in presentation order. The pts index comes from demuxing packets only
(no decoding) and is cached per (path, size, mtime).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from fshd_studio.core.errors import VideoError
from fshd_studio.core.timebase import Timebase

_LRU_FRAMES = 16


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    codec: str
    width: int  # display size, after rotation
    height: int
    fps: float  # average
    frame_count: int
    duration_ms: float
    rotation: int  # degrees counter-clockwise applied for display (0, 90, 180, 270)
    variable_frame_rate: bool
    backend: str


@dataclass(frozen=True)
class _Index:
    pts: np.ndarray  # int64 stream ticks, presentation order
    keyframe: np.ndarray  # bool per frame: a seek can land here
    time_base: float  # seconds per tick
    codec: str
    coded_width: int
    coded_height: int
    rotation: int


_INDEX_CACHE: dict[tuple[str, int, int], _Index] = {}


def _fail(path: Path, why: str) -> VideoError:
    return VideoError(f"video {path} cannot be read: {why}; check that the file is a complete video "
                      "(re-export or re-copy it) or relocate the camera to another file")


def _open(path: Path) -> Any:
    import av

    if not path.is_file():
        raise VideoError(f"video {path} does not exist; relocate the camera to the right file")
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise _fail(path, f"not a video file ({exc})") from exc
    if not container.streams.video:
        container.close()
        raise _fail(path, "it has no video stream")
    return container


def _build_index(path: Path) -> _Index:
    import av

    container = _open(path)
    try:
        stream = container.streams.video[0]
        pts, key = [], []
        try:
            for packet in container.demux(stream):
                if packet.pts is None or packet.size == 0 or packet.is_discard:
                    continue  # discarded packets (edit lists) never reach the screen
                pts.append(packet.pts)
                key.append(bool(packet.is_keyframe))
        except av.error.FFmpegError as exc:
            if not pts:
                raise _fail(path, f"its data is damaged ({exc})") from exc
        if not pts:
            raise _fail(path, "it contains no video frames")
        order = np.argsort(np.asarray(pts, dtype=np.int64), kind="stable")
        pts_arr = np.asarray(pts, dtype=np.int64)[order]
        key_arr = np.asarray(key, dtype=bool)[order]
        key_arr[0] = True
        rotation = _first_frame_rotation(container, path)
        cc = stream.codec_context
        return _Index(pts_arr, key_arr, float(stream.time_base), cc.name, cc.width, cc.height, rotation)
    finally:
        container.close()


def _first_frame_rotation(container: Any, path: Path) -> int:
    import av

    stream = container.streams.video[0]
    try:
        container.seek(0, stream=stream)
        frame = next(container.decode(stream))
    except (av.error.FFmpegError, StopIteration) as exc:
        raise _fail(path, f"its first frame does not decode ({exc})") from exc
    rot = int(round(getattr(frame, "rotation", 0) or 0)) % 360
    return rot if rot in (0, 90, 180, 270) else 0


def _index(path: Path) -> _Index:
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise VideoError(f"video {path} does not exist; relocate the camera to the right file") from None
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _INDEX_CACHE:
        _INDEX_CACHE[key] = _build_index(path)
    return _INDEX_CACHE[key]


def _info(path: Path, idx: _Index, tb: Timebase) -> VideoInfo:
    w, h = idx.coded_width, idx.coded_height
    if idx.rotation in (90, 270):
        w, h = h, w
    return VideoInfo(Path(path), idx.codec, w, h, tb.fps, tb.frame_count, tb.duration_ms, idx.rotation,
                     tb.is_variable, "pyav")


def _timebase(idx: _Index) -> Timebase:
    return Timebase((idx.pts - idx.pts[0]).astype(np.float64) * idx.time_base * 1000.0)


def probe(path: Path) -> VideoInfo:
    idx = _index(Path(path))
    return _info(Path(path), idx, _timebase(idx))


def _to_rgb(frame: Any, rotation: int) -> np.ndarray:
    arr = frame.to_ndarray(format="rgb24")
    if rotation:
        arr = np.ascontiguousarray(np.rot90(arr, k=rotation // 90))
    return arr


class VideoReader:
    """Frame-exact reader of one video. One per thread: not thread-safe."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._idx = _index(self.path)
        self.timebase = _timebase(self._idx)
        self.info = _info(self.path, self._idx, self.timebase)
        self._container: Any = None
        self._decoder: Iterator[Any] | None = None
        self._last = -1  # index of the last frame the decoder produced
        self._lru: OrderedDict[int, np.ndarray] = OrderedDict()
        self._key_positions = np.flatnonzero(self._idx.keyframe)

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
        self._container, self._decoder, self._last = None, None, -1

    def _keyframe_before(self, index: int) -> int:
        pos = int(np.searchsorted(self._key_positions, index, side="right")) - 1
        return int(self._key_positions[max(pos, 0)])

    def _index_of(self, frame: Any) -> int:
        if frame.pts is None:
            return self._last + 1
        i = int(np.searchsorted(self._idx.pts, frame.pts))
        return i if i < self.info.frame_count and self._idx.pts[i] == frame.pts else -1

    def _seek(self, index: int) -> None:
        if self._container is None:
            self._container = _open(self.path)
        stream = self._container.streams.video[0]
        target = int(self._idx.pts[self._keyframe_before(index)])
        self._container.seek(target, stream=stream, backward=True, any_frame=False)
        self._decoder = self._container.decode(stream)
        self._last = -1

    def frame(self, index: int) -> np.ndarray:
        """RGB uint8 (H, W, 3) of frame `index` (presentation order), exactly."""
        n = self.info.frame_count
        if not 0 <= index < n:
            raise IndexError(f"frame {index} is outside {self.path.name} (0–{n - 1})")
        if index in self._lru:
            self._lru.move_to_end(index)
            return self._lru[index]
        forward_ok = self._decoder is not None and self._last < index and self._keyframe_before(index) <= self._last
        if not forward_ok:
            self._seek(index)
        for attempt in range(2):
            found = self._decode_until(index)
            if found is not None:
                return found
            self._seek(max(0, self._keyframe_before(index) - 1) if attempt == 0 else 0)
        raise _fail(self.path, f"frame {index} could not be decoded")

    def _decode_until(self, index: int) -> np.ndarray | None:
        import av

        assert self._decoder is not None
        try:
            for frame in self._decoder:
                i = self._index_of(frame)
                if i < 0:
                    continue
                self._last = i
                if i >= index - 1:  # keep the neighbour too: stepping back by one stays cheap
                    self._remember(i, _to_rgb(frame, self.info.rotation))
                if i == index:
                    return self._lru[index]
                if i > index:  # seek landed past the target: caller seeks earlier
                    return None
        except av.error.FFmpegError as exc:
            raise _fail(self.path, f"decoding stopped near frame {index} ({exc})") from exc
        self._decoder = None
        return None

    def _remember(self, index: int, rgb: np.ndarray) -> None:
        self._lru[index] = rgb
        self._lru.move_to_end(index)
        while len(self._lru) > _LRU_FRAMES:
            self._lru.popitem(last=False)

    def frame_at_ms(self, ms: float) -> tuple[int, np.ndarray]:
        """The frame on screen at video time `ms` (from the first frame), with its index."""
        i = self.timebase.frame_at(ms)
        return i, self.frame(i)

    def iter_frames(self, start: int = 0, stop: int | None = None, step: int = 1) -> Iterator[tuple[int, np.ndarray]]:
        """Sequential decode of frames start, start+step, ... < stop, on its own decoder (threaded)."""
        import av

        stop = self.info.frame_count if stop is None else min(stop, self.info.frame_count)
        if start >= stop:
            return
        container = _open(self.path)
        try:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            if start > 0:
                container.seek(int(self._idx.pts[self._keyframe_before(start)]), stream=stream, backward=True)
            for frame in container.decode(stream):
                i = self._index_of(frame)
                if i < start or (i - start) % step:
                    continue
                if i >= stop:
                    break
                yield i, _to_rgb(frame, self.info.rotation)
        except av.error.FFmpegError as exc:
            raise _fail(self.path, f"decoding stopped ({exc})") from exc
        finally:
            container.close()


def open_video(path: Path) -> VideoReader:
    return VideoReader(Path(path))


def video_fingerprint(path: Path) -> str:
    """Content hash for caches: file size and the first and last MiB (fast on long recordings)."""
    path = Path(path)
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    chunk = 1 << 20
    with open(path, "rb") as fh:
        h.update(fh.read(chunk))
        if size > chunk:
            fh.seek(max(chunk, size - chunk))
            h.update(fh.read(chunk))
    return h.hexdigest()


def remove_index_cache() -> None:
    """Forget cached pts indexes (tests; a relocated or rewritten file is re-indexed anyway)."""
    _INDEX_CACHE.clear()


__all__ = ["VideoInfo", "VideoReader", "open_video", "probe", "video_fingerprint"]
