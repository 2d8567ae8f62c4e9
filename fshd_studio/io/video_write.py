"""Write RGB frames to an H.264 .mp4 (PyAV), atomically: the target appears only when complete."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Iterable

import numpy as np

from fshd_studio.io.atomic import atomic_path


def write_video(path: Path, frames: Iterable[np.ndarray], fps: float, *, crf: int = 23,
                preset: str = "veryfast") -> int:
    """Encode RGB uint8 frames (all the same even size); returns the number of frames written."""
    import av

    count = 0
    with atomic_path(Path(path)) as tmp:
        with av.open(str(tmp), "w", format="mp4") as out:
            stream = None
            for rgb in frames:
                if stream is None:
                    h, w = rgb.shape[:2]
                    if h % 2 or w % 2:
                        raise ValueError(f"frame size {w}x{h} must be even for yuv420p")
                    stream = out.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
                    stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
                    stream.options = {"crf": str(crf), "preset": preset}
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
                for packet in stream.encode(frame):
                    out.mux(packet)
                count += 1
            if stream is not None:
                for packet in stream.encode():
                    out.mux(packet)
    return count
