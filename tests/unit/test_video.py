"""Frame-exact decode on every shared real video, checked against a plain full PyAV decode."""

import csv
import random
import shutil
from fractions import Fraction

import numpy as np
import pytest

from fshd_studio.core.errors import VideoError
from fshd_studio.io.video import open_video, probe, video_fingerprint
from tests.conftest import EXTERNAL, external_files

VIDEOS = external_files("video", "*.m*")
needs_videos = pytest.mark.skipif(not VIDEOS, reason=f"real videos not found at {EXTERNAL / 'video'}")
by_name = pytest.mark.parametrize("path", VIDEOS, ids=lambda p: p.name)


def manifest_facts(external, name):
    """MANIFEST.tsv notes, e.g. 'hevc 960x540 519168/19595 fps (variable frame rate), 169 frames, 6.4 s'."""
    with open(external / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh, delimiter="\t") if r["path"] == f"video/{name}")
    words = row["notes"].replace(",", "").split()
    w, h = map(int, words[1].split("x"))
    return {"codec": words[0], "width": w, "height": h, "fps": float(Fraction(words[2])),
            "vfr": "variable" in row["notes"], "frames": int(words[words.index("frames") - 1])}


@pytest.fixture(scope="module")
def reference():
    """Every displayed frame (pts, RGB) from a plain sequential PyAV decode: no seeks, no tricks."""
    import av

    cache = {}

    def get(path):
        if path not in cache:
            with av.open(str(path)) as c:
                s = c.streams.video[0]
                rot = None
                frames = []
                for f in c.decode(s):
                    rot = int(round(f.rotation or 0)) % 360 if rot is None else rot
                    frames.append((f.pts, np.ascontiguousarray(np.rot90(f.to_ndarray(format="rgb24"), rot // 90))))
            cache[path] = frames
        return cache[path]
    return get


def discarded_packets(path):
    import av

    with av.open(str(path)) as c:
        return sum(1 for p in c.demux(c.streams.video[0]) if p.size and p.is_discard)


@needs_videos
@by_name
def test_probe_matches_the_manifest(path, external, reference):
    facts = manifest_facts(external, path.name)
    info = probe(path)
    assert (info.codec, info.width, info.height, info.rotation, info.backend) == \
        (facts["codec"], facts["width"], facts["height"], 0, "pyav")
    # MANIFEST counts stored frames; frames the edit list discards (codec priming) are never displayed
    dropped = discarded_packets(path)
    assert info.frame_count + dropped == facts["frames"]
    assert info.frame_count == len(reference(path))
    pts = np.array([p for p, _ in reference(path)], dtype=float)
    uneven = pts.size > 2 and np.ptp(np.diff(pts)) > 0
    assert info.variable_frame_rate == uneven
    if dropped == 0:  # with discarded priming frames the container's average rate counts them too
        assert info.variable_frame_rate == facts["vfr"]
        assert info.fps == pytest.approx(facts["fps"], rel=0.01)
        assert info.duration_ms == pytest.approx(1000 * facts["frames"] / facts["fps"], rel=0.01)


@needs_videos
def test_edit_list_priming_explains_the_manifest_frame_rate(external):
    path = EXTERNAL / "video" / "pyfeat_no_face.mp4"
    info, facts = probe(path), manifest_facts(external, path.name)
    assert facts["vfr"] and facts["frames"] == 98  # what the container says
    assert info.frame_count == 95 and not info.variable_frame_rate and info.fps == pytest.approx(24.0)


@needs_videos
@by_name
def test_random_access_is_frame_exact(path, reference):
    frames = reference(path)
    n = len(frames)
    rnd = random.Random(7)
    probes = [0, n - 1, n // 2, 1 % n] + [rnd.randrange(n) for _ in range(10)]
    probes += sorted(probes, reverse=True) + sorted(probes)  # backwards and forwards
    with open_video(path) as r:
        assert r.info.frame_count == n
        assert np.allclose(r.timebase.pts_ms, (np.array([p for p, _ in frames]) - frames[0][0]) * 1000.0
                           * float(av_time_base(path)))
        for i in probes:
            got = r.frame(i)
            assert got.flags.c_contiguous and got.dtype == np.uint8
            assert np.array_equal(got, frames[i][1]), f"frame {i} of {path.name}"


def av_time_base(path):
    import av

    with av.open(str(path)) as c:
        return c.streams.video[0].time_base


@needs_videos
@by_name
def test_stepping_forward_and_back_across_keyframes(path, reference):
    frames = reference(path)
    n = len(frames)
    lo, hi = max(0, n // 2 - 45), min(n, n // 2 + 45)  # crosses a keyframe on the files that have several
    with open_video(path) as r:
        seeks = count_seeks(r)
        for i in range(lo, hi):
            assert np.array_equal(r.frame(i), frames[i][1]), f"step to {i} of {path.name}"
        forward_seeks = seeks[0]
        for i in range(hi - 1, lo - 1, -1):
            assert np.array_equal(r.frame(i), frames[i][1]), f"step back to {i} of {path.name}"
    keyframes_crossed = 1 + count_keyframes(path, lo, hi)
    assert forward_seeks <= keyframes_crossed  # i+1 after i decodes on, it does not seek
    assert seeks[0] - forward_seeks <= 3 * keyframes_crossed + (hi - lo) // 20  # steps back reuse a window


def count_seeks(reader):
    seeks = [0]
    real = reader._seek

    def counting(index):
        seeks[0] += 1
        real(index)
    reader._seek = counting
    return seeks


def count_keyframes(path, lo, hi):
    import av

    with av.open(str(path)) as c:
        pts = sorted((p.pts, p.is_keyframe) for p in c.demux(c.streams.video[0])
                     if p.size and not p.is_discard)
    return sum(1 for _, k in pts[lo + 1:hi] if k)


@needs_videos
@by_name
def test_frame_by_time_uses_real_timestamps(path, reference):
    frames = reference(path)
    with open_video(path) as r:
        tb = r.timebase
        for i in {0, len(frames) // 3, len(frames) - 1}:
            t = tb.time_of(i)
            nxt = tb.time_of(i + 1) if i + 1 < tb.frame_count else t + tb.frame_period_ms
            j, img = r.frame_at_ms(t + 0.4 * (nxt - t))
            assert j == i and np.array_equal(img, frames[i][1])
        assert r.frame_at_ms(-50.0)[0] == 0 and r.frame_at_ms(1e9)[0] == len(frames) - 1


@needs_videos
@by_name
def test_iter_frames_all_and_with_start_and_step(path, reference):
    frames = reference(path)
    n = len(frames)
    with open_video(path) as r:
        every = list(r.iter_frames())
        assert [i for i, _ in every] == list(range(n))
        assert all(np.array_equal(f, frames[i][1]) for i, f in every)
        start, stop, step = n // 4, n - n // 5, 3
        got = list(r.iter_frames(start=start, stop=stop, step=step))
    assert [i for i, _ in got] == list(range(start, stop, step))
    assert all(np.array_equal(f, frames[i][1]) for i, f in got)


def test_not_a_video_is_refused_with_the_file_named(tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("this is not a video\n" * 100)
    with pytest.raises(VideoError, match=r"notes\.mp4.*(copy it again|re-export)"):
        open_video(fake)
    with pytest.raises(VideoError, match="does not exist"):
        probe(tmp_path / "gone.mp4")


@needs_videos
@by_name
def test_truncated_copy_fails_clearly(path, tmp_path):
    cut = tmp_path / f"cut{path.suffix}"
    cut.write_bytes(path.read_bytes()[: int(path.stat().st_size * 0.6)])
    with pytest.raises(VideoError, match=r"cut\.m.*copy it again"):
        open_video(cut)
    head = tmp_path / f"head{path.suffix}"
    head.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(VideoError, match=r"head\.m"):
        probe(head)


@needs_videos
def test_fingerprint_follows_content_not_name(tmp_path):
    src = VIDEOS[0]
    copy = tmp_path / "renamed.bin"
    shutil.copy(src, copy)
    assert video_fingerprint(copy) == video_fingerprint(src)
    data = bytearray(copy.read_bytes())
    data[len(data) // 2 if len(data) < 2 << 20 else 10] ^= 0xFF
    copy.write_bytes(bytes(data))
    assert video_fingerprint(copy) != video_fingerprint(src)
