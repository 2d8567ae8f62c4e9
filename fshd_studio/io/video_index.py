"""The presentation timestamps of every frame of a video, from demuxing packets only (no decoding),
and the decode loop the reader shares (non-reference skipping, damaged packets passed over).

Cached in memory per (path, size, mtime): the GUI's timebase loader, its frame loaders and preprocessing
open the same files, and a rewritten file is indexed again. One lock per file, so two threads asking for
the same index build it once.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from fshd_studio.core.errors import VideoError
from fshd_studio.core.timebase import Timebase

MAX_DAMAGED_RUN = 25  # damaged packets in a row before decoding gives up on the file
_CACHE_FILES = 64  # an index is ~9 bytes per frame: 64 long recordings are a few MB
_cache: OrderedDict[tuple[str, int, int], PtsIndex] = OrderedDict()
_cache_lock = threading.Lock()
_build_locks: dict[tuple[str, int, int], threading.Lock] = {}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PtsIndex:
    pts: np.ndarray  # int64 stream ticks of the displayed frames, presentation order, strictly increasing
    keyframe: np.ndarray  # bool per frame: decoding can start here
    time_base: float  # seconds per tick
    codec: str
    coded_width: int
    coded_height: int
    rotation: int  # degrees counter-clockwise to turn the decoded picture for display

    def __post_init__(self) -> None:
        for arr in (self.pts, self.keyframe):
            arr.flags.writeable = False  # shared by every reader of the file, across threads

    @property
    def frame_count(self) -> int:
        return int(self.pts.size)

    def timebase(self) -> Timebase:
        return Timebase((self.pts - self.pts[0]).astype(np.float64) * self.time_base * 1000.0)


def video_error(path: Path, why: str) -> VideoError:
    return VideoError(f"video {path} cannot be read: {why}; check that the file is a complete video "
                      "(copy it again from the camera or re-export it) or relocate the camera to another file")


def missing(path: Path) -> VideoError:
    return VideoError(f"video {path} does not exist; relocate the camera to the right file")


def open_container(path: Path) -> Any:
    """An open PyAV container with a video stream, or VideoError naming the file."""
    import av

    if not path.is_file():
        raise missing(path)
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, UnicodeDecodeError, ValueError) as exc:
        raise video_error(path, f"it is not a video file or its header is damaged ({exc})") from exc
    if not container.streams.video:
        container.close()
        raise video_error(path, "it has no video stream")
    fmt = container.format.name
    if fmt == "image2" or fmt.endswith("_pipe"):  # ffmpeg opens a still image as a one-frame "video"
        container.close()
        raise video_error(path, f"it is a still image ({fmt.removesuffix('_pipe')}), not a video")
    return container


def cached_index(path: Path) -> PtsIndex:
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise missing(path) from None
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        lock = _build_locks.setdefault(key, threading.Lock())
    with lock:  # a second thread asking for the same file waits for the first one's index
        with _cache_lock:
            if key in _cache:
                return _cache[key]
        try:
            index = build_index(path)
            with _cache_lock:
                _cache[key] = index
                while len(_cache) > _CACHE_FILES:
                    _cache.popitem(last=False)
        finally:
            with _cache_lock:
                _build_locks.pop(key, None)
    return index


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def build_index(path: Path) -> PtsIndex:
    container = open_container(path)
    try:
        stream = container.streams.video[0]
        pts, key, stored = _demux_pts(container, stream, path)
        declared = int(stream.frames or 0)
        if declared > stored:  # the sample table lists frames whose data is not in the file
            raise video_error(path, f"it is truncated (it declares {declared} frames, only {stored} are in "
                                    "the file)")
        pts_arr, key_arr = _presentation_order(pts, key)
        rotation = _first_frame_rotation(container, stream, path)
        cc = stream.codec_context
        return PtsIndex(pts_arr, key_arr, float(stream.time_base), cc.name, cc.width, cc.height, rotation)
    finally:
        container.close()


def _demux_pts(container: Any, stream: Any, path: Path) -> tuple[list[int], list[bool], int]:
    """pts and keyframe flag of every displayed frame, and the number of frames stored in the file."""
    import av

    pts: list[int] = []
    key: list[bool] = []
    stored = 0
    try:
        for packet in container.demux(stream):
            if packet.size == 0:
                continue  # the flush packet at the end
            stored += 1
            if packet.pts is None or packet.is_discard:
                continue  # discarded by the edit list (codec priming): never on screen
            pts.append(packet.pts)
            key.append(bool(packet.is_keyframe))
    except av.error.FFmpegError as exc:
        if not pts:
            raise video_error(path, f"its data is damaged ({exc})") from exc
    if not pts:
        raise video_error(path, "it contains no video frames with timestamps")
    return pts, key, stored


def _presentation_order(pts: list[int], key: list[bool]) -> tuple[np.ndarray, np.ndarray]:
    """Packets come in decode order (B-frames): sort by pts; a repeated pts (broken muxer) counts once."""
    pts_arr = np.asarray(pts, dtype=np.int64)
    key_arr = np.asarray(key, dtype=bool)
    order = np.argsort(pts_arr, kind="stable")
    pts_arr, key_arr = pts_arr[order], key_arr[order]
    first = np.ones(pts_arr.size, dtype=bool)
    first[1:] = np.diff(pts_arr) > 0
    pts_arr, key_arr = pts_arr[first], key_arr[first]
    key_arr[0] = True  # decoding from the start of the file always works
    return pts_arr, key_arr


def _first_frame_rotation(container: Any, stream: Any, path: Path) -> int:
    """Display rotation from the decoded first frame's display matrix; also proves the file decodes."""
    import av

    try:
        container.seek(0, stream=stream)
        frame = next(decode_packets(container, stream, lambda packet: False, path))
    except (av.error.FFmpegError, StopIteration) as exc:
        raise video_error(path, f"its first frame does not decode ({exc or 'no picture'})") from exc
    rot = int(round(getattr(frame, "rotation", 0) or 0)) % 360
    return rot if rot in (0, 90, 180, 270) else 0


def decode_packets(container: Any, stream: Any, skip: Callable[[Any], bool], path: Path) -> Iterator[Any]:
    """Decoded frames of `stream`. Packets where skip(packet) holds are decoded only if other frames
    reference them. A damaged packet is passed over, as players do (its frame is missing or concealed);
    MAX_DAMAGED_RUN of them in a row end with VideoError."""
    import av

    cc = stream.codec_context
    cc.skip_frame = "DEFAULT"  # whatever an abandoned generator on this decoder left
    skipping, damaged = False, 0
    try:
        for packet in container.demux(stream):
            if skip(packet) != skipping:
                skipping = not skipping
                cc.skip_frame = "NONREF" if skipping else "DEFAULT"
            try:
                frames = packet.decode()
            except av.error.InvalidDataError as exc:
                damaged += 1
                log.warning("%s: damaged packet at pts %s skipped (%s)", path.name, packet.pts, exc)
                if damaged >= MAX_DAMAGED_RUN:
                    raise video_error(path, f"{damaged} damaged frames in a row") from exc
                continue
            damaged = 0
            yield from frames
    finally:
        if skipping and cc.is_open:
            cc.skip_frame = "DEFAULT"
