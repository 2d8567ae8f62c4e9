"""Frame-exact decode on every shared real video, checked against a full sequential decode."""

import random
import shutil

import numpy as np
import pytest

from fshd_studio.core.errors import VideoError
from fshd_studio.io.video import open_video, probe, video_fingerprint
from tests.conftest import external_files

VIDEOS = external_files("video", "*.m*")

# Displayed frames per file. pyfeat_no_face.mp4 holds 98 packets but its edit list discards the first 3
# (MANIFEST counts packets); every player shows 95.
EXPECTED = {
    "nzilbb_test-video.mp4": (5, "h264", False),
    "pyfeat_WolfgangLanger_Pexels.mp4": (472, "h264", False),
    "pyfeat_no_face.mp4": (95, "h264", False),
    "pyfeat_noface_face.mov": (169, "hevc", True),
    "pyfeat_single_face.mp4": (72, "h264", False),
}


@pytest.fixture(scope="module")
def sequential():
    cache = {}

    def get(path):
        if path not in cache:
            with open_video(path) as r:
                cache[path] = [(i, f) for i, f in r.iter_frames()]
        return cache[path]
    return get


@pytest.mark.skipif(not VIDEOS, reason="../shared/data/external/video is absent")
@pytest.mark.parametrize("path", VIDEOS, ids=lambda p: p.name)
def test_probe_matches_the_file(path):
    info = probe(path)
    count, codec, vfr = EXPECTED[path.name]
    assert info.frame_count == count
    assert info.codec == codec
    assert info.variable_frame_rate == vfr
    assert info.width > 0 and info.height > 0 and info.duration_ms > 0
    assert info.rotation in (0, 90, 180, 270)


@pytest.mark.skipif(not VIDEOS, reason="../shared/data/external/video is absent")
@pytest.mark.parametrize("path", VIDEOS, ids=lambda p: p.name)
def test_random_access_is_frame_exact(path, sequential):
    frames = sequential(path)
    n = len(frames)
    assert [i for i, _ in frames] == list(range(n))
    rnd = random.Random(7)
    probes = [0, n - 1, n // 2, 1 % n] + [rnd.randrange(n) for _ in range(10)]
    probes += sorted(probes, reverse=True)  # backwards too
    with open_video(path) as r:
        assert r.info.frame_count == n
        for i in probes:
            assert np.array_equal(r.frame(i), frames[i][1]), f"frame {i} of {path.name}"
        for i in range(min(n, 12)):  # stepping forward, then back by one
            assert np.array_equal(r.frame(i), frames[i][1])
        for i in range(min(n, 12) - 1, -1, -1):
            assert np.array_equal(r.frame(i), frames[i][1])


@pytest.mark.skipif(not VIDEOS, reason="../shared/data/external/video is absent")
@pytest.mark.parametrize("path", VIDEOS, ids=lambda p: p.name)
def test_frame_by_time_uses_real_timestamps(path, sequential):
    frames = sequential(path)
    with open_video(path) as r:
        tb = r.timebase
        for i in {0, len(frames) // 3, len(frames) - 1}:
            t = tb.time_of(i)
            j, img = r.frame_at_ms(t + 0.4 * (tb.time_of(i + 1) - t if i + 1 < tb.frame_count else 1))
            assert j == i and np.array_equal(img, frames[i][1])


@pytest.mark.skipif(not VIDEOS, reason="../shared/data/external/video is absent")
def test_iter_frames_with_start_and_step(sequential):
    path = next(p for p in VIDEOS if p.name == "pyfeat_noface_face.mov")
    frames = sequential(path)
    with open_video(path) as r:
        got = list(r.iter_frames(start=37, stop=101, step=2))
    assert [i for i, _ in got] == list(range(37, 101, 2))
    assert all(np.array_equal(f, frames[i][1]) for i, f in got)


def test_not_a_video_is_refused_with_the_file_named(tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("this is not a video\n" * 100)
    with pytest.raises(VideoError, match="notes.mp4"):
        open_video(fake)
    with pytest.raises(VideoError, match="does not exist"):
        probe(tmp_path / "gone.mp4")


@pytest.mark.skipif(not VIDEOS, reason="../shared/data/external/video is absent")
def test_truncated_video_fails_clearly_or_decodes_what_is_there(tmp_path):
    src = next(p for p in VIDEOS if p.name == "pyfeat_single_face.mp4")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(src.read_bytes()[:2000])  # header only: moov atom is at the end of this file or cut
    with pytest.raises(VideoError, match="cut.mp4"):
        open_video(cut).frame(0)


@pytest.mark.skipif(not VIDEOS, reason="../shared/data/external/video is absent")
def test_fingerprint_follows_content_not_name(tmp_path):
    src = VIDEOS[0]
    copy = tmp_path / "renamed.bin"
    shutil.copy(src, copy)
    assert video_fingerprint(copy) == video_fingerprint(src)
    data = bytearray(copy.read_bytes())
    data[len(data) // 2 if len(data) < 2 << 20 else 10] ^= 0xFF
    copy.write_bytes(bytes(data))
    assert video_fingerprint(copy) != video_fingerprint(src)


def test_rotation_metadata_is_applied(tmp_path):
    av = pytest.importorskip("av")
    path = tmp_path / "rot.mp4"
    with av.open(str(path), "w") as out:
        st = out.add_stream("libx264", rate=10)
        st.width, st.height, st.pix_fmt = 64, 32, "yuv420p"
        st.set_display_rotation(90)  # display matrix side data, as phones write it
        for k in range(3):
            img = np.zeros((32, 64, 3), np.uint8)
            img[:, :16] = 255  # white band on the left of the coded picture
            for pkt in st.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(pkt)
        for pkt in st.encode():
            out.mux(pkt)
    info = probe(path)
    assert info.rotation == 90  # counter-clockwise, as the display matrix says
    with open_video(path) as r:
        f = r.frame(0)
    assert f.shape[:2] == (info.height, info.width) == (64, 32)
    # turned 90° counter-clockwise, the coded picture's white left edge is now the bottom
    rows = f.mean(axis=(1, 2))
    assert rows[-16:].mean() > 200 and rows[:16].mean() < 60
