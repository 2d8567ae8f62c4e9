"""Video probe and frame-exact decode, by frame index and by time.

Backend: PyAV for every file. OpenCV's CAP_PROP_POS_FRAMES seek returns the wrong frame on the corpus's
HEVC variable-frame-rate .mov (4 of 5 probes). On the H.264 files, where OpenCV is exact, it is not faster:
`benchmarks/seek.py` measured sequential decode to RGB at about the same ms/frame for both, and OpenCV's
random access 2-3x slower than this reader (it decodes from the keyframe without skipping). So one
backend, one behaviour to test: `VideoInfo.backend` is always "pyav".

Frame index i is the i-th displayed frame in presentation order (frames an edit list discards are not
counted). Decoded frames are matched to indexes by their pts from the index (video_index.py), never by
counting, so B-frames, variable frame rates and seeks that land early all stay exact.
"""

from __future__ import annotations

import hashlib
import operator
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from fshd_studio.core.timebase import Timebase
from fshd_studio.io.video_index import (PtsIndex, cached_index, clear_cache, decode_packets, open_container,
                                        video_error)

CACHE_BYTES = 96 << 20  # decoded frames kept per reader (RGB size): 15 at 1080p, 32 at 640x360
NEIGHBOURS = 2  # frames before a random-access target kept, so stepping back from it is instant


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


def _info(path: Path, idx: PtsIndex, tb: Timebase) -> VideoInfo:
    w, h = idx.coded_width, idx.coded_height
    if idx.rotation in (90, 270):
        w, h = h, w
    average_fps = tb.frame_count * 1000.0 / tb.duration_ms  # as ffmpeg's avg_frame_rate; VFR: not the median
    return VideoInfo(Path(path), idx.codec, w, h, average_fps, tb.frame_count, tb.duration_ms, idx.rotation,
                     tb.is_variable, "pyav")


def probe(path: Path) -> VideoInfo:
    """Codec, display size, rates, frame count and rotation; VideoError naming the file when unreadable."""
    idx = cached_index(Path(path))
    return _info(Path(path), idx, idx.timebase())


def _to_rgb(frame: Any, rotation: int) -> np.ndarray:
    arr = frame.to_ndarray(format="rgb24")
    if rotation:
        arr = np.rot90(arr, k=rotation // 90)
    return np.ascontiguousarray(arr)


class VideoReader:
    """Frame-exact reader of one video. One per thread: not thread-safe.

    `frame(i)` keeps its decoder between calls: i+1 after i decodes one more frame, no seek. Other
    requests seek to the keyframe before the target and decode forward, skipping non-reference frames
    that are neither the target nor kept. Recent frames are kept (undecoded to RGB until asked for);
    a step back seeks once and keeps the frames before it, so the next steps back are cache hits.
    Returned arrays may be shared with that cache: copy before drawing on them.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._idx = cached_index(self.path)
        self.timebase = self._idx.timebase()
        self.info = _info(self.path, self._idx, self.timebase)
        self._keys = np.flatnonzero(self._idx.keyframe)
        self._capacity = int(np.clip(CACHE_BYTES // max(1, self.info.width * self.info.height * 3), 4, 32))
        self._cache: OrderedDict[int, Any] = OrderedDict()  # index -> RGB array or still-YUV av frame
        self._container: Any = None
        self._stream: Any = None
        self._frames: Iterator[Any] | None = None  # decoded frames after the last seek
        self._last = -1  # index of the last frame the decoder gave
        self._skip_below = 0  # packets with a smaller pts may skip decoding when nothing references them
        self._previous = -2  # the index asked for last time

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._frames = None
        if self._container is not None:
            self._container.close()
        self._container, self._stream, self._last = None, None, -1
        self._cache.clear()

    # -- random access -------------------------------------------------------------------------------
    def frame(self, index: int) -> np.ndarray:
        """RGB uint8 (H, W, 3) of frame `index` (presentation order), exactly, rotation applied."""
        index = operator.index(index)
        n = self.info.frame_count
        if not 0 <= index < n:
            raise IndexError(f"frame {index} is outside {self.path.name} (0–{n - 1})")
        stepped_back = index == self._previous - 1
        self._previous = index
        if index in self._cache:
            return self._rgb(index)
        key = self._keyframe_before(index)
        keep = max(key, index - (self._capacity - 2 if stepped_back else NEIGHBOURS))
        if self._frames is not None and key <= self._last < index:  # same GOP ahead: decode forward
            found = self._decode_until(index, keep)
            if found is not None:
                return found
        for start in dict.fromkeys((key, self._keyframe_before(key - 1), 0)):  # earlier if a seek lands late
            self._seek(start)
            found = self._decode_until(index, keep)
            if found is not None:
                return found
        raise video_error(self.path, f"frame {index} does not decode")

    def frame_at_ms(self, ms: float) -> tuple[int, np.ndarray]:
        """The frame on screen at video time `ms` (from the first frame, clamped), with its index."""
        i = self.timebase.frame_at(ms)
        return i, self.frame(i)

    def _keyframe_before(self, index: int) -> int:
        pos = int(np.searchsorted(self._keys, index, side="right")) - 1
        return int(self._keys[max(pos, 0)])

    def _index_of(self, frame: Any) -> int:
        if frame.pts is None:
            return self._last + 1
        i = int(np.searchsorted(self._idx.pts, frame.pts))
        return i if i < self.info.frame_count and self._idx.pts[i] == frame.pts else -1

    def _seek(self, index: int) -> None:
        if self._container is None:
            self._container = open_container(self.path)
            self._stream = self._container.streams.video[0]
            # frame threads: random access 1.3-2x faster in wall time on 2 busy cores, and still exact
            self._stream.thread_type = "AUTO"
        target = int(self._idx.pts[index])
        self._container.seek(target, stream=self._stream, backward=True, any_frame=False)
        self._frames = self._decoded_frames()
        self._last = -1

    def _decoded_frames(self) -> Iterator[Any]:
        """Frames after the last seek; reads `_skip_below` as each packet goes to the decoder."""
        def skip(packet: Any) -> bool:
            return packet.pts is not None and packet.pts < self._skip_below
        return decode_packets(self._container, self._stream, skip, self.path)

    def _decode_until(self, index: int, keep: int) -> np.ndarray | None:
        """Decode forward to frame `index`, keeping frames keep…index; None when the decoder went past it."""
        import av

        assert self._frames is not None
        self._skip_below = int(self._idx.pts[keep])
        try:
            for frame in self._frames:
                i = self._index_of(frame)
                if i < 0:
                    continue
                self._last = i
                if i > index:
                    return None
                if i >= keep:
                    self._remember(i, frame)
                if i == index:
                    return self._rgb(index)
        except av.error.FFmpegError as exc:
            self._frames = None
            raise video_error(self.path, f"decoding stopped near frame {index} ({exc})") from exc
        self._frames = None
        return None

    def _remember(self, index: int, frame: Any) -> None:
        self._cache[index] = frame
        self._cache.move_to_end(index)
        while len(self._cache) > self._capacity:
            self._cache.popitem(last=False)

    def _rgb(self, index: int) -> np.ndarray:
        item = self._cache[index]
        self._cache.move_to_end(index)
        if not isinstance(item, np.ndarray):
            item = _to_rgb(item, self.info.rotation)
            self._cache[index] = item
        return item

    # -- sequential ----------------------------------------------------------------------------------
    def iter_frames(self, start: int = 0, stop: int | None = None, step: int = 1,
                    only: np.ndarray | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """Frames start, start+step, … < stop with their indexes, on a separate multithreaded decoder.

        `only` (frame indexes) narrows that further to those frames. Frames between the wanted ones are not
        converted, and non-reference ones are not even decoded.
        """
        import av

        if step < 1:
            raise ValueError(f"step must be at least 1, got {step}")
        stop = self.info.frame_count if stop is None else min(stop, self.info.frame_count)
        start = max(0, start)
        if start >= stop:
            return
        wanted = np.zeros(self.info.frame_count, dtype=bool)
        wanted[start:stop:step] = True
        if only is not None:
            keep = np.zeros_like(wanted)
            idx = np.asarray(only, dtype=np.int64)
            keep[idx[(idx >= 0) & (idx < keep.size)]] = True
            wanted &= keep
        container = open_container(self.path)
        try:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            if start > 0:
                container.seek(int(self._idx.pts[self._keyframe_before(start)]), stream=stream, backward=True)
            for frame in self._sequential(container, stream, wanted):
                i = self._index_of(frame)
                if i >= stop:
                    break
                if i >= 0 and wanted[i]:
                    yield i, _to_rgb(frame, self.info.rotation)
        except av.error.FFmpegError as exc:
            raise video_error(self.path, f"decoding stopped ({exc})") from exc
        finally:
            container.close()

    def _sequential(self, container: Any, stream: Any, wanted: np.ndarray) -> Iterator[Any]:
        pts = self._idx.pts

        def skip(packet: Any) -> bool:
            if packet.pts is None:
                return False
            i = int(np.searchsorted(pts, packet.pts))
            return i < pts.size and pts[i] == packet.pts and not wanted[i]
        return decode_packets(container, stream, skip, self.path)


def open_video(path: Path) -> VideoReader:
    return VideoReader(Path(path))


def video_fingerprint(path: Path) -> str:
    """Content hash for caches: sha256 of the size and the first and last MiB (fast on long recordings).

    Independent of the file's name and mtime, so a copied or relocated video keeps its cached results.
    """
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
    """Forget cached pts indexes (tests; a rewritten file is re-indexed anyway: the key has size and mtime)."""
    clear_cache()


__all__ = ["VideoInfo", "VideoReader", "open_video", "probe", "video_fingerprint"]
