"""Video reader behaviour on small files made here: rotation metadata, re-indexing, threads, bad input."""

import threading

import numpy as np
import pytest

from fshd_studio.core.errors import VideoError
from fshd_studio.io import video_index
from fshd_studio.io.video import open_video, probe
from fshd_studio.io.video_write import write_video


def numbered_frames(n, h=32, w=48):
    """Frame k is a flat grey of level 8*k: decoded frames identify themselves despite compression."""
    for k in range(n):
        yield np.full((h, w, 3), 8 * k, np.uint8)


def level(rgb):
    return int(round(float(rgb.mean()) / 8))


# where the white band on the left of the coded picture ends up after turning counter-clockwise
BAND_AFTER = {90: "bottom", 180: "right", 270: "top", -90: "top"}


@pytest.mark.parametrize("angle", sorted(BAND_AFTER))
def test_rotation_metadata_is_applied(tmp_path, angle):
    import av
    path = tmp_path / "rot.mp4"
    with av.open(str(path), "w") as out:
        st = out.add_stream("libx264", rate=10)
        st.width, st.height, st.pix_fmt = 64, 32, "yuv420p"
        st.set_display_rotation(angle)  # display matrix side data, as phones write it
        for k in range(3):
            img = np.zeros((32, 64, 3), np.uint8)
            img[:, :16] = 255
            for pkt in st.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(pkt)
        for pkt in st.encode():
            out.mux(pkt)
    info = probe(path)
    assert info.rotation == angle % 360  # counter-clockwise, as the display matrix says
    with open_video(path) as r:
        f = r.frame(2)
        seq = list(r.iter_frames())
    assert [i for i, _ in seq] == [0, 1, 2] and np.array_equal(seq[2][1], f)
    size = (32, 64) if angle % 180 == 0 else (64, 32)
    assert f.shape[:2] == (info.height, info.width) == size
    assert f.flags.c_contiguous
    edge = {"bottom": f[-16:], "top": f[:16], "right": f[:, -16:], "left": f[:, :16]}
    bright = max(edge, key=lambda k: edge[k].mean())
    assert bright == BAND_AFTER[angle] and edge[bright].mean() > 200


def test_a_rewritten_file_is_indexed_again(tmp_path):
    path = tmp_path / "cam.mp4"
    write_video(path, numbered_frames(12), fps=10)
    assert probe(path).frame_count == 12
    write_video(path, numbered_frames(20), fps=10)  # same name, new content (size and mtime change)
    assert probe(path).frame_count == 20
    with open_video(path) as r:
        assert [level(r.frame(i)) for i in (19, 0, 10)] == [19, 0, 10]


def test_threads_asking_for_one_index_build_it_once(tmp_path, monkeypatch):
    path = tmp_path / "cam.mp4"
    write_video(path, numbered_frames(30), fps=10)
    built = []
    real = video_index.build_index

    def slow_build(p):
        built.append(p)
        threading.Event().wait(0.2)  # hold the build so the other threads arrive while it runs
        return real(p)
    monkeypatch.setattr(video_index, "build_index", slow_build)
    results = []
    threads = [threading.Thread(target=lambda: results.append(probe(path))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1 and len(results) == 4
    assert {r.frame_count for r in results} == {30}


def test_frame_index_checks(tmp_path):
    path = tmp_path / "cam.mp4"
    write_video(path, numbered_frames(10), fps=10)
    with open_video(path) as r:
        assert level(r.frame(np.int64(9))) == 9  # numpy integers are indexes too
        with pytest.raises(IndexError, match="cam.mp4"):
            r.frame(10)
        with pytest.raises(IndexError):
            r.frame(-1)
        with pytest.raises(ValueError, match="step"):
            list(r.iter_frames(step=0))
        assert list(r.iter_frames(start=8, stop=100)) and [i for i, _ in r.iter_frames(8, 100)] == [8, 9]
        assert list(r.iter_frames(start=5, stop=5)) == []
    r.close()  # closing twice is harmless


def test_iter_frames_only_the_listed_frames(tmp_path):
    path = tmp_path / "cam.mp4"
    write_video(path, numbered_frames(30), fps=10)
    with open_video(path) as r:
        got = [(i, level(rgb)) for i, rgb in r.iter_frames(2, 28, 1, only=np.array([0, 3, 4, 17, 27, 29, 99]))]
        assert got == [(3, 3), (4, 4), (17, 17), (27, 27)]  # inside start..stop, in order, each the right frame
        assert [i for i, _ in r.iter_frames(0, 30, 2, only=np.array([3, 4, 6]))] == [4, 6]  # step still applies


def test_audio_only_file_is_refused(tmp_path):
    import av
    path = tmp_path / "voice.m4a"
    with av.open(str(path), "w") as out:
        st = out.add_stream("aac", rate=16000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 16000
        for pkt in st.encode(frame):
            out.mux(pkt)
        for pkt in st.encode():
            out.mux(pkt)
    with pytest.raises(VideoError, match="voice.m4a.*no video stream"):
        probe(path)


def damage_packets(path, which):
    """Overwrite the NAL length prefix of the chosen packets (by decode order) with garbage."""
    import av

    with av.open(str(path)) as c:
        spots = [(p.pos, p.pts) for p in c.demux(c.streams.video[0]) if p.size]
    data = bytearray(path.read_bytes())
    for k in which(len(spots)):
        pos = spots[k][0]
        data[pos:pos + 4] = b"\xff\xff\xff\xff"
    path.write_bytes(bytes(data))


def test_a_damaged_frame_is_passed_over_not_fatal(tmp_path):
    path = tmp_path / "cam.mp4"
    write_video(path, numbered_frames(40), fps=10)
    damage_packets(path, lambda n: [n // 2])
    with open_video(path) as r:
        got = dict(r.iter_frames())
        assert len(got) >= 35  # its frame is concealed or missing, the rest decodes
        assert level(got[0]) == 0 and level(r.frame(0)) == 0


def test_a_file_of_damaged_frames_fails_clearly(tmp_path):
    path = tmp_path / "cam.mp4"
    write_video(path, numbered_frames(60), fps=10)
    damage_packets(path, lambda n: range(1, n))
    with pytest.raises(VideoError, match=r"cam\.mp4.*damaged"):
        with open_video(path) as r:
            list(r.iter_frames())


def test_clinic_file_names_with_accents_and_spaces(tmp_path):
    path = tmp_path / "Patiënt Müller – front.mp4"
    write_video(path, numbered_frames(8), fps=25)
    info = probe(path)
    assert info.frame_count == 8 and info.fps == pytest.approx(25.0)
    with open_video(path) as r:
        assert level(r.frame(7)) == 7
